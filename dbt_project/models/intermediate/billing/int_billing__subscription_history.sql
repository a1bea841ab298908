{#- The status history of every subscription: one row per change, with the state
    after it, valid until the next change (valid_to_utc NULL for the current state).
    Changes and their evidence:
      started               subscription start_date (the subscription object)
      add_on                an item created after the start (subscription items)
      cancellation_request  customer.subscription.updated with cancel_at_period_end
                            false -> true (event), or the pending / final request
                            the subscription object shows (canceled_at with reason
                            cancellation_requested) when no event within a minute
                            of it was seen
      save                  a request reverted (cancel_at_period_end true -> false,
                            event), or a request followed by a renewal invoice with
                            no revert or end seen in between (still active after
                            the period end: the revert event was missed)
      ended                 the subscription's ended_at
    Stripe lists events of the last 30 days only (extractors/sources/stripe/streams.py)
    and the subscription object forgets a reverted request, so requests that were
    saved before the first extraction minus 30 days are not seen anywhere: saves
    (and save requests) are complete only from the first event seen onwards
    (events_observed_from in churn_monthly).  A final request before churn stays
    visible on the subscription object, whatever its age. -#}
with

subscriptions as (

    select * from {{ ref('int_billing__subscriptions') }}

),

items as (

    select * from {{ ref('stg_stripe__subscription_items') }}

),

events as (

    select * from {{ ref('stg_stripe__events') }}

),

invoices as (

    select * from {{ ref('stg_stripe__invoices') }}

),

started as (

    select
        subscription_id,
        'started' as change_type,
        started_at_utc as changed_at_utc,
        'subscription' as evidence_source,
        cast(0 as decimal(18, 2)) as add_on_mrr,
    from subscriptions
    where started_at_utc is not null

),

add_ons as (

    select
        subscription_id,
        'add_on' as change_type,
        created_at_utc as changed_at_utc,
        'subscription' as evidence_source,
        cast(
            unit_amount * quantity * case billing_interval
                when 'month' then 1.0
                when 'year' then 1.0 / 12
                when 'week' then 52.0 / 12
                when 'day' then 365.0 / 12
            end / billing_interval_count as decimal(18, 2)
        ) as add_on_mrr,
    from items
    where is_add_on

),

event_requests as (

    select
        subscription_id,
        'cancellation_request' as change_type,
        created_at_utc as changed_at_utc,
        'event' as evidence_source,
        cast(0 as decimal(18, 2)) as add_on_mrr,
    from events
    where is_cancellation_request

),

-- The request the subscription object still shows (pending, or the final one before churn).
object_requests as (

    select
        subscriptions.subscription_id,
        'cancellation_request' as change_type,
        subscriptions.canceled_at_utc as changed_at_utc,
        'subscription' as evidence_source,
        cast(0 as decimal(18, 2)) as add_on_mrr,
    from subscriptions
    where subscriptions.cancellation_reason = 'cancellation_requested'
        and subscriptions.canceled_at_utc is not null
        and not exists (
            select 1
            from event_requests
            where event_requests.subscription_id = subscriptions.subscription_id
                and abs(epoch(event_requests.changed_at_utc) - epoch(subscriptions.canceled_at_utc)) <= 60
        )

),

event_saves as (

    select
        subscription_id,
        'save' as change_type,
        created_at_utc as changed_at_utc,
        'event' as evidence_source,
        cast(0 as decimal(18, 2)) as add_on_mrr,
    from events
    where is_cancellation_reverted

),

ended as (

    select
        subscription_id,
        'ended' as change_type,
        ended_at_utc as changed_at_utc,
        'subscription' as evidence_source,
        cast(0 as decimal(18, 2)) as add_on_mrr,
    from subscriptions
    where ended_at_utc is not null

),

observed as (

    select * from started
    union all
    select * from add_ons
    union all
    select * from event_requests
    union all
    select * from object_requests
    union all
    select * from event_saves
    union all
    select * from ended

),

-- For each request, the next request, save or end of the same subscription.
requests_followed as (

    select
        subscription_id,
        change_type,
        changed_at_utc,
        lead(changed_at_utc) over (partition by subscription_id order by changed_at_utc, change_type) as next_changed_at_utc,
        lead(change_type) over (partition by subscription_id order by changed_at_utc, change_type) as next_change_type,
    from observed
    where change_type in ('cancellation_request', 'save', 'ended')

),

-- Still active after the period end: a renewal invoice came after a request that
-- nothing reverted or ended (the save event itself was not seen).
inferred_saves as (

    select
        requests_followed.subscription_id,
        'save' as change_type,
        min(invoices.created_at_utc) as changed_at_utc,
        'invoice' as evidence_source,
        cast(0 as decimal(18, 2)) as add_on_mrr,
    from requests_followed
    inner join invoices
        on invoices.subscription_id = requests_followed.subscription_id
        and invoices.billing_reason = 'subscription_cycle'
        and invoices.status not in ('draft', 'void')
        and invoices.created_at_utc > requests_followed.changed_at_utc
        and (requests_followed.next_changed_at_utc is null or invoices.created_at_utc < requests_followed.next_changed_at_utc)
    where requests_followed.change_type = 'cancellation_request'
        and coalesce(requests_followed.next_change_type, 'none') != 'save'
    group by requests_followed.subscription_id, requests_followed.changed_at_utc

),

changes as (

    select * from observed
    union all
    select * from inferred_saves

),

ordered as (

    select
        changes.*,
        case change_type
            when 'started' then 1
            when 'add_on' then 2
            when 'cancellation_request' then 3
            when 'save' then 4
            when 'ended' then 5
        end as change_rank,
    from changes
    where changed_at_utc is not null
    -- one row per change: the same type at the same second (e.g. seen twice) counts once
    qualify row_number() over (
        partition by subscription_id, change_type, cast(epoch(changed_at_utc) as bigint)
        order by evidence_source
    ) = 1

),

stated as (

    select
        ordered.*,
        last_value(
            case when change_type in ('cancellation_request', 'save', 'ended') then change_type end ignore nulls
        ) over history as last_cancellation_change,
        sum(add_on_mrr) over history as add_ons_mrr,
        bool_or(change_type = 'ended') over history as has_ended,
        lead(changed_at_utc) over (
            partition by subscription_id order by changed_at_utc, change_rank
        ) as valid_to_utc,
    from ordered
    window history as (
        partition by subscription_id order by changed_at_utc, change_rank
        rows between unbounded preceding and current row
    )

),

final as (

    select
        stated.subscription_id || ':' || stated.change_type || ':' || cast(epoch(stated.changed_at_utc) as bigint)
            as subscription_change_id,
        stated.subscription_id,
        subscriptions.customer_id,
        subscriptions.stripe_customer_id,
        subscriptions.plan,
        subscriptions.currency,
        stated.change_type,
        row_number() over (
            partition by stated.subscription_id order by stated.changed_at_utc, stated.change_rank
        ) as change_sequence,
        stated.evidence_source,
        stated.changed_at_utc,
        {{ to_local('stated.changed_at_utc') }} as changed_at_local,
        cast({{ to_local('stated.changed_at_utc') }} as date) as changed_date,
        stated.valid_to_utc,
        {{ to_local('stated.valid_to_utc') }} as valid_to_local,
        case when stated.has_ended then 'canceled' else 'active' end as status_after,
        coalesce(stated.last_cancellation_change = 'cancellation_request', false) as cancel_at_period_end_after,
        cast(
            case when stated.has_ended then 0 else subscriptions.plan_mrr + stated.add_ons_mrr end as decimal(18, 2)
        ) as mrr_after,
    from stated
    inner join subscriptions on subscriptions.subscription_id = stated.subscription_id

)

select * from final
