-- Rule: marts.response_agent_daily has one row per (activity_date, channel, agent_id) - its grain.
select activity_date, channel, agent_id, count(*) as rows_at_grain
from {{ ref('response_agent_daily') }}
group by all
having count(*) > 1
