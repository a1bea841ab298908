-- Rule: every conversation is counted once as inbound (R4 denominator), every answered one
-- once as first-replied (R2 base) and every solved one once as solved (R5 base), so the
-- mart's totals equal the conversations'.
with

mart as (

    select
        sum(inbound_conversations) as inbound,
        sum(answered_conversations) as answered,
        sum(first_replied_conversations) as first_replied,
        sum(solved_conversations) as solved,
    from {{ ref('response_agent_daily') }}

),

conversations as (

    select
        count(*) as inbound,
        count(*) filter (where is_answered) as answered,
        count(*) filter (where is_resolved) as solved,
    from {{ ref('response_conversations') }}

)

select mart.*, conversations.*
from mart
cross join conversations
where mart.inbound <> conversations.inbound
    or mart.answered <> conversations.answered
    or mart.first_replied <> conversations.answered
    or mart.solved <> conversations.solved
