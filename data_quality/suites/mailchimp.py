"""Mailchimp: audiences, members, campaigns, reports and recipient activity."""
from data_quality.expectations import non_negative, one_of, required, timestamp

SUITES = {
    "lists": [
        required("name", "stats.member_count"),
        non_negative("stats.member_count", "stats.unsubscribe_count", "stats.cleaned_count", "stats.campaign_count"),
        timestamp("date_created"),
    ],
    "members": [
        required("email_address", "status", "timestamp_opt", "last_changed"),
        one_of("status", ("subscribed", "unsubscribed", "cleaned", "pending", "transactional", "archived")),
        timestamp("timestamp_opt", "last_changed"),
        non_negative("member_rating"),
    ],
    "campaigns": [
        required("send_time", "status", "emails_sent"),
        one_of("status", ("sent",)),
        timestamp("send_time", "create_time"),
        non_negative("emails_sent", "report_summary.opens", "report_summary.unique_opens", "report_summary.clicks"),
    ],
    "reports": [
        required("send_time", "emails_sent", "opens.unique_opens", "clicks.unique_clicks"),
        timestamp("send_time"),
        non_negative(
            "emails_sent", "unsubscribed", "bounces.hard_bounces", "bounces.soft_bounces",
            "opens.opens_total", "opens.unique_opens", "clicks.clicks_total", "clicks.unique_clicks",
        ),
    ],
    "email_activity": [
        required("email_address", "list_id", "activity"),
    ],
}
