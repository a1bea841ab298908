-- Rule: the control matching is 1:1 and well-formed - every matched customer's
-- partner names it back, a pair is one social and one control (non-social)
-- customer, and a pair shares the strata of its level (level 1: cohort month,
-- plan and country; 2: cohort month and plan; 3: cohort quarter and plan; 4: plan).
with

groups as (

    select * from {{ ref('int_comparison__customer_groups') }}

)

select
    groups.customer_id,
    groups.matched_customer_id,
    groups.match_level,
from groups
left join groups as partner on partner.customer_id = groups.matched_customer_id
where groups.matched_customer_id is not null
    and (
        partner.matched_customer_id is distinct from groups.customer_id
        or groups.is_social_customer = partner.is_social_customer
        or groups.is_control = groups.is_social_customer
        or groups.match_level is distinct from partner.match_level
        or coalesce(groups.first_plan, 'none') <> coalesce(partner.first_plan, 'none')
        or (groups.match_level <= 2 and groups.signup_cohort_month <> partner.signup_cohort_month)
        or (groups.match_level = 3
            and date_trunc('quarter', groups.signup_cohort_month) <> date_trunc('quarter', partner.signup_cohort_month))
        or (groups.match_level = 1 and coalesce(groups.country, 'unknown') <> coalesce(partner.country, 'unknown'))
    )
