{#- Helpers for the file source's staging models (exports dropped in PANTAU_IMPORT_DIR).
    Every value of an export record is text as written; these type it. -#}

{#- A column of the export record as text: `files_text('order_id')`. -#}
{% macro files_text(column) -%}
    {{ json_text('record', '$.' ~ column) }}
{%- endmacro %}

{#- A timestamp column as UTC (naive TIMESTAMP). Text ending in `Z` or an offset is that
    instant; text without one is wall-clock time in the zone the import recorded in the
    row's context (PANTAU_IMPORT_TIMEZONE at import time), so a later change of the
    setting does not move rows already imported. -#}
{% macro files_utc(column) -%}
    case
        when regexp_matches({{ files_text(column) }}, '(Z|[+-][0-9]{2}:[0-9]{2})$')
            then timezone('UTC', cast({{ files_text(column) }} as timestamptz))
        else timezone('UTC', timezone(
            json_extract_string(context, '$.timezone'), cast({{ files_text(column) }} as timestamp)
        ))
    end
{%- endmacro %}

{#- A boolean column (`true` / `false`), `default` when absent. -#}
{% macro files_boolean(column, default) -%}
    coalesce({{ files_text(column) }} = 'true', {{ default }})
{%- endmacro %}

{#- The file and line each row was read from, as the import recorded them. -#}
{% macro files_origin() -%}
    json_extract_string(context, '$.file') as source_file,
        cast(json_extract(context, '$.line') as integer) as source_line
{%- endmacro %}
