"""The DuckDB warehouse file: where it lives, how to open it, the landing DDL.

Every table here is created idempotently, so any process that opens the
warehouse through ``connect`` can rely on the ``raw`` and ``audit`` schemas
existing.
"""
from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Mapping

import duckdb

DEFAULT_WAREHOUSE = Path("warehouse/pantau.duckdb")

AUDIT_DDL = (
    "CREATE SCHEMA IF NOT EXISTS raw",
    "CREATE SCHEMA IF NOT EXISTS audit",
    "CREATE SEQUENCE IF NOT EXISTS audit.batch_id_seq START 1",
    """
    CREATE TABLE IF NOT EXISTS audit.load_batches (
        batch_id BIGINT NOT NULL,
        source VARCHAR NOT NULL,
        stream VARCHAR NOT NULL,
        started_at TIMESTAMPTZ NOT NULL,
        ended_at TIMESTAMPTZ,
        status VARCHAR NOT NULL
            CHECK (status IN ('running', 'committed', 'rejected', 'failed', 'abandoned')),
        pages INTEGER,
        records BIGINT,
        quarantined BIGINT,
        duplicates_dropped BIGINT,
        requests INTEGER,
        retries INTEGER,
        cursor_before JSON,
        cursor_after JSON,
        error VARCHAR
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS audit.stream_state (
        source VARCHAR NOT NULL,
        stream VARCHAR NOT NULL,
        state JSON NOT NULL,
        batch_id BIGINT NOT NULL,
        updated_at TIMESTAMPTZ NOT NULL
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS audit.quarantined_records (
        batch_id BIGINT NOT NULL,
        source VARCHAR NOT NULL,
        stream VARCHAR NOT NULL,
        reason VARCHAR NOT NULL,
        record VARCHAR,
        request VARCHAR,
        quarantined_at TIMESTAMPTZ NOT NULL
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS audit.validation_results (
        batch_id BIGINT NOT NULL,
        source VARCHAR NOT NULL,
        stream VARCHAR NOT NULL,
        suite VARCHAR NOT NULL,
        expectation_type VARCHAR NOT NULL,
        column_name VARCHAR,
        kwargs JSON,
        success BOOLEAN NOT NULL,
        element_count BIGINT,
        unexpected_count BIGINT,
        observed JSON,
        validated_at TIMESTAMPTZ NOT NULL
    )
    """,
)

RAW_COLUMNS_DDL = """(
    batch_id BIGINT NOT NULL,
    record_key VARCHAR NOT NULL,
    cursor_value VARCHAR,
    record JSON NOT NULL,
    context JSON,
    page_number INTEGER,
    record_index INTEGER,
    extracted_at TIMESTAMPTZ NOT NULL,
    request VARCHAR
)"""

# Source and stream names become identifiers; anything else is a declaration bug.
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")

# Another process (a parallel load, dbt) may hold the single write lock briefly.
_LOCK_RETRY_SECONDS = 0.2


def warehouse_path(environ: Mapping[str, str]) -> Path:
    """``PANTAU_WAREHOUSE`` or ``warehouse/pantau.duckdb``; its folder is created."""
    path = Path(environ.get("PANTAU_WAREHOUSE") or DEFAULT_WAREHOUSE)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def connect(path: str | Path, *, lock_timeout: float = 120.0) -> duckdb.DuckDBPyConnection:
    """Open the warehouse for writing, with the landing schemas in place.

    DuckDB lets one process write a file at a time; a lock conflict is retried
    for up to ``lock_timeout`` seconds instead of failing the load outright.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + lock_timeout
    while True:
        try:
            con = duckdb.connect(str(path))
            break
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or time.monotonic() >= deadline:
                raise
            time.sleep(_LOCK_RETRY_SECONDS)
    try:
        # Stored instants are UTC either way; this only fixes how they read back.
        con.execute("SET TimeZone = 'UTC'")
        for statement in AUDIT_DDL:
            con.execute(statement)
    except BaseException:
        con.close()
        raise
    return con


def raw_table(source: str, stream: str) -> str:
    """The quoted, schema-qualified name of a stream's raw table."""
    for name in (source, stream):
        if not _NAME.match(name):
            raise ValueError(f"{name!r} is not a valid source or stream name (lowercase letters, digits, _)")
    return f'raw."{source}__{stream}"'


def ensure_raw_table(con: duckdb.DuckDBPyConnection, source: str, stream: str) -> str:
    """Create ``raw.<source>__<stream>`` if missing and return its quoted name."""
    table = raw_table(source, stream)
    con.execute(f"CREATE TABLE IF NOT EXISTS {table} {RAW_COLUMNS_DDL}")
    return table
