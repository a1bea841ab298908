{#- Every way a source identity could belong to a customer: one row per
    (source, source_identity, customer_id, match_rule) with the normalised value
    that matched, and one row with no customer (NULL match_rule) for an identity
    that no rule matches.  A candidate is a claim, not a link: int_identity__links keeps,
    for each source identity, the claims of its best rule and links it only when
    they name exactly one customer.

    Rule ranks (lower wins):
      1 crm_id       the source carries the HubSpot contact id (HubSpot itself,
                     Stripe metadata.hubspot_contact_id)
      2 platform_id  a platform attests the identity belongs to a known person: a
                     Zendesk social-channel ticket's sender (via.source.from
                     username / facebook_id) whose requester's email is a contact's
      3 app_user_id  the product user id (Mixpanel $user_id, Stripe
                     metadata.app_user_id) equals a contact's app_user_id
      4 email        normalised email equals a contact's normalised email
      5 handle       normalised handle equals a contact's normalised handle, or a
                     Zendesk user's handle field whose email is a contact's -#}
with

customers as (

    select * from {{ ref('int_identity__customers') }}

),

hubspot_contacts as (

    select * from {{ ref('stg_hubspot__contacts') }}

),

stripe_customers as (

    select * from {{ ref('stg_stripe__customers') }}

),

zendesk_users as (

    select * from {{ ref('stg_zendesk__users') }}

),

zendesk_tickets as (

    select * from {{ ref('stg_zendesk__tickets') }}

),

mixpanel_events as (

    select * from {{ ref('stg_mixpanel__events') }}

),

