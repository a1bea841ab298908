-- Rule: the comparison is well-formed - rates in [0, 1], NPS in [-100, 100],
-- each CI contains its point difference (lower <= difference <= upper), each
-- ratio CI contains its ratio, and a group's size is never negative.
with

comparison as (

    select * from {{ ref('social_comparison') }}

)

select measure, 'rate outside [0, 1]' as failure
from comparison
where statistic = 'proportion'
    and (social_value not between 0 and 1 or non_social_value not between 0 and 1 or control_value not between 0 and 1)

union all

select measure, 'NPS outside [-100, 100]'
from comparison
where measure = 'nps'
    and (social_value not between -100 and 100 or non_social_value not between -100 and 100
        or control_value not between -100 and 100)

union all

select measure, 'CI does not contain the difference'
from comparison
where diff_vs_control not between diff_vs_control_ci_lower and diff_vs_control_ci_upper
    or diff_vs_non_social not between diff_vs_non_social_ci_lower and diff_vs_non_social_ci_upper
    or ratio_vs_control not between ratio_vs_control_ci_lower and ratio_vs_control_ci_upper
    or ratio_vs_non_social not between ratio_vs_non_social_ci_lower and ratio_vs_non_social_ci_upper

union all

select measure, 'negative size'
from comparison
where social_size < 0 or non_social_size < 0 or control_size < 0
