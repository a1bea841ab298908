"""Whether each stream's raw is fresh after a run: ``audit.stream_freshness``.

A stream whose load failed for good or whose batch its suite rejected keeps its
last committed batch, and the run goes on without it; this is the durable record
of that: one row per stream and run, stale or not, so "stale since when and why"
is answered from the warehouse alone.  The row is written after the load, in its
own transaction: the load's own outcome is already in ``audit.load_batches``.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from extractors.landing.warehouse import connect


@dataclass(frozen=True)
class StaleStream:
    source: str
    stream: str
    stale_since: datetime | None  # when its last batch committed; None: it never had one
    reason: str

    @property
    def name(self) -> str:
        return f"{self.source}__{self.stream}"

    def describe(self) -> str:
        since = f"since {self.stale_since:%Y-%m-%d %H:%M %Z}" if self.stale_since else "never loaded"
        return f"{self.source}/{self.stream} stale, {since}: {self.reason}"


def record_freshness(warehouse: str | Path, run_id: str, source: str, stream: str,
                     stale_reason: str | None, inherited: StaleStream | None = None) -> StaleStream | None:
    """Record that ``source``/``stream`` is fresh after run ``run_id`` (``stale_reason`` None)
    or stale for that reason, which must already be redacted.  Returns the stale stream, if so.

    ``inherited``: the stale parent a fan-out stream reads its parents from.  The child commits
    (nothing new to fan out over) but is as stale as its parent, since the parent's stale_since."""
    if inherited is not None:
        stale_reason = f"its parent {inherited.source}/{inherited.stream} is stale ({inherited.reason})"
    with connect(warehouse) as con:
        batch_id, stale_since = con.execute(
            """
            SELECT max(batch_id), max(ended_at) FILTER (WHERE status = 'committed')
            FROM audit.load_batches WHERE source = ? AND stream = ?
            """,
            [source, stream],
        ).fetchone()
        stale = stale_reason is not None
        if inherited is not None:
            stale_since = inherited.stale_since
        con.execute(
            "INSERT INTO audit.stream_freshness VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [run_id, source, stream, datetime.now(UTC), stale, batch_id,
             stale_since if stale else None, stale_reason],
        )
    return StaleStream(source, stream, stale_since, stale_reason) if stale else None


def stale_streams(con: duckdb.DuckDBPyConnection, run_id: str) -> list[StaleStream]:
    """The streams run ``run_id`` left stale, by source and stream."""
    rows = con.execute(
        """
        SELECT source, stream, stale_since, reason FROM audit.stream_freshness
        WHERE run_id = ? AND is_stale ORDER BY source, stream
        """,
        [run_id],
    ).fetchall()
    return [StaleStream(*row) for row in rows]


def stale_in_run(warehouse: str | Path, run_id: str, source: str, stream: str) -> StaleStream | None:
    """``source``/``stream`` as run ``run_id`` recorded it, if stale."""
    with connect(warehouse) as con:
        return next((s for s in stale_streams(con, run_id) if (s.source, s.stream) == (source, stream)), None)
