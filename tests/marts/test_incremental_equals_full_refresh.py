"""Incremental facts: a night adds a day, and a full refresh gives the same tables.

GIVEN two nights on the tiny sandbox - the first at the anchor, the second one day
later (the sandbox's clock moved, so the APIs serve one more day) - the warehouse's
incremental models are rebuilt from scratch on a copy with ``--full-refresh``, and
every incremental table must equal its incrementally built twin row for row.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from orchestration.settings import DBT_PROJECT_DIR, REPO_ROOT
from tests.conftest import TEST_ANCHOR

NIGHT_1 = f"{TEST_ANCHOR}T00:00:00+00:00"
NIGHT_2 = "2026-07-01T00:00:00+00:00"
DBT = str(Path(sys.executable).with_name("dbt"))


def night(workdir: Path, as_of: str) -> None:
    environ = {
        **os.environ,
        "PANTAU_WAREHOUSE": str(workdir / "pantau.duckdb"),
        "DAGSTER_HOME": str(workdir / "dagster_home"),
        "PANTAU_NOW": as_of,
    }
    environ.pop("PANTAU_SANDBOX_URL", None)
    proc = subprocess.run(
        [sys.executable, "-m", "orchestration.run", "--sandbox", "tiny", "--anchor", TEST_ANCHOR, "--as-of", as_of],
        cwd=REPO_ROOT, env=environ, capture_output=True, text=True, timeout=1800,
    )
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-6000:]


def incremental_models() -> list[tuple[str, str]]:
    manifest = json.loads((DBT_PROJECT_DIR / "target" / "manifest.json").read_text())
    return sorted(
        (node["schema"], node.get("alias") or node["name"])
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["config"].get("materialized") == "incremental"
    )


def row_counts(warehouse: Path, models: list[tuple[str, str]]) -> dict[str, int]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {f"{s}.{t}": con.execute(f"select count(*) from {s}.{t}").fetchone()[0] for s, t in models}


@pytest.fixture(scope="module")
def two_nights(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("incremental")
    night(workdir, NIGHT_1)
    models = incremental_models()
    after_first = row_counts(workdir / "pantau.duckdb", models)
    night(workdir, NIGHT_2)
    return workdir, models, after_first


def test_the_project_has_incremental_facts(two_nights):
    _, models, _ = two_nights
    assert len(models) >= 4, models
    assert all(schema in ("staging", "core", "intermediate") for schema, _ in models), models


def test_the_second_night_adds_rows_to_the_incremental_facts(two_nights):
    """GIVEN the sandbox served one more day on the second night
    THEN the incremental facts over events grew (they were not left behind)."""
    workdir, models, after_first = two_nights
    after_second = row_counts(workdir / "pantau.duckdb", models)
    grew = [name for name in after_first if after_second[name] > after_first[name]]
    assert grew, (after_first, after_second)


def test_full_refresh_equals_incremental(two_nights, tmp_path):
    """WHEN every incremental model is rebuilt from scratch on a copy of the warehouse
    THEN each equals the incrementally built table (no row missing, none extra, none changed)."""
    workdir, models, _ = two_nights
    copy = tmp_path / "full_refresh.duckdb"
    shutil.copy(workdir / "pantau.duckdb", copy)
    environ = {**os.environ, "PANTAU_WAREHOUSE": str(copy), "PANTAU_NOW": NIGHT_2}
    proc = subprocess.run(
        [DBT, "run", "--full-refresh", "--select", "config.materialized:incremental",
         "--profiles-dir", str(DBT_PROJECT_DIR), "--project-dir", str(DBT_PROJECT_DIR),
         "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs")],
        cwd=DBT_PROJECT_DIR, env=environ, capture_output=True, text=True, timeout=1800,
    )
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-3000:]
    with duckdb.connect(str(copy)) as con:
        con.execute(f"attach '{workdir / 'pantau.duckdb'}' as incremental (read_only)")
        for schema, table in models:
            full, inc = f"{schema}.{table}", f"incremental.{schema}.{table}"
            missing = con.execute(f"select count(*) from (from {full} except all from {inc})").fetchone()[0]
            extra = con.execute(f"select count(*) from (from {inc} except all from {full})").fetchone()[0]
            total = con.execute(f"select count(*) from {full}").fetchone()[0]
            assert (missing, extra) == (0, 0), f"{full}: {missing} rows only in the full refresh, {extra} only incremental, of {total}"
