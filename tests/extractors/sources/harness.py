"""What every source test does around its own assertions.

Land a source's streams from the sandbox into a throw-away warehouse through
the real engine and loader, read the warehouse back, move the sandbox's clock
for a later run, and build the source's staging models with dbt.  The
module-wide first load that most source tests start from is the
``loaded``/``first_load`` fixture pair in this folder's ``conftest.py``.
"""
from __future__ import annotations

import os
import subprocess
import sys
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Iterator

import duckdb

from extractors.engine.config import SourceConfig
from extractors.engine.declarations import Source
from extractors.landing.loader import LoadResult, load_stream
from orchestration.settings import DBT_PROJECT_DIR
from sandbox.world.model import World
from sandbox.world.profiles import get_profile
from tests.conftest import TEST_ANCHOR, TEST_NOW

DBT = str(Path(sys.executable).parent / "dbt")


def load_all(source: Source, streams: tuple[str, ...], warehouse_path: Path,
             now: datetime = TEST_NOW) -> dict[str, LoadResult]:
    """Each of ``streams`` loaded once, in order, with the configuration in the process environment."""
    config = SourceConfig.from_env(source, os.environ)
    return {name: load_stream(source, name, config, warehouse_path, now) for name in streams}


def load_one(source: Source, stream: str, warehouse_path: Path, now: datetime = TEST_NOW) -> LoadResult:
    return load_all(source, (stream,), warehouse_path, now)[stream]


def query(warehouse_path: Path, sql: str) -> list[tuple]:
    """The rows of one query against the warehouse, opened read-only and closed again."""
    with duckdb.connect(str(warehouse_path), read_only=True) as con:
        return con.execute(sql).fetchall()


def assert_landed_once(result: LoadResult, warehouse_path: Path, table: str) -> None:
    """The batch committed, is non-empty, and its record keys are unique in ``raw.<table>``."""
    assert result.status == "committed", table
    assert result.records > 0, table
    [(landed, keys)] = query(warehouse_path, f"select count(*), count(distinct record_key) from raw.{table}")
    assert landed == keys == result.records, table


@contextmanager
def sandbox_clock(sandbox, moment: datetime) -> Iterator[datetime]:
    """The sandbox's world as of ``moment`` inside the block, back at ``TEST_NOW`` after it."""
    sandbox.set_clock(moment.isoformat())
    try:
        yield moment
    finally:
        sandbox.set_clock(TEST_NOW.isoformat())


def dbt_build(warehouse_path: Path, select: str) -> subprocess.CompletedProcess:
    """``dbt build --select <select>`` against the warehouse; dbt's target and logs beside it.

    Cautious indirect selection: a test that also reads an unselected model (e.g. one
    reconciling staging with the sessions built from it) is left to the full build."""
    return subprocess.run(
        [DBT, "build", "--profiles-dir", ".", "--select", select, "--indirect-selection", "cautious",
         "--target-path", str(warehouse_path.parent / "target"), "--log-path", str(warehouse_path.parent / "logs")],
        cwd=DBT_PROJECT_DIR, env={**os.environ, "PANTAU_WAREHOUSE": str(warehouse_path)}, capture_output=True,
        text=True, timeout=300,
    )


def tiny_world(as_of: datetime = TEST_NOW) -> World:
    """The world the tiny sandbox serves, as visible at ``as_of``."""
    return World.build(get_profile("tiny"), date.fromisoformat(TEST_ANCHOR), as_of)
