{#- The X comparisons month by month: one row per local month and group - social,
    non_social (a customer's group in that month: int_comparison__customer_months)
    and control (matched non-social customers, from their partner's first social
    month on; also inside non_social). Counts, and the per-month rates and means
    of X1-X6 with their denominators beside them; the pooled comparison with
    confidence intervals is marts.social_comparison. -#}
with

customer_months as (

    select * from {{ ref('int_comparison__customer_months') }}

),

cost_per_contact as (

    select * from {{ ref('cost_per_contact') }}

),

labelled as (

    select customer_months.*, comparison_group as group_label from customer_months
    union all
    select customer_months.*, 'control' as group_label from customer_months where is_control_in_month

),

monthly as (

    select
        month,
        group_label as comparison_group,
        bool_or(is_partial_month) as is_partial_month,
        count(*) as customers,
        count(*) filter (where is_active_at_month_start) as active_at_month_start,
        count(*) filter (where is_active_at_month_start and churned_in_month) as churned_customers,
        count(*) filter (where is_active_at_month_start and is_active_at_month_end) as retained_customers,
        count(*) filter (where is_paying_in_month) as paying_customers,
        sum(revenue_in_month) as revenue,
        min(currency) as currency,
        sum(contacts) as contacts,
        sum(social_contacts) as social_contacts,
        sum(phone_contacts) as phone_contacts,
        sum(email_contacts) as email_contacts,
        sum(chat_contacts) as chat_contacts,
        sum(web_contacts) as web_contacts,
        sum(other_contacts) as other_contacts,
        sum(cost_to_serve) as cost_to_serve,
        sum(resolved_conversations) as resolved_conversations,
        sum(resolution_seconds_total) as resolution_seconds_total,
        count(*) filter (where help_center_views > 0) as help_center_users,
        sum(help_center_views) as help_center_views,
        sum(estimated_savings) as estimated_savings,
        count(*) filter (where requested_cancellation_in_month) as cancellation_requests,
        sum(observable_cancellation_requests) as observable_cancellation_requests,
        sum(saved_cancellation_requests) as saved_requests,
        sum(saved_mrr) as saved_mrr,
        sum(nps_responses) as nps_responses,
        sum(nps_promoters) as nps_promoters,
        sum(nps_detractors) as nps_detractors,
        sum(positive_messages) as positive_messages,
        sum(negative_messages) as negative_messages,
        count(*) filter (where add_on_purchases > 0) as cross_sell_customers,
        sum(cross_sell_mrr) as cross_sell_mrr,
    from labelled
    group by month, group_label

),

final as (

    select
        monthly.month,
        monthly.comparison_group,
        monthly.is_partial_month,
        monthly.customers,
        monthly.active_at_month_start,
        monthly.churned_customers,
        {{ safe_ratio('monthly.churned_customers', 'monthly.active_at_month_start') }} as churn_rate,
        {{ safe_ratio('monthly.retained_customers', 'monthly.active_at_month_start') }} as retention_rate,
        monthly.paying_customers,
        cast(monthly.revenue as decimal(18, 2)) as revenue,
        monthly.currency,
        {{ safe_ratio('monthly.revenue', 'monthly.paying_customers') }} as revenue_per_paying_customer,
        monthly.contacts,
        monthly.social_contacts,
        monthly.phone_contacts,
        monthly.email_contacts,
        monthly.chat_contacts,
        monthly.web_contacts,
        monthly.other_contacts,
        {{ safe_ratio('monthly.contacts', 'monthly.customers') }} as contacts_per_customer,
        cast(monthly.cost_to_serve as decimal(18, 2)) as cost_to_serve,
        (select min(currency) from cost_per_contact) as cost_currency,
        {{ safe_ratio('monthly.cost_to_serve', 'monthly.customers') }} as cost_to_serve_per_customer,
        monthly.resolved_conversations,
        {{ safe_ratio('monthly.resolution_seconds_total', 'monthly.resolved_conversations') }} as avg_resolution_seconds,
        monthly.help_center_users,
        {{ safe_ratio('monthly.help_center_users', 'monthly.customers') }} as help_center_user_share,
        monthly.help_center_views,
        {{ safe_ratio('monthly.help_center_views', 'monthly.customers') }} as help_center_views_per_customer,
        cast(monthly.estimated_savings as decimal(18, 2)) as estimated_savings,
        monthly.cancellation_requests,
        monthly.observable_cancellation_requests,
        monthly.saved_requests,
        {{ safe_ratio('monthly.saved_requests', 'monthly.observable_cancellation_requests') }} as save_rate,
        cast(monthly.saved_mrr as decimal(18, 2)) as saved_mrr,
        monthly.nps_responses,
        case when monthly.nps_responses > 0 then
            100.0 * (monthly.nps_promoters - monthly.nps_detractors) / monthly.nps_responses
        end as nps,
        monthly.positive_messages,
        monthly.negative_messages,
        monthly.cross_sell_customers,
        {{ safe_ratio('monthly.cross_sell_customers', 'monthly.paying_customers') }} as cross_sell_rate,
        cast(monthly.cross_sell_mrr as decimal(18, 2)) as cross_sell_mrr,
    from monthly

)

select * from final
