"""Land one stream: fetch a batch, validate it, and commit it with its state.

The ledger row of a batch (``audit.load_batches``) is opened before anything
is fetched, in its own transaction, so a crash leaves a 'running' row that the
next load of the stream marks 'abandoned'.  Records are streamed to a spool
file page by page, deduplicated and validated there, and only then bulk-loaded
into ``raw`` in the one transaction that also advances the stream's state.  So
after a crash at any point a rerun refetches the same window, and no batch is
ever half in ``raw``.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import gc
import json
import logging
import shutil
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping

import duckdb
import pyarrow as pa

from data_quality.validate import ValidationOutcome, validate_batch
from extractors.engine.config import SourceConfig
from extractors.engine.declarations import ForEachRecordOf, Source, Stream
from extractors.engine.errors import ExtractorError
from extractors.engine.http import HttpClient
from extractors.engine.redaction import Redactor
from extractors.engine.runner import StreamRun
from extractors.landing.spool import LINE_COLUMNS, QUARANTINE_COLUMNS, BatchSpool
from extractors.landing.warehouse import bound_memory, connect, ensure_raw_table, json_object_limit

log = logging.getLogger(__name__)

try:  # glibc only: returns freed heap pages to the OS (see _release_memory)
    _LIBC: ctypes.CDLL | None = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    _LIBC.malloc_trim  # noqa: B018 - fails where there is no malloc_trim (musl, macOS)
except (OSError, AttributeError):
    _LIBC = None

# Saved in a fan-out child's state: the last parent batch whose records it consumed.
PARENTS_KEY = "parents_through_batch"


@dataclass(frozen=True)
class LoadResult:
    """What one ``load_stream`` call did; counts match the batch's ledger row."""

    batch_id: int
    status: str
    records: int
    quarantined: int
    duplicates_dropped: int
    pages: int
    requests: int
    retries: int
    cursor_before: dict[str, Any] | None
    cursor_after: dict[str, Any] | None
    validation: ValidationOutcome | None
    seconds: float


def load_stream(
    source: Source,
    stream_name: str,
    config: SourceConfig,
    warehouse: str | Path,
    now: datetime,
    client: HttpClient | None = None,
) -> LoadResult:
    """Fetch, validate and land one batch of ``source``/``stream_name``.

    Returns with status 'committed' or 'rejected' (a blocking expectation
    failed: the records are quarantined and the state is kept).  Any
    exception marks the batch 'failed' and is re-raised; nothing reaches raw.
    """
    started = time.perf_counter()
    stream = source.stream(stream_name)
    warehouse = Path(warehouse)
    redactor = Redactor(config.secret_values())
    fan_out = stream.fan_out if isinstance(stream.fan_out, ForEachRecordOf) else None

    con = connect(warehouse)
    try:
        table = ensure_raw_table(con, source.name, stream.name)
        _abandon_leftovers(con, warehouse, source.name, stream.name)
        saved = _saved_state(con, source.name, stream.name)
        batch_id = _open_batch(con, source.name, stream.name, saved)
    except BaseException:
        con.close()
        raise

    spool: BatchSpool | None = None
    run: StreamRun | None = None
    try:
        try:
            spool = BatchSpool(_spool_dir(warehouse, source.name, stream.name, batch_id), source.name)
            parents_through = None
            if fan_out is not None:
                parents_through = _export_parents(
                    con, source.name, fan_out.stream, int((saved or {}).get(PARENTS_KEY, 0)), spool.parents_path
                )
        finally:
            # The write lock is not held while fetching, which can take long.
            con.close()

        engine_state = None if saved is None else {k: v for k, v in saved.items() if k != PARENTS_KEY}
        run = StreamRun(
            source,
            stream,
            config,
            engine_state,
            now,
            parents=_read_parents(spool.parents_path) if fan_out is not None else None,
            client=client,
            # A streamed export is downloaded beside the spool: the disk sized for the data.
            scratch_dir=spool.directory,
        )
        for page in run.pages():
            spool.write_page(
                stream,
                page.records,
                request=page.request,
                context=page.context,
                number=page.number,
                # On the run's clock: the wall clock in production, the pinned instant (plus the
                # time spent) in a replay, so snapshots land on the day the replay stands for.
                extracted_at=now + timedelta(seconds=time.perf_counter() - started),
                record_contexts=page.record_contexts,
            )
            for reject in page.rejects:
                spool.quarantine(reject.reason, reject.raw, page.request)
        spool.close()

        duplicates = _deduplicate(spool)
        outcome = validate_batch(source, stream, spool.landing_path, now, longest_line=spool.longest_line)
        if spool.records_path.stat().st_size > _RELEASE_AFTER_BYTES:
            _release_memory()
        state_after = dict(run.state_after)
        if fan_out is not None:
            state_after[PARENTS_KEY] = parents_through

        with connect(warehouse, longest_line=max(spool.longest_line, spool.longest_quarantine_line)) as con:
            if outcome.passed:
                result = _commit(con, table, batch_id, source, stream, spool, run, outcome, duplicates, state_after)
            else:
                result = _reject(con, batch_id, source, stream, spool, run, outcome)
    except BaseException as exc:
        _mark_failed(warehouse, batch_id, spool, run, redactor, exc)
        raise
    finally:
        if spool is not None:
            spool.remove()

    seconds = time.perf_counter() - started
    log.info(
        "%s/%s batch %s %s: %s records, %s quarantined, %s duplicates dropped, %s pages in %.1fs",
        source.name, stream.name, batch_id, result["status"], result["records"], result["quarantined"],
        result["duplicates_dropped"], result["pages"], seconds,
    )
    return LoadResult(
        batch_id=batch_id,
        requests=run.requests,
        retries=run.retries,
        cursor_before=saved,
        validation=outcome,
        seconds=seconds,
        **result,
    )


