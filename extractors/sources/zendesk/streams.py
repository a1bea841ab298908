"""The Zendesk Support API as Pantau reads it.

Auth: an API token as HTTP basic ``{email}/token:{api_token}``; the base URL is
``https://{subdomain}.zendesk.com`` (``PANTAU_ZENDESK_BASE_URL`` overrides it).
Rate limits: ``429`` with ``Retry-After`` seconds (``ZendeskRateLimit``).

Streams:
- ``tickets``: cursor-based incremental export
  ``/api/v2/incremental/tickets/cursor.json`` — the first run sends
  ``start_time``, later runs the saved ``after_cursor``; a ticket changed since
  (solved, rated, tagged) is exported again in its new state.
- ``ticket_metrics``: the same export with ``include=metric_sets``, landing the
  sideloaded metric sets.  Chosen over ``GET /api/v2/ticket_metrics`` because
  that list has no time filter: reading it incrementally would mean reading it
  all every night.  A ticket's metric set changes only when the ticket does, so
  the export brings back exactly the metric sets that changed.
- ``users``: cursor-based incremental export ``/api/v2/incremental/users/cursor.json``.
- ``satisfaction_ratings``: ``/api/v2/satisfaction_ratings`` with cursor
  pagination and ``start_time`` = last rating seen minus a 7-day lookback,
  because an offered rating is answered (good/bad) days after it was created.
- ``ticket_comments``: ``/api/v2/tickets/{ticket_id}/comments`` for every
  ticket landed since the last run whose ``via.channel`` is a social channel.
"""
from __future__ import annotations

from datetime import timedelta
from typing import Any, Mapping

from extractors.engine.auth import BasicAuth
from extractors.engine.declarations import ForEachRecordOf, Setting, Source, Stream
from extractors.engine.incremental import ResumeToken, SinceParam
from extractors.engine.paginators import ZendeskCursor, ZendeskIncrementalCursor
from extractors.engine.rate_limits import ZendeskRateLimit

# via.channel values of tickets raised on social platforms (Zendesk via types).
SOCIAL_CHANNELS = frozenset({"twitter", "facebook", "instagram_dm"})
# A first run exports the whole history (start_time 0), unless PANTAU_HISTORY_START is set.
HISTORY = None
INCREMENTAL_TICKETS = "/api/v2/incremental/tickets/cursor.json"


def is_social_ticket(ticket: Mapping[str, Any]) -> bool:
    """A ticket that came in through a social channel (its comments are fetched)."""
    via = ticket.get("via")
    return isinstance(via, Mapping) and via.get("channel") in SOCIAL_CHANNELS


SOURCE = Source(
    name="zendesk",
    default_base_url="https://{subdomain}.zendesk.com",
    description="Zendesk Support: service tickets on social and non-social channels, agents, CSAT.",
    auth=BasicAuth(username_setting="email", username_suffix="/token", password_setting="api_token"),
    rate_limit=ZendeskRateLimit(),
    settings=(
        Setting("subdomain", "Your Zendesk subdomain: 'acme' for https://acme.zendesk.com."),
        Setting("email", "Email address of the agent or admin the API token belongs to."),
        Setting("api_token", "Zendesk API token (Admin Center > Apps and integrations > Zendesk API).", secret=True),
    ),
    streams=(
        Stream(
            name="tickets",
            path=INCREMENTAL_TICKETS,
            record_path=("tickets",),
            primary_key=("id",),
            cursor_field="updated_at",
            paginator=ZendeskIncrementalCursor(per_page=1000),
            incremental=ResumeToken(start=HISTORY),
            description="Tickets in their current state, re-exported whenever they change (status, tags, rating).",
        ),
        Stream(
            name="ticket_metrics",
            path=INCREMENTAL_TICKETS,
            params={"include": "metric_sets"},
            record_path=("metric_sets",),
            primary_key=("id",),
            cursor_field="updated_at",
            paginator=ZendeskIncrementalCursor(per_page=1000),
            incremental=ResumeToken(start=HISTORY),
            description="Ticket metric sets (reply, resolution and wait times, calendar and business minutes), "
                        "sideloaded on the incremental ticket export.",
        ),
        Stream(
            name="users",
            path="/api/v2/incremental/users/cursor.json",
            record_path=("users",),
            primary_key=("id",),
            cursor_field="updated_at",
            paginator=ZendeskIncrementalCursor(per_page=1000),
            incremental=ResumeToken(start=HISTORY),
            description="End users (requesters) and agents, with social handles in user_fields.",
        ),
        Stream(
            name="satisfaction_ratings",
            path="/api/v2/satisfaction_ratings",
            record_path=("satisfaction_ratings",),
            primary_key=("id",),
            cursor_field="created_at",
            paginator=ZendeskCursor(page_size=100),
            incremental=SinceParam(param="start_time", format="unix", lookback=timedelta(days=7), start=HISTORY),
            description="CSAT ratings (offered, good, bad) per solved ticket.",
        ),
        Stream(
            name="ticket_comments",
            path="/api/v2/tickets/{ticket_id}/comments",
            record_path=("comments",),
            primary_key=("id",),
            cursor_field="created_at",
            paginator=ZendeskCursor(page_size=100),
            fan_out=ForEachRecordOf("tickets", fields={"ticket_id": "id"}, where=is_social_ticket),
            description="The conversation of each social-channel ticket: the customer's messages and the "
                        "agents' public replies and internal notes.",
        ),
    ),
)
