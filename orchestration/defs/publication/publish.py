"""Write, audit, publish: copy the audited tables into a reader file, swapped in atomically.

DuckDB lets one process write a file, and while it writes no other process can
open it, not even read-only. BI tools and analysts therefore never open the
working warehouse: they open the published file, which the nightly run rebuilds
beside it under a temporary name and renames into place only after every load
has committed or been recorded stale and every dbt test has passed. A reader holding the old file keeps reading it
(the rename does not touch its open inode); the next connection sees the new one.
A failed night publishes nothing, so the last good publication stays readable.
A night with stale streams (see ``extractors/landing/freshness.py``) does publish, and
says so: ``publication.info.stale_streams`` and ``publication.metric_families.stale_streams``.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from extractors.landing.freshness import StaleStream
from orchestration.lineage import FamilyStatus

# What readers get: the facts and dimensions, the metric marts and the seeds they
# were computed with. Raw, audit, staging and intermediate stay in the working file.
PUBLISHED_SCHEMAS = ("core", "marts", "reference")


@dataclass(frozen=True)
class Publication:
    path: Path
    tables: int
    rows: int


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _descriptions(manifest_path: Path | None) -> dict[tuple[str, str], dict]:
    """(schema, table) -> {"description": ..., "columns": {name: description}} from dbt's manifest."""
    if manifest_path is None or not manifest_path.exists():
        return {}
    manifest = json.loads(manifest_path.read_text())
    found = {}
    for node in manifest.get("nodes", {}).values():
        if node.get("resource_type") not in ("model", "seed") or node.get("schema") not in PUBLISHED_SCHEMAS:
            continue
        found[(node["schema"], node.get("alias") or node["name"])] = {
            "description": node.get("description") or "",
            "columns": {name: col.get("description") or "" for name, col in node.get("columns", {}).items()},
        }
    return found


def publish(warehouse: Path, published: Path, published_at: datetime, run_id: str,
            manifest_path: Path | None = None, families: list[FamilyStatus] | None = None,
            stale: list[StaleStream] | None = None) -> Publication:
    """Copy PUBLISHED_SCHEMAS of ``warehouse`` into ``published``, atomically.

    Tables keep their dbt descriptions as DuckDB comments, so a BI tool's column
    browser shows each metric's formula. ``publication.info`` records when and by
    which run the file was made and which streams it left stale (``stale``: since
    when, why); ``publication.metric_families`` which sources fed each metric family,
    which are configured without data yet and which are not configured (their metrics
    are empty or NULL, not wrong), and which of its raw tables are stale.
    """
    staging_path = published.with_name(published.name + ".publishing")
    for leftover in (staging_path, staging_path.with_name(staging_path.name + ".wal")):
        leftover.unlink(missing_ok=True)
    docs = _descriptions(manifest_path)
    tables = rows = 0
    con = duckdb.connect(str(staging_path))
    try:
        con.execute(f"attach {_literal(str(warehouse))} as working (read_only)")
        found = con.execute(
            "select schema_name, table_name from duckdb_tables() where database_name = 'working'"
            " and schema_name in (select unnest(?)) order by all",
            [list(PUBLISHED_SCHEMAS)],
        ).fetchall()
        for schema in sorted({s for s, _ in found}):
            con.execute(f"create schema {_quote(schema)}")
        for schema, table in found:
            target = f"{_quote(schema)}.{_quote(table)}"
            con.execute(f"create table {target} as select * from working.{target}")
            rows += con.execute(f"select count(*) from {target}").fetchone()[0]
            tables += 1
            doc = docs.get((schema, table))
            if doc:
                if doc["description"]:
                    con.execute(f"comment on table {target} is {_literal(doc['description'].strip())}")
                columns = {c for (c,) in con.execute(
                    "select column_name from duckdb_columns() where database_name = current_database()"
                    " and schema_name = ? and table_name = ?", [schema, table]).fetchall()}
                for column, description in doc["columns"].items():
                    if description and column in columns:
                        con.execute(f"comment on column {target}.{_quote(column)} is {_literal(description.strip())}")
        con.execute("create schema publication")
        con.execute(
            "create table publication.info as select ?::timestamptz as published_at, ? as dagster_run_id,"
            " ? as tables, ? as total_rows,"
            " ?::struct(source varchar, stream varchar, stale_since timestamptz, reason varchar)[] as stale_streams",
            [published_at, run_id, tables, rows,
             [{"source": s.source, "stream": s.stream, "stale_since": s.stale_since, "reason": s.reason}
              for s in stale or []]],
        )
        con.execute("comment on column publication.info.stale_streams is " + _literal(
            "The streams this night could not refresh (the source failed for good, or its suite rejected the "
            "batch): their tables hold their last committed batch, of stale_since (NULL: never loaded). "
            "Empty when every stream is fresh."))
        con.execute(
            "create table publication.metric_families (family varchar, title varchar, metric_ids varchar[],"
            " sources_loaded varchar[], sources_without_data varchar[], sources_not_configured varchar[],"
            " is_stale boolean, stale_streams varchar[])"
        )
        for f in families or []:
            con.execute(
                "insert into publication.metric_families values (?, ?, ?, ?, ?, ?, ?, ?)",
                [f.family, f.title, list(f.metric_ids), list(f.loaded), list(f.without_data), list(f.not_configured),
                 f.is_stale, list(f.stale)],
            )
        con.execute("comment on table publication.metric_families is " + _literal(
            "Per METRICS.md family, the sources its marts descend from: loaded (data landed), configured without "
            "data yet, or not configured. A family whose sources are not configured has empty or NULL metrics. "
            "is_stale: a raw table it descends from (stale_streams, <source>__<stream>) was not refreshed "
            "tonight; its metrics stand as of that table's last batch (publication.info.stale_streams)."))
        con.execute("detach working")
        con.execute("checkpoint")
    finally:
        con.close()
    os.replace(staging_path, published)
    return Publication(published, tables, rows)
