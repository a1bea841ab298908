{#- One row per customer: the comparison group as of the as-of date (social /
    non_social, METRICS.md X) and the matched control group.  Control: exact
    stratified 1:1 matching without replacement of each social customer to a
    non-social one.  Level 1 matches within (signup cohort month, first plan,
    country); social customers left without a partner (their stratum has fewer
    non-social customers than social ones, or none) fall back to coarser strata
    among the still unused non-social customers: level 2 (cohort month, plan),
    level 3 (cohort quarter, plan), level 4 (plan).  Within a stratum the k-th
    social customer pairs with the k-th non-social one, both in md5(customer_id)
    order: deterministic, and unrelated to any outcome.  A missing plan or
    country is a stratum value of its own ('none' / 'unknown'). -#}
{%- set levels = [
    ['signup_cohort_month', 'plan_stratum', 'country_stratum'],
    ['signup_cohort_month', 'plan_stratum'],
    ['signup_cohort_quarter', 'plan_stratum'],
    ['plan_stratum'],
] -%}
with

customers as (

    select * from {{ ref('dim_customers') }}

),

strata as (

    select
        customer_id,
        country,
        signup_cohort_month,
        first_plan,
        is_social_customer,
        social_since_date,
        cast(date_trunc('month', social_since_date) as date) as social_since_month,
        cast(date_trunc('quarter', signup_cohort_month) as date) as signup_cohort_quarter,
        coalesce(first_plan, 'none') as plan_stratum,
        coalesce(country, 'unknown') as country_stratum,
        md5(customer_id) as match_order_key,
    from customers

),

{% for strata_columns in levels %}
{%- set level = loop.index %}
-- Level {{ level }}: strata ({{ strata_columns | join(', ') }}).
candidates_{{ level }} as (

    select
        strata.customer_id,
        strata.is_social_customer,
        concat_ws('|', {% for column in strata_columns %}strata.{{ column }}::varchar{{ ', ' if not loop.last }}{% endfor %}) as stratum,
        row_number() over (
            partition by strata.is_social_customer, {{ strata_columns | join(', ') }}
            order by strata.match_order_key
        ) as stratum_rank,
    from strata
    {%- if level > 1 %}
    where strata.customer_id not in (
        {%- for previous in range(1, level) %}
        select social_customer_id from pairs_{{ previous }} union all
        select control_customer_id from pairs_{{ previous }}{{ ' union all' if not loop.last }}
        {%- endfor %}
    )
    {%- endif %}

),

pairs_{{ level }} as (

    select
        social.customer_id as social_customer_id,
        control.customer_id as control_customer_id,
        {{ level }} as match_level,
        social.stratum as match_stratum,
    from candidates_{{ level }} as social
    inner join candidates_{{ level }} as control
        on control.stratum = social.stratum
        and control.stratum_rank = social.stratum_rank
        and not control.is_social_customer
    where social.is_social_customer

),

{% endfor -%}

pairs as (

    {%- for strata_columns in levels %}
    select * from pairs_{{ loop.index }}{{ ' union all' if not loop.last }}
    {%- endfor %}

),

final as (

    select
        strata.customer_id,
        strata.country,
        strata.signup_cohort_month,
        strata.first_plan,
        strata.is_social_customer,
        case when strata.is_social_customer then 'social' else 'non_social' end as comparison_group,
        strata.social_since_date,
        strata.social_since_month,
        as_control.control_customer_id is not null as is_control,
        coalesce(as_social.control_customer_id, as_control.social_customer_id) as matched_customer_id,
        coalesce(as_social.match_level, as_control.match_level) as match_level,
        coalesce(as_social.match_stratum, as_control.match_stratum) as match_stratum,
        -- Months a customer is compared from: a social customer's first social month,
        -- and for a control customer the same month of its social partner.
        case
            when strata.is_social_customer then strata.social_since_month
            when as_control.control_customer_id is not null then social_partner.social_since_month
        end as comparison_from_month,
    from strata
    left join pairs as as_social on as_social.social_customer_id = strata.customer_id
    left join pairs as as_control on as_control.control_customer_id = strata.customer_id
    left join strata as social_partner on social_partner.customer_id = as_control.social_customer_id

)

select * from final
