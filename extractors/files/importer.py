"""Import the export files of one entity from ``PANTAU_IMPORT_DIR`` into ``raw.files__<entity>``.

Each file is one batch on the landing's path (``land_batch``): the batch's
ledger row, deduplication by key (the last row of a key in a file wins), the
entity's suite, then records, quarantined rows, validation results, ledger
and the file's entry in ``audit.imported_files`` in one transaction.

Re-imports are idempotent by content: a file whose SHA-256 was already
committed for the entity is skipped, whatever its name.  A changed file is a
new batch; staging keeps the newest batch's version of each key, so its rows
replace the earlier ones by key (rows it no longer has stay).  A file that
is rejected (unreadable, or failing its suite) is not in the ledger, so it
is tried again on the next run, after it is fixed.
"""
from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import duckdb

from extractors.files.contract import ENTITIES, SOURCE, Entity
from extractors.files.reader import CSV_SUFFIXES, JSONL_SUFFIXES, read_rows
from extractors.landing.loader import BatchRefused, land_batch
from extractors.landing.spool import BatchSpool
from extractors.landing.warehouse import connect, ensure_raw_table

log = logging.getLogger(__name__)

IMPORT_DIR_VAR = "PANTAU_IMPORT_DIR"
TIMEZONE_VAR = "PANTAU_IMPORT_TIMEZONE"
DEFAULT_TIMEZONE = "Asia/Jakarta"

# Rows per spool page: memory stays bounded by a page, not by the file.
PAGE_ROWS = 10_000

LEDGER_DDL = """
CREATE TABLE IF NOT EXISTS audit.imported_files (
    source VARCHAR NOT NULL,
    stream VARCHAR NOT NULL,
    file_name VARCHAR NOT NULL,
    content_sha256 VARCHAR NOT NULL,
    size_bytes BIGINT NOT NULL,
    batch_id BIGINT NOT NULL,
    records BIGINT NOT NULL,
    quarantined BIGINT NOT NULL,
    imported_at TIMESTAMPTZ NOT NULL
)
"""


@dataclass(frozen=True)
class FileOutcome:
    """What importing one file did: status 'committed', 'rejected' or 'skipped'."""

    file: str
    sha256: str
    status: str
    batch_id: int | None
    records: int
    quarantined: int
    duplicates_dropped: int
    message: str

    def describe(self) -> str:
        if self.status == "committed":
            return (f"{self.file}: batch {self.batch_id} committed, {self.records} rows,"
                    f" {self.quarantined} quarantined, {self.duplicates_dropped} duplicate keys dropped")
        return f"{self.file}: {self.status}, {self.message}"


def import_dir(environ: Mapping[str, str]) -> Path | None:
    """``PANTAU_IMPORT_DIR``, or None when unset (then nothing is imported)."""
    value = (environ.get(IMPORT_DIR_VAR) or "").strip()
    return Path(value) if value else None


def default_timezone(environ: Mapping[str, str]) -> str:
    """The zone of timestamps written without an offset: ``PANTAU_IMPORT_TIMEZONE``, else the reporting zone."""
    zone = (environ.get(TIMEZONE_VAR) or environ.get("PANTAU_TIMEZONE") or DEFAULT_TIMEZONE).strip()
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{TIMEZONE_VAR}={zone!r} is not an IANA time zone (e.g. Asia/Jakarta)") from None
    return zone


def entity_files(directory: Path, entity: Entity) -> list[Path]:
    """``<entity>.csv``, ``<entity>_<anything>.jsonl``... in ``directory``, in name order (later names win a key)."""
    pattern = re.compile(rf"^{re.escape(entity.name)}(?:[_.-].*)?$")
    suffixes = CSV_SUFFIXES + JSONL_SUFFIXES
    return sorted(
        p for p in directory.iterdir()
        if p.is_file() and p.suffix.lower() in suffixes and pattern.match(p.name[: -len(p.suffix)])
    )


def ensure_tables(warehouse: str | Path) -> None:
    """Every entity's raw table and the file ledger, so staging builds before any file was imported."""
    with connect(warehouse) as con:
        for e in ENTITIES:
            ensure_raw_table(con, SOURCE.name, e.name)
        con.execute(LEDGER_DDL)


def import_entity(
    entity: Entity, directory: Path | None, warehouse: str | Path, now: datetime, timezone: str = DEFAULT_TIMEZONE
) -> list[FileOutcome]:
    """Import every new file of ``entity`` in ``directory`` (nothing when it is None), one batch per file."""
    ensure_tables(warehouse)
    if directory is None:
        return []
    if not directory.is_dir():
        raise FileNotFoundError(f"{IMPORT_DIR_VAR}={directory} is not a folder")
    outcomes = []
    for path in entity_files(directory, entity):
        outcome = import_file(entity, path, warehouse, now, timezone)
        (log.warning if outcome.status == "rejected" else log.info)("%s: %s", entity.name, outcome.describe())
        outcomes.append(outcome)
    return outcomes


def import_file(entity: Entity, path: Path, warehouse: str | Path, now: datetime, timezone: str) -> FileOutcome:
    digest, size = _sha256(path)
    with connect(warehouse) as con:
        con.execute(LEDGER_DDL)
        earlier = con.execute(
            """
            SELECT file_name, batch_id FROM audit.imported_files
            WHERE source = ? AND stream = ? AND content_sha256 = ?
            """,
            [SOURCE.name, entity.name, digest],
        ).fetchone()
    if earlier is not None:
        return FileOutcome(path.name, digest, "skipped", None, 0, 0, 0,
                           f"same content as {earlier[0]}, imported in batch {earlier[1]}")

    request = f"file {path.name} sha256:{digest}"
    refusal: list[str] = []

    def write(spool: BatchSpool) -> dict[str, Any]:
        page: list[dict[str, Any]] = []
        contexts: list[dict[str, Any]] = []

        def flush() -> None:
            spool.write_page(entity.stream, page, request=request, context=None, number=spool.pages + 1,
                             extracted_at=now, record_contexts=contexts)
            page.clear()
            contexts.clear()

        try:
            for row in read_rows(path, entity):
                if row.problem is not None:
                    spool.quarantine(row.problem, row.text, request)
                    continue
                page.append(row.record)
                contexts.append({"file": path.name, "line": row.line, "timezone": timezone})
                if len(page) >= PAGE_ROWS:
                    flush()
        except BatchRefused as exc:
            refusal.append(str(exc))
            raise
        if page or not spool.pages:
            flush()
        return {"file": path.name, "sha256": digest}

    def record_file(con: duckdb.DuckDBPyConnection, batch_id: int) -> None:
        con.execute(
            """
            INSERT INTO audit.imported_files
            SELECT source, stream, ?, ?, ?, batch_id, records, quarantined, ended_at
            FROM audit.load_batches WHERE batch_id = ?
            """,
            [path.name, digest, size, batch_id],
        )

    result = land_batch(SOURCE, entity.name, warehouse, now, write, record_file)
    if result.status == "committed":
        message = ""
    elif refusal:
        message = refusal[0]
    else:
        message = f"{path.name} failed the {entity.name} suite: " + "; ".join(result.validation.failures)
    return FileOutcome(path.name, digest, result.status, result.batch_id, result.records, result.quarantined,
                       result.duplicates_dropped, message)


def _sha256(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as data:
        for block in iter(lambda: data.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size