class BatchRefused(Exception):
    """Raised by a ``land_batch`` writer when its input cannot be landed at all; the message says why."""


def land_batch(
    source: Source,
    stream_name: str,
    warehouse: str | Path,
    now: datetime,
    write: Callable[[BatchSpool], dict[str, Any]],
    in_commit: Callable[[duckdb.DuckDBPyConnection, int], None] | None = None,
) -> LoadResult:
    """Land one batch that ``write`` spools: ``load_stream``'s path without its HTTP part.

    For inputs that are not an API (the file source).  The ledger row is opened
    first; ``write`` fills the spool (records and quarantined records) and
    returns the stream's state after the batch; the batch is then deduplicated,
    validated and committed or rejected exactly as a fetched one.
    ``in_commit(con, batch_id)`` runs inside the commit's transaction, after
    the ledger row is closed.  A ``BatchRefused`` from ``write`` rejects the
    batch whole, its message as the ledger's error; nothing reaches raw.
    """
    started = time.perf_counter()
    stream = source.stream(stream_name)
    warehouse = Path(warehouse)
    with connect(warehouse) as con:
        table = ensure_raw_table(con, source.name, stream.name)
        _abandon_leftovers(con, warehouse, source.name, stream.name)
        saved = _saved_state(con, source.name, stream.name)
        batch_id = _open_batch(con, source.name, stream.name, saved)

    spool: BatchSpool | None = None
    outcome: ValidationOutcome | None = None
    try:
        spool = BatchSpool(_spool_dir(warehouse, source.name, stream.name, batch_id), source.name)
        try:
            state_after = write(spool)
        except BatchRefused as exc:
            spool.close()
            with connect(warehouse) as con:
                _close_batch(con, batch_id, status="rejected", ended_at=datetime.now(timezone.utc), pages=spool.pages,
                             records=0, quarantined=0, duplicates_dropped=0, run=None, cursor_after=None,
                             error=str(exc))
            log.warning("%s/%s batch %s rejected: %s", source.name, stream.name, batch_id, exc)
            result = {"status": "rejected", "records": 0, "quarantined": 0, "duplicates_dropped": 0,
                      "pages": spool.pages, "cursor_after": None}
        else:
            spool.close()
            duplicates = _deduplicate(spool)
            outcome = validate_batch(source, stream, spool.landing_path, now, longest_line=spool.longest_line)
            with connect(warehouse, longest_line=max(spool.longest_line, spool.longest_quarantine_line)) as con:
                if outcome.passed:
                    result = _commit(con, table, batch_id, source, stream, spool, None, outcome, duplicates,
                                     state_after, in_commit)
                else:
                    result = _reject(con, batch_id, source, stream, spool, None, outcome)
    except BaseException as exc:
        _mark_failed(warehouse, batch_id, spool, None, Redactor(), exc)
        raise
    finally:
        if spool is not None:
            spool.remove()
    return LoadResult(
        batch_id=batch_id,
        requests=0,
        retries=0,
        cursor_before=saved,
        validation=outcome,
        seconds=time.perf_counter() - started,
        **result,
    )


