{#- One row per comparison measure (METRICS.md X1-X7) and group - social,
    non_social, control - with the sufficient statistics the CIs need:
    observations (the denominator n), distinct customers, mean (the rate, for a
    proportion), sample variance and total.  A group with no observation has no
    row (marts.social_comparison shows size 0 and NULL values).
    Which observations and which group:
      - customer-month measures: the customer's group in that month
        (int_comparison__customer_months; control from the partner's social
        month on); per-month rates use complete months only (not the partial
        as-of month);
      - event measures (NPS answers, resolved conversations, messages,
        cancellation requests): the group of the customer's month of the event,
        every month;
      - customer measures (revenue to date, cross-sell): the group as of the
        as-of date, control = all control customers, customers who ever paid;
      - X7: problem tickets grouped by the channel they were raised through
        (social / non_social; no control).
    Every mean's variance is the sample variance (n - 1), the input of Welch. -#}
{%- set month_measures = [
    {'metric_id': 'X1', 'measure': 'churn_rate', 'statistic': 'proportion', 'unit': 'fraction', 'money': none,
     'filter': 'is_active_at_month_start', 'value': 'churned_in_month::int',
     'definition': 'L2 by group: customer-months whose subscription ended in the month / customer-months active at month start (complete months).'},
    {'metric_id': 'X1', 'measure': 'retention_rate', 'statistic': 'proportion', 'unit': 'fraction', 'money': none,
     'filter': 'is_active_at_month_start', 'value': 'is_active_at_month_end::int',
     'definition': 'L3 over one month by group: customer-months active at month end / customer-months active at month start (complete months).'},
    {'metric_id': 'X1', 'measure': 'activity_retention_rate', 'statistic': 'proportion', 'unit': 'fraction', 'money': none,
     'filter': 'was_paying_in_previous_month', 'value': 'is_paying_in_month::int',
     'definition': 'Retention via activity (L1 active: subscribed at some moment of the month, or ordered in it) by group: customer-months active in the previous month that are active in this month / customer-months active in the previous month (complete months). Works for subscribers and one-off buyers alike.'},
    {'metric_id': 'X1', 'measure': 'revenue_per_paying_month', 'statistic': 'mean', 'unit': 'currency', 'money': 'revenue',
     'filter': 'is_paying_in_month', 'value': 'revenue_in_month',
     'definition': 'Average monthly revenue: order revenue (paid invoices and one-off payments) paid in the month / active customer-months (complete months).'},
    {'metric_id': 'X1', 'measure': 'gross_profit_per_paying_month', 'statistic': 'mean', 'unit': 'currency', 'money': 'revenue',
     'filter': 'is_paying_in_month', 'value': 'gross_profit_in_month',
     'definition': 'Average monthly gross profit: revenue x gross margin of the first plan (seed gross_margin) / paying customer-months (complete months); the numerator of predictive CLV.'},
    {'metric_id': 'X2', 'measure': 'cost_to_serve_per_customer_month', 'statistic': 'mean', 'unit': 'currency', 'money': 'cost',
     'filter': 'true', 'value': 'cost_to_serve',
     'definition': 'Cost to serve: sum over contacts of cost_per_contact of the contact channel (seed cost_per_contact) / customer-months (complete months). A contact is a ticket, or a social thread the brand replied to.'},
    {'metric_id': 'X2', 'measure': 'contacts_per_customer_month', 'statistic': 'mean', 'unit': 'contacts', 'money': none,
     'filter': 'true', 'value': 'contacts',
     'definition': 'Contacts on every channel / customer-months (complete months).'},
] -%}
{%- for channel in ['social', 'phone', 'email', 'chat', 'web', 'other'] -%}
{%- do month_measures.append(
    {'metric_id': 'X2', 'measure': channel ~ '_contacts_per_customer_month', 'statistic': 'mean', 'unit': 'contacts', 'money': none,
     'filter': 'true', 'value': channel ~ '_contacts',
     'definition': 'Contacts on the ' ~ channel ~ ' channel / customer-months (complete months).'}
) -%}
{%- endfor -%}
{%- do month_measures.extend([
    {'metric_id': 'X3', 'measure': 'help_center_user_share', 'statistic': 'proportion', 'unit': 'fraction', 'money': none,
     'filter': 'true', 'value': '(help_center_views > 0)::int',
     'definition': 'Share of customers with help-center views: customer-months with at least one Help Center View / customer-months (complete months).'},
    {'metric_id': 'X3', 'measure': 'help_center_views_per_customer_month', 'statistic': 'mean', 'unit': 'views', 'money': none,
     'filter': 'true', 'value': 'help_center_views',
     'definition': 'Help Center View events of identified sessions / customer-months (complete months).'},
    {'metric_id': 'X3', 'measure': 'estimated_savings_per_customer_month', 'statistic': 'mean', 'unit': 'currency', 'money': 'cost',
     'filter': 'true', 'value': 'estimated_savings',
     'definition': 'Estimated savings: help-center views x deflection rate (var help_center_deflection_rate) x (average cost of an assisted contact, all customers - cost of a help-center view, seed cost_per_contact) / customer-months (complete months).'},
    {'metric_id': 'X5', 'measure': 'positive_messages_per_customer_month', 'statistic': 'mean', 'unit': 'messages', 'money': none,
     'filter': 'true', 'value': 'positive_messages',
     'definition': 'Positive (S1) messages about the brand written by the customer (comments, mentions, social-ticket messages) / customer-months (complete months).'},
    {'metric_id': 'X5', 'measure': 'negative_messages_per_customer_month', 'statistic': 'mean', 'unit': 'messages', 'money': none,
     'filter': 'true', 'value': 'negative_messages',
     'definition': 'Negative (S1) messages about the brand written by the customer / customer-months (complete months).'},
]) -%}
with

customer_months as (

    select * from {{ ref('int_comparison__customer_months') }}

),

groups as (

    select * from {{ ref('int_comparison__customer_groups') }}

),

problem_tickets as (

    select * from {{ ref('int_comparison__problem_tickets') }}

),

cost_per_contact as (

    select * from {{ ref('cost_per_contact') }}

),

currencies as (

    select
        (select min(currency) from customer_months where currency is not null) as revenue_currency,
        (select min(currency) from cost_per_contact) as cost_currency,

),

-- Each customer-month once in its group, and again as 'control' when in the control.
labelled_months as (

    select customer_months.*, comparison_group as group_label from customer_months
    union all
    select customer_months.*, 'control' as group_label from customer_months where is_control_in_month

),

{% for m in month_measures %}
measure_{{ loop.index }} as (

    select
        '{{ m.metric_id }}' as metric_id,
        '{{ m.measure }}' as measure,
        '{{ m.statistic }}' as statistic,
        '{{ m.unit }}' as unit,
        'customer-month' as unit_of_analysis,
        {% if m.money == 'revenue' %}currencies.revenue_currency{% elif m.money == 'cost' %}currencies.cost_currency{% else %}cast(null as varchar){% endif %} as currency,
        '{{ m.definition | replace("'", "''") }}' as definition,
        group_label as comparison_group,
        count(*) as observations,
        count(distinct customer_id) as customers,
        avg(({{ m.value }})::double) as mean_value,
        var_samp(({{ m.value }})::double) as variance_value,
        sum(({{ m.value }})::double) as total_value,
    from labelled_months
    cross join currencies
    where ({{ m.filter }})
        and not labelled_months.is_partial_month
    group by group_label, currencies.revenue_currency, currencies.cost_currency

),

{% endfor %}
-- Event measures from per-month counts: mean and sample variance from sums.
event_sums as (

    select
        group_label,
        sum(nps_responses) as nps_n,
        sum(nps_promoters) as nps_promoters,
        sum(nps_detractors) as nps_detractors,
        count(distinct customer_id) filter (where nps_responses > 0) as nps_customers,
        sum(resolved_conversations) as resolution_n,
        sum(resolution_seconds_total)::double as resolution_sum,
        sum(resolution_seconds_squared_total) as resolution_sum_squares,
        count(distinct customer_id) filter (where resolved_conversations > 0) as resolution_customers,
        sum(positive_messages + negative_messages) as polar_messages_n,
        sum(positive_messages) as positive_messages,
        count(distinct customer_id) filter (where positive_messages + negative_messages > 0) as polar_messages_customers,
        sum(observable_cancellation_requests) as requests_n,
        sum(saved_cancellation_requests) as saved_requests,
        sum(saved_request_mrr)::double as saved_mrr_sum,
        sum(saved_request_mrr_squared) as saved_mrr_sum_squares,
        count(distinct customer_id) filter (where observable_cancellation_requests > 0) as request_customers,
    from labelled_months
    group by group_label

),

event_measures as (

    select
        'X5' as metric_id,
        'nps' as measure,
        'mean' as statistic,
        'nps' as unit,
        'response' as unit_of_analysis,
        cast(null as varchar) as currency,
        'K1 by group: 100 x (promoters 9-10 - detractors 0-6) / NPS answers, the mean of a score of +100 / 0 / -100 per answer (so Welch applies).' as definition,
        group_label as comparison_group,
        nps_n as observations,
        nps_customers as customers,
        100.0 * (nps_promoters - nps_detractors) / nps_n as mean_value,
        (10000.0 * (nps_promoters + nps_detractors) - pow(100.0 * (nps_promoters - nps_detractors), 2) / nps_n)
            / nullif(nps_n - 1, 0) as variance_value,
        100.0 * (nps_promoters - nps_detractors) as total_value,
    from event_sums
    where nps_n > 0

    union all

    select
        'X2',
        'resolution_seconds',
        'mean',
        'seconds',
        'conversation',
        null,
        'R5 by group: mean of solved_at - created_at (seconds) over resolved conversations of the customers.',
        group_label,
        resolution_n,
        resolution_customers,
        resolution_sum / resolution_n,
        greatest(resolution_sum_squares - pow(resolution_sum, 2) / resolution_n, 0) / nullif(resolution_n - 1, 0),
        resolution_sum,
    from event_sums
    where resolution_n > 0

    union all

    select
        'X5',
        'positive_message_share',
        'proportion',
        'fraction',
        'message',
        null,
        'Positive vs negative mentions by group: positive / (positive + negative) S1 messages about the brand written by the customers. Non-social customers write none by definition (NULL).',
        group_label,
        polar_messages_n,
        polar_messages_customers,
        positive_messages::double / polar_messages_n,
        positive_messages::double / polar_messages_n * (1 - positive_messages::double / polar_messages_n)
            * polar_messages_n / nullif(polar_messages_n - 1, 0),
        positive_messages,
    from event_sums
    where polar_messages_n > 0

    union all

    select
        'X4',
        'save_rate',
        'proportion',
        'fraction',
        'cancellation request',
        null,
        'L4 by group: cancellation requests followed by a save (the request reverted, or a renewal after it) / cancellation requests, from the first Stripe event seen on (Stripe lists 30 days of events: older requests that were saved are invisible); the group of the month of the request.',
        group_label,
        requests_n,
        request_customers,
        saved_requests::double / requests_n,
        saved_requests::double / requests_n * (1 - saved_requests::double / requests_n)
            * requests_n / nullif(requests_n - 1, 0),
        saved_requests,
    from event_sums
    where requests_n > 0

    union all

    select
        'X4',
        'saved_mrr_per_request',
        'mean',
        'currency',
        'cancellation request',
        currencies.revenue_currency,
        'Saved value: MRR kept by the save that followed each request (0 when not saved) / cancellation requests (as save_rate).',
        group_label,
        requests_n,
        request_customers,
        saved_mrr_sum / requests_n,
        greatest(saved_mrr_sum_squares - pow(saved_mrr_sum, 2) / requests_n, 0) / nullif(requests_n - 1, 0),
        saved_mrr_sum,
    from event_sums
    cross join currencies
    where requests_n > 0

),

-- Customer measures: the group as of the as-of date; customers who ever paid.
customer_totals as (

    select
        customer_id,
        sum(revenue_in_month)::double as revenue_to_date,
        sum(add_on_purchases) > 0 as has_cross_sell,
        sum(cross_sell_mrr)::double as cross_sell_mrr,
        sum(one_off_orders_in_month) >= 2 as has_repeat_purchase,
    from customer_months
    group by customer_id
    having bool_or(is_paying_in_month)

),

labelled_customers as (

    select customer_totals.*, groups.comparison_group as group_label
    from customer_totals
    inner join groups on groups.customer_id = customer_totals.customer_id
    union all
    select customer_totals.*, 'control'
    from customer_totals
    inner join groups on groups.customer_id = customer_totals.customer_id
    where groups.is_control

),

customer_measures as (

    select
        'X1' as metric_id,
        'revenue_to_date_per_customer' as measure,
        'mean' as statistic,
        'currency' as unit,
        'customer' as unit_of_analysis,
        any_value(currencies.revenue_currency) as currency,
        'Historical CLV (K4) by group: revenue paid to date / customers who ever paid; group as of the as-of date.' as definition,
        group_label as comparison_group,
        count(*) as observations,
        count(*) as customers,
        avg(revenue_to_date) as mean_value,
        var_samp(revenue_to_date) as variance_value,
        sum(revenue_to_date) as total_value,
    from labelled_customers
    cross join currencies
    group by group_label

    union all

    select
        'X6',
        'cross_sell_rate',
        'proportion',
        'fraction',
        'customer',
        null,
        'Cross-sell rate: customers who bought an add-on after their first purchase / customers who ever paid; group as of the as-of date.',
        group_label,
        count(*),
        count(*),
        avg(has_cross_sell::int),
        var_samp(has_cross_sell::int),
        sum(has_cross_sell::int),
    from labelled_customers
    group by group_label

    union all

    select
        'X6',
        'cross_sell_mrr_per_customer',
        'mean',
        'currency',
        'customer',
        any_value(currencies.revenue_currency),
        'Cross-sell revenue: monthly recurring revenue the add-ons added (add_on MRR change) / customers who ever paid; group as of the as-of date.',
        group_label,
        count(*),
        count(*),
        avg(cross_sell_mrr),
        var_samp(cross_sell_mrr),
        sum(cross_sell_mrr),
    from labelled_customers
    cross join currencies
    group by group_label

    union all

    select
        'X6',
        'repeat_purchase_rate',
        'proportion',
        'fraction',
        'customer',
        null,
        'Repeat purchase (the one-off shop''s cross-sell): customers with two or more one-off orders (fct_orders without a subscription) / customers who ever paid; group as of the as-of date.',
        group_label,
        count(*),
        count(*),
        avg(has_repeat_purchase::int),
        var_samp(has_repeat_purchase::int),
        sum(has_repeat_purchase::int),
    from labelled_customers
    group by group_label

),

-- X7: problem tickets by the channel they were raised through.
problem_measures as (

    select
        'X7' as metric_id,
        'process_change_rate' as measure,
        'proportion' as statistic,
        'fraction' as unit,
        'problem ticket' as unit_of_analysis,
        cast(null as varchar) as currency,
        'Problems that led to a process change (tag process_change) / problem tickets with linked incidents, by the channel the problem was raised through (social / non_social; no control).' as definition,
        raised_through as comparison_group,
        count(*) as observations,
        cast(null as bigint) as customers,
        avg(led_to_process_change::int) as mean_value,
        var_samp(led_to_process_change::int) as variance_value,
        sum(led_to_process_change::int) as total_value,
    from problem_tickets
    group by raised_through

    union all

    select
        'X7',
        'incidents_avoided_per_process_change',
        'mean',
        'incidents',
        'process change',
        null,
        'Incidents avoided after a process change: (incidents of the category per day before - per day after) x days after, averaged over process changes by raising channel; total_value = all incidents avoided.',
        raised_through,
        count(*),
        null,
        avg(incidents_avoided),
        var_samp(incidents_avoided),
        sum(incidents_avoided),
    from problem_tickets
    where led_to_process_change and incidents_avoided is not null
    group by raised_through

),

final as (

    {% for m in month_measures %}
    select * from measure_{{ loop.index }}
    union all
    {% endfor %}
    select * from event_measures
    union all
    select * from customer_measures
    union all
    select * from problem_measures

)

select * from final
