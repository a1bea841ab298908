"""Mixpanel raw event export (``GET https://data.mixpanel.com/api/2.0/export``) as a declared stream.

Notes on the real API that shape this declaration:
- Authentication is a service account over HTTP basic auth
  (``username:secret``); service accounts must also send ``project_id``.
  EU / India residency projects use ``https://data-eu.mixpanel.com/api/2.0`` or
  ``https://data-in.mixpanel.com/api/2.0`` as the base URL.
- The response is one streamed body of newline-delimited JSON for a whole
  ``from_date``..``to_date`` range: it is read line by line and landed in
  batches, never held whole.
- ``from_date``/``to_date`` are whole days, in UTC for projects created
  after 2023-01-01 and in the project's time zone for older ones: set
  ``PROJECT_TIMEZONE`` to match so "yesterday" is a complete day.
- Limits: 60 queries per hour, 3 per second, 100 concurrent per project;
  beyond them Mixpanel answers HTTP 429 (no Retry-After; the engine backs
  off).  Windows of ``WINDOW_DAYS`` days keep a first backfill of
  ``BACKFILL`` under 60 queries; a daily run then needs one query.  The
  export needs a ``from_date`` and no API tells when a project began, so
  the whole history is not the default here: set
  ``PANTAU_MIXPANEL_HISTORY_START`` (or ``PANTAU_HISTORY_START``) to the
  project's first day; at 60 queries an hour a longer backfill simply takes
  more than one run's hour of the rate limit.
- Events reach the export when processed, not when they happen: mobile
  events sent late appear in days already exported.  Each run re-reads the
  last ``LOOKBACK_DAYS`` days; ``$insert_id`` (Mixpanel's own dedupe key)
  keeps re-read events from counting twice.
"""
from __future__ import annotations

from datetime import timedelta

from extractors.engine.auth import BasicAuth
from extractors.engine.declarations import Setting, Source, Stream
from extractors.engine.incremental import DayWindows
from extractors.engine.paginators import JsonLines
from extractors.engine.rate_limits import MixpanelRateLimit

EXPORT_BASE_URL = "https://data.mixpanel.com/api/2.0"
WINDOW_DAYS = 10
LOOKBACK_DAYS = 3
BACKFILL = timedelta(days=450)

SETTINGS = (
    Setting("service_account_username", "Mixpanel service account username (Organization settings > Service accounts)"),
    Setting("service_account_secret", "Mixpanel service account secret", secret=True),
    Setting("project_id", "Mixpanel project id (required with a service account)"),
    Setting(
        "project_timezone",
        "IANA time zone in which the project's export interprets from_date/to_date: UTC for projects created "
        "after 2023-01-01, else the project's time zone (Project settings)",
        required=False,
        default="UTC",
    ),
)

events = Stream(
    name="events",
    path="/export",
    params={"project_id": "{project_id}"},
    record_path=(),
    primary_key=("properties.$insert_id",),
    cursor_field="properties.time",
    paginator=JsonLines(batch_size=5000),
    incremental=DayWindows(
        from_param="from_date",
        to_param="to_date",
        lookback_days=LOOKBACK_DAYS,
        start=BACKFILL,
        window_days=WINDOW_DAYS,
        timezone_setting="project_timezone",
    ),
    description="Raw events (Page View with $current_url and time_on_page, Sign Up, Purchase with amount/currency/"
    "product, Help Center View, App Open, Feature Used), each with distinct_id, $device_id, $user_id when "
    "identified, $referrer/$referring_domain and utm_* of the session entry (V1-V7, X3, K5). Keyed by "
    f"$insert_id; whole days up to yesterday, re-reading the last {LOOKBACK_DAYS} days for late events.",
)

SOURCE = Source(
    name="mixpanel",
    default_base_url=EXPORT_BASE_URL,
    auth=BasicAuth(username_setting="service_account_username", password_setting="service_account_secret"),
    rate_limit=MixpanelRateLimit(),
    settings=SETTINGS,
    streams=(events,),
    description="Product analytics events from Mixpanel's raw event export API.",
    read_timeout=300.0,
)
