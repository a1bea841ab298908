-- Rule: sessionisation loses and duplicates no event - the sessions' event counts add up to
-- the Mixpanel events staged.
select *
from
    (select count(*) as staged_events from {{ ref('stg_mixpanel__events') }}) as staged,
    (select sum(event_count) as session_events from {{ ref('int_web__sessions') }}) as sessions
where staged.staged_events <> sessions.session_events
