-- Rule (METRICS.md L1, issue 3): every cohort's retention at month 0 is exactly 1 -
-- a customer's first purchase makes them paying in the month it happened.
select *
from {{ ref('retention_cohorts') }}
where month_number = 0
    and (retention_rate is null or retention_rate != 1 or retained_customers != cohort_size)
