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
                     stale_reason: str | None) -> StaleStream | None:
    """Record that ``source``/``stream`` is fresh after run ``run_id`` (``stale_reason`` None)
    or stale for that reason, which must already be redacted.  Returns the stale stream, if so."""
    with connect(warehouse) as con:
        batch_id, stale_since = con.execute(
            """
            SELECT max(batch_id), max(ended_at) FILTER (WHERE status = 'committed')
            FROM audit.load_batches WHERE source = ? AND stream = ?
            """,
            [source, stream],
        ).fetchone()
        stale = stale_reason is not None
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
