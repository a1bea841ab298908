"""Every dbt unit test (the hand-computed formula checks next to each model) passes.

The nightly build leaves unit tests out - they test the SQL, not the night's data -
so this is where they run: against a copy of a built warehouse, whose tables give
dbt the column types of each unit test's inputs.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from orchestration.settings import DBT_PROJECT_DIR

DBT = str(Path(sys.executable).with_name("dbt"))


def test_every_dbt_unit_test_passes(tiny_warehouse, tmp_path):
    copy = tmp_path / "pantau.duckdb"
    shutil.copy(tiny_warehouse, copy)
    target = tmp_path / "target"
    proc = subprocess.run(
        [DBT, "test", "--select", "test_type:unit", "--profiles-dir", str(DBT_PROJECT_DIR),
         "--project-dir", str(DBT_PROJECT_DIR), "--target-path", str(target), "--log-path", str(tmp_path / "logs")],
        cwd=DBT_PROJECT_DIR, env={**os.environ, "PANTAU_WAREHOUSE": str(copy)}, capture_output=True, text=True, timeout=1800,
    )
    results = json.loads((target / "run_results.json").read_text())["results"]
    failed = [r["unique_id"] for r in results if r["status"] != "pass"]
    assert proc.returncode == 0 and failed == [], (failed, proc.stdout[-6000:])
    manifest = json.loads((target / "manifest.json").read_text())
    assert len(results) == len(manifest["unit_tests"]) >= 50
