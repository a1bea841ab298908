"""``python -m extractors.benchmark --profile demo``: how fast does a night land?

Per stream and in total: records/s from the first HTTP request to committed
raw rows (the real engine, loader and suite against the sandbox), the process's
peak resident memory while that stream loaded, and — on the very same records
written to a JSON-lines file — DuckDB's own ``read_json`` load rate as the
ceiling, with the ratio of the two.  A benchmark, not a test: run it on an
otherwise idle machine and quote the figures with the command.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from extractors.engine.config import SourceConfig
from extractors.landing.loader import load_stream
from extractors.sources import all_sources


def _rss_bytes() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


class PeakMemory:
    """Samples this process's resident memory every 10 ms while active."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, _rss_bytes())
            self._stop.wait(0.01)

    def __enter__(self) -> "PeakMemory":
        self.peak = _rss_bytes()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss_bytes())


@dataclass
class StreamFigures:
    name: str
    records: int
    seconds: float
    peak_rss: int
    ceiling_seconds: float

    @property
    def rate(self) -> float:
        return self.records / self.seconds if self.seconds else 0.0

    @property
    def ceiling_rate(self) -> float:
        return self.records / self.ceiling_seconds if self.ceiling_seconds else 0.0


def _ceiling_seconds(warehouse: Path, table: str, batch_id: int, scratch: Path) -> float:
    """Time DuckDB's ``read_json`` loading the batch's records from a JSON-lines file."""
    jsonl = scratch / f"{table}.jsonl"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        con.execute(
            f"COPY (SELECT record FROM raw.{table} WHERE batch_id = ?) TO '{jsonl}' (FORMAT csv, HEADER false, QUOTE '', ESCAPE '', DELIMITER '\x1f')",
            [batch_id],
        )
    with duckdb.connect() as con:
        start = time.perf_counter()
        con.execute(f"CREATE TABLE ceiling AS SELECT * FROM read_json('{jsonl}', format = 'newline_delimited')")
        elapsed = time.perf_counter() - start
    jsonl.unlink()
    return elapsed


def run(profile: str, only_sources: set[str] | None, anchor: str | None) -> list[StreamFigures]:
    from sandbox.launcher import start_sandbox

    figures: list[StreamFigures] = []
    with tempfile.TemporaryDirectory(prefix="pantau-bench-") as tmp, start_sandbox(profile, anchor=anchor) as sandbox:
        scratch = Path(tmp)
        warehouse = scratch / "bench.duckdb"
        environ = {**os.environ, **sandbox.settings()}
        now = datetime.now(timezone.utc)
        for source in all_sources():
            if only_sources and source.name not in only_sources:
                continue
            config = SourceConfig.from_env(source, environ)
            for stream in source.streams:
                with PeakMemory() as memory:
                    start = time.perf_counter()
                    result = load_stream(source, stream.name, config, warehouse, now)
                    seconds = time.perf_counter() - start
                table = f"{source.name}__{stream.name}"
                ceiling = _ceiling_seconds(warehouse, table, result.batch_id, scratch) if result.records else 0.0
                fig = StreamFigures(table, result.records, seconds, memory.peak, ceiling)
                figures.append(fig)
                print(_row(fig), flush=True)
    return figures


def _row(f: StreamFigures) -> str:
    ratio = f"{f.rate / f.ceiling_rate:6.1%}" if f.ceiling_rate else "     -"
    return (f"{f.name:<40}{f.records:>11,}{f.seconds:>9.2f}{f.rate:>12,.0f}{f.ceiling_rate:>14,.0f}"
            f"{ratio:>8}{f.peak_rss / 2**20:>10,.0f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m extractors.benchmark", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profile", default="demo", help="sandbox profile: tiny, demo or large")
    parser.add_argument("--sources", help="comma-separated subset of sources")
    parser.add_argument("--anchor", help="the sandbox world's anchor date (default: today)")
    args = parser.parse_args(argv)
    only = set(args.sources.split(",")) if args.sources else None
    print(f"profile {args.profile}: HTTP -> committed raw rows, vs DuckDB read_json on the same records")
    print(f"{'stream':<40}{'records':>11}{'seconds':>9}{'records/s':>12}{'read_json/s':>14}{'ratio':>8}{'peak MiB':>10}")
    figures = run(args.profile, only, args.anchor)
    records = sum(f.records for f in figures)
    seconds = sum(f.seconds for f in figures)
    ceiling = sum(f.ceiling_seconds for f in figures)
    total = StreamFigures("TOTAL", records, seconds, max((f.peak_rss for f in figures), default=0), ceiling)
    print(_row(total))
    return 0


if __name__ == "__main__":
    sys.exit(main())
