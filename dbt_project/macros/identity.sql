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
