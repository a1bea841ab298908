"""X API v2 as declared streams.

Reads the brand's X accounts with an app-only bearer token (host
``api.x.com``): each own user with its public_metrics, its timeline (posts and
the brand's replies) with the tweets the replies answer, its mentions with
their authors, and tracked competitor users with their timelines and mentions
(share of voice).  A brand may own several accounts (a main handle and a
support handle): every own stream fans out over ``user_ids``, given as ids or
handles and resolved to ids through the API before the first request
(``vendor.resolve_accounts``); competitors likewise.

Notes on the real API that shape these declarations:
- Timelines page with ``meta.next_token`` -> ``pagination_token`` and accept
  ``start_time`` (RFC 3339).  ``start_time`` rather than ``since_id`` is the
  incremental parameter because public_metrics keep changing after a tweet is
  posted: each run re-reads ``TWEETS_LOOKBACK``.
- The user tweets timeline reaches back 3,200 tweets and the mentions timeline
  800 mentions; older ones are never served, so the streams must run often
  enough (daily in practice) for the account's volume.
- A brand reply is a tweet of the own timeline with ``in_reply_to_user_id``
  and ``referenced_tweets`` of type ``replied_to`` (the mention's id).  The
  tweet it answers is not always a mention the brand can read: a customer who
  wrote to the main handle and was answered by the support handle is in the
  main handle's mentions only.  ``expansions=referenced_tweets.id`` puts the
  answered tweets in ``includes.tweets`` of the timeline page (with the same
  tweet.fields, conversation_id included), landed by ``replied_tweets``, and
  ``referenced_tweets.id.author_id`` their authors in ``includes.users``,
  landed by ``replied_authors``.
- Mentions carry ``author_id`` only; the author's username comes in
  ``includes.users`` of the same response (``expansions=author_id``).  The
  engine lands one record list per stream, so ``mention_authors`` reads the
  same pages with ``record_path=("includes", "users")``: the usernames stay
  reachable for identity matching, at the cost of a second pass over mentions.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from extractors.engine.auth import BearerToken
from extractors.engine.declarations import ForEachSetting, Setting, Source, Stream
from extractors.engine.incremental import SinceLastRun, SinceParam
from extractors.engine.paginators import SinglePage, XNextToken
from extractors.engine.rate_limits import XRateLimit
from extractors.sources.x.vendor import resolve_accounts

X_BASE_URL = "https://api.x.com/2"
TWEETS_LOOKBACK = timedelta(days=7)
# A first run reads the whole history (None), from the oldest start_time the API accepts.
HISTORY = None
EARLIEST_START_TIME = datetime(2010, 11, 6, 0, 0, 1, tzinfo=timezone.utc)

USER_FIELDS = "created_at,description,public_metrics,username,name,verified"
TWEET_FIELDS = "created_at,public_metrics,conversation_id,in_reply_to_user_id,referenced_tweets,author_id,lang,entities"
TIMELINE_PARAMS = {"tweet.fields": TWEET_FIELDS, "max_results": 100}
AUTHOR_FIELDS = "username,name,created_at"
MENTION_PARAMS = {**TIMELINE_PARAMS, "expansions": "author_id", "user.fields": AUTHOR_FIELDS}
OWN_TIMELINE_PARAMS = {
    **TIMELINE_PARAMS,
    "expansions": "referenced_tweets.id,referenced_tweets.id.author_id",
    "user.fields": AUTHOR_FIELDS,
}
OWN_ACCOUNTS = ForEachSetting("user_ids", "user_id")


def _since() -> SinceParam:
    return SinceParam(param="start_time", format="iso8601", lookback=TWEETS_LOOKBACK, start=HISTORY,
                      earliest=EARLIEST_START_TIME)


SETTINGS = (
    Setting("bearer_token", "X API app-only bearer token", secret=True),
    # One of the two is required (checked by vendor.resolve_accounts): user_id is the one-account alias.
    Setting("user_ids", "The brand's X accounts, comma-separated: numeric ids or handles (@brand or brand)",
            required=False, default="", is_list=True),
    Setting("user_id", "The brand's X account (id or handle) when it has only one; PANTAU_X_USER_IDS wins",
            required=False),
    Setting("competitor_user_ids", "Tracked competitor X accounts, comma-separated: numeric ids or handles",
            required=False, default="", is_list=True),
)

users = Stream(
    name="users",
    path="/users/{user_id}",
    params={"user.fields": USER_FIELDS},
    record_path=("data",),
    paginator=SinglePage(),
    fan_out=OWN_ACCOUNTS,
    description="The brand's X users: public_metrics (followers_count, tweet_count...) snapshot per run (E1).",
)

tweets = Stream(
    name="tweets",
    path="/users/{user_id}/tweets",
    params=OWN_TIMELINE_PARAMS,
    cursor_field="created_at",
    paginator=XNextToken(),
    incremental=_since(),
    fan_out=OWN_ACCOUNTS,
    description="The brand's timelines: posts with public_metrics (likes, replies, retweets, quotes, bookmarks, "
    "impressions; E5-E11) and its replies to mentions (in_reply_to_user_id, referenced_tweets; R1-R4).",
)

mentions = Stream(
    name="mentions",
    path="/users/{user_id}/mentions",
    params=MENTION_PARAMS,
    cursor_field="created_at",
    paginator=XNextToken(),
    incremental=_since(),
    fan_out=OWN_ACCOUNTS,
    description="Tweets mentioning the brand's accounts (E12, S1, C4), with author_id; context.user_id names the "
    "account; authors' usernames land in mention_authors.",
)

mention_authors = Stream(
    name="mention_authors",
    path="/users/{user_id}/mentions",
    params=MENTION_PARAMS,
    record_path=("includes", "users"),
    paginator=XNextToken(),
    # Users carry no time of their own: the window starts where the previous run's clock stood.
    incremental=SinceLastRun(param="start_time", format="iso8601", lookback=TWEETS_LOOKBACK, start=HISTORY,
                             earliest=EARLIEST_START_TIME),
    fan_out=OWN_ACCOUNTS,
    description="Authors of the mentions (includes.users of the mentions timeline): id, username, name — the "
    "handle that links a mention to a CRM contact.",
)

replied_tweets = Stream(
    name="replied_tweets",
    path="/users/{user_id}/tweets",
    params=OWN_TIMELINE_PARAMS,
    record_path=("includes", "tweets"),
    paginator=XNextToken(),
    # Referenced tweets are older than the replies that expand them: the window is the timeline's, by run clock.
    incremental=SinceLastRun(param="start_time", format="iso8601", lookback=TWEETS_LOOKBACK, start=HISTORY,
                             earliest=EARLIEST_START_TIME),
    fan_out=OWN_ACCOUNTS,
    description="Tweets the brand's timelines reference (includes.tweets): the customers' tweets its replies "
    "answer, whichever own account they were addressed to (R1, R4 cover every thread the brand took part in).",
)

replied_authors = Stream(
    name="replied_authors",
    path="/users/{user_id}/tweets",
    params=OWN_TIMELINE_PARAMS,
    record_path=("includes", "users"),
    paginator=XNextToken(),
    incremental=SinceLastRun(param="start_time", format="iso8601", lookback=TWEETS_LOOKBACK, start=HISTORY,
                             earliest=EARLIEST_START_TIME),
    fan_out=OWN_ACCOUNTS,
    description="Authors of the referenced tweets (includes.users): id, username, name - the handle that links "
    "a customer the brand answered to a CRM contact.",
)

competitor_users = Stream(
    name="competitor_users",
    path="/users/{competitor_user_id}",
    params={"user.fields": USER_FIELDS},
    record_path=("data",),
    paginator=SinglePage(),
    fan_out=ForEachSetting("competitor_user_ids", "competitor_user_id"),
    description="Competitor X users with public_metrics, a snapshot per run (C1).",
)

competitor_tweets = Stream(
    name="competitor_tweets",
    path="/users/{competitor_user_id}/tweets",
    params=TIMELINE_PARAMS,
    cursor_field="created_at",
    paginator=XNextToken(),
    incremental=_since(),
    fan_out=ForEachSetting("competitor_user_ids", "competitor_user_id"),
    description="Competitors' timelines with public_metrics (C1, C2).",
)

competitor_mentions = Stream(
    name="competitor_mentions",
    path="/users/{competitor_user_id}/mentions",
    params=TIMELINE_PARAMS,
    cursor_field="created_at",
    paginator=XNextToken(),
    incremental=_since(),
    fan_out=ForEachSetting("competitor_user_ids", "competitor_user_id"),
    description="Tweets mentioning each competitor (C3 competitor sentiment, C4 share of voice); context holds "
    "the competitor's user id.",
)

SOURCE = Source(
    name="x",
    default_base_url=X_BASE_URL,
    auth=BearerToken("bearer_token"),
    rate_limit=XRateLimit(),
    settings=SETTINGS,
    streams=(users, tweets, mentions, mention_authors, replied_tweets, replied_authors, competitor_users,
             competitor_tweets, competitor_mentions),
    description="X API v2 for the brand's accounts, their mentions and tracked competitors.",
    resolve_settings=resolve_accounts,
)
