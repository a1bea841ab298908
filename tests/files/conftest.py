"""Shared helpers of the file-source tests: the sample exports, imports, dbt on staging.files."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import duckdb
import pytest

from extractors.files import ENTITIES, FileOutcome, import_entity
from orchestration.settings import DBT_PROJECT_DIR

FIXTURES = Path(__file__).resolve().parent / "fixtures"
EXPORT = FIXTURES / "export"
MALFORMED = FIXTURES / "malformed"
NOW = datetime(2026, 6, 30, tzinfo=timezone.utc)
DBT = str(Path(sys.executable).with_name("dbt"))


def import_all(directory: Path, warehouse: Path) -> dict[str, list[FileOutcome]]:
    return {e.name: import_entity(e, directory, warehouse, NOW, "Asia/Jakarta") for e in ENTITIES}


def drop(directory: Path, *files: Path) -> Path:
    """Copy export files into ``directory`` (the import folder), which is created."""
    directory.mkdir(parents=True, exist_ok=True)
    for f in files:
        shutil.copy(f, directory / f.name)
    return directory


def query(warehouse: Path, sql: str, params: list[Any] | None = None) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def build_staging(warehouse: Path, work: Path) -> None:
    """``dbt build --select staging.files`` (models and their data tests) on ``warehouse``."""
    proc = subprocess.run(
        [DBT, "build", "--select", "staging.files", "--profiles-dir", str(DBT_PROJECT_DIR),
         "--project-dir", str(DBT_PROJECT_DIR), "--target-path", str(work / "target"), "--log-path", str(work / "logs")],
        cwd=DBT_PROJECT_DIR, env={**os.environ, "PANTAU_WAREHOUSE": str(warehouse)},
        capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-2000:]


@pytest.fixture(scope="session")
def dbt_work(tmp_path_factory) -> Path:
    """One dbt target folder for the session, so later builds parse partially."""
    return tmp_path_factory.mktemp("dbt_work")


@pytest.fixture(scope="module")
def sample_warehouse(tmp_path_factory, dbt_work) -> Path:
    """Every sample export imported into a fresh warehouse, staging built on it."""
    warehouse = tmp_path_factory.mktemp("files_warehouse") / "pantau.duckdb"
    outcomes = import_all(EXPORT, warehouse)
    assert all(o.status == "committed" for files in outcomes.values() for o in files), outcomes
    build_staging(warehouse, dbt_work)
    return warehouse
