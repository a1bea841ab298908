{#- A rate as METRICS.md defines it: a fraction, NULL (not 0) when the denominator is 0. -#}
{% macro safe_ratio(numerator, denominator) -%}
    (({{ numerator }})::double / nullif(({{ denominator }})::double, 0))
{%- endmacro %}

{#- The filter of an incremental fact: on an incremental run, only rows whose
    `column` (a date) falls within `incremental_lookback_days` of the latest date
    already built; everything on a full refresh. Used with
    incremental_strategy='delete+insert' keyed on the same date, so the re-read
    days replace their old rows and a full refresh gives the same table. -#}
{% macro incremental_window(column, target_column=none) -%}
    {%- if is_incremental() -%}
    {{ column }} >= (
        select coalesce(max({{ target_column or column }}), '1900-01-01'::date) - {{ var('incremental_lookback_days') }}
        from {{ this }}
    )
    {%- else -%}
    true
    {%- endif -%}
{%- endmacro %}

{#- The instant the warehouse is "as of": PANTAU_NOW when a run is pinned (replays,
    tests, the sandbox), else the clock. Models use it instead of now()/current_date
    so "the last 30 days" or "months up to now" mean the same in a replay. -#}
{% macro as_of_utc() -%}
    {%- set pinned = env_var('PANTAU_NOW', '') -%}
    {%- if pinned -%}'{{ pinned }}'::timestamptz{%- else -%}now(){%- endif -%}
{%- endmacro %}

{#- The local date of as_of_utc() in the reporting time zone. -#}
{% macro as_of_date() -%}
    (timezone('{{ var("reporting_timezone") }}', {{ as_of_utc() }}))::date
{%- endmacro %}
