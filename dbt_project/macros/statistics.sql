{#- Confidence intervals for the social vs non-social comparisons (METRICS.md X):
    a 95% interval for a difference of two proportions (rates) and for a
    difference of two means (Welch). Every macro returns a SQL expression and
    NULL when a group is too small for the statistic (size 0 for proportions,
    fewer than 2 observations for means): a missing interval, never a made-up one.
    Arguments are SQL expressions (columns); they are cast to double so integer
    counts never divide as integers. -#}

{#- The two-sided 95% normal quantile, z(0.975). -#}
{% macro z_975() -%}
    1.959963984540054
{%- endmacro %}

{#- Student t quantile t(0.975, df) for a (possibly fractional) df, by the
    Cornish-Fisher expansion in 1/df (Abramowitz & Stegun 26.7.5, four terms):
    within 0.004 of the exact quantile for df >= 3, 0.04 at df = 2, too small
    below that (12.706 exact vs 11.30 at df = 1); NULL for df < 1. Welch's df is
    at least min(n1, n2) - 1, so the approximation is exact to the printed
    precision for groups of ten or more. -#}
{% macro t_975(df) -%}
    case when ({{ df }})::double >= 1 then
        {{ z_975() }}
        + 2.372271230298562 / ({{ df }})::double
        + 2.8224986157396112 / pow(({{ df }})::double, 2)
        + 2.555849679507722 / pow(({{ df }})::double, 3)
        + 1.5895340533938225 / pow(({{ df }})::double, 4)
    end
{%- endmacro %}

{#- Standard error of p1 - p2 for two independent proportions (unpooled, Wald):
    sqrt(p1 (1 - p1) / n1 + p2 (1 - p2) / n2); NULL when a group is empty. -#}
{% macro two_proportion_se(p1, n1, p2, n2) -%}
    case when ({{ n1 }}) > 0 and ({{ n2 }}) > 0 then
        sqrt(
            ({{ p1 }})::double * (1 - ({{ p1 }})::double) / ({{ n1 }})::double
            + ({{ p2 }})::double * (1 - ({{ p2 }})::double) / ({{ n2 }})::double
        )
    end
{%- endmacro %}

{#- Bound ('lower' or 'upper') of the 95% CI of p1 - p2:
    (p1 - p2) -/+ z(0.975) * two_proportion_se. -#}
{% macro two_proportion_ci(p1, n1, p2, n2, bound) -%}
    {%- if bound not in ('lower', 'upper') -%}
        {{ exceptions.raise_compiler_error("two_proportion_ci: bound must be 'lower' or 'upper', got " ~ bound) }}
    {%- endif -%}
    (
        (({{ p1 }})::double - ({{ p2 }})::double)
        {{ '-' if bound == 'lower' else '+' }} {{ z_975() }} * {{ two_proportion_se(p1, n1, p2, n2) }}
    )
{%- endmacro %}

{#- Bound of the 95% CI of the ratio of two proportions (x1/n1) / (x2/n2), on the
    log scale (Katz): exp(ln(ratio) -/+ z * sqrt(1/x1 - 1/n1 + 1/x2 - 1/n2));
    NULL when either group has no events (the log ratio is undefined). -#}
{% macro rate_ratio_ci(x1, n1, x2, n2, bound) -%}
    {%- if bound not in ('lower', 'upper') -%}
        {{ exceptions.raise_compiler_error("rate_ratio_ci: bound must be 'lower' or 'upper', got " ~ bound) }}
    {%- endif -%}
    case when ({{ x1 }}) > 0 and ({{ x2 }}) > 0 and ({{ n1 }}) > 0 and ({{ n2 }}) > 0 then
        exp(
            ln((({{ x1 }})::double / ({{ n1 }})::double) / (({{ x2 }})::double / ({{ n2 }})::double))
            {{ '-' if bound == 'lower' else '+' }} {{ z_975() }} * sqrt(
                1 / ({{ x1 }})::double - 1 / ({{ n1 }})::double
                + 1 / ({{ x2 }})::double - 1 / ({{ n2 }})::double
            )
        )
    end
{%- endmacro %}

{#- Welch standard error of mean1 - mean2 from the sample variances:
    sqrt(var1 / n1 + var2 / n2); NULL unless both groups have 2+ observations. -#}
{% macro welch_se(var1, n1, var2, n2) -%}
    case when ({{ n1 }}) >= 2 and ({{ n2 }}) >= 2 then
        sqrt(({{ var1 }})::double / ({{ n1 }})::double + ({{ var2 }})::double / ({{ n2 }})::double)
    end
{%- endmacro %}

{#- Welch-Satterthwaite degrees of freedom:
    (v1/n1 + v2/n2)^2 / ((v1/n1)^2 / (n1 - 1) + (v2/n2)^2 / (n2 - 1));
    NULL unless both groups have 2+ observations, and when both variances are 0. -#}
{% macro welch_df(var1, n1, var2, n2) -%}
    case when ({{ n1 }}) >= 2 and ({{ n2 }}) >= 2 then
        pow(({{ var1 }})::double / ({{ n1 }})::double + ({{ var2 }})::double / ({{ n2 }})::double, 2)
        / nullif(
            pow(({{ var1 }})::double / ({{ n1 }})::double, 2) / (({{ n1 }})::double - 1)
            + pow(({{ var2 }})::double / ({{ n2 }})::double, 2) / (({{ n2 }})::double - 1),
            0
        )
    end
{%- endmacro %}

{#- Bound of the 95% Welch CI of mean1 - mean2:
    (mean1 - mean2) -/+ t(0.975, welch_df) * welch_se. When both samples are
    constant (se = 0) the interval is the point difference itself. -#}
{% macro welch_ci(mean1, var1, n1, mean2, var2, n2, bound) -%}
    {%- if bound not in ('lower', 'upper') -%}
        {{ exceptions.raise_compiler_error("welch_ci: bound must be 'lower' or 'upper', got " ~ bound) }}
    {%- endif -%}
    case
        when ({{ n1 }}) < 2 or ({{ n2 }}) < 2 then null
        when {{ welch_se(var1, n1, var2, n2) }} = 0 then ({{ mean1 }})::double - ({{ mean2 }})::double
        else
            (({{ mean1 }})::double - ({{ mean2 }})::double)
            {{ '-' if bound == 'lower' else '+' }} {{ t_975(welch_df(var1, n1, var2, n2)) }}
            * {{ welch_se(var1, n1, var2, n2) }}
    end
{%- endmacro %}
