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

{#- Precedence of an identity match rule, lower wins (int_identity__candidates):
    own_id 0, crm_id 1, platform_id 2, app_user_id 3, email 4, handle 5. -#}
{% macro identity_rule_rank(rule) -%}
    case {{ rule }}
        when 'own_id' then 0
        when 'crm_id' then 1
        when 'platform_id' then 2
        when 'app_user_id' then 3
        when 'email' then 4
        when 'handle' then 5
    end
{%- endmacro %}

{#- A full name's first word, and the rest, as first and last name (a source with
    one name field: 'Budi  Santoso Putra' -> 'Budi', 'Santoso Putra'); empty as NULL. -#}
{% macro first_name_of(expr) -%}
    nullif(split_part(trim({{ expr }}), ' ', 1), '')
{%- endmacro %}

{% macro last_name_of(expr) -%}
    nullif(trim(substr(trim({{ expr }}), length(split_part(trim({{ expr }}), ' ', 1)) + 1)), '')
{%- endmacro %}

{#- The claims a social user's handle makes on customers, in int_identity__candidates
    (it reads that model's members and social_ticket_senders CTEs): platform_id, when
    a social-channel ticket from that handle was opened by a customer's Zendesk user;
    handle, when one of a customer's identities (a contact's CRM field, a Zendesk
    user's field) holds that handle in `member_handle`.  `users` is a CTE with a
    normalised `username` and the `identity` column. -#}
{% macro social_handle_claims(source, users, identity, platform, member_handle) -%}
    select
        '{{ source }}' as source,
        {{ users }}.{{ identity }} as source_identity,
        social_ticket_senders.requester_customer_id as customer_id,
        'platform_id' as match_rule,
        {{ users }}.username as match_evidence,
    from {{ users }}
    inner join social_ticket_senders
        on social_ticket_senders.social_platform = '{{ platform }}'
        and social_ticket_senders.social_username = {{ users }}.username
    where social_ticket_senders.requester_customer_id is not null

    union all

    select
        '{{ source }}',
        {{ users }}.{{ identity }},
        members.customer_id,
        'handle',
        {{ users }}.username,
    from {{ users }}
    inner join members on members.{{ member_handle }} = {{ users }}.username
{%- endmacro %}

{#- Join condition from a message (int_messages' columns) to the identity link of its
    author: a Zendesk ticket comment is written by a 'zendesk_user', an exported ticket's
    comment by the export's customer ('files_customer'), and a social message, read from
    the API or an export, by the platform's user '<platform>_user', keyed by the
    normalised handle on Instagram (how its commenters are identified) and by the user id
    elsewhere. -#}
{% macro message_author_link(messages, links) -%}
    {{ links }}.source = case
        when {{ messages }}.source = 'zendesk' then 'zendesk_user'
        when {{ messages }}.message_kind in ('customer_ticket_comment', 'agent_ticket_comment') then 'files_customer'
        else {{ messages }}.platform || '_user'
    end
    and {{ links }}.source_identity = case
        when {{ messages }}.message_kind in ('customer_ticket_comment', 'agent_ticket_comment') then {{ messages }}.author_id
        when {{ messages }}.platform = 'instagram' then {{ normalize_handle(messages ~ '.author_handle') }}
        else {{ messages }}.author_id
    end
{%- endmacro %}
