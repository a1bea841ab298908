{#- One row per customer-service conversation: a Zendesk ticket or an exported one (a help
    desk's tickets and ticket_comments exports in PANTAU_IMPORT_DIR), or a social thread (a
    customer's top-level comment on the brand's Instagram or Facebook post with the replies
    under it, a customer's tweets in one X conversation with the brand's replies, or an
    exported direct-message conversation - see int_service__conversation_messages). The inputs of R1-R7: the first customer message,
    the first public reply by the brand, the resolution, business-hours durations against
    the business_hours seed, and the next responses (int_service__response_waits). -#}
with

tickets as (

    select * from {{ ref('stg_zendesk__tickets') }}

),

ticket_metrics as (

    select * from {{ ref('stg_zendesk__ticket_metrics') }}

),

ticket_comments as (

    select * from {{ ref('stg_zendesk__ticket_comments') }}
    where is_public

),

zendesk_users as (

    select * from {{ ref('stg_zendesk__users') }}

),

exported_tickets as (

    select * from {{ ref('stg_files__tickets') }}

),

exported_comments as (

    select * from {{ ref('stg_files__ticket_comments') }}
    where is_public

),

messages as (

    select * from {{ ref('int_messages') }}
    where about_account_kind = 'own'

),

conversation_messages as (

    select * from {{ ref('int_service__conversation_messages') }}

),

response_waits as (

    select * from {{ ref('int_service__response_waits') }}

),

links as (

    select * from {{ ref('int_identity__links') }}

),

business_hours as (

    select * from {{ ref('business_hours') }}

),

-- Tickets ---------------------------------------------------------------------------

