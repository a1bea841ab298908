{#- Response and service metrics per channel x agent x local day (R2-R7). Each measure is
    counted on the day of its own event: inbound conversations (R4) on the day they opened,
    first and next responses (R2, R3, R7) on the day of the reply, resolutions (R5) on the
    day solved; an agent-day exists when any of these happened. -#}
with

conversations as (

    select
        *,
        -- Unassigned tickets form their own "agent" so every conversation is counted.
        coalesce(agent_id, 'unassigned') as agent_key,
        coalesce(agent, 'unassigned') as agent_name,
    from {{ ref('fct_conversations') }}

),

response_waits as (

    select
        *,
        coalesce(agent_id, 'unassigned') as agent_key,
    from {{ ref('fct_response_waits') }}

),

inbound as (

    select
        channel,
        agent_key,
        created_date as activity_date,
        count(*) as inbound_conversations,
        count(*) filter (where is_answered) as answered_conversations,
    from conversations
    group by all

),

first_responses as (

    select
        channel,
        agent_key,
        first_reply_date as activity_date,
        count(*) as first_replied_conversations,
        avg(first_response_seconds) as avg_first_response_seconds,
        quantile_cont(first_response_seconds, 0.5) as median_first_response_seconds,
        quantile_cont(first_response_seconds, 0.9) as p90_first_response_seconds,
        max(first_response_seconds) as max_first_response_seconds,
        avg(first_response_business_seconds) as avg_first_response_business_seconds,
        quantile_cont(first_response_business_seconds, 0.5) as median_first_response_business_seconds,
        count(*) filter (where is_negative_first_message) as negative_first_replied_conversations,
        avg(first_response_seconds) filter (where is_negative_first_message) as avg_negative_first_response_seconds,
        quantile_cont(first_response_seconds, 0.5) filter (where is_negative_first_message) as median_negative_first_response_seconds,
    from conversations
    where is_answered
    group by all

),

-- Next responses are counted on the day of the reply, as first responses are.
next_responses as (

    select
        channel,
        agent_key,
        replied_date as activity_date,
        count(*) as next_responses,
        avg(response_seconds) as avg_next_response_seconds,
    from response_waits
    where response_kind = 'next' and response_seconds is not null
    group by all

),

resolutions as (

    select
        channel,
        agent_key,
        solved_date as activity_date,
        count(*) as solved_conversations,
        avg(resolution_seconds) as avg_resolution_seconds,
    from conversations
    where is_resolved
    group by all

),

-- R6: a conversation is handled on a day when its agent first replied to it or solved it then.
handled as (

    select channel, agent_key, activity_date, count(distinct conversation_id) as conversations_handled
    from (
        select channel, agent_key, first_reply_date as activity_date, conversation_id
        from conversations
        where is_answered
        union all
        select channel, agent_key, solved_date, conversation_id
        from conversations
        where is_resolved
    ) as agent_events
    group by all

),

agent_days as (

    select channel, agent_key, activity_date from inbound
    union
    select channel, agent_key, activity_date from first_responses
    union
    select channel, agent_key, activity_date from next_responses
    union
    select channel, agent_key, activity_date from resolutions

),

agent_names as (

    select channel, agent_key, arg_max(agent_name, created_at_utc) as agent
    from conversations
    group by all

),

final as (

    select
        agent_days.activity_date,
        agent_days.channel,
        agent_days.agent_key as agent_id,
        agent_names.agent,
        coalesce(inbound.inbound_conversations, 0) as inbound_conversations,
        coalesce(inbound.answered_conversations, 0) as answered_conversations,
        {{ safe_ratio('coalesce(inbound.answered_conversations, 0)', 'coalesce(inbound.inbound_conversations, 0)') }} as response_rate,
        coalesce(first_responses.first_replied_conversations, 0) as first_replied_conversations,
        first_responses.avg_first_response_seconds,
        first_responses.median_first_response_seconds,
        first_responses.p90_first_response_seconds,
        first_responses.max_first_response_seconds,
        first_responses.avg_first_response_business_seconds,
        first_responses.median_first_response_business_seconds,
        coalesce(first_responses.negative_first_replied_conversations, 0) as negative_first_replied_conversations,
        first_responses.avg_negative_first_response_seconds,
        first_responses.median_negative_first_response_seconds,
        coalesce(next_responses.next_responses, 0) as next_responses,
        next_responses.avg_next_response_seconds,
        coalesce(resolutions.solved_conversations, 0) as solved_conversations,
        resolutions.avg_resolution_seconds,
        coalesce(handled.conversations_handled, 0) as conversations_handled,
    from agent_days
    left join agent_names
        on agent_names.channel = agent_days.channel and agent_names.agent_key = agent_days.agent_key
    left join inbound
        on inbound.channel = agent_days.channel and inbound.agent_key = agent_days.agent_key
        and inbound.activity_date = agent_days.activity_date
    left join first_responses
        on first_responses.channel = agent_days.channel and first_responses.agent_key = agent_days.agent_key
        and first_responses.activity_date = agent_days.activity_date
    left join next_responses
        on next_responses.channel = agent_days.channel and next_responses.agent_key = agent_days.agent_key
        and next_responses.activity_date = agent_days.activity_date
    left join resolutions
        on resolutions.channel = agent_days.channel and resolutions.agent_key = agent_days.agent_key
        and resolutions.activity_date = agent_days.activity_date
    left join handled
        on handled.channel = agent_days.channel and handled.agent_key = agent_days.agent_key
        and handled.activity_date = agent_days.activity_date

)

select * from final
