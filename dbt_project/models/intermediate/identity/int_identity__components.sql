{#- The identity graph's connected components: one row per source identity
    (int_identity__source_identities) with the component it belongs to.  Two
    identities are joined when they share a strong key, whatever their sources:
    a normalised email, a HubSpot contact id (the contact's own, or a Stripe
    customer's metadata.hubspot_contact_id) or an app user id (a contact's,
    Stripe metadata.app_user_id, Mixpanel $user_id).  Strong keys are transitive:
    contacts sharing an email are one person, as is everything any of them is
    joined to.  A key value held by more than var('identity_key_max_identities')
    identities is a placeholder ('test@test.com'), not a person, and joins none.

    Components are found by label propagation: every identity starts with its
    own link_id as label and, each round, takes the smallest label among the
    identities it shares a key with; var('identity_graph_rounds') rounds reach
    identities that many key hops apart (a singular test checks the labels
    converged).  linked_by is the best-ranked key the identity shares with
    another one (crm_id, app_user_id, email; NULL when it shares none). -#}
{%- set rounds = var('identity_graph_rounds') %}
with

identities as (

    select * from {{ ref('int_identity__source_identities') }}

),

all_keys as (

    select link_id, 'crm_id' as key_kind, crm_contact_id as key_value from identities where crm_contact_id is not null
    union all
    select link_id, 'app_user_id', app_user_id from identities where app_user_id is not null
    union all
    select link_id, 'email', email_normalized from identities where email_normalized is not null

),

keys as (

    select
        link_id,
        key_kind,
        key_value,
        count(*) over (partition by key_kind, key_value) as identity_count,
    from all_keys
    qualify count(*) over (partition by key_kind, key_value) <= {{ var('identity_key_max_identities') }}

),

labels_0 as (

    select
        link_id,
        link_id as component_id,
    from identities

),

{% for round in range(1, rounds + 1) %}
key_labels_{{ round }} as (

    select
        keys.key_kind,
        keys.key_value,
        min(labels_{{ round - 1 }}.component_id) as component_id,
    from keys
    inner join labels_{{ round - 1 }} on labels_{{ round - 1 }}.link_id = keys.link_id
    group by keys.key_kind, keys.key_value

),

labels_{{ round }} as (

    select
        labels_{{ round - 1 }}.link_id,
        least(labels_{{ round - 1 }}.component_id, min(key_labels_{{ round }}.component_id)) as component_id,
    from labels_{{ round - 1 }}
    left join keys on keys.link_id = labels_{{ round - 1 }}.link_id
    left join key_labels_{{ round }}
        on key_labels_{{ round }}.key_kind = keys.key_kind
        and key_labels_{{ round }}.key_value = keys.key_value
    group by labels_{{ round - 1 }}.link_id, labels_{{ round - 1 }}.component_id

),

{% endfor %}
shared_keys as (

    select
        link_id,
        arg_min(key_kind, ({{ identity_rule_rank('key_kind') }}, key_value)) as linked_by,
        arg_min(key_value, ({{ identity_rule_rank('key_kind') }}, key_value)) as linked_by_evidence,
    from keys
    where identity_count > 1
    group by link_id

),

final as (

    select
        identities.link_id,
        identities.source,
        identities.source_identity,
        labels_{{ rounds }}.component_id,
        shared_keys.linked_by,
        shared_keys.linked_by_evidence,
    from identities
    inner join labels_{{ rounds }} on labels_{{ rounds }}.link_id = identities.link_id
    left join shared_keys on shared_keys.link_id = identities.link_id

)

select * from final