-- Public ticket comments of Zendesk and of exports, with who wrote them (an exported
-- comment says its author's role; every public comment of a ticket is exported).
ticket_comment_roles as (

    select
        'zendesk' as source,
        ticket_comments.ticket_id,
        ticket_comments.ticket_comment_id,
        ticket_comments.author_id,
        ticket_comments.created_at_utc,
        -- An author Zendesk no longer lists is taken for the customer (agents are never deleted).
        coalesce(zendesk_users.is_agent, false) as is_agent,
    from ticket_comments
    left join zendesk_users on zendesk_users.user_id = ticket_comments.author_id

    union all

    select 'files', ticket_id, ticket_comment_id, author_id, created_at_utc, is_agent
    from exported_comments

),

ticket_first_customer_messages as (

    select
        source,
        ticket_id,
        min(created_at_utc) as first_customer_message_at_utc,
        arg_min(ticket_comment_id, (created_at_utc, ticket_comment_id)) as first_customer_comment_id,
    from ticket_comment_roles
    where not is_agent
    group by source, ticket_id

),

-- The first public agent comment at or after the customer's first message: an agent's
-- comment before it (an outbound ticket's opening) is not a reply.
ticket_first_replies as (

    select
        roles.source,
        roles.ticket_id,
        min(roles.created_at_utc) as first_brand_reply_at_utc,
        arg_min(roles.author_id, (roles.created_at_utc, roles.ticket_comment_id)) as agent_id,
    from ticket_comment_roles as roles
    inner join ticket_first_customer_messages as firsts
        on firsts.source = roles.source
        and firsts.ticket_id = roles.ticket_id
    where roles.is_agent and roles.created_at_utc >= firsts.first_customer_message_at_utc
    group by roles.source, roles.ticket_id

),

tickets_with_comments as (

    select distinct ticket_id from ticket_comments

),

ticket_incidents as (

    select
        problem_id as ticket_id,
        list(ticket_id order by created_at_utc, ticket_id) as linked_incident_ids,
    from tickets
    where problem_id is not null
    group by problem_id

),

ticket_conversations as (

    select
        'zendesk:ticket:' || tickets.ticket_id as conversation_id,
        'ticket' as conversation_type,
        'zendesk' as source,
        tickets.ticket_id as source_conversation_id,
        tickets.channel_group as channel,
        tickets.social_platform as platform,
        tickets.channel as source_channel,
        'zendesk_user' as customer_identity_source,
        tickets.requester_id as customer_source_identity,
        tickets.assignee_id as agent_id,
        agents.user_name as agent,
        tickets.created_at_utc,
        coalesce(firsts.first_customer_message_at_utc, tickets.created_at_utc) as first_customer_message_at_utc,
        'zendesk:comment:' || firsts.first_customer_comment_id as first_customer_message_id,
        -- Comments are exported for social-channel tickets only; for the others the first
        -- reply is Zendesk's own reply time (creation to first public agent comment).
        case
            when commented.ticket_id is not null then replies.first_brand_reply_at_utc
            else tickets.created_at_utc + to_seconds(ticket_metrics.reply_time_calendar_seconds)
        end as first_brand_reply_at_utc,
        case
            when commented.ticket_id is not null then 'ticket_comments'
            else 'ticket_metrics'
        end as first_reply_source,
        case when tickets.status in ('solved', 'closed') then ticket_metrics.solved_at_utc end as solved_at_utc,
        tickets.status as ticket_status,
        tickets.ticket_type,
        tickets.priority as ticket_priority,
        tickets.problem_id as problem_ticket_id,
        incidents.linked_incident_ids,
        coalesce(tickets.ticket_type in ('problem', 'incident'), false) as is_complaint_ticket_type,
    from tickets
    left join ticket_metrics on ticket_metrics.ticket_id = tickets.ticket_id
    left join zendesk_users as agents on agents.user_id = tickets.assignee_id
    left join tickets_with_comments as commented on commented.ticket_id = tickets.ticket_id
    left join ticket_first_customer_messages as firsts
        on firsts.source = 'zendesk'
        and firsts.ticket_id = tickets.ticket_id
    left join ticket_first_replies as replies
        on replies.source = 'zendesk'
        and replies.ticket_id = tickets.ticket_id
    left join ticket_incidents as incidents on incidents.ticket_id = tickets.ticket_id
    where tickets.status <> 'deleted'

),

exported_ticket_conversations as (

    select
        'files:ticket:' || tickets.ticket_id as conversation_id,
        'ticket' as conversation_type,
        'files' as source,
        tickets.ticket_id as source_conversation_id,
        tickets.channel_group as channel,
        tickets.social_platform as platform,
        tickets.channel_group as source_channel,
        'files_customer' as customer_identity_source,
        coalesce(tickets.requester_id, {{ normalize_email('tickets.from_email') }}) as customer_source_identity,
        -- An export names no assignee: the agent who answered first.
        replies.agent_id,
        replies.agent_id as agent,
        tickets.created_at_utc,
        coalesce(firsts.first_customer_message_at_utc, tickets.created_at_utc) as first_customer_message_at_utc,
        'files:comment:' || firsts.first_customer_comment_id as first_customer_message_id,
        replies.first_brand_reply_at_utc,
        -- Social tickets' comments are messages (int_messages), so their next responses are
        -- measured too; the other tickets' comments give the first reply only.
        case when tickets.is_social_channel then 'ticket_comments' else 'ticket_export' end as first_reply_source,
        case when tickets.status in ('solved', 'closed') then tickets.solved_at_utc end as solved_at_utc,
        tickets.status as ticket_status,
        cast(null as varchar) as ticket_type,
        tickets.priority as ticket_priority,
        cast(null as varchar) as problem_ticket_id,
        cast(null as varchar[]) as linked_incident_ids,
        false as is_complaint_ticket_type,
    from exported_tickets as tickets
    left join ticket_first_customer_messages as firsts
        on firsts.source = 'files'
        and firsts.ticket_id = tickets.ticket_id
    left join ticket_first_replies as replies
        on replies.source = 'files'
        and replies.ticket_id = tickets.ticket_id

),

-- Social threads --------------------------------------------------------------------

thread_messages as (

    select
        conversation_messages.conversation_id,
        conversation_messages.author_role,
        messages.*,
    from conversation_messages
    inner join messages on messages.message_id = conversation_messages.message_id
    where split_part(conversation_messages.conversation_id, ':', 2) <> 'ticket'

),

thread_starts as (

    select
        conversation_id,
        arg_min(message_id, (created_at_utc, message_id)) as first_customer_message_id,
    from thread_messages
    where author_role = 'customer'
    group by conversation_id

),

-- The brand's first reply, ignoring any stamped before the customer's first message; on X
-- it may come from another of the brand's accounts than the one written to.
thread_first_replies as (

    select
        replies.conversation_id,
        min(replies.created_at_utc) as first_brand_reply_at_utc,
        arg_min(replies.about_account_id, (replies.created_at_utc, replies.message_id)) as reply_account_id,
        arg_min(replies.about_account_username, (replies.created_at_utc, replies.message_id)) as reply_account_username,
    from thread_messages as replies
    inner join thread_starts on thread_starts.conversation_id = replies.conversation_id
    inner join messages as firsts on firsts.message_id = thread_starts.first_customer_message_id
    where replies.author_role = 'brand' and replies.created_at_utc >= firsts.created_at_utc
    group by replies.conversation_id

),

thread_conversations as (

    select
        thread_starts.conversation_id,
        case
            when firsts.message_kind = 'direct_message' then 'direct_message_thread'
            when firsts.platform = 'x' then 'mention_thread'
            else 'comment_thread'
        end as conversation_type,
        firsts.source,
        -- X and direct messages: the conversation's id; Instagram / Facebook: the top-level comment.
        case
            when firsts.platform = 'x' or firsts.message_kind = 'direct_message' then coalesce(firsts.thread_id, firsts.source_message_id)
            else firsts.source_message_id
        end as source_conversation_id,
        'social' as channel,
        firsts.platform,
        firsts.message_kind as source_channel,
        -- The identity int_identity__links keys each platform's users by.
        firsts.platform || '_user' as customer_identity_source,
        case
            when firsts.platform = 'instagram' then {{ normalize_handle('firsts.author_handle') }}
            else firsts.author_id
        end as customer_source_identity,
        -- The brand account that answered is the "agent" of a social thread; until one does,
        -- the account written to.
        coalesce(replies.reply_account_id, firsts.about_account_id) as agent_id,
        case
            when replies.reply_account_id is not null then replies.reply_account_username
            else firsts.about_account_username
        end as agent,
        firsts.created_at_utc,
        firsts.created_at_utc as first_customer_message_at_utc,
        firsts.message_id as first_customer_message_id,
        replies.first_brand_reply_at_utc,
        'thread_replies' as first_reply_source,
        -- Platforms have no resolution state.
        cast(null as timestamp) as solved_at_utc,
        cast(null as varchar) as ticket_status,
        cast(null as varchar) as ticket_type,
        cast(null as varchar) as ticket_priority,
        cast(null as varchar) as problem_ticket_id,
        cast(null as varchar[]) as linked_incident_ids,
        false as is_complaint_ticket_type,
    from thread_starts
    inner join messages as firsts on firsts.message_id = thread_starts.first_customer_message_id
    left join thread_first_replies as replies on replies.conversation_id = thread_starts.conversation_id

),

-- Next responses: the waits after the first (int_service__response_waits) that the brand answered.
next_responses as (

    select
        conversation_id,
        count(*) as next_response_count,
        avg(response_seconds) as mean_next_response_seconds,
        max(response_seconds) as max_next_response_seconds,
    from response_waits
    where response_kind = 'next' and response_seconds is not null
    group by conversation_id

),

conversations as (

    select * from ticket_conversations
    union all by name
    select * from exported_ticket_conversations
    union all by name
    select * from thread_conversations

),

-- Business seconds: each interval is cut into the local days it touches, each day meets
-- its opening windows (converted to UTC in the schedule's own zone, so nights, weekends
-- and multi-day spans count only staffed time), and the overlaps are summed.
intervals as (

    select conversation_id, 'first_response' as measure, first_customer_message_at_utc as start_utc, first_brand_reply_at_utc as end_utc
    from conversations
    where first_brand_reply_at_utc >= first_customer_message_at_utc

    union all

    select conversation_id, 'resolution', created_at_utc, solved_at_utc
    from conversations
    where solved_at_utc >= created_at_utc

),

schedule_zones as (

    select distinct time_zone from business_hours

),

interval_days as (

    select
        intervals.*,
        schedule_zones.time_zone,
        cast(unnest(generate_series(
            cast(timezone(schedule_zones.time_zone, timezone('UTC', intervals.start_utc)) as date),
            cast(timezone(schedule_zones.time_zone, timezone('UTC', intervals.end_utc)) as date),
            interval 1 day
        )) as date) as local_day,
    from intervals
    cross join schedule_zones

),

interval_windows as (

    select
        interval_days.conversation_id,
        interval_days.measure,
        interval_days.start_utc,
        interval_days.end_utc,
        timezone('UTC', timezone(business_hours.time_zone, interval_days.local_day + business_hours.open_time)) as open_utc,
        timezone('UTC', timezone(business_hours.time_zone, interval_days.local_day + business_hours.close_time)) as close_utc,
    from interval_days
    inner join business_hours
        on business_hours.time_zone = interval_days.time_zone
        and business_hours.iso_weekday = isodow(interval_days.local_day)

),

business_seconds as (

    select
        conversation_id,
        sum(case when measure = 'first_response' then overlap_seconds end) as first_response_business_seconds,
        sum(case when measure = 'resolution' then overlap_seconds end) as resolution_business_seconds,
    from (
        select
            conversation_id,
            measure,
            greatest(0, date_sub('second', greatest(start_utc, open_utc), least(end_utc, close_utc))) as overlap_seconds,
        from interval_windows
    ) as window_overlaps
    group by conversation_id

),

final as (

    select
        conversations.conversation_id,
        conversations.conversation_type,
        conversations.source,
        conversations.source_conversation_id,
        conversations.channel,
        conversations.platform,
        conversations.source_channel,
        links.customer_id,
        conversations.customer_identity_source,
        conversations.customer_source_identity,
        conversations.agent_id,
        conversations.agent,
        conversations.created_at_utc,
        {{ to_local('conversations.created_at_utc') }} as created_at_local,
        conversations.first_customer_message_at_utc,
        conversations.first_customer_message_id,
        conversations.first_brand_reply_at_utc,
        {{ to_local('conversations.first_brand_reply_at_utc') }} as first_brand_reply_at_local,
        conversations.first_reply_source,
        -- R1: a reply stamped before the customer's message is no reply.
        case
            when conversations.first_brand_reply_at_utc >= conversations.first_customer_message_at_utc
                then date_sub('second', conversations.first_customer_message_at_utc, conversations.first_brand_reply_at_utc)
        end as first_response_seconds,
        case
            when conversations.first_brand_reply_at_utc >= conversations.first_customer_message_at_utc
                then coalesce(business_seconds.first_response_business_seconds, 0)
        end as first_response_business_seconds,
        conversations.solved_at_utc,
        {{ to_local('conversations.solved_at_utc') }} as solved_at_local,
        case
            when conversations.solved_at_utc >= conversations.created_at_utc
                then date_sub('second', conversations.created_at_utc, conversations.solved_at_utc)
        end as resolution_seconds,
        case
            when conversations.solved_at_utc >= conversations.created_at_utc
                then coalesce(business_seconds.resolution_business_seconds, 0)
        end as resolution_business_seconds,
        conversations.ticket_status,
        conversations.ticket_type,
        conversations.ticket_priority,
        conversations.problem_ticket_id,
        conversations.linked_incident_ids,
        conversations.is_complaint_ticket_type,
        -- Measured where the conversation's messages are loaded: not for tickets whose
        -- comments are not messages, whose only reply time is the first one.
        case
            when conversations.first_reply_source in ('ticket_comments', 'thread_replies')
                then coalesce(next_responses.next_response_count, 0)
        end as next_response_count,
        next_responses.mean_next_response_seconds,
        next_responses.max_next_response_seconds,
    from conversations
    left join next_responses on next_responses.conversation_id = conversations.conversation_id
    left join links
        on links.source = conversations.customer_identity_source
        and links.source_identity = conversations.customer_source_identity
    left join business_seconds on business_seconds.conversation_id = conversations.conversation_id

)

select * from final
