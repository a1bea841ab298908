{#- Per customer, as of the as-of date: K4 CLV (historical and predictive), K5
    engagement score of the last 30 days and K6 health score, with every component.
    K4 has two predictive models, picked by dim_customers.purchase_kind: a customer who
    ever subscribed - average monthly revenue x gross margin / monthly churn of the
    plan (METRICS.md K4); a one-off buyer, who has no subscription to churn from -
    purchase frequency: average order value x orders per month observed (orders /
    months from the first-purchase month to the as-of month, both counted) x the
    horizon (seed clv_horizon) x gross margin.
    The "last 30 days" are the 30 local dates ending on the as-of date (as_of_date - 29
    to as_of_date).  Customers with no activity score 0 on K5, not NULL. -#}
with

customers as (

    select * from {{ ref('dim_customers') }}

),

as_of as (

    select * from {{ ref('int_billing__as_of') }}

),

customer_months as (

    select * from {{ ref('fct_customer_months') }}

),

invoices as (

    select * from {{ ref('fct_invoices') }}

),

survey_responses as (

    select * from {{ ref('fct_survey_responses') }}

),

sessions as (

    select * from {{ ref('int_web__sessions') }}

),

product_events as (

    select * from {{ ref('stg_mixpanel__events') }}

),

email_activities as (

    select * from {{ ref('stg_mailchimp__email_activities') }}

),

messages as (

    select * from {{ ref('int_messages') }}

),

conversations as (

    select * from {{ ref('fct_conversations') }}

),

links as (

    select * from {{ ref('int_identity__links') }}

),

engagement_weights as (

    select * from {{ ref('engagement_score_weights') }}

),

health_weights as (

    select * from {{ ref('health_score_weights') }}

),

gross_margins as (

    select * from {{ ref('gross_margin') }}

),

purchase_frequency_horizon as (

    select horizon_months from {{ ref('clv_horizon') }}
    where clv_model = 'purchase_frequency'

),

period as (

    select
        as_of_date,
        as_of_date - 29 as period_start_date,
        as_of_month,
    from as_of

),

-- K5: every counted activity of the period, one row each ---------------------------
activities as (

    select
        sessions.customer_id,
        'web_session' as activity,
    from sessions
    cross join period
    where sessions.customer_id is not null
        and sessions.session_date between period.period_start_date and period.as_of_date

    union all

    select
        links.customer_id,
        engagement_weights.activity,
    from product_events
    cross join period
    inner join engagement_weights
        on engagement_weights.activity_group = 'key_product_events'
        and engagement_weights.source_event = product_events.event_name
    inner join links
        on links.source = 'mixpanel_user'
        and links.source_identity = product_events.user_id
    where cast({{ to_local('product_events.occurred_at_utc') }} as date) between period.period_start_date and period.as_of_date

    union all

    select
        links.customer_id,
        engagement_weights.activity,
    from email_activities
    cross join period
    inner join engagement_weights
        on engagement_weights.activity_group = 'email'
        and engagement_weights.source_event = email_activities.action
    inner join links
        on links.source = 'mailchimp_member'
        and links.source_identity = email_activities.email_id
    where cast({{ to_local('email_activities.occurred_at_utc') }} as date) between period.period_start_date and period.as_of_date

    union all

    -- messages the customer wrote to or about the brand on a social platform or social ticket
    select
        links.customer_id,
        'social_interaction' as activity,
    from messages
    cross join period
    inner join links
        on {{ message_author_link('messages', 'links') }}
    where not messages.is_brand
        and messages.message_kind in ('comment', 'reply', 'mention', 'customer_ticket_comment')
        and cast({{ to_local('messages.created_at_utc') }} as date) between period.period_start_date and period.as_of_date

),

activity_counts as (

    select
        customer_id,
        activity,
        count(*) as occurrences,
    from activities
    group by customer_id, activity

),

engagement as (

    select
        activity_counts.customer_id,
        sum(
            engagement_weights.weight
            * least(activity_counts.occurrences, coalesce(engagement_weights.cap_per_period, activity_counts.occurrences))
        ) as engagement_score,
        sum(activity_counts.occurrences) filter (where engagement_weights.activity_group = 'web_sessions') as web_sessions,
        sum(activity_counts.occurrences) filter (where engagement_weights.activity_group = 'key_product_events')
            as key_product_events,
        sum(activity_counts.occurrences) filter (where activity_counts.activity = 'email_open') as email_opens,
        sum(activity_counts.occurrences) filter (where activity_counts.activity = 'email_click') as email_clicks,
        sum(activity_counts.occurrences) filter (where engagement_weights.activity_group = 'social') as social_interactions,
    from activity_counts
    inner join engagement_weights on engagement_weights.activity = activity_counts.activity
    group by activity_counts.customer_id

),

-- K4 -------------------------------------------------------------------------------
revenue as (

    select
        customer_id,
        sum(revenue_in_month) as historical_revenue,
        count(*) filter (where revenue_in_month > 0) as revenue_months,
        sum(orders_in_month) as orders,
    from customer_months
    group by customer_id

),

-- Monthly churn of the customer's plan: L2 over the 12 complete months before the as-of month.
plan_churn as (

    select
        customer_months.first_plan as plan,
        {{ safe_ratio(
            'count(*) filter (where customer_months.is_active_at_month_start and customer_months.churned_in_month)',
            'count(*) filter (where customer_months.is_active_at_month_start)'
        ) }} as monthly_churn_rate,
    from customer_months
    cross join period
    where customer_months.month >= period.as_of_month - interval 12 month
        and customer_months.month < period.as_of_month
    group by customer_months.first_plan

),

-- K6 components ----------------------------------------------------------------------
latest_nps as (

    select
        survey_responses.customer_id,
        arg_max(survey_responses.score, (survey_responses.responded_at_utc, survey_responses.response_id)) as latest_nps_score,
    from survey_responses
    cross join period
    inner join health_weights on health_weights.component = 'nps'
    where survey_responses.survey_type = 'NPS'
        and survey_responses.customer_id is not null
        and survey_responses.response_date between period.as_of_date - (health_weights.lookback_days - 1) and period.as_of_date
    group by survey_responses.customer_id

),

recent_csat as (

    select
        survey_responses.customer_id,
        count(*) as csat_responses,
        {{ safe_ratio('count(*) filter (where survey_responses.is_satisfied)', 'count(*)') }} as csat_satisfied_share,
    from survey_responses
    cross join period
    inner join health_weights on health_weights.component = 'csat'
    where survey_responses.survey_type = 'CSAT'
        and survey_responses.customer_id is not null
        and survey_responses.response_date between period.as_of_date - (health_weights.lookback_days - 1) and period.as_of_date
    group by survey_responses.customer_id

),

-- S3 complaints (core.fct_conversations.is_complaint) on tickets not yet solved or
-- closed; social threads carry no resolution state, so they cannot be "open".
open_complaints as (

    select
        customer_id,
        count(*) as open_complaints,
    from conversations
    where is_complaint
        and conversation_type = 'ticket'
        and not is_resolved
        and customer_id is not null
    group by customer_id

),

unpaid_invoices as (

    select
        customer_id,
        count(*) as unpaid_invoices,
    from invoices
    where status = 'open'
        and amount_remaining > 0
        and customer_id is not null
    group by customer_id

),

components as (

    select
        customers.customer_id,
        customers.is_social_customer,
        customers.first_plan,
        customers.current_plan,
        customers.currency,
        customers.is_active_subscriber,
        period.as_of_date,
        period.period_start_date,
        -- K4
        case customers.purchase_kind
            when 'subscription' then 'subscription'
            when 'one_off' then 'purchase_frequency'
        end as clv_model,
        coalesce(revenue.historical_revenue, 0) as historical_clv,
        coalesce(revenue.revenue_months, 0) as revenue_months,
        {{ safe_ratio('revenue.historical_revenue', 'revenue.revenue_months') }} as avg_monthly_revenue,
        coalesce(plan_margin.gross_margin, default_margin.gross_margin) as gross_margin,
        case when customers.purchase_kind = 'subscription' then plan_churn.monthly_churn_rate end
            as monthly_churn_rate,
        coalesce(revenue.orders, 0) as orders_to_date,
        {{ safe_ratio('revenue.historical_revenue', 'revenue.orders') }} as avg_order_value,
        case when customers.purchase_kind = 'one_off' then
            revenue.orders / (datediff('month', customers.first_purchase_month, period.as_of_month) + 1)
        end as orders_per_month,
        case when customers.purchase_kind = 'one_off' then purchase_frequency_horizon.horizon_months end
            as clv_horizon_months,
        -- K5
        coalesce(engagement.engagement_score, 0) as engagement_score,
        coalesce(engagement.web_sessions, 0) as web_sessions_30d,
        coalesce(engagement.key_product_events, 0) as key_product_events_30d,
        coalesce(engagement.email_opens, 0) as email_opens_30d,
        coalesce(engagement.email_clicks, 0) as email_clicks_30d,
        coalesce(engagement.social_interactions, 0) as social_interactions_30d,
        -- K6 inputs
        latest_nps.latest_nps_score,
        recent_csat.csat_satisfied_share as recent_csat_satisfied_share,
        coalesce(open_complaints.open_complaints, 0) as open_complaints,
        case
            when customers.is_active_subscriber and coalesce(unpaid_invoices.unpaid_invoices, 0) = 0 then 'paid_up'
            when customers.is_active_subscriber then 'unpaid_invoice'
            when customers.purchase_kind = 'one_off' then 'one_off'
            when customers.first_purchase_at_utc is not null then 'churned'
            else 'never_paid'
        end as payment_status,
    from customers
    cross join period
    cross join purchase_frequency_horizon
    left join revenue on revenue.customer_id = customers.customer_id
    left join gross_margins as plan_margin on plan_margin.plan = coalesce(customers.current_plan, customers.first_plan)
    left join gross_margins as default_margin on default_margin.plan = 'default'
    left join plan_churn on plan_churn.plan = customers.first_plan
    left join engagement on engagement.customer_id = customers.customer_id
    left join latest_nps on latest_nps.customer_id = customers.customer_id
    left join recent_csat on recent_csat.customer_id = customers.customer_id
    left join open_complaints on open_complaints.customer_id = customers.customer_id
    left join unpaid_invoices on unpaid_invoices.customer_id = customers.customer_id

),

component_scores as (

    select
        components.*,
        least(components.engagement_score / engagement_weight.saturation, 1.0) as health_engagement_score,
        components.latest_nps_score / 10.0 as health_nps_score,
        components.recent_csat_satisfied_share as health_csat_score,
        greatest(0.0, 1.0 - components.open_complaints / complaints_weight.saturation) as health_complaints_score,
        -- a one-off buyer owes nothing between orders: payment status does not apply (NULL, its weight drops out)
        case components.payment_status when 'paid_up' then 1.0 when 'one_off' then null else 0.0 end
            as health_payment_score,
        engagement_weight.weight as engagement_weight,
        nps_weight.weight as nps_weight,
        csat_weight.weight as csat_weight,
        complaints_weight.weight as complaints_weight,
        payment_weight.weight as payment_weight,
    from components
    left join health_weights as engagement_weight on engagement_weight.component = 'engagement'
    left join health_weights as nps_weight on nps_weight.component = 'nps'
    left join health_weights as csat_weight on csat_weight.component = 'csat'
    left join health_weights as complaints_weight on complaints_weight.component = 'complaints'
    left join health_weights as payment_weight on payment_weight.component = 'payment'

),

final as (

    select
        customer_id,
        is_social_customer,
        first_plan,
        current_plan,
        is_active_subscriber,
        as_of_date,
        currency,
        cast(historical_clv as decimal(18, 2)) as historical_clv,
        revenue_months,
        cast(avg_monthly_revenue as decimal(18, 2)) as avg_monthly_revenue,
        gross_margin,
        monthly_churn_rate,
        clv_model,
        orders_to_date,
        cast(avg_order_value as decimal(18, 2)) as avg_order_value,
        orders_per_month,
        clv_horizon_months,
        cast(
            case clv_model
                when 'subscription' then avg_monthly_revenue * gross_margin / nullif(monthly_churn_rate, 0)
                when 'purchase_frequency' then avg_order_value * orders_per_month * clv_horizon_months * gross_margin
            end as decimal(18, 2)
        ) as predictive_clv,
        period_start_date as engagement_period_start_date,
        engagement_score,
        web_sessions_30d,
        key_product_events_30d,
        email_opens_30d,
        email_clicks_30d,
        social_interactions_30d,
        latest_nps_score,
        recent_csat_satisfied_share,
        open_complaints,
        payment_status,
        health_engagement_score,
        health_nps_score,
        health_csat_score,
        health_complaints_score,
        health_payment_score,
        -- rounded to 2 decimals: the float sum of the weights otherwise overshoots 100 by 1e-14
        round(100 * {{ safe_ratio(
            'coalesce(engagement_weight * health_engagement_score, 0)'
            ~ ' + coalesce(nps_weight * health_nps_score, 0)'
            ~ ' + coalesce(csat_weight * health_csat_score, 0)'
            ~ ' + coalesce(complaints_weight * health_complaints_score, 0)'
            ~ ' + coalesce(payment_weight * health_payment_score, 0)',
            'case when health_engagement_score is not null then coalesce(engagement_weight, 0) else 0 end'
            ~ ' + case when health_nps_score is not null then coalesce(nps_weight, 0) else 0 end'
            ~ ' + case when health_csat_score is not null then coalesce(csat_weight, 0) else 0 end'
            ~ ' + case when health_complaints_score is not null then coalesce(complaints_weight, 0) else 0 end'
            ~ ' + case when health_payment_score is not null then coalesce(payment_weight, 0) else 0 end'
        ) }}, 2) as health_score,
    from component_scores

)

select * from final
