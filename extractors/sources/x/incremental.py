"""``SinceLastRun``: a time parameter starting where the previous run's clock stood.

For streams whose records carry no time of their own (the users expanded from
a timeline page), the saved state is the run's ``now``; the next run asks for
``start_time`` = that minus ``lookback``, the same window its sibling stream
(whose cursor is the newest tweet time, at most that ``now``) reads.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Iterable, Mapping

from extractors.engine.config import SourceConfig
from extractors.engine.incremental import Incremental, IncrementalRun, RequestPatch, format_instant, iso, parse_instant


class _Run(IncrementalRun):
    def __init__(self, patch: RequestPatch, now: datetime) -> None:
        self._patch, self._now = patch, now

    def patches(self) -> list[RequestPatch]:
        return [self._patch]

    def observe(self, records: Iterable[Mapping[str, Any]], cursor_field: str | None) -> None:
        return None

    def state_after(self) -> dict[str, Any]:
        return {"cursor": iso(self._now)}


@dataclass(frozen=True)
class SinceLastRun(Incremental):
    param: str
    format: str = "iso8601"
    lookback: timedelta = timedelta(days=3)
    start: timedelta = timedelta(days=400)

    def plan(self, state: Mapping[str, Any] | None, now: datetime, config: SourceConfig) -> IncrementalRun:
        saved = parse_instant((state or {}).get("cursor"))
        since = (saved or now - self.start) - self.lookback
        return _Run(RequestPatch(params={self.param: format_instant(since, self.format)}), now)
