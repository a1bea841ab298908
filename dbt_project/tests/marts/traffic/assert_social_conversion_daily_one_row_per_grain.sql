-- Rule: marts.social_conversion_daily has one row per session_date x social_platform.
select session_date, social_platform, count(*) as rows_at_grain
from {{ ref('social_conversion_daily') }}
group by all
having count(*) > 1
