-- Rule: churn_monthly adds MRR across subscriptions without converting currencies,
-- which is only right while every subscription bills in one currency.
select
    count(distinct currency) as currencies,
from {{ ref('int_billing__subscriptions') }}
having count(distinct currency) > 1
