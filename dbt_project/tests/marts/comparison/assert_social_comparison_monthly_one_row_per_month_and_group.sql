-- Rule: marts.social_comparison_monthly has one row per month and group.
select month, comparison_group, count(*) as rows_per_key
from {{ ref('social_comparison_monthly') }}
group by month, comparison_group
having count(*) > 1
