{#- One row per customer: whether and since when the customer is social (METRICS.md
    X: social from the first interaction with the brand on a social platform — a
    comment, mention, DM, reply, or a support conversation via a social channel —
    matched to a customer through int_identity__links).  The brand's own replies are
    not interactions.  Ties on time go to the lower interaction id. -#}
with

customers as (

    select * from {{ ref('int_identity__customers') }}

),

links as (

    select * from {{ ref('int_identity__links') }}

),

instagram_comments as (

    select * from {{ ref('stg_instagram__comments') }}

),

facebook_comments as (

    select * from {{ ref('stg_facebook__comments') }}

),

x_mentions as (

    select * from {{ ref('stg_x__mentions') }}

),

zendesk_tickets as (

    select * from {{ ref('stg_zendesk__tickets') }}

),

interactions as (

    select
        'instagram' as platform,
        case when is_reply then 'reply' else 'comment' end as interaction_kind,
        comment_id as interaction_id,
        commented_at_utc as interacted_at_utc,
        'instagram_user' as source,
        {{ normalize_handle('username') }} as source_identity,
    from instagram_comments
    where not is_brand_reply

    union all

    select
        'facebook',
        case when is_reply then 'reply' else 'comment' end,
        comment_id,
        commented_at_utc,
        'facebook_user',
        author_id,
    from facebook_comments
    where not is_brand_reply

    union all

    select
        'x',
        case when is_reply then 'reply' else 'mention' end,
        tweet_id,
        created_at_utc,
        'x_user',
        author_id,
    from x_mentions

    union all

    select
        social_platform,
        case
            when channel = 'instagram_dm' or via_source_rel in ('direct_message', 'message') then 'dm'
            else 'social_ticket'
        end,
        ticket_id,
        created_at_utc,
        'zendesk_user',
        requester_id,
    from zendesk_tickets
    where is_social_channel

),

customer_interactions as (

    select
        links.customer_id,
        interactions.*,
    from interactions
    inner join links
        on links.source = interactions.source
        and links.source_identity = interactions.source_identity
    where interactions.interacted_at_utc is not null

),

first_interactions as (

    select
        customer_id,
        count(*) as social_interaction_count,
        min(interacted_at_utc) as social_since_utc,
        arg_min(interaction_kind, (interacted_at_utc, interaction_id)) as first_social_interaction_kind,
        arg_min(interaction_id, (interacted_at_utc, interaction_id)) as first_social_interaction_id,
        arg_min(platform, (interacted_at_utc, interaction_id)) as first_social_platform,
    from customer_interactions
    group by customer_id

),

final as (

    select
        customers.customer_id,
        first_interactions.customer_id is not null as is_social_customer,
        first_interactions.social_since_utc,
        {{ to_local('first_interactions.social_since_utc') }} as social_since_local,
        first_interactions.first_social_interaction_kind,
        first_interactions.first_social_interaction_id,
        first_interactions.first_social_platform,
        coalesce(first_interactions.social_interaction_count, 0) as social_interaction_count,
    from customers
    left join first_interactions on first_interactions.customer_id = customers.customer_id

)

select * from final
