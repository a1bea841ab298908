-- Rule: marts.email_engagement_daily has one row per activity_date x list_id.
select activity_date, list_id, count(*) as rows_at_grain
from {{ ref('email_engagement_daily') }}
group by all
having count(*) > 1
