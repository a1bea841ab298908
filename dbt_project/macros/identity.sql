{#- Normal forms identity matching joins on (int_identity__* models). -#}

{#- An email as matched: trimmed, lower-cased, empty as NULL. -#}
{% macro normalize_email(expr) -%}
    nullif(lower(trim({{ expr }})), '')
{%- endmacro %}

{#- A social handle as matched: spaces removed, leading '@'s stripped,
    lower-cased, empty as NULL ('@Budi.Santoso ' -> 'budi.santoso'). -#}
{% macro normalize_handle(expr) -%}
    nullif(lower(ltrim(replace(trim({{ expr }}), ' ', ''), '@')), '')
{%- endmacro %}

{#- The claims a social user's handle makes on customers, in int_identity__candidates
    (it reads that model's contact_keys, end_users and social_ticket_senders CTEs):
    platform_id, when a social-channel ticket from that handle was opened by a
    contact's email; handle, when a contact's CRM handle field is that handle;
    handle, when a Zendesk user holding that handle has a contact's email.
    `users` is a CTE with a normalised `username` and the `identity` column. -#}
{% macro social_handle_claims(source, users, identity, platform, contact_handle, end_user_handle) -%}
    select
        '{{ source }}' as source,
        {{ users }}.{{ identity }} as source_identity,
        contact_keys.customer_id,
        'platform_id' as match_rule,
        {{ users }}.username as match_evidence,
    from {{ users }}
    inner join social_ticket_senders
        on social_ticket_senders.social_platform = '{{ platform }}'
        and social_ticket_senders.social_username = {{ users }}.username
    inner join contact_keys on contact_keys.email_normalized = social_ticket_senders.requester_email

    union all

    select
        '{{ source }}',
        {{ users }}.{{ identity }},
        contact_keys.customer_id,
        'handle',
        {{ users }}.username,
    from {{ users }}
    inner join contact_keys on contact_keys.{{ contact_handle }} = {{ users }}.username

    union all

    select
        '{{ source }}',
        {{ users }}.{{ identity }},
        contact_keys.customer_id,
        'handle',
        {{ users }}.username,
    from {{ users }}
    inner join end_users on end_users.{{ end_user_handle }} = {{ users }}.username
    inner join contact_keys on contact_keys.email_normalized = end_users.email_normalized
{%- endmacro %}

{#- Join condition from a message (int_messages' columns) to the identity link of its
    author: a message read from <source> is written by the identity '<source>_user',
    keyed by the normalised handle on Instagram (how its commenters are identified) and
    by the platform or Zendesk user id elsewhere. -#}
{% macro message_author_link(messages, links) -%}
    {{ links }}.source = case when {{ messages }}.source = 'zendesk' then 'zendesk_user' else {{ messages }}.source || '_user' end
    and {{ links }}.source_identity = case
        when {{ messages }}.source = 'instagram' then {{ normalize_handle(messages ~ '.author_handle') }}
        else {{ messages }}.author_id
    end
{%- endmacro %}
