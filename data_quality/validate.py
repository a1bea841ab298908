"""Validate one landing batch (a JSON-lines file) against its stream's suite.

DuckDB (held to ``PANTAU_DUCKDB_MEMORY_LIMIT``, spilling beside the batch
file) projects just the dotted paths the suite reads out of the file, in
chunks of at most ``CHUNK_ROWS`` rows, into pandas; Great Expectations 1.x
validates each chunk as a whole-dataframe batch.  (GX's SQL engine on DuckDB
returns empty metric results, so validation always runs on DataFrames.)
Uniqueness is a whole-batch property: when a batch spans several chunks it is
checked once more on a frame holding only the unique columns of the whole batch.
"""
from __future__ import annotations

import json
import math
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Sequence

import duckdb
import great_expectations as gx
import pandas as pd
import pyarrow as pa
from great_expectations.data_context.types.base import (
    DataContextConfig,
    InMemoryStoreBackendDefaults,
    ProgressBarsConfig,
)
from great_expectations.execution_engine import pandas_execution_engine

from data_quality.expectations import Check
from data_quality.suites import checks_for, earliest_plausible
from extractors.landing.warehouse import bound_memory, json_object_limit, longest_line as longest_line_of

if TYPE_CHECKING:
    from extractors.engine.declarations import Source, Stream

# Rows per pandas frame: bounds the validation's memory (GX copies columns
# as it computes metrics) at a small cost in per-chunk GX overhead.
CHUNK_ROWS = 100_000

# Result keys that are either stored in their own columns or row positions
# in a temporary frame (meaningless once the frame is gone).
_NOT_OBSERVED = {"element_count", "unexpected_count", "partial_unexpected_index_list", "unexpected_index_list"}


@dataclass(frozen=True)
class ExpectationResult:
    """The outcome of one expectation over a whole batch."""

    expectation_type: str
    column_name: str | None
    kwargs: dict[str, Any]
    success: bool
    element_count: int | None
    unexpected_count: int | None
    observed: dict[str, Any]
    blocking: bool

    def describe(self) -> str:
        counts = ""
        if self.unexpected_count is not None and self.element_count is not None:
            counts = f" {self.unexpected_count} of {self.element_count} unexpected"
        return f"{self.expectation_type}({self.column_name or ''}){counts}"


@dataclass(frozen=True)
class ValidationOutcome:
    """passed is False when any blocking expectation failed; failures describe those."""

    passed: bool
    results: list[ExpectationResult]
    failures: list[str]
    warnings: list[str] = field(default_factory=list)
    source: str = ""
    stream: str = ""
    suite: str = ""
    rows: int = 0
    validated_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    seconds: float = 0.0

    def audit_rows(self, batch_id: int) -> list[dict[str, Any]]:
        """One ``audit.validation_results`` row per expectation (JSON columns as text)."""
        return [
            {
                "batch_id": batch_id,
                "source": self.source,
                "stream": self.stream,
                "suite": self.suite,
                "expectation_type": r.expectation_type,
                "column_name": r.column_name,
                "kwargs": json.dumps(r.kwargs),
                "success": r.success,
                "element_count": r.element_count,
                "unexpected_count": r.unexpected_count,
                "observed": json.dumps(r.observed),
                "validated_at": self.validated_at,
            }
            for r in self.results
        ]


# GX fingerprints every pandas batch by hashing the whole frame (under 1 GB)
# for its batch markers, which Pantau never reads; on a 677k-row batch that
# was a quarter of the validation time.  Threshold 0 skips the fingerprint.
pandas_execution_engine.HASH_THRESHOLD = 0

_gx_lock = threading.Lock()
_gx_batch_definition = None


def _batch_definition():
    """One ephemeral context, pandas datasource and whole-dataframe batch definition per process."""
    global _gx_batch_definition
    with _gx_lock:
        if _gx_batch_definition is None:
            context = gx.get_context(
                mode="ephemeral",
                project_config=DataContextConfig(
                    analytics_enabled=False,
                    progress_bars=ProgressBarsConfig(globally=False),
                    store_backend_defaults=InMemoryStoreBackendDefaults(),
                ),
            )
            asset = context.data_sources.add_pandas("pantau_landing").add_dataframe_asset(name="batch")
            _gx_batch_definition = asset.add_batch_definition_whole_dataframe("whole_batch")
        return _gx_batch_definition


