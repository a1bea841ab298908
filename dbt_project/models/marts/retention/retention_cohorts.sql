{#- L1 retention cohorts: one row per first-purchase cohort month and month number k
    (0 = the cohort month) up to the as-of month.  A customer is retained in month k
    when active in it (fct_customer_months.is_paying_in_month: a subscription active
    at some moment of the month, or an order paid in it - a paid invoice or a one-off
    payment).  The cohort is the month of first purchase (the start of the first
    subscription or the first order, dim_customers); customers who never paid belong
    to no cohort.  Month 0 is 1 by construction (the first purchase falls in it), for
    a subscription business, a shop selling one-off orders and a mix alike. -#}
with

customer_months as (

    select * from {{ ref('fct_customer_months') }}
    where months_since_first_purchase >= 0

),

customers as (

    select * from {{ ref('dim_customers') }}
    where first_purchase_month is not null

),

cohorts as (

    select
        first_purchase_month as cohort_month,
        count(*) as cohort_size,
    from customers
    group by first_purchase_month

),

retained as (

    select
        customers.first_purchase_month as cohort_month,
        customer_months.months_since_first_purchase as month_number,
        customer_months.month,
        bool_or(customer_months.is_partial_month) as is_partial_month,
        count(*) filter (where customer_months.is_paying_in_month) as retained_customers,
    from customer_months
    inner join customers on customers.customer_id = customer_months.customer_id
    group by all

),

final as (

    select
        retained.cohort_month,
        retained.month_number,
        retained.month,
        retained.is_partial_month,
        cohorts.cohort_size,
        retained.retained_customers,
        {{ safe_ratio('retained.retained_customers', 'cohorts.cohort_size') }} as retention_rate,
    from retained
    inner join cohorts on cohorts.cohort_month = retained.cohort_month

)

select * from final
