"""Mailchimp Marketing API v3 (``https://{dc}.api.mailchimp.com/3.0``) as declared streams.

Notes on the real API that shape these declarations:
- Basic auth: any user name, the API key as password; the key ends in
  ``-<dc>`` (e.g. ``-us21``), the data center whose host serves the account.
- Collections page with ``count`` (at most 1000) + ``offset`` and report
  ``total_items``.  Offsets shift if records change mid-run, so incremental
  reads are sorted ascending by their cursor and re-read a small lookback.
- Errors are ``application/problem+json``; 429 means more than 10
  simultaneous connections (the engine uses one connection per run).
- Report counts (opens, clicks, bounces) keep growing for weeks after a send:
  campaigns and reports re-read ``REPORT_LOOKBACK`` of sends, and email
  activity fans out over the campaigns landed in that window.
"""
from __future__ import annotations

from datetime import timedelta

from extractors.engine.auth import BasicAuth
from extractors.engine.declarations import ForEachRecordOf, Setting, Source, Stream
from extractors.engine.incremental import SinceLastRun, SinceParam
from extractors.engine.paginators import MailchimpOffset
from extractors.engine.rate_limits import MailchimpRateLimit

MARKETING_BASE_URL = "https://{dc}.api.mailchimp.com/3.0"
REPORT_LOOKBACK = timedelta(days=30)
MEMBER_LOOKBACK = timedelta(hours=6)
HISTORY = None  # a first run reads the whole history (no since_* parameter)

SETTINGS = (
    Setting("api_key", "Mailchimp Marketing API key (Account > Extras > API keys)", secret=True),
    Setting("dc", "Data center of the account: the suffix of the API key after the dash, e.g. us21"),
)

lists = Stream(
    name="lists",
    path="/lists",
    record_path=("lists",),
    primary_key=("id",),
    paginator=MailchimpOffset(count=1000),
    description="Audiences (lists) with their stats (member, unsubscribe and cleaned counts, open and click "
    "rates): a full snapshot each run (V8).",
)

members = Stream(
    name="members",
    path="/lists/{list_id}/members",
    params={"sort_field": "last_changed", "sort_dir": "ASC"},
    record_path=("members",),
    primary_key=("list_id", "id"),
    cursor_field="last_changed",
    paginator=MailchimpOffset(count=1000),
    incremental=SinceParam(param="since_last_changed", format="iso8601", lookback=MEMBER_LOOKBACK, start=HISTORY),
    fan_out=ForEachRecordOf("lists", {"list_id": "id"}),
    description="Members of each audience changed since the last run (status subscribed/unsubscribed/cleaned, "
    "timestamp_opt, last_changed, email as typed); id is the MD5 of the lower-cased email (V8, identity).",
)

campaigns = Stream(
    name="campaigns",
    path="/campaigns",
    params={"status": "sent", "sort_field": "send_time", "sort_dir": "ASC"},
    record_path=("campaigns",),
    primary_key=("id",),
    cursor_field="send_time",
    paginator=MailchimpOffset(count=1000),
    incremental=SinceParam(param="since_send_time", format="iso8601", lookback=REPORT_LOOKBACK, start=HISTORY),
    description="Sent campaigns (send_time, emails_sent, settings, report_summary); sends of the last "
    f"{REPORT_LOOKBACK.days} days are re-read so their summaries stay current (V5, V8).",
)

reports = Stream(
    name="reports",
    path="/reports",
    record_path=("reports",),
    primary_key=("id",),
    cursor_field="send_time",
    paginator=MailchimpOffset(count=1000),
    incremental=SinceParam(param="since_send_time", format="iso8601", lookback=REPORT_LOOKBACK, start=HISTORY),
    description="Campaign reports: emails_sent, bounces, opens (total, unique, rate), clicks (total, unique, "
    f"rate), unsubscribes; re-read for {REPORT_LOOKBACK.days} days after the send as counts grow (V5, V8).",
)

email_activity = Stream(
    name="email_activity",
    path="/reports/{campaign_id}/email-activity",
    record_path=("emails",),
    primary_key=("campaign_id", "email_id"),
    paginator=MailchimpOffset(count=1000),
    incremental=SinceLastRun(param="since", lookback=timedelta(days=1)),
    fan_out=ForEachRecordOf("campaigns", {"campaign_id": "id"}),
    description="Per-recipient activity of each campaign landed by the campaigns stream (an activity array of "
    "open/click/bounce with timestamp, url, ip); after the first run only activity since the previous run "
    "(minus a day), so staging unnests every landed version (V5, V8, K5).",
)

SOURCE = Source(
    name="mailchimp",
    default_base_url=MARKETING_BASE_URL,
    auth=BasicAuth(username="pantau", password_setting="api_key"),
    rate_limit=MailchimpRateLimit(),
    settings=SETTINGS,
    streams=(lists, members, campaigns, reports, email_activity),
    description="Email marketing audiences, campaigns, reports and recipient activity from Mailchimp.",
)
