"""Expectations on the raw X API v2 streams (primary keys are checked by default)."""
from datetime import datetime, timezone

from data_quality.expectations import non_negative, required, timestamp

# X stamps every tweet and user itself; nothing predates its first tweet (2006-03-21).
EARLIEST_PLAUSIBLE = datetime(2006, 3, 21, tzinfo=timezone.utc)

METRICS = tuple(f"public_metrics.{m}" for m in
                ("retweet_count", "reply_count", "like_count", "quote_count", "bookmark_count", "impression_count"))
_TWEETS = [
    required("text", "created_at", "author_id"),
    timestamp("created_at"),
    non_negative(*METRICS),
    required("public_metrics.like_count", blocking=False),
]
_USERS = [
    required("username", "public_metrics.followers_count"),
    non_negative("public_metrics.followers_count", "public_metrics.following_count", "public_metrics.tweet_count"),
    timestamp("created_at"),
]

SUITES = {
    "users": list(_USERS),
    "tweets": list(_TWEETS),
    "mentions": list(_TWEETS),
    "mention_authors": [required("username")],
    "replied_tweets": list(_TWEETS),
    "replied_authors": [required("username")],
    "competitor_users": list(_USERS),
    "competitor_tweets": list(_TWEETS),
    "competitor_mentions": list(_TWEETS),
}