def validate_batch(
    source: Source,
    stream: Stream,
    batch_file: Path,
    loaded_at: datetime,
    *,
    checks: Sequence[Check] | None = None,
    chunk_rows: int = CHUNK_ROWS,
    longest_line: int | None = None,
    earliest: datetime | None = None,
) -> ValidationOutcome:
    """Validate the records of a landing file (one JSON object with a ``record`` per line).

    ``checks`` defaults to the stream's suite (``data_quality.suites.checks_for``).
    ``longest_line`` (bytes) sizes DuckDB's JSON reader; the file is measured when not given.
    ``earliest`` is the floor of plausible timestamps, by default the source's own.
    """
    started = time.perf_counter()
    checks = list(checks_for(source, stream) if checks is None else checks)
    earliest = earliest_plausible(source.name) if earliest is None else earliest
    suite_name = f"{source.name}.{stream.name}"
    paths = list(dict.fromkeys(p for c in checks for p in c.paths))
    # Checks are addressed by position: two equal declarations are still two rules.
    positions = list(range(len(checks)))

    longest_line = longest_line_of(batch_file) if longest_line is None else longest_line
    object_size = json_object_limit(longest_line)

    con = duckdb.connect()
    try:
        bound_memory(con, Path(batch_file).parent / "duckdb_tmp", longest_line=longest_line)
        # Row order means nothing to a suite; not keeping it lets DuckDB stream in less memory.
        con.execute("SET preserve_insertion_order = false")
        con.execute("SET threads = 1")  # GX is the bottleneck; one JSON reader needs less memory
        reader = con.sql(_projection_sql(paths, object_size), params=[str(batch_file)]).to_arrow_reader(chunk_rows)
        chunks = _chunks(reader, chunk_rows)
        first, second = next(chunks, None), next(chunks, None)
        if second is None:
            frame = (first if first is not None else reader.schema.empty_table()).to_pandas()
            rows = len(frame)
            by_check = _aggregate([_validate_frame(frame, checks, positions, loaded_at, earliest, suite_name)], checks)
        else:
            rows = 0
            row_positions = [i for i in positions if not checks[i].is_uniqueness]
            unique_positions = [i for i in positions if checks[i].is_uniqueness]
            key_paths = list(dict.fromkeys(p for i in unique_positions for p in checks[i].paths))
            # The unique columns of every chunk are kept (as Arrow, compact) for the whole-batch check.
            key_tables: list[pa.Table] = []
            per_chunk = []
            held = [first, second]
            del first, second
            for table in _drain(held, chunks):
                if key_paths:
                    key_tables.append(table.select(key_paths))
                frame = table.to_pandas()
                del table
                rows += len(frame)
                per_chunk.append(_validate_frame(frame, checks, row_positions, loaded_at, earliest, suite_name))
                del frame
            by_check = _aggregate(per_chunk, checks)
            # DuckDB's buffers go before the whole-batch frame is built.
            con.close()
            if unique_positions:
                keys = pa.concat_tables(key_tables).to_pandas()
                del key_tables
                by_check.update(
                    _aggregate([_validate_frame(keys, checks, unique_positions, loaded_at, earliest, suite_name)], checks)
                )
                del keys
    finally:
        con.close()

    results = [r for i in positions for r in by_check.get(i, [])]
    failures = [r.describe() for r in results if not r.success and r.blocking]
    warnings = [r.describe() for r in results if not r.success and not r.blocking]
    return ValidationOutcome(
        passed=not failures,
        results=results,
        failures=failures,
        warnings=warnings,
        source=source.name,
        stream=stream.name,
        suite=suite_name,
        rows=rows,
        seconds=time.perf_counter() - started,
    )


def _drain(held: list[pa.Table], rest: Iterator[pa.Table]) -> Iterator[pa.Table]:
    """``held`` (emptied as it goes, so a validated chunk is not kept alive), then ``rest``."""
    while held:
        yield held.pop(0)
    yield from rest


def _chunks(reader: pa.RecordBatchReader, rows: int) -> Iterator[pa.Table]:
    """The reader's rows in tables of exactly ``rows`` rows (the last one shorter).

    DuckDB hands out record batches of its own size (~30,000 rows) whatever
    was asked, and every GX validation has a fixed cost of a good fraction of
    a second, so batches are gathered into chunks of the intended size.
    """
    pending: list[pa.RecordBatch] = []
    count = 0
    for batch in reader:
        pending.append(batch)
        count += batch.num_rows
        while count >= rows:
            table = pa.Table.from_batches(pending, schema=reader.schema)
            yield table.slice(0, rows)
            rest = table.slice(rows)
            pending, count = rest.to_batches(), rest.num_rows
    if count:
        yield pa.Table.from_batches(pending, schema=reader.schema)


