"""The world's clock: where history starts, what "now" is, and index <-> time.

Entities that arrive at a steady rate (customers, posts, tickets) are laid out
by index: entity ``i`` falls in slot ``i`` of width ``1 / rate``, at a seeded
offset inside it.  Time order then equals index order, so "everything created
between t0 and t1" is an index range and no page needs a scan.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from sandbox.world.draws import uniforms

DAY = 86_400.0


@dataclass(frozen=True)
class Timeline:
    anchor: date  # the profile's sizes hold at this date
    history_days: int
    as_of: datetime  # the sandbox's "now": nothing later is visible

    @classmethod
    def build(cls, anchor: date, history_days: int, as_of: datetime | None = None) -> "Timeline":
        start_of_anchor = datetime.combine(anchor, time(), tzinfo=timezone.utc)
        return cls(anchor, history_days, as_of or start_of_anchor)

    @property
    def start(self) -> datetime:
        return datetime.combine(self.anchor - timedelta(days=self.history_days), time(), tzinfo=timezone.utc)

    @property
    def start_ts(self) -> float:
        return self.start.timestamp()

    @property
    def as_of_ts(self) -> float:
        return self.as_of.timestamp()

    def advanced_to(self, as_of: datetime) -> "Timeline":
        return Timeline(self.anchor, self.history_days, as_of)

    # -- steady-rate entities laid out by index ---------------------------
    def slot_time(self, per_day: float, index: int, *key: object) -> float:
        """Epoch seconds of entity ``index`` of a stream arriving ``per_day`` a day."""
        width = DAY / per_day
        return self.start_ts + (index + 0.05 + 0.9 * uniforms("slot", *key, index)[0]) * width

    def index_range(self, per_day: float, since: float | None, until: float | None) -> range:
        """Indices whose slots may fall in [since, until] (clipped to start and as_of).

        Callers still compare each entity's own time: a slot's edges are fuzzy.
        """
        width = DAY / per_day
        lo_ts = self.start_ts if since is None else max(since, self.start_ts)
        hi_ts = self.as_of_ts if until is None else min(until, self.as_of_ts)
        if hi_ts < lo_ts:
            return range(0)
        lo = max(0, math.floor((lo_ts - self.start_ts) / width))
        hi = math.ceil((hi_ts - self.start_ts) / width)
        return range(lo, hi + 1)

    def days(self) -> list[date]:
        """Every complete UTC day of history up to ``as_of``."""
        first = self.start.date()
        last = (self.as_of - timedelta(seconds=1)).date()
        return [first + timedelta(days=k) for k in range((last - first).days + 1)]


def iso(ts: float) -> str:
    """ISO-8601 UTC with a Z, as X, HubSpot and Mailchimp print timestamps."""
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def graph_time(ts: float) -> str:
    """The Graph API's timestamp format: ``2024-05-01T10:00:00+0000``."""
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+0000")
