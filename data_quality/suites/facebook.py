"""Expectations on the raw Facebook Pages Graph API streams (primary keys are checked by default)."""
from datetime import datetime, timezone

from data_quality.expectations import non_negative, one_of, required, timestamp

# Facebook stamps posts, comments and insights itself; it launched on 2004-02-04.
EARLIEST_PLAUSIBLE = datetime(2004, 2, 4, tzinfo=timezone.utc)

PAGE_METRICS = ("page_follows", "page_daily_follows_unique", "page_daily_unfollows_unique", "page_impressions",
                "page_post_engagements")

_POSTS = [
    required("created_time"),
    timestamp("created_time"),
    non_negative("shares.count", "reactions.summary.total_count", "comments.summary.total_count"),
    required("reactions.summary.total_count", "comments.summary.total_count", blocking=False),
]

SUITES = {
    "page": [
        required("name", "followers_count"),
        non_negative("followers_count", "fan_count"),
    ],
    "posts": list(_POSTS),
    "post_comments": [
        required("created_time"),
        timestamp("created_time", "parent.created_time"),
        non_negative("comment_count", "like_count"),
        # Without the page's permissions Graph omits "from": identity matching then falls back to nothing.
        required("from.id", blocking=False, mostly=0.95),
    ],
    "page_insights": [
        required("name", "period"),
        one_of("name", PAGE_METRICS),
        one_of("period", ("day",)),
    ],
    "competitor_pages": [
        required("name", "followers_count"),
        non_negative("followers_count", "fan_count"),
    ],
    "competitor_posts": list(_POSTS),
}