def _projection_sql(paths: Iterable[str], object_size: int) -> str:
    """SELECT each dotted path of ``record`` as text, in a column named by the path.

    One json_extract_string over the list of paths parses each record once;
    one call per path parsed it once per path (a 31 MB Stripe batch with 12
    paths needed ~450 MB of DuckDB memory that way, ~150 MB this way).
    """
    paths = list(paths)
    source = f"read_ndjson(?, columns = {{'record': 'JSON'}}, maximum_object_size = {object_size:d})"
    if not paths:
        # A batch whose suite reads nothing still needs its row count.
        return f"SELECT 1 AS row_present FROM {source}"
    pointers = ", ".join(_sql_literal(_json_pointer(p)) for p in paths)
    columns = ", ".join(f"extracted[{i:d}] AS {_sql_identifier(p)}" for i, p in enumerate(paths, start=1))
    return f"SELECT {columns} FROM (SELECT json_extract_string(record, [{pointers}]) AS extracted FROM {source})"


def _json_pointer(path: str) -> str:
    return "/" + "/".join(part.replace("~", "~0").replace("/", "~1") for part in path.split("."))


def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _sql_identifier(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _validate_frame(
    frame: pd.DataFrame, checks: Sequence[Check], positions: Sequence[int], loaded_at: datetime, earliest: datetime,
    suite_name: str,
) -> list[tuple[int, Any]]:
    """Run GX over one frame; returns (check position, GX expectation result) pairs in suite order."""
    for i in positions:
        checks[i].derive(frame)
    # The context must exist before a suite is built: GX binds suites to the current project.
    batch_definition = _batch_definition()
    suite = gx.ExpectationSuite(name=suite_name)
    owners: list[int] = []
    for i in positions:
        for expectation in checks[i].expectations(loaded_at, earliest):
            suite.add_expectation(expectation)
            owners.append(i)
    batch = batch_definition.get_batch(batch_parameters={"dataframe": frame})
    validation = batch.validate(suite)
    if len(validation.results) != len(owners):
        raise RuntimeError(f"GX returned {len(validation.results)} results for {len(owners)} expectations")
    return list(zip(owners, validation.results))


def _aggregate(per_chunk: list[list[tuple[int, Any]]], checks: Sequence[Check]) -> dict[int, list[ExpectationResult]]:
    """Fold the per-chunk GX results of each expectation into one batch-level result."""
    out: dict[int, list[ExpectationResult]] = {}
    for slot in range(len(per_chunk[0])):
        position, first = per_chunk[0][slot]
        chunk_results = [chunk[slot][1] for chunk in per_chunk]
        config = first.expectation_config
        kwargs = {k: _jsonable(v) for k, v in config.kwargs.items() if k != "batch_id"}
        column = kwargs.get("column") or ",".join(kwargs.get("column_list", [])) or None
        for r in chunk_results:
            if r.exception_info and r.exception_info.get("raised_exception"):
                raise RuntimeError(f"GX could not evaluate {config.type} on {column}: {r.exception_info['exception_message']}")
        if len(chunk_results) == 1:
            result = first.result
            element, unexpected = result.get("element_count"), result.get("unexpected_count")
            success = bool(first.success)
            observed = {k: _jsonable(v) for k, v in result.items() if k not in _NOT_OBSERVED}
        else:
            element = sum(r.result.get("element_count") or 0 for r in chunk_results)
            unexpected = sum(r.result.get("unexpected_count") or 0 for r in chunk_results)
            missing = sum(r.result.get("missing_count") or 0 for r in chunk_results)
            # GX's own rule, applied to the batch totals: the passing share of present values >= mostly.
            mostly = kwargs.get("mostly", 1.0)
            present = element - missing
            success = present == 0 or (1 - unexpected / present) >= mostly
            sample = [v for r in chunk_results for v in r.result.get("partial_unexpected_list", [])][:20]
            observed = {"chunks": len(chunk_results), "missing_count": missing, "partial_unexpected_list": _jsonable(sample)}
        out.setdefault(position, []).append(
            ExpectationResult(
                expectation_type=config.type,
                column_name=column,
                kwargs=kwargs,
                success=success,
                element_count=element,
                unexpected_count=unexpected,
                observed=observed,
                blocking=checks[position].blocking,
            )
        )
    return out


def _jsonable(value: Any) -> Any:
    """Plain JSON values: GX results hold numpy scalars, timestamps, NaN and NaT."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (bool, str)):
        return value
    if value is pd.NaT:
        return None
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if hasattr(value, "item") and not isinstance(value, (int, float)):
        value = value.item()
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, int):
        return value
    return str(value)
