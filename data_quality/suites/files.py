"""Expectations for the file source's entities (paths are the export's column names).

The reader already quarantines rows that break the column contract
(``extractors/files/contract.py``); these suites gate the batch the same way
an API stream's do, and a test keeps them in step with the contract.
Timestamps written without an offset are read as UTC here: the one-day future
slack covers any zone.
"""
from data_quality.expectations import non_negative, one_of, required, timestamp

PLATFORMS = ("instagram", "facebook", "x")
BOOLEANS = ("true", "false")

SUITES = {
    "orders": [
        required("status", "currency", "total_amount", "ordered_at"),
        timestamp("ordered_at", "paid_at"),
        non_negative("total_amount", "item_count"),
        one_of("status", ("paid", "pending", "refunded", "canceled")),
    ],
    "customers": [
        required("created_at"),
        timestamp("created_at"),
    ],
    "tickets": [
        required("channel", "status", "created_at"),
        timestamp("created_at", "solved_at"),
        one_of("channel", ("email", "web", "chat", "phone", "social", "other")),
        one_of("social_platform", PLATFORMS),
        one_of("status", ("new", "open", "pending", "hold", "solved", "closed")),
        one_of("priority", ("low", "normal", "high", "urgent")),
        one_of("satisfaction", ("good", "bad")),
    ],
    "ticket_comments": [
        required("ticket_id", "author_role", "body", "created_at"),
        timestamp("created_at"),
        one_of("author_role", ("customer", "agent")),
        one_of("is_public", BOOLEANS),
    ],
    "social_messages": [
        required("message_type", "is_brand", "text", "created_at"),
        timestamp("created_at"),
        one_of("platform", PLATFORMS),
        one_of("message_type", ("comment", "reply", "mention", "direct_message")),
        one_of("is_brand", BOOLEANS),
    ],
    "posts": [
        required("account_id", "published_at"),
        timestamp("published_at", "counted_at"),
        one_of("platform", PLATFORMS),
        one_of("is_own", BOOLEANS),
        non_negative("likes", "comments", "shares", "saves", "reach", "impressions", "views", "link_clicks"),
    ],
    "followers": [
        required("followers"),
        timestamp("date"),
        one_of("platform", PLATFORMS),
        non_negative("followers", "new_follows", "unfollows"),
    ],
    "survey_responses": [
        required("survey_type", "score", "submitted_at"),
        timestamp("submitted_at"),
        one_of("survey_type", ("NPS", "CSAT", "CES")),
        non_negative("score"),
    ],
    "email_activities": [
        timestamp("occurred_at"),
        one_of("action", ("sent", "open", "click", "bounce", "unsubscribe")),
        one_of("bounce_type", ("hard", "soft")),
    ],
}
