-- Rule: the identity graph's label propagation ran enough rounds
-- (var identity_graph_rounds): identities sharing a strong key (email, HubSpot
-- contact id, app user id; placeholders held by more than
-- var identity_key_max_identities identities excepted) are in one component, and
-- every identity of a component with a person belongs to a customer. Returns
-- the violations (none expected).
with

identities as (
    select * from {{ ref('int_identity__source_identities') }}
),

components as (
    select * from {{ ref('int_identity__components') }}
),

members as (
    select * from {{ ref('int_identity__members') }}
),

keys as (
    select link_id, 'crm_id' as key_kind, crm_contact_id as key_value from identities where crm_contact_id is not null
    union all
    select link_id, 'app_user_id', app_user_id from identities where app_user_id is not null
    union all
    select link_id, 'email', email_normalized from identities where email_normalized is not null
),

split_keys as (
    select
        'strong key in more than one component' as violation,
        keys.key_kind || ':' || keys.key_value as subject,
    from keys
    inner join components on components.link_id = keys.link_id
    group by keys.key_kind, keys.key_value
    having count(distinct components.component_id) > 1
        and count(*) <= {{ var('identity_key_max_identities') }}
),

person_components as (
    select distinct components.component_id
    from components
    inner join identities on identities.link_id = components.link_id
    where identities.is_person
),

missing_members as (
    select
        'identity of a person component without customer' as violation,
        components.link_id as subject,
    from components
    inner join person_components on person_components.component_id = components.component_id
    anti join members on members.link_id = components.link_id
),

final as (
    select * from split_keys
    union all
    select * from missing_members
)

select * from final
