{#- Social vs non-social customers with a matched control group (METRICS.md X1-X7):
    one row per measure, each group's size and value, the differences social -
    control and social - non-social with 95% confidence intervals (two-proportion
    for rates, Welch for means, the delta method for predictive CLV), and for
    rates the ratio social / other with a log-scale (Katz) CI.  The measures and
    which observations each group counts: int_comparison__measures.  Values and
    bounds rounded to 6 decimals. -#}
with

measures as (

    select * from {{ ref('int_comparison__measures') }}

),

pivoted as (

    select
        metric_id,
        measure,
        any_value(definition) as definition,
        any_value(statistic) as statistic,
        any_value(unit) as unit,
        any_value(unit_of_analysis) as unit_of_analysis,
        any_value(currency) as currency,
        {%- for group in ['social', 'non_social', 'control'] %}
        coalesce(sum(observations) filter (where comparison_group = '{{ group }}'), 0) as {{ group }}_size,
        max(customers) filter (where comparison_group = '{{ group }}') as {{ group }}_customers,
        max(mean_value) filter (where comparison_group = '{{ group }}') as {{ group }}_value,
        max(variance_value) filter (where comparison_group = '{{ group }}') as {{ group }}_variance,
        max(total_value) filter (where comparison_group = '{{ group }}') as {{ group }}_total,
        {%- endfor %}
    from measures
    group by metric_id, measure

),

-- Predictive CLV (K4) by group = average monthly gross profit / monthly churn rate.
-- Its standard error by the delta method: CLV x sqrt(var_g / (n_g g^2) + (1 - p) / (n_p p)).
clv_inputs as (

    select
        {%- for group in ['social', 'non_social', 'control'] %}
        max({{ group }}_value) filter (where measure = 'gross_profit_per_paying_month') as {{ group }}_g,
        max({{ group }}_variance) filter (where measure = 'gross_profit_per_paying_month') as {{ group }}_g_variance,
        max({{ group }}_size) filter (where measure = 'gross_profit_per_paying_month') as {{ group }}_g_n,
        max({{ group }}_value) filter (where measure = 'churn_rate') as {{ group }}_p,
        max({{ group }}_size) filter (where measure = 'churn_rate') as {{ group }}_p_n,
        max({{ group }}_customers) filter (where measure = 'churn_rate') as {{ group }}_p_customers,
        {%- endfor %}
        any_value(currency) filter (where measure = 'gross_profit_per_paying_month') as currency,
    from pivoted

),

clv as (

    select
        'X1' as metric_id,
        'predictive_clv' as measure,
        'Predictive CLV (K4) by group: average monthly gross profit per paying customer-month (gross_profit_per_paying_month) / monthly churn rate (churn_rate); the social - control difference is the value of retention. Size: customer-months at risk of churn.' as definition,
        'derived' as statistic,
        'currency' as unit,
        'customer-month' as unit_of_analysis,
        currency,
        {%- for group in ['social', 'non_social', 'control'] %}
        coalesce({{ group }}_p_n, 0) as {{ group }}_size,
        {{ group }}_p_customers as {{ group }}_customers,
        {{ group }}_g / nullif({{ group }}_p, 0) as {{ group }}_value,
        -- the squared delta-method standard error, in place of a variance
        case when {{ group }}_g_n > 0 and {{ group }}_p_n > 0 and {{ group }}_g <> 0 and {{ group }}_p > 0 then
            pow({{ group }}_g / {{ group }}_p, 2) * (
                coalesce({{ group }}_g_variance, 0) / ({{ group }}_g_n * pow({{ group }}_g, 2))
                + (1 - {{ group }}_p) / ({{ group }}_p_n * {{ group }}_p)
            )
        end as {{ group }}_variance,
        cast(null as double) as {{ group }}_total,
        {%- endfor %}
    from clv_inputs

),

all_measures as (

    select * from pivoted
    union all
    select * from clv

),

compared as (

    select
        all_measures.*,
        {%- for other in ['control', 'non_social'] %}
        social_value - {{ other }}_value as diff_vs_{{ other }},
        case statistic
            when 'proportion' then {{ two_proportion_ci('social_value', 'social_size', other ~ '_value', other ~ '_size', 'lower') }}
            when 'mean' then {{ welch_ci('social_value', 'social_variance', 'social_size', other ~ '_value', other ~ '_variance', other ~ '_size', 'lower') }}
            when 'derived' then social_value - {{ other }}_value - {{ z_975() }} * sqrt(social_variance + {{ other }}_variance)
        end as diff_vs_{{ other }}_ci_lower,
        case statistic
            when 'proportion' then {{ two_proportion_ci('social_value', 'social_size', other ~ '_value', other ~ '_size', 'upper') }}
            when 'mean' then {{ welch_ci('social_value', 'social_variance', 'social_size', other ~ '_value', other ~ '_variance', other ~ '_size', 'upper') }}
            when 'derived' then social_value - {{ other }}_value + {{ z_975() }} * sqrt(social_variance + {{ other }}_variance)
        end as diff_vs_{{ other }}_ci_upper,
        case when statistic = 'proportion' then social_value / nullif({{ other }}_value, 0) end as ratio_vs_{{ other }},
        case when statistic = 'proportion' then
            {{ rate_ratio_ci('social_total', 'social_size', other ~ '_total', other ~ '_size', 'lower') }}
        end as ratio_vs_{{ other }}_ci_lower,
        case when statistic = 'proportion' then
            {{ rate_ratio_ci('social_total', 'social_size', other ~ '_total', other ~ '_size', 'upper') }}
        end as ratio_vs_{{ other }}_ci_upper,
        {%- endfor %}
        case statistic
            when 'proportion' then 'two_proportion'
            when 'mean' then 'welch'
            when 'derived' then 'delta_method'
        end as ci_method,
    from all_measures

),

final as (

    select
        metric_id,
        measure,
        definition,
        statistic,
        unit,
        unit_of_analysis,
        currency,
        ci_method,
        {%- for group in ['social', 'non_social', 'control'] %}
        {{ group }}_size,
        {{ group }}_customers,
        round({{ group }}_value, 6) as {{ group }}_value,
        round({{ group }}_total, 6) as {{ group }}_total,
        {%- endfor %}
        {%- for other in ['control', 'non_social'] %}
        round(diff_vs_{{ other }}, 6) as diff_vs_{{ other }},
        round(diff_vs_{{ other }}_ci_lower, 6) as diff_vs_{{ other }}_ci_lower,
        round(diff_vs_{{ other }}_ci_upper, 6) as diff_vs_{{ other }}_ci_upper,
        round(ratio_vs_{{ other }}, 6) as ratio_vs_{{ other }},
        round(ratio_vs_{{ other }}_ci_lower, 6) as ratio_vs_{{ other }}_ci_lower,
        round(ratio_vs_{{ other }}_ci_upper, 6) as ratio_vs_{{ other }}_ci_upper,
        {%- endfor %}
    from compared

)

select * from final
