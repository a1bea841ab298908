"""Expectations for the Zendesk Support streams (paths into the raw API records)."""
from data_quality.expectations import non_negative, one_of, required, timestamp

CHANNELS = (
    "web", "email", "chat", "voice", "twitter", "facebook", "instagram_dm", "api", "mobile", "mobile_sdk",
    "native_messaging", "whatsapp", "sms", "messenger", "help_center", "rule", "sample_ticket", "side_conversation",
    "any_channel", "line", "wechat",
)

SUITES = {
    "tickets": [
        required("created_at", "updated_at", "status", "requester_id", "via.channel"),
        timestamp("created_at", "updated_at"),
        one_of("status", ("new", "open", "pending", "hold", "solved", "closed", "deleted")),
        one_of("type", ("question", "incident", "problem", "task")),
        one_of("priority", ("low", "normal", "high", "urgent")),
        # New Zendesk via types appear over time: an unknown channel is recorded, not blocking.
        one_of("via.channel", CHANNELS, blocking=False),
        one_of("satisfaction_rating.score", ("unoffered", "offered", "good", "bad")),
    ],
    "ticket_metrics": [
        required("ticket_id", "created_at", "updated_at"),
        timestamp("created_at", "updated_at", "solved_at", "latest_comment_added_at", "initially_assigned_at"),
        non_negative(
            "reply_time_in_minutes.calendar", "reply_time_in_minutes.business",
            "full_resolution_time_in_minutes.calendar", "full_resolution_time_in_minutes.business",
            "first_resolution_time_in_minutes.calendar", "requester_wait_time_in_minutes.calendar",
            "agent_wait_time_in_minutes.calendar", "replies", "reopens",
        ),
    ],
    "users": [
        required("name", "role", "created_at", "updated_at"),
        timestamp("created_at", "updated_at"),
        one_of("role", ("end-user", "agent", "admin")),
    ],
    "satisfaction_ratings": [
        required("ticket_id", "score", "created_at"),
        timestamp("created_at", "updated_at"),
        one_of("score", ("offered", "unoffered", "good", "bad")),
    ],
    "ticket_comments": [
        required("author_id", "created_at", "public"),
        timestamp("created_at"),
    ],
}
