{#- The moment the warehouse is "as of" (the as_of_utc() macro: PANTAU_NOW when a run
    is pinned - replays, tests, the sandbox - else the clock), in the reporting time
    zone.  fct_customer_months runs up to its month and customer_value's "last 30
    days" end on its date, so a replay of an old night means what it meant then. -#}
with

pinned as (

    select timezone('{{ var("reporting_timezone") }}', {{ as_of_utc() }}) as as_of_at_local

),

final as (

    select
        as_of_at_local,
        cast(as_of_at_local as date) as as_of_date,
        cast(date_trunc('month', as_of_at_local) as date) as as_of_month,
    from pinned

)

select * from final
