-- Rule: fct_customer_months has exactly one row per customer and month (its grain).
select
    customer_id,
    month,
    count(*) as row_count,
from {{ ref('fct_customer_months') }}
group by customer_id, month
having count(*) > 1
