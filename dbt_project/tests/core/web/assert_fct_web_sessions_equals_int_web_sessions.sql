-- Rule: the session fact holds exactly the sessions of int_web__sessions, once each.
with

intermediate_sessions as (
    select session_id from {{ ref('int_web__sessions') }}
),

fact_sessions as (
    select session_id from {{ ref('fct_web_sessions') }}
),

missing as (
    select session_id from intermediate_sessions
    except all
    select session_id from fact_sessions
),

extra as (
    select session_id from fact_sessions
    except all
    select session_id from intermediate_sessions
)

select 'missing from the fact' as problem, session_id from missing
union all
select 'extra in the fact', session_id from extra
