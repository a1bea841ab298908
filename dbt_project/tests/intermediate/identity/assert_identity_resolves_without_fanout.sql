-- Rule: identity resolution never explodes rows. Each customer has exactly one
-- social-status row; each HubSpot contact belongs to exactly one customer; each
-- (source, source identity) resolves to at most one customer and is either
-- linked or unresolved, never both nor neither; a customer is social exactly
-- when it has a social_since. Returns the violations (none expected).
with

customers as (
    select * from {{ ref('int_identity__customers') }}
),

social_status as (
    select * from {{ ref('int_identity__social_status') }}
),

links as (
    select * from {{ ref('int_identity__links') }}
),

unresolved as (
    select * from {{ ref('int_identity__unresolved') }}
),

candidates as (
    select * from {{ ref('int_identity__candidates') }}
),

status_rows_per_customer as (
    select
        'customer without exactly one social-status row' as violation,
        customers.customer_id as subject,
    from customers
    left join social_status on social_status.customer_id = customers.customer_id
    group by customers.customer_id
    having count(social_status.customer_id) <> 1
),

status_without_customer as (
    select
        'social-status row without customer' as violation,
        social_status.customer_id as subject,
    from social_status
    anti join customers on customers.customer_id = social_status.customer_id
),

contacts_per_customer as (
    select
        'contact in more than one customer' as violation,
        contact_id as subject,
    from (select unnest(contact_ids) as contact_id from customers) as contacts
    group by contact_id
    having count(*) > 1
),

customers_per_identity as (
    select
        'source identity linked to more than one customer' as violation,
        source || ':' || source_identity as subject,
    from links
    group by source, source_identity
    having count(distinct customer_id) > 1 or count(*) > 1
),

identities as (
    select distinct source || ':' || source_identity as link_id
    from candidates
),

identity_accounting as (
    select
        'identity not exactly once in links or unresolved' as violation,
        identities.link_id as subject,
    from identities
    left join links on links.link_id = identities.link_id
    left join unresolved on unresolved.link_id = identities.link_id
    where (links.link_id is null) = (unresolved.link_id is null)
),

social_flag_consistency as (
    select
        'is_social_customer disagrees with social_since' as violation,
        customer_id as subject,
    from social_status
    where is_social_customer <> (social_since_utc is not null)
),

final as (
    select * from status_rows_per_customer
    union all
    select * from status_without_customer
    union all
    select * from contacts_per_customer
    union all
    select * from customers_per_identity
    union all
    select * from identity_accounting
    union all
    select * from social_flag_consistency
)

select * from final
