"""Score the warehouse's messages that the current scorer version has not scored yet.

Reads ``intermediate.int_messages`` anti-joined with ``enrichment.message_sentiment``,
scores in Python in chunks, and writes each chunk with one INSERT ... SELECT from an Arrow
table (no row-by-row inserts). A message scored by an older version has its row replaced,
so the table keeps one row per message. The version is the active scorer's identity
(``scorer_identity``): pointing ``PANTAU_SENTIMENT_MODEL`` at another model rescores everything.
"""
from __future__ import annotations

from datetime import datetime, timezone

import duckdb
import pyarrow as pa

from enrichment.sentiment.scorer import score_many, scorer_identity

TABLE = "enrichment.message_sentiment"
MESSAGES = "intermediate.int_messages"
DDL = (
    "create table if not exists enrichment.message_sentiment ("
    "message_id varchar not null, label varchar not null, score double not null, "
    "language varchar not null, is_complaint_text boolean not null, "
    "scorer_version varchar not null, scored_at timestamp not null)"
)


def ensure_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists enrichment")
    con.execute(DDL)


def score_new_messages(con: duckdb.DuckDBPyConnection, chunk_size: int = 50_000,
                       version: str | None = None, now: datetime | None = None) -> int:
    """Score every message of ``int_messages`` without a row of ``version`` (default: the
    active scorer's identity); the count scored."""
    version = version or scorer_identity()
    ensure_table(con)
    todo = con.execute(
        f"""
        select m.message_id, m.message_text
        from {MESSAGES} as m
        where not exists (
            select 1 from {TABLE} as s where s.message_id = m.message_id and s.scorer_version = ?
        )
        order by m.message_id
        """,
        [version],
    ).fetchall()
    scored_at = (now or datetime.now(timezone.utc)).replace(tzinfo=None)
    for start in range(0, len(todo), chunk_size):
        chunk = todo[start:start + chunk_size]
        results = score_many(text for _, text in chunk)
        batch = pa.table({
            "message_id": [mid for mid, _ in chunk],
            "label": [r.label for r in results],
            "score": pa.array([r.score for r in results], pa.float64()),
            "language": [r.language for r in results],
            "is_complaint_text": pa.array([r.is_complaint_text for r in results], pa.bool_()),
        })
        con.register("sentiment_chunk", batch)
        try:
            con.execute("begin transaction")
            con.execute(f"delete from {TABLE} where message_id in (select message_id from sentiment_chunk)")
            con.execute(
                f"insert into {TABLE} select message_id, label, score, language, is_complaint_text, ?, ? from sentiment_chunk",
                [version, scored_at],
            )
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
        finally:
            con.unregister("sentiment_chunk")
    return len(todo)
