{#- Every way a source identity could belong to a customer: one row per
    (source, source_identity, customer_id, match_rule) with the normalised value
    that matched, and one row with no customer (NULL match_rule) for an identity
    that no rule matches.  A candidate is a claim, not a link: int_identity__links keeps,
    for each source identity, the claims of its best rule and links it only when
    they name exactly one customer.

    Identities of the graph (int_identity__members) claim their own customer, by
    the strong key that joined them (own_id, crm_id, app_user_id, email; see
    int_identity__components).  Identities outside the graph - social authors and
    Zendesk end-users without email - claim customers on weaker evidence:
      2 platform_id  a platform attests the identity belongs to a customer: a
                     Zendesk social-channel ticket's sender (via.source.from
                     username / facebook_id) whose requester is that customer's
      5 handle       the normalised handle equals a customer's X or Instagram
                     handle (a contact's CRM field or a Zendesk user's field)
    A Mailchimp member whose email no customer has is audience: unmatched. -#}
with

members as (

    select * from {{ ref('int_identity__members') }}

),

source_identities as (

    select * from {{ ref('int_identity__source_identities') }}

),

hubspot_contacts as (

    select * from {{ ref('stg_hubspot__contacts') }}

),

zendesk_users as (

    select * from {{ ref('stg_zendesk__users') }}

),

zendesk_tickets as (

    select * from {{ ref('stg_zendesk__tickets') }}

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

-- Customers' messages in a brand's exports: their authors are platform users like the API's.
exported_social_authors as (

    select platform, author_id, author_handle
    from {{ ref('stg_files__social_messages') }}
    where not is_brand

),

-- Zendesk end-users known by their social handles only (no email): matched like social authors.
handle_only_end_users as (

    select
        cast(user_id as varchar) as user_id,
        {{ normalize_handle('instagram_username') }} as instagram_username,
        {{ normalize_handle('twitter_username') }} as twitter_username,
    from zendesk_users
    where not is_agent and {{ normalize_email('email') }} is null

),

-- Zendesk social tickets: who sent them on the platform, and the requester's customer (if any).
social_ticket_senders as (

    select
        zendesk_tickets.social_platform,
        {{ normalize_handle('zendesk_tickets.social_username') }} as social_username,
        nullif(trim(zendesk_tickets.social_facebook_id), '') as social_facebook_id,
        members.customer_id as requester_customer_id,
    from zendesk_tickets
    left join members
        on members.source = 'zendesk_user'
        and members.source_identity = cast(zendesk_tickets.requester_id as varchar)
    where zendesk_tickets.is_social_channel

),

member_claims as (

    select
        source,
        source_identity,
        customer_id,
        match_rule,
        match_evidence,
    from members

),

end_user_claims as (

    select
        'zendesk_user' as source,
        handle_only_end_users.user_id as source_identity,
        members.customer_id,
        'handle' as match_rule,
        members.instagram_handle_normalized as match_evidence,
    from handle_only_end_users
    inner join members on members.instagram_handle_normalized = handle_only_end_users.instagram_username

    union all

    select
        'zendesk_user',
        handle_only_end_users.user_id,
        members.customer_id,
        'handle',
        members.x_handle_normalized,
    from handle_only_end_users
    inner join members on members.x_handle_normalized = handle_only_end_users.twitter_username

),

-- Instagram users are identified by their username (comments give no stable id in every row).
instagram_users as (

    select distinct {{ normalize_handle('username') }} as username
    from instagram_comments
    where not is_brand_reply and username is not null

    union

    select distinct social_username
    from social_ticket_senders
    where social_platform = 'instagram' and social_username is not null

    union

    select distinct {{ normalize_handle('author_handle') }}
    from exported_social_authors
    where platform = 'instagram' and author_handle is not null

),

instagram_claims as (

    {{ social_handle_claims('instagram_user', 'instagram_users', 'username', 'instagram', 'instagram_handle_normalized') }}

),

-- X users are identified by their user id; the username is what matches.
x_users as (

    select distinct
        author_id as user_id,
        {{ normalize_handle('author_username') }} as username,
    from x_mentions
    where author_id is not null

    union

    select distinct
        author_id,
        {{ normalize_handle('author_handle') }},
    from exported_social_authors
    where platform = 'x' and author_id is not null
        and author_id not in (select author_id from x_mentions where author_id is not null)

),

x_claims as (

    {{ social_handle_claims('x_user', 'x_users', 'user_id', 'x', 'x_handle_normalized') }}

),

-- Facebook users are identified by their app-scoped id; only a social ticket ties one to a person.
facebook_users as (

    select distinct author_id as user_id
    from facebook_comments
    where not is_brand_reply and author_id is not null

    union

    select distinct social_facebook_id
    from social_ticket_senders
    where social_platform = 'facebook' and social_facebook_id is not null

    union

    select distinct author_id
    from exported_social_authors
    where platform = 'facebook' and author_id is not null

),

facebook_claims as (

    select
        'facebook_user' as source,
        facebook_users.user_id as source_identity,
        social_ticket_senders.requester_customer_id as customer_id,
        'platform_id' as match_rule,
        facebook_users.user_id as match_evidence,
    from facebook_users
    inner join social_ticket_senders
        on social_ticket_senders.social_platform = 'facebook'
        and social_ticket_senders.social_facebook_id = facebook_users.user_id
    where social_ticket_senders.requester_customer_id is not null

),

claims as (

    select * from member_claims
    union all
    select * from end_user_claims
    union all
    select * from instagram_claims
    union all
    select * from x_claims
    union all
    select * from facebook_claims

),

-- Every identity each source holds, matched or not (archived contacts included, unmatched).
identities as (

    select source, source_identity from source_identities
    union
    select 'hubspot_contact', contact_id from hubspot_contacts
    union
    select 'zendesk_user', user_id from handle_only_end_users
    union
    select 'instagram_user', username from instagram_users
    union
    select 'x_user', user_id from x_users
    union
    select 'facebook_user', user_id from facebook_users

),

final as (

    select distinct
        identities.source,
        cast(identities.source_identity as varchar) as source_identity,
        claims.customer_id,
        claims.match_rule,
        {{ identity_rule_rank('claims.match_rule') }} as rule_rank,
        claims.match_evidence,
    from identities
    left join claims
        on claims.source = identities.source
        and cast(claims.source_identity as varchar) = cast(identities.source_identity as varchar)

)

select * from final
