{#- Helpers every staging model uses to read the raw landing tables. -#}

{#- The latest version of each record: raw is append-only, so a record fetched
    again (a lookback refresh, a late update) appears once per batch. An incremental
    model passes `since_batch_of=this` to read only the batches it has not seen
    (batch ids only grow), and replaces those keys' rows (delete+insert on the key). -#}
{% macro latest_raw_records(relation, since_batch_of=none) -%}
    select
        record,
        context,
        record_key,
        batch_id,
        extracted_at
    from {{ relation }}
    {%- if since_batch_of is not none and is_incremental() %}
    where batch_id > (select coalesce(max(batch_id), 0) from {{ since_batch_of }})
    {%- endif %}
    qualify row_number() over (
        partition by record_key
        order by batch_id desc, page_number desc, record_index desc
    ) = 1
{%- endmacro %}

{#- A JSON text field of the record: `json_text('record', '$.caption')`. -#}
{% macro json_text(column, path) -%}
    json_extract_string({{ column }}, '{{ path }}')
{%- endmacro %}

{#- A timestamp in UTC (naive TIMESTAMP) from ISO-8601 text with any offset. -#}
{% macro utc_from_iso(expr) -%}
    timezone('UTC', cast({{ expr }} as timestamptz))
{%- endmacro %}

{#- A timestamp in UTC (naive TIMESTAMP) from epoch seconds. -#}
{% macro utc_from_epoch(expr) -%}
    timezone('UTC', to_timestamp(cast({{ expr }} as bigint)))
{%- endmacro %}

{#- A UTC timestamp expressed in the reporting time zone (naive TIMESTAMP). -#}
{% macro to_local(utc_expr) -%}
    timezone('{{ var("reporting_timezone") }}', timezone('UTC', {{ utc_expr }}))
{%- endmacro %}

{#- The latest version of each record on each local day, for the daily snapshot
    streams (a Page, an account, a user): raw keeps every fetch, a model keeps one
    snapshot per record and reporting-zone day. -#}
{% macro latest_daily_snapshots(relation) -%}
    select
        record,
        context,
        record_key,
        batch_id,
        extracted_at,
        cast({{ to_local("timezone('UTC', extracted_at)") }} as date) as snapshot_date
    from {{ relation }}
    qualify row_number() over (
        partition by record_key, snapshot_date
        order by batch_id desc, page_number desc, record_index desc
    ) = 1
{%- endmacro %}
