"""Graph API insights windows: ``since``/``until`` day windows walked forward to now.

Meta's insights edges (``/{ig-user-id}/insights``, ``/{page-id}/insights``)
take a ``since``/``until`` range that may not exceed a maximum span (30 days
for Instagram's ``follower_count``, 93 days for Page insights), and answer with
``paging.next`` pointing at the following window of the same span.  This
strategy asks for the first window only; ``GraphCursor`` follows ``next``
windows and stops once a window would start at or after the run's now.

The first window starts at the saved cursor (the previous run's now) minus
``lookback`` (late, restated values), or at ``now - start`` on a first run, and
never before ``now - max_history`` (data the API no longer serves).  Windows
are aligned to UTC midnight.  The state is ``{"cursor": <now of the run>}``.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Iterable, Mapping

from extractors.engine.config import SourceConfig
from extractors.engine.incremental import Incremental, IncrementalRun, RequestPatch, format_instant, iso, parse_instant


def _midnight(moment: datetime) -> datetime:
    moment = moment.astimezone(timezone.utc)
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


class _WindowRun(IncrementalRun):
    def __init__(self, patch: RequestPatch, now: datetime) -> None:
        self._patch = patch
        self._now = now

    def patches(self) -> list[RequestPatch]:
        return [self._patch]

    def observe(self, records: Iterable[Mapping[str, Any]], cursor_field: str | None) -> None:
        return None

    def state_after(self) -> dict[str, Any]:
        return {"cursor": iso(self._now)}


@dataclass(frozen=True)
class GraphInsightsWindows(Incremental):
    """First insights window ``[since, since + window)``; later windows come from ``paging.next``."""

    window: timedelta = timedelta(days=30)
    lookback: timedelta = timedelta(days=3)
    start: timedelta = timedelta(days=29)
    max_history: timedelta | None = None
    since_param: str = "since"
    until_param: str = "until"
    format: str = "unix"

    def plan(self, state: Mapping[str, Any] | None, now: datetime, config: SourceConfig) -> IncrementalRun:
        saved = parse_instant((state or {}).get("cursor"))
        since = _midnight((saved - self.lookback) if saved is not None else now - self.start)
        if self.max_history is not None:
            since = max(since, _midnight(now) - self.max_history)
        until = since + self.window
        params = {self.since_param: format_instant(since, self.format), self.until_param: format_instant(until, self.format)}
        return _WindowRun(RequestPatch(params=params), now)
