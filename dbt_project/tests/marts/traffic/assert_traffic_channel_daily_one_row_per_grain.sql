-- Rule: marts.traffic_channel_daily has one row per session_date x channel x traffic_source x traffic_medium.
select session_date, channel, traffic_source, traffic_medium, count(*) as rows_at_grain
from {{ ref('traffic_channel_daily') }}
group by all
having count(*) > 1
