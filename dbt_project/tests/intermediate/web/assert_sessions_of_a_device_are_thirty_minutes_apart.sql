-- Rule: a device's consecutive sessions are separated by at least 30 minutes of inactivity
-- (otherwise they would be one session), and no session ends before it starts.
select *
from (
    select
        session_id,
        device_id,
        started_at_utc,
        ended_at_utc,
        lag(ended_at_utc) over (partition by device_id order by started_at_utc) as previous_ended_at_utc,
    from {{ ref('int_web__sessions') }}
) as sessions
where ended_at_utc < started_at_utc
    or date_diff('second', previous_ended_at_utc, started_at_utc) < 1800
