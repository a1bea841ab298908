{#- One row per source identity that belongs to a customer, with the customer
    and why.  A customer is a component of the identity graph
    (int_identity__components) holding at least one person identity (see
    int_identity__source_identities: a Mailchimp member alone is audience).

    A component without any email (a HubSpot contact created without one, with
    whatever names it) joins the emailed component whose contacts have the same
    first and last name and the same normalised X or Instagram handle, when
    exactly one component does; otherwise it is a customer of its own.  Names
    and handles are weak evidence: they never merge two components that both
    have an email.

    customer_id: the id of the customer's primary HubSpot contact (earliest
    created, then lowest id), so the CRM's key, planted truths and earlier runs
    keep working; a customer no contact knows is keyed by the link_id of its
    earliest person identity ('stripe_customer:cus_...'; ties by source_rank,
    then id).  An emailless component that joins another takes that one's id.
    Both are stable run to run: an identity created later never becomes the
    earliest.

    match_rule: crm_id for HubSpot contacts (their id is the CRM's); otherwise
    the best-ranked strong key the identity shares with another identity, or
    own_id when it shares none (the customer was made from it alone). -#}
with

identities as (

    select * from {{ ref('int_identity__source_identities') }}

),

components as (

    select * from {{ ref('int_identity__components') }}

),

nodes as (

    select
        identities.*,
        components.component_id,
        components.linked_by,
        components.linked_by_evidence,
    from identities
    inner join components on components.link_id = identities.link_id

),

component_summary as (

    select
        component_id,
        bool_or(is_person) as has_person,
        bool_or(email_normalized is not null) as has_email,
        arg_min(source_identity, (created_at_utc, source_identity))
            filter (where source = 'hubspot_contact') as primary_contact_id,
        arg_min(link_id, (created_at_utc, source_rank, source_identity))
            filter (where is_person) as earliest_person_link_id,
    from nodes
    group by component_id

),

contact_names as (

    select
        nodes.component_id,
        lower(nodes.first_name) as first_name_key,
        lower(nodes.last_name) as last_name_key,
        nodes.x_handle_normalized,
        nodes.instagram_handle_normalized,
        component_summary.has_email,
    from nodes
    inner join component_summary on component_summary.component_id = nodes.component_id
    where nodes.source = 'hubspot_contact'

),

-- An emailless component joins an emailed one by name + handle, only when unique.
emailless_candidates as (

    select distinct
        emailless.component_id,
        emailed.component_id as target_component_id,
    from contact_names as emailless
    inner join contact_names as emailed
        on emailed.first_name_key = emailless.first_name_key
        and emailed.last_name_key = emailless.last_name_key
        and (
            emailed.x_handle_normalized = emailless.x_handle_normalized
            or emailed.instagram_handle_normalized = emailless.instagram_handle_normalized
        )
    where not emailless.has_email and emailed.has_email

),

emailless_attached as (

    select
        component_id,
        min(target_component_id) as target_component_id,
    from emailless_candidates
    group by component_id
    having count(*) = 1

),

customer_components as (

    select
        component_summary.component_id,
        coalesce(emailless_attached.target_component_id, component_summary.component_id) as customer_component_id,
    from component_summary
    left join emailless_attached on emailless_attached.component_id = component_summary.component_id

),

customer_keys as (

    select
        component_id as customer_component_id,
        coalesce(primary_contact_id, earliest_person_link_id) as customer_id,
    from component_summary
    where has_person

),

final as (

    select
        nodes.link_id,
        nodes.source,
        nodes.source_identity,
        customer_keys.customer_id,
        case
            when nodes.source = 'hubspot_contact' then 'crm_id'
            else coalesce(nodes.linked_by, 'own_id')
        end as match_rule,
        case
            when nodes.source = 'hubspot_contact' then nodes.source_identity
            else coalesce(nodes.linked_by_evidence, nodes.source_identity)
        end as match_evidence,
        nodes.is_person,
        nodes.source_rank,
        nodes.email_normalized,
        nodes.app_user_id,
        nodes.first_name,
        nodes.last_name,
        nodes.country,
        nodes.x_handle_normalized,
        nodes.instagram_handle_normalized,
        nodes.lifecycle_stage,
        nodes.created_at_utc,
    from nodes
    inner join customer_components on customer_components.component_id = nodes.component_id
    inner join customer_keys on customer_keys.customer_component_id = customer_components.customer_component_id

)

select * from final
