-- Rule: S2's label counts add up to the scored messages, and S3's complaints are the sum of
-- complaint messages and complaint tickets, with resolved complaints never above complaints.
select *
from {{ ref('sentiment_daily') }}
where positive_messages + neutral_messages + negative_messages <> scored_messages
    or complaint_messages + complaint_tickets <> complaints
    or resolved_complaint_tickets > complaint_tickets
