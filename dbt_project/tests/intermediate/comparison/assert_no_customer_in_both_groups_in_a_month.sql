-- Rule (issue 3): no customer is counted in both the social and the non-social
-- group of the same month. One row per customer and month, in exactly one group;
-- a control customer-month is non-social; a customer never returns to non-social
-- after a social month.
with

customer_months as (

    select * from {{ ref('int_comparison__customer_months') }}

),

per_month as (

    select
        customer_id,
        month,
        count(*) as rows_in_month,
        count(distinct comparison_group) as groups_in_month,
        bool_or(is_control_in_month and comparison_group = 'social') as control_while_social,
    from customer_months
    group by customer_id, month

),

back_to_non_social as (

    select customer_id, month
    from customer_months
    qualify comparison_group = 'non_social'
        and bool_or(comparison_group = 'social') over (
            partition by customer_id order by month rows between unbounded preceding and 1 preceding
        )

)

select customer_id, month, 'counted twice or in both groups' as failure
from per_month
where rows_in_month > 1 or groups_in_month > 1 or control_while_social

union all

select customer_id, month, 'non-social after a social month'
from back_to_non_social
