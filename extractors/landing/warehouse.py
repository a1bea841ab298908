"""The DuckDB warehouse file: where it lives, how to open it, the landing DDL.

Every table here is created idempotently, so any process that opens the
warehouse through ``connect`` can rely on the ``raw`` and ``audit`` schemas
existing.
"""
from __future__ import annotations

import logging
import os
import re
import time
from pathlib import Path
from typing import Mapping

import duckdb

DEFAULT_WAREHOUSE = Path("warehouse/pantau.duckdb")

log = logging.getLogger(__name__)

# DuckDB takes up to 80% of the machine's RAM by default; the landing's
# connections (warehouse, deduplication, validation) are held to this and
# spill to disk beyond it.  Measured on the demo's largest batch (677k
# Mixpanel events): peak process RSS ~640 MiB at 256MB against ~780 MiB at
# 512MB, for 0.6 s more in the commit.
MEMORY_LIMIT_VAR = "PANTAU_DUCKDB_MEMORY_LIMIT"
DEFAULT_MEMORY_LIMIT = "256MB"

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
    CREATE TABLE IF NOT EXISTS audit.stream_freshness (
        run_id VARCHAR NOT NULL,
        source VARCHAR NOT NULL,
        stream VARCHAR NOT NULL,
        checked_at TIMESTAMPTZ NOT NULL,
        is_stale BOOLEAN NOT NULL,
        batch_id BIGINT,
        stale_since TIMESTAMPTZ,
        reason VARCHAR
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


# DuckDB needs over ten times a JSON line's size to read it (measured: a 20 MB
# record needs 200-300 MB), so a batch holding a huge record raises its own limit.
_LINE_MEMORY_FACTOR = 16
_SIZE = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*([KMGT]?I?B)?\s*$", re.IGNORECASE)
_UNITS = {"B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12,
          "KIB": 2**10, "MIB": 2**20, "GIB": 2**30, "TIB": 2**40}


def _size_bytes(text: str) -> int | None:
    match = _SIZE.match(text)
    if match is None or (match.group(2) or "B").upper() not in _UNITS:
        return None
    return int(float(match.group(1)) * _UNITS[(match.group(2) or "B").upper()])


def memory_limit(environ: Mapping[str, str] | None = None) -> str:
    """``PANTAU_DUCKDB_MEMORY_LIMIT`` (a DuckDB size such as ``512MB`` or ``2GB``), default 256MB."""
    environ = os.environ if environ is None else environ
    return (environ.get(MEMORY_LIMIT_VAR) or "").strip() or DEFAULT_MEMORY_LIMIT


def bound_memory(
    con: duckdb.DuckDBPyConnection, temp_directory: str | Path, *, longest_line: int = 0, limit: str | None = None
) -> None:
    """Hold ``con`` to the memory limit, spilling what does not fit to ``temp_directory``.

    A connection that reads JSON lines of up to ``longest_line`` bytes gets at
    least what reading such a line takes: memory is bounded by the largest
    record, not refused for it.
    """
    limit = limit or memory_limit()
    needed = _LINE_MEMORY_FACTOR * longest_line
    configured = _size_bytes(limit)
    if configured is not None and needed > configured:
        log.warning("a %d-byte record needs more than %s=%s; DuckDB gets %d MiB for it", longest_line,
                    MEMORY_LIMIT_VAR, limit, -(-needed // 2**20))
        limit = f"{-(-needed // 2**20)}MiB"
    try:
        con.execute(f"SET memory_limit = {_sql_literal(limit)}")
    except duckdb.Error as exc:
        raise ValueError(f"{MEMORY_LIMIT_VAR}={limit!r} is not a DuckDB memory size such as 512MB or 2GB: {exc}") from None
    con.execute(f"SET temp_directory = {_sql_literal(str(temp_directory))}")


# DuckDB's JSON reader buffers twice its maximum_object_size per file it reads;
# its default (16 MB) holds any ordinary record.
_DEFAULT_OBJECT_BYTES = 16 * 1024 * 1024
_OBJECT_MARGIN_BYTES = 1024 * 1024


def json_object_limit(longest_line: int) -> int:
    """A read_ndjson ``maximum_object_size`` for a file whose longest line has ``longest_line`` bytes.

    Sized to the data rather than fixed high: a fixed 256 MB limit made every
    read reserve 512 MB.  The margin covers DuckDB rewriting a line (the
    deduplicated landing file) slightly longer than it was spooled.
    """
    return max(_DEFAULT_OBJECT_BYTES, 2 * longest_line + _OBJECT_MARGIN_BYTES)


def longest_line(path: str | Path) -> int:
    """The length in bytes of the longest line of a file (for files the spool did not write)."""
    with open(path, "rb") as lines:
        return max(map(len, lines), default=0)


def temp_directory(path: str | Path) -> Path:
    """Where DuckDB spills for the warehouse at ``path``: beside it, on the disk sized for the data."""
    path = Path(path)
    return path.parent / f"{path.name}.tmp"


def open_when_unlocked(path: str | Path, *, read_only: bool = False, lock_timeout: float = 120.0) -> duckdb.DuckDBPyConnection:
    """``duckdb.connect``, retrying while another process holds the file's lock."""
    deadline = time.monotonic() + lock_timeout
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or time.monotonic() >= deadline:
                raise
            time.sleep(_LOCK_RETRY_SECONDS)


def connect(path: str | Path, *, lock_timeout: float = 120.0, longest_line: int = 0) -> duckdb.DuckDBPyConnection:
    """Open the warehouse for writing, with the landing schemas in place.

    DuckDB lets one process write a file at a time; a lock conflict is retried
    for up to ``lock_timeout`` seconds instead of failing the load outright.
    The connection is held to ``PANTAU_DUCKDB_MEMORY_LIMIT`` and spills to
    ``<warehouse>.tmp`` beside the file (``longest_line``: see ``bound_memory``).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = open_when_unlocked(path, lock_timeout=lock_timeout)
    try:
        bound_memory(con, temp_directory(path), longest_line=longest_line)
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


def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
