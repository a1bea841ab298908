"""Facebook Pages Graph API as declared streams.

Reads the brand's Facebook Page (host ``graph.facebook.com``): the page
snapshot, its posts with reaction/comment/share counts, the comments and
replies on those posts, the page's daily insights, and tracked competitor
pages with their posts (public page data needs Page Public Content Access).

Notes on the real API that shape these declarations:
- ``/{page-id}/posts`` accepts ``since``/``until``; reactions and comments keep
  arriving after publication, so each run re-reads the last ``POSTS_LOOKBACK``.
- ``/{post-id}/comments?filter=stream`` returns comments *and* replies, each
  reply with its ``parent``; a reply whose ``from.id`` is the page is the
  brand's answer.  ``from`` is returned to a page token with the page's
  permissions; without them it is omitted.
- Page insights take ranges of at most 93 days; ``GraphInsightsWindows`` asks
  for 90-day windows and follows ``paging.next`` to now.  page_follows is the
  follower total per day, the *_unique metrics are daily follows and unfollows.
"""
from __future__ import annotations

from datetime import timedelta

from extractors.engine.auth import BearerToken
from extractors.engine.declarations import ForEachRecordOf, ForEachSetting, Setting, Source, Stream
from extractors.engine.incremental import GraphInsightsWindows, SinceParam
from extractors.engine.paginators import GraphCursor, SinglePage
from extractors.engine.rate_limits import GraphApiRateLimit

GRAPH_BASE_URL = "https://graph.facebook.com/v23.0"
POSTS_LOOKBACK = timedelta(days=7)

PAGE_FIELDS = "id,name,username,followers_count,fan_count"
POST_FIELDS = (
    "id,message,created_time,permalink_url,from,shares,"
    "reactions.summary(total_count).limit(0),comments.summary(total_count).limit(0)"
)
COMMENT_FIELDS = "id,message,created_time,from,comment_count,like_count,parent"
PAGE_INSIGHT_METRICS = (
    "page_follows,page_daily_follows_unique,page_daily_unfollows_unique,page_impressions,page_post_engagements"
)

SETTINGS = (
    Setting("access_token", "Page access token with pages_read_engagement, pages_read_user_content and "
            "read_insights (sent as a Bearer header)", secret=True),
    Setting("page_id", "Id of the brand's Facebook Page"),
    Setting("competitor_page_ids", "Ids of tracked competitor Pages, comma-separated (needs Page Public Content "
            "Access)", required=False, default="", is_list=True),
)


def _has_comments(post) -> bool:
    summary = (post.get("comments") or {}).get("summary") or {}
    return (summary.get("total_count") or 0) > 0


page = Stream(
    name="page",
    path="/{page_id}",
    params={"fields": PAGE_FIELDS},
    record_path=(),
    paginator=SinglePage(),
    description="The brand's Page: followers_count and fan_count, a snapshot per run (E1).",
)

posts = Stream(
    name="posts",
    path="/{page_id}/posts",
    params={"fields": POST_FIELDS},
    cursor_field="created_time",
    paginator=GraphCursor(limit=100),
    incremental=SinceParam(param="since", format="unix", lookback=POSTS_LOOKBACK, start=None),
    description="Posts of the brand's Page, newest first, with shares.count and reaction/comment summary "
    f"total_count (E5-E7, E10, E11); re-read for {POSTS_LOOKBACK.days} days after publication.",
)

post_comments = Stream(
    name="post_comments",
    path="/{post_id}/comments",
    params={"fields": COMMENT_FIELDS, "filter": "stream", "order": "chronological"},
    paginator=GraphCursor(limit=100),
    fan_out=ForEachRecordOf("posts", {"post_id": "id"}, where=_has_comments),
    description="Comments and replies on each post (filter=stream), replies with their parent; replies from the "
    "page are the brand's answers (R1-R4, S1, E14).  Context holds the post_id.",
)

page_insights = Stream(
    name="page_insights",
    path="/{page_id}/insights",
    params={"metric": PAGE_INSIGHT_METRICS, "period": "day"},
    # Graph gives a metric the same id in every window; the window's values tell two records apart.
    primary_key=("id", "values"),
    paginator=GraphCursor(),
    incremental=GraphInsightsWindows(window=timedelta(days=90), lookback=timedelta(days=3),
                                     start=timedelta(days=730)),
    description="Daily page insights (followers, follows, unfollows, impressions, post engagements) in 90-day "
    "since/until windows (E1-E4).",
)

competitor_pages = Stream(
    name="competitor_pages",
    path="/{competitor_page_id}",
    params={"fields": PAGE_FIELDS},
    record_path=(),
    paginator=SinglePage(),
    fan_out=ForEachSetting("competitor_page_ids", "competitor_page_id"),
    description="Competitor Pages: followers_count and fan_count, a snapshot per run (C1).",
)

competitor_posts = Stream(
    name="competitor_posts",
    path="/{competitor_page_id}/posts",
    params={"fields": POST_FIELDS},
    cursor_field="created_time",
    paginator=GraphCursor(limit=100),
    incremental=SinceParam(param="since", format="unix", lookback=POSTS_LOOKBACK, start=None),
    fan_out=ForEachSetting("competitor_page_ids", "competitor_page_id"),
    description="Posts of competitor Pages with their counts (C1, C2); context holds the competitor page id.",
)

SOURCE = Source(
    name="facebook",
    default_base_url=GRAPH_BASE_URL,
    auth=BearerToken("access_token"),
    rate_limit=GraphApiRateLimit(),
    settings=SETTINGS,
    streams=(page, posts, post_comments, page_insights, competitor_pages, competitor_posts),
    description="Facebook Pages Graph API for the brand's Page and tracked competitor Pages.",
)
