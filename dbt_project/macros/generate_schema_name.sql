{#- Models land in exactly the schema their folder names (staging, marts, ...),
    not dbt's default "<target>_<custom>", so analysts query marts.x directly. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ custom_schema_name if custom_schema_name else target.schema }}
{%- endmacro %}