# A full garbage collection costs ~0.1 s with GX loaded: worth it after big batches only.
_RELEASE_AFTER_BYTES = 64 * 1024 * 1024


def _release_memory() -> None:
    """Hand the validation's freed frames back to the OS before the commit's DuckDB needs memory.

    pandas/GX leave many small freed blocks that glibc and Arrow's pool keep
    for reuse; without this the process's peak is their sum with the commit's.
    """
    gc.collect()
    pa.default_memory_pool().release_unused()
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


def _spool_dir(warehouse: Path, source: str, stream: str, batch_id: int) -> Path:
    # Next to the warehouse (same disk, which is sized for the data), one folder per batch.
    return warehouse.parent / f"{warehouse.name}.landing" / f"{source}__{stream}.{batch_id}"


def _abandon_leftovers(con: duckdb.DuckDBPyConnection, warehouse: Path, source: str, stream: str) -> None:
    """A 'running' row at this point belongs to a load that died; close it and its spool."""
    abandoned = con.execute(
        """
        UPDATE audit.load_batches
        SET status = 'abandoned', ended_at = ?, error = 'the loading process ended before the batch finished'
        WHERE source = ? AND stream = ? AND status = 'running'
        RETURNING batch_id
        """,
        [datetime.now(timezone.utc), source, stream],
    ).fetchall()
    for (batch_id,) in abandoned:
        log.warning("%s/%s: batch %s was left running by a crashed load; marked abandoned", source, stream, batch_id)
        shutil.rmtree(_spool_dir(warehouse, source, stream, batch_id), ignore_errors=True)


def _saved_state(con: duckdb.DuckDBPyConnection, source: str, stream: str) -> dict[str, Any] | None:
    row = con.execute(
        "SELECT state FROM audit.stream_state WHERE source = ? AND stream = ?", [source, stream]
    ).fetchone()
    return None if row is None else json.loads(row[0])


def _open_batch(con: duckdb.DuckDBPyConnection, source: str, stream: str, saved: Mapping[str, Any] | None) -> int:
    (batch_id,) = con.execute(
        """
        INSERT INTO audit.load_batches (batch_id, source, stream, started_at, status, cursor_before)
        VALUES (nextval('audit.batch_id_seq'), ?, ?, ?, 'running', ?::JSON)
        RETURNING batch_id
        """,
        [source, stream, datetime.now(timezone.utc), None if saved is None else json.dumps(saved)],
    ).fetchone()
    return int(batch_id)


def _export_parents(
    con: duckdb.DuckDBPyConnection, source: str, parent_stream: str, after_batch: int, path: Path
) -> int:
    """Write the parent records landed after ``after_batch`` to ``path``; return the last batch taken.

    The upper bound is fixed first, so the child's state names exactly the
    parent batches it saw.  A parent refetched in several of those batches
    is taken once, in its latest version.
    """
    parent_table = ensure_raw_table(con, source, parent_stream)
    (through,) = con.execute(f"SELECT coalesce(max(batch_id), 0) FROM {parent_table}").fetchone()
    through = max(int(through), after_batch)
    con.execute(
        f"""
        COPY (
            SELECT record FROM {parent_table}
            WHERE batch_id > {after_batch:d} AND batch_id <= {through:d}
            QUALIFY row_number() OVER (
                PARTITION BY record_key ORDER BY batch_id DESC, page_number DESC, record_index DESC
            ) = 1
            ORDER BY batch_id, page_number, record_index
        ) TO {_sql_literal(str(path))} (FORMAT json)
        """
    )
    return through


