{#- One row per subscription change (started, add_on, cancellation_request, save,
    ended) from int_billing__subscription_history, with MRR before and after.
    Incremental by local date: a night re-reads the lookback window of changes and
    replaces those days.  Stripe keeps events 30 days: saves and save-requests older
    than the first event seen are missing (see int_billing__subscription_history). -#}
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='event_date',
) }}
with

history as (

    select
        *,
        -- before the window filter, so the first change of a window knows its predecessor
        lag(mrr_after, 1, 0) over (
            partition by subscription_id order by change_sequence
        ) as mrr_before,
    from {{ ref('int_billing__subscription_history') }}

),

windowed as (

    select * from history
    where {{ incremental_window('changed_date', 'event_date') }}

),

final as (

    select
        subscription_change_id as subscription_event_id,
        subscription_id,
        customer_id,
        stripe_customer_id,
        plan,
        change_type as event_type,
        evidence_source,
        changed_at_utc as occurred_at_utc,
        changed_at_local as occurred_at_local,
        changed_date as event_date,
        status_after,
        cancel_at_period_end_after,
        currency,
        cast(mrr_before as decimal(18, 2)) as mrr_before,
        mrr_after,
        cast(mrr_after - mrr_before as decimal(18, 2)) as mrr_change,
    from windowed

)

select * from final
