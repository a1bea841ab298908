{#- The platform interaction sets of METRICS.md E7, over the social post contract's
    columns (int_social__posts). `platform` is a literal: 'instagram', 'facebook' or 'x'.
    A component the platform does not report is NULL, so the sum is NULL too. -#}
{% macro social_interactions(platform) -%}
    {%- if platform == 'instagram' -%}
    (likes + comments + saves + shares)
    {%- elif platform == 'facebook' -%}
    (reactions + comments + shares)
    {%- elif platform == 'x' -%}
    (likes + replies + reposts + quotes)
    {%- else -%}
    {{ exceptions.raise_compiler_error("social_interactions: unknown platform " ~ platform) }}
    {%- endif -%}
{%- endmacro %}

{#- The part of a platform's interaction set anyone can see on any account (what
    competitor accounts show): Instagram's business_discovery gives likes and
    comments only; Facebook and X show the whole set publicly. -#}
{% macro social_public_interactions(platform) -%}
    {%- if platform == 'instagram' -%}
    (likes + comments)
    {%- else -%}
    {{ social_interactions(platform) }}
    {%- endif -%}
{%- endmacro %}

{#- Both interaction sets for rows of any platform, chosen by the row's `platform_column`
    (for models whose rows mix platforms, such as exported posts). -#}
{% macro social_interaction_columns(platform_column='platform') -%}
    case {{ platform_column }}
            {%- for platform in ['instagram', 'facebook', 'x'] %}
            when '{{ platform }}' then {{ social_interactions(platform) }}
            {%- endfor %}
        end as interactions,
        case {{ platform_column }}
            {%- for platform in ['instagram', 'facebook', 'x'] %}
            when '{{ platform }}' then {{ social_public_interactions(platform) }}
            {%- endfor %}
        end as public_interactions
{%- endmacro %}
