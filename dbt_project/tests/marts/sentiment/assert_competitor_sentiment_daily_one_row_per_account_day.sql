-- Rule: marts.competitor_sentiment_daily has one row per (activity_date, platform, account_id) - its grain.
select activity_date, platform, account_id, count(*) as rows_at_grain
from {{ ref('competitor_sentiment_daily') }}
group by all
having count(*) > 1
