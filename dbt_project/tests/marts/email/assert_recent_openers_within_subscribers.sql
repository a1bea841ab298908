-- Rule: the recent openers are subscribers - 0 <= opened in 7 days <= opened in 30 days <= subscribed.
select *
from {{ ref('email_engagement_daily') }}
where subscribers_opened_last_7_days < 0
    or subscribers_opened_last_7_days > subscribers_opened_last_30_days
    or subscribers_opened_last_30_days > subscribed_members
