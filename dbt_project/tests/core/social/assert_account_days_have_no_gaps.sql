-- Rule: every account has one row per local day from its first to its last day, with
-- no gap - "followers at day start" and the E2/E4/E8/E14 denominators rely on it.
select
    account_key,
    min(account_date) as first_date,
    max(account_date) as last_date,
    count(*) as days,
from {{ ref('fct_social_account_days') }}
group by account_key
having count(*) != max(account_date) - min(account_date) + 1
    or count(*) != count(distinct account_date)
