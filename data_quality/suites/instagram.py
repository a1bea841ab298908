"""Expectations on the raw Instagram Graph API streams (primary keys are checked by default)."""
from datetime import datetime, timezone

from data_quality.expectations import non_negative, one_of, required, timestamp

# Instagram stamps media, comments and insights itself; it launched on 2010-10-06.
EARLIEST_PLAUSIBLE = datetime(2010, 10, 6, tzinfo=timezone.utc)

MEDIA_TYPES = ("IMAGE", "VIDEO", "CAROUSEL_ALBUM")
MEDIA_PRODUCT_TYPES = ("FEED", "REELS", "STORY", "AD")
MEDIA_INSIGHTS = ("reach", "saved", "shares", "views", "total_interactions", "likes", "comments")

SUITES = {
    "account": [
        required("username", "followers_count", "media_count"),
        non_negative("followers_count", "follows_count", "media_count"),
    ],
    "media": [
        required("timestamp", "media_type"),
        timestamp("timestamp"),
        one_of("media_type", MEDIA_TYPES),
        one_of("media_product_type", MEDIA_PRODUCT_TYPES),
        non_negative("like_count", "comments_count"),
        # Captions are optional on Instagram; a missing permalink is unusual but not fatal.
        required("permalink", blocking=False),
    ],
    "media_insights": [
        required("name", "period", "values"),
        one_of("name", MEDIA_INSIGHTS),
        one_of("period", ("lifetime",)),
    ],
    "comments": [
        required("timestamp", "username"),
        timestamp("timestamp"),
        non_negative("like_count"),
    ],
    "account_insights": [
        # "id" and "values" are the primary key, checked by default.
        required("name", "period"),
        one_of("name", ("follower_count",)),
        one_of("period", ("day",)),
    ],
    "competitor_accounts": [
        required("username", "followers_count", "media_count"),
        non_negative("followers_count", "media_count"),
    ],
}
