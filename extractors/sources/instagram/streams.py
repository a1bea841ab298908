"""Instagram Graph API (business account) as declared streams.

Reads the brand's Instagram professional account through the Graph API
("Instagram API with Facebook Login", host ``graph.facebook.com``): the
account, its media with their counts, per-media insights and comments, the
account's daily new followers, and tracked competitors via business_discovery.

Notes on the real API that shape these declarations:
- ``/{ig-user-id}/media`` accepts ``since``/``until`` (unix seconds).  Likes and
  comments keep arriving after publication, so every run re-reads the last
  ``MEDIA_LOOKBACK`` of media; staging keeps the latest snapshot per media.
- ``follower_count`` (daily *new* followers) is served only for the last 30
  days, in ranges of at most 30 days: history older than that can never be
  backfilled, so the stream must run at least monthly (daily in practice).
  The total follower count is the ``account`` snapshot's ``followers_count``.
- business_discovery returns another account's public counts and its most
  recent media (``media.limit(n)``); it is a snapshot per run.
"""
from __future__ import annotations

from datetime import timedelta

from extractors.engine.auth import BearerToken
from extractors.engine.declarations import ForEachRecordOf, ForEachSetting, Setting, Source, Stream
from extractors.engine.incremental import GraphInsightsWindows, SinceParam
from extractors.engine.paginators import GraphCursor, SinglePage
from extractors.engine.rate_limits import GraphApiRateLimit

GRAPH_BASE_URL = "https://graph.facebook.com/v23.0"
MEDIA_LOOKBACK = timedelta(days=7)

MEDIA_FIELDS = (
    "id,caption,media_type,media_product_type,permalink,timestamp,like_count,comments_count,username,owner"
)
COMMENT_FIELDS = "id,text,timestamp,username,like_count,from,replies{id,text,timestamp,username,from}"
MEDIA_INSIGHT_METRICS = "reach,saved,shares,views,total_interactions"
COMPETITOR_FIELDS = (
    "business_discovery.username({competitor_username})"
    "{id,username,name,followers_count,media_count,"
    "media.limit(50){id,caption,media_type,timestamp,permalink,like_count,comments_count}}"
)

SETTINGS = (
    Setting("access_token", "Graph API access token with instagram_basic, instagram_manage_insights and "
            "pages_read_engagement (sent as a Bearer header)", secret=True),
    Setting("ig_user_id", "Instagram professional account id (IG User id) of the brand"),
    Setting("competitor_usernames", "Instagram usernames of tracked competitor business accounts, comma-separated",
            required=False, default="", is_list=True),
)

account = Stream(
    name="account",
    path="/{ig_user_id}",
    params={"fields": "id,username,name,followers_count,follows_count,media_count"},
    record_path=(),
    primary_key=("id",),
    paginator=SinglePage(),
    description="The brand's account: a snapshot of followers_count, follows_count and media_count per run (E1).",
)

media = Stream(
    name="media",
    path="/{ig_user_id}/media",
    params={"fields": MEDIA_FIELDS},
    primary_key=("id",),
    cursor_field="timestamp",
    paginator=GraphCursor(limit=100),
    incremental=SinceParam(param="since", format="unix", lookback=MEDIA_LOOKBACK, start=None),
    description="Media of the brand's account, newest first, with like and comment counts (E5, E6, E10, E11); "
    f"re-read for {MEDIA_LOOKBACK.days} days after publication so late likes and comments are caught.",
)

media_insights = Stream(
    name="media_insights",
    path="/{media_id}/insights",
    params={"metric": MEDIA_INSIGHT_METRICS},
    primary_key=("id",),
    paginator=SinglePage(),
    fan_out=ForEachRecordOf("media", {"media_id": "id"}),
    description="Lifetime insights per media (reach, saved, shares, views, total_interactions), one record per "
    "metric; the raw row's context holds the media_id (E6, E9).",
)

comments = Stream(
    name="comments",
    path="/{media_id}/comments",
    params={"fields": COMMENT_FIELDS},
    primary_key=("id",),
    paginator=GraphCursor(limit=50),
    fan_out=ForEachRecordOf("media", {"media_id": "id"}, where=lambda m: (m.get("comments_count") or 0) > 0),
    description="Top-level comments on each media with their replies nested; a reply by the brand's own username "
    "is the brand's answer (R1-R4, S1, E14).  Context holds the media_id.",
)

account_insights = Stream(
    name="account_insights",
    path="/{ig_user_id}/insights",
    params={"metric": "follower_count", "period": "day"},
    # Graph gives a metric the same id in every window; the window's values tell two records apart.
    primary_key=("id", "values"),
    paginator=GraphCursor(),
    incremental=GraphInsightsWindows(window=timedelta(days=30), lookback=timedelta(days=3),
                                     start=timedelta(days=29), max_history=timedelta(days=29)),
    description="Daily new followers (follower_count, period=day) in since/until windows; the API serves only the "
    "last 30 days (E3).",
)

competitor_accounts = Stream(
    name="competitor_accounts",
    path="/{ig_user_id}",
    params={"fields": COMPETITOR_FIELDS},
    record_path=("business_discovery",),
    primary_key=("id",),
    paginator=SinglePage(),
    fan_out=ForEachSetting("competitor_usernames", "competitor_username"),
    description="Competitor business accounts via business_discovery: followers, media count and their 50 most "
    "recent media with like/comment counts, a snapshot per run (C1, C2).",
)

SOURCE = Source(
    name="instagram",
    default_base_url=GRAPH_BASE_URL,
    auth=BearerToken("access_token"),
    rate_limit=GraphApiRateLimit(),
    settings=SETTINGS,
    streams=(account, media, media_insights, comments, account_insights, competitor_accounts),
    description="Instagram Graph API for the brand's business account and tracked competitors.",
)
