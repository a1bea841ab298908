"""`dbt docs generate` on a built warehouse succeeds without a single warning."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from orchestration.settings import DBT_PROJECT_DIR

DBT = str(Path(sys.executable).with_name("dbt"))


def test_dbt_docs_generate_without_warnings(tiny_warehouse, tmp_path):
    """GIVEN the warehouse after a nightly run (on a copy: docs read the catalog)
    WHEN dbt docs are generated
    THEN it succeeds, writes the catalog, and logs no warning."""
    copy = tmp_path / "pantau.duckdb"
    shutil.copy(tiny_warehouse, copy)
    proc = subprocess.run(
        [DBT, "docs", "generate", "--profiles-dir", str(DBT_PROJECT_DIR), "--project-dir", str(DBT_PROJECT_DIR),
         "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs"), "--no-use-colors"],
        cwd=DBT_PROJECT_DIR, env={**os.environ, "PANTAU_WAREHOUSE": str(copy)}, capture_output=True, text=True, timeout=900,
    )
    assert proc.returncode == 0, proc.stdout[-4000:]
    warnings = [line for line in proc.stdout.splitlines() if re.search(r"\[WARNING\]|\bWarning\b|\bWARN\b", line)]
    assert warnings == []
    assert (tmp_path / "target" / "catalog.json").stat().st_size > 10_000
