"""Email activity ``since`` the previous run: nothing on a first run, the last run's time minus a lookback after.

``GET /reports/{campaign_id}/email-activity`` records are recipients with a
nested ``activity`` array; there is no record-level timestamp to keep a
cursor on.  So the state is the run's own clock: a first run reads every
campaign's full activity, later runs ask for activity ``since`` the previous
run's now minus ``lookback`` (late-processed opens), for the campaigns the
fan-out hands over (those re-landed in the campaigns stream's lookback).
The state is ``{"cursor": <now of the run>}``.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Iterable, Mapping

from extractors.engine.config import SourceConfig
from extractors.engine.incremental import Incremental, IncrementalRun, RequestPatch, format_instant, iso, parse_instant


class _RunClock(IncrementalRun):
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
class SinceLastRun(Incremental):
    """``param`` = previous run's now - ``lookback`` (ISO 8601); absent on a first run."""

    param: str = "since"
    lookback: timedelta = timedelta(days=1)

    def plan(self, state: Mapping[str, Any] | None, now: datetime, config: SourceConfig) -> IncrementalRun:
        saved = parse_instant((state or {}).get("cursor"))
        params = {} if saved is None else {self.param: format_instant(saved - self.lookback, "iso8601")}
        return _RunClock(RequestPatch(params=params), now)
