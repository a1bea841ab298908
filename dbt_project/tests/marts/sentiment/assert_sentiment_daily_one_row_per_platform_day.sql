-- Rule: marts.sentiment_daily has one row per (activity_date, platform) - its grain.
select activity_date, platform, count(*) as rows_at_grain
from {{ ref('sentiment_daily') }}
group by all
having count(*) > 1