def _read_parents(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            yield json.loads(line)["record"]


def _deduplicate(spool: BatchSpool) -> int:
    """Point the spool's landing file at the last version of each record key; return how many were dropped.

    APIs repeat records across pages (offsets shifting under inserts, lookback
    windows); the last one fetched is the freshest.  Only ``seq`` and ``key``
    are read to find the superseded lines; when there are none (the usual
    case) the fetched file is the landing file and nothing is rewritten.
    """
    con = duckdb.connect()
    try:
        # Spill to the spool's disk rather than memory for very large batches.
        bound_memory(con, spool.directory / "duckdb_tmp", longest_line=spool.longest_line)
        keys = {"seq": LINE_COLUMNS["seq"], "key": LINE_COLUMNS["key"]}
        (dropped,) = con.execute(
            f"""
            CREATE TEMP TABLE superseded AS
            SELECT seq FROM {_read_lines(spool.records_path, keys, spool.longest_line)}
            QUALIFY row_number() OVER (PARTITION BY key ORDER BY seq DESC) > 1
            """
        ).fetchone()
        if not dropped:
            spool.landing_path = spool.records_path
            return 0
        con.execute(
            f"""
            COPY (
                SELECT * FROM {_read_lines(spool.records_path, LINE_COLUMNS, spool.longest_line)}
                WHERE seq NOT IN (SELECT seq FROM superseded)
                ORDER BY seq
            ) TO {_sql_literal(str(spool.landing_path))} (FORMAT json)
            """
        )
    finally:
        con.close()
    return int(dropped)


def _commit(
    con: duckdb.DuckDBPyConnection,
    table: str,
    batch_id: int,
    source: Source,
    stream: Stream,
    spool: BatchSpool,
    run: StreamRun | None,
    outcome: ValidationOutcome,
    duplicates: int,
    state_after: dict[str, Any],
    in_commit: Callable[[duckdb.DuckDBPyConnection, int], None] | None = None,
) -> dict[str, Any]:
    """Records, quarantine, validation results, ledger and state (and ``in_commit``): one transaction."""
    now = datetime.now(timezone.utc)
    con.begin()
    try:
        # The landing file is in arrival (seq) order and DuckDB keeps a file's
        # order when inserting (preserve_insertion_order, on by default), so no
        # sort of the whole batch is needed.
        (records,) = con.execute(
            f"""
            INSERT INTO {table}
            SELECT {batch_id:d}, key, cursor, record, context, page, index, extracted_at, request
            FROM {_read_lines(spool.landing_path, LINE_COLUMNS, spool.longest_line)}
            """
        ).fetchone()
        quarantined = _insert_quarantine(con, batch_id, source.name, stream.name, spool, now)
        _insert_validation(con, outcome, batch_id)
        _close_batch(
            con,
            batch_id,
            status="committed",
            ended_at=now,
            pages=spool.pages,
            records=records,
            quarantined=quarantined,
            duplicates_dropped=duplicates,
            run=run,
            cursor_after=state_after,
            error=None,
        )
        con.execute("DELETE FROM audit.stream_state WHERE source = ? AND stream = ?", [source.name, stream.name])
        con.execute(
            "INSERT INTO audit.stream_state VALUES (?, ?, ?::JSON, ?, ?)",
            [source.name, stream.name, json.dumps(state_after), batch_id, now],
        )
        if in_commit is not None:
            in_commit(con, batch_id)
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return {
        "status": "committed",
        "records": int(records),
        "quarantined": quarantined,
        "duplicates_dropped": duplicates,
        "pages": spool.pages,
        "cursor_after": state_after,
    }


def _reject(
    con: duckdb.DuckDBPyConnection,
    batch_id: int,
    source: Source,
    stream: Stream,
    spool: BatchSpool,
    run: StreamRun | None,
    outcome: ValidationOutcome,
) -> dict[str, Any]:
    """Keep every fetched record in quarantine with the failed expectations; state stays put."""
    now = datetime.now(timezone.utc)
    reason = "batch rejected by suite: " + "; ".join(outcome.failures)
    con.begin()
    try:
        quarantined = _insert_quarantine(con, batch_id, source.name, stream.name, spool, now)
        (rejected,) = con.execute(
            f"""
            INSERT INTO audit.quarantined_records
            SELECT {batch_id:d}, ?, ?, ?, record::VARCHAR, request, ?
            FROM {_read_lines(spool.records_path, LINE_COLUMNS, spool.longest_line)}
            ORDER BY seq
            """,
            [source.name, stream.name, reason, now],
        ).fetchone()
        quarantined += int(rejected)
        _insert_validation(con, outcome, batch_id)
        _close_batch(
            con,
            batch_id,
            status="rejected",
            ended_at=now,
            pages=spool.pages,
            records=0,
            quarantined=quarantined,
            duplicates_dropped=0,
            run=run,
            cursor_after=None,
            error=reason,
        )
        con.commit()
    except BaseException:
        con.rollback()
        raise
    log.warning("%s/%s batch %s rejected: %s", source.name, stream.name, batch_id, reason)
    return {
        "status": "rejected",
        "records": 0,
        "quarantined": quarantined,
        "duplicates_dropped": 0,
        "pages": spool.pages,
        "cursor_after": None,
    }


def _insert_quarantine(
    con: duckdb.DuckDBPyConnection, batch_id: int, source: str, stream: str, spool: BatchSpool, now: datetime
) -> int:
    if not spool.quarantined:
        return 0
    (count,) = con.execute(
        f"""
        INSERT INTO audit.quarantined_records
        SELECT {batch_id:d}, ?, ?, reason, record, request, ?
        FROM {_read_lines(spool.quarantine_path, QUARANTINE_COLUMNS, spool.longest_quarantine_line)}
        """,
        [source, stream, now],
    ).fetchone()
    return int(count)


def _insert_validation(con: duckdb.DuckDBPyConnection, outcome: ValidationOutcome, batch_id: int) -> None:
    rows = outcome.audit_rows(batch_id)
    if not rows:
        return
    con.register("validation_rows", pa.Table.from_pylist(rows))
    try:
        con.execute(
            """
            INSERT INTO audit.validation_results
            SELECT batch_id, source, stream, suite, expectation_type, column_name, kwargs::JSON, success,
                   element_count, unexpected_count, observed::JSON, validated_at
            FROM validation_rows
            """
        )
    finally:
        con.unregister("validation_rows")


def _close_batch(
    con: duckdb.DuckDBPyConnection,
    batch_id: int,
    *,
    status: str,
    ended_at: datetime,
    pages: int,
    records: int,
    quarantined: int,
    duplicates_dropped: int,
    run: StreamRun | None,
    cursor_after: dict[str, Any] | None,
    error: str | None,
) -> None:
    """Move the batch's ledger row out of 'running'.

    Refuses when the row is no longer 'running': another load of the same
    stream took it for a crashed one, and only that load may now commit.
    """
    (updated,) = con.execute(
        """
        UPDATE audit.load_batches
        SET status = ?, ended_at = ?, pages = ?, records = ?, quarantined = ?, duplicates_dropped = ?,
            requests = ?, retries = ?, cursor_after = ?::JSON, error = ?
        WHERE batch_id = ? AND status = 'running'
        """,
        [
            status,
            ended_at,
            pages,
            records,
            quarantined,
            duplicates_dropped,
            run.requests if run is not None else 0,
            run.retries if run is not None else 0,
            None if cursor_after is None else json.dumps(cursor_after),
            error,
            batch_id,
        ],
    ).fetchone()
    if updated != 1:
        raise RuntimeError(f"batch {batch_id} is no longer running (another load marked it abandoned)")


def _mark_failed(
    warehouse: Path,
    batch_id: int,
    spool: BatchSpool | None,
    run: StreamRun | None,
    redactor: Redactor,
    exc: BaseException,
) -> None:
    """Best effort: the ledger says 'failed' with the redacted error; if even that
    fails, the next load finds the row 'running' and marks it abandoned."""
    text = str(exc) if isinstance(exc, ExtractorError) else f"{type(exc).__name__}: {exc}"
    try:
        with connect(warehouse) as con:
            _close_batch(
                con,
                batch_id,
                status="failed",
                ended_at=datetime.now(timezone.utc),
                pages=spool.pages if spool is not None else 0,
                records=0,
                quarantined=0,
                duplicates_dropped=0,
                run=run,
                cursor_after=None,
                error=redactor.text(text),
            )
    except Exception:
        log.exception("could not record batch %s as failed", batch_id)


def _read_lines(path: Path, columns: Mapping[str, str], longest_line: int) -> str:
    """A read_ndjson call over a spool file with fixed column types (no schema inference),
    its buffer sized to the file's longest line."""
    spec = ", ".join(f"{_sql_literal(name)}: {_sql_literal(kind)}" for name, kind in columns.items())
    return (
        f"read_ndjson({_sql_literal(str(path))}, columns = {{{spec}}}, "
        f"maximum_object_size = {json_object_limit(longest_line):d})"
    )


def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