mailchimp_members as (

    select * from {{ ref('stg_mailchimp__members') }}

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

-- Each contact's matching keys with the customer it belongs to.
contact_keys as (

    select
        contact_map.customer_id,
        hubspot_contacts.contact_id,
        {{ normalize_email('hubspot_contacts.email') }} as email_normalized,
        {{ normalize_handle('hubspot_contacts.x_handle') }} as x_handle_normalized,
        {{ normalize_handle('hubspot_contacts.instagram_handle') }} as instagram_handle_normalized,
        nullif(trim(hubspot_contacts.app_user_id), '') as app_user_id,
    from (
        select
            customers.customer_id,
            unnest(customers.contact_ids) as contact_id,
        from customers
    ) as contact_map
    inner join hubspot_contacts on hubspot_contacts.contact_id = contact_map.contact_id

),

end_users as (

    select
        zendesk_users.user_id,
        {{ normalize_email('zendesk_users.email') }} as email_normalized,
        {{ normalize_handle('zendesk_users.instagram_username') }} as instagram_username,
        {{ normalize_handle('zendesk_users.twitter_username') }} as twitter_username,
    from zendesk_users
    where not zendesk_users.is_agent

),

-- Zendesk social tickets: who sent them on the platform, and the requester's email.
social_ticket_senders as (

    select
        zendesk_tickets.social_platform,
        {{ normalize_handle('zendesk_tickets.social_username') }} as social_username,
        nullif(trim(zendesk_tickets.social_facebook_id), '') as social_facebook_id,
        end_users.email_normalized as requester_email,
    from zendesk_tickets
    inner join end_users on end_users.user_id = zendesk_tickets.requester_id
    where zendesk_tickets.is_social_channel

),

hubspot_claims as (

    select
        'hubspot_contact' as source,
        contact_id as source_identity,
        customer_id,
        'crm_id' as match_rule,
        contact_id as match_evidence,
    from contact_keys

),

stripe_claims as (

    select
        'stripe_customer' as source,
        stripe_customers.customer_id as source_identity,
        contact_keys.customer_id,
        'crm_id' as match_rule,
        contact_keys.contact_id as match_evidence,
    from stripe_customers
    inner join contact_keys on contact_keys.contact_id = trim(stripe_customers.hubspot_contact_id)

    union all

    select
        'stripe_customer',
        stripe_customers.customer_id,
        contact_keys.customer_id,
        'app_user_id',
        contact_keys.app_user_id,
    from stripe_customers
    inner join contact_keys on contact_keys.app_user_id = trim(stripe_customers.app_user_id)

    union all

    select
        'stripe_customer',
        stripe_customers.customer_id,
        contact_keys.customer_id,
        'email',
        contact_keys.email_normalized,
    from stripe_customers
    inner join contact_keys on contact_keys.email_normalized = {{ normalize_email('stripe_customers.email') }}

),

zendesk_claims as (

    select
        'zendesk_user' as source,
        end_users.user_id as source_identity,
        contact_keys.customer_id,
        'email' as match_rule,
        contact_keys.email_normalized as match_evidence,
    from end_users
    inner join contact_keys on contact_keys.email_normalized = end_users.email_normalized

    union all

    select
        'zendesk_user',
        end_users.user_id,
        contact_keys.customer_id,
        'handle',
        contact_keys.instagram_handle_normalized,
    from end_users
    inner join contact_keys on contact_keys.instagram_handle_normalized = end_users.instagram_username

    union all

    select
        'zendesk_user',
        end_users.user_id,
        contact_keys.customer_id,
        'handle',
        contact_keys.x_handle_normalized,
    from end_users
    inner join contact_keys on contact_keys.x_handle_normalized = end_users.twitter_username

),

mixpanel_claims as (

    select distinct
        'mixpanel_user' as source,
        mixpanel_events.user_id as source_identity,
        contact_keys.customer_id,
        'app_user_id' as match_rule,
        contact_keys.app_user_id as match_evidence,
    from mixpanel_events
    inner join contact_keys on contact_keys.app_user_id = trim(mixpanel_events.user_id)
    where mixpanel_events.user_id is not null

),

mailchimp_claims as (

    select distinct
        'mailchimp_member' as source,
        mailchimp_members.member_id as source_identity,
        contact_keys.customer_id,
        'email' as match_rule,
        contact_keys.email_normalized as match_evidence,
    from mailchimp_members
    inner join contact_keys on contact_keys.email_normalized = {{ normalize_email('mailchimp_members.email_address') }}

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

),

instagram_claims as (

    {{ social_handle_claims('instagram_user', 'instagram_users', 'username', 'instagram', 'instagram_handle_normalized', 'instagram_username') }}

),

-- X users are identified by their user id; the username is what matches.
x_users as (

    select distinct
        author_id as user_id,
        {{ normalize_handle('author_username') }} as username,
    from x_mentions
    where author_id is not null

),

x_claims as (

    {{ social_handle_claims('x_user', 'x_users', 'user_id', 'x', 'x_handle_normalized', 'twitter_username') }}

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

),

facebook_claims as (

    select
        'facebook_user' as source,
        facebook_users.user_id as source_identity,
        contact_keys.customer_id,
        'platform_id' as match_rule,
        facebook_users.user_id as match_evidence,
    from facebook_users
    inner join social_ticket_senders
        on social_ticket_senders.social_platform = 'facebook'
        and social_ticket_senders.social_facebook_id = facebook_users.user_id
    inner join contact_keys on contact_keys.email_normalized = social_ticket_senders.requester_email

),

claims as (

    select * from hubspot_claims
    union all
    select * from stripe_claims
    union all
    select * from zendesk_claims
    union all
    select * from mixpanel_claims
    union all
    select * from mailchimp_claims
    union all
    select * from instagram_claims
    union all
    select * from x_claims
    union all
    select * from facebook_claims

),

-- Every identity each source holds, matched or not.
identities as (

    select 'hubspot_contact' as source, contact_id as source_identity from hubspot_contacts
    union
    select 'stripe_customer', customer_id from stripe_customers
    union
    select 'zendesk_user', user_id from end_users
    union
    select 'mixpanel_user', user_id from mixpanel_events where user_id is not null
    union
    select 'mailchimp_member', member_id from mailchimp_members
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
        case claims.match_rule
            when 'crm_id' then 1
            when 'platform_id' then 2
            when 'app_user_id' then 3
            when 'email' then 4
            when 'handle' then 5
        end as rule_rank,
        claims.match_evidence,
    from identities
    left join claims
        on claims.source = identities.source
        and cast(claims.source_identity as varchar) = cast(identities.source_identity as varchar)

)

select * from final
