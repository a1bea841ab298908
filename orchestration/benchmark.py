"""``python -m orchestration.benchmark --profile demo``: how long do the dbt models take?

Two figures, on a throw-away warehouse:

- **incremental night**: two nightly runs on the sandbox, the second one day after
  the first (the sandbox's clock moved, so the APIs serve one new day); the time
  the second night's dbt steps took (both dbt ops, tests included), read from the
  Dagster run's step statistics;
- **full build**: ``dbt build --full-refresh`` of the whole project on the same
  warehouse, every model and test rebuilt from staging's inputs, with the slowest
  models from dbt's run_results.json.

A benchmark, not a test: run it on an otherwise idle machine and quote the figures
with the command.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from orchestration.settings import DBT_PROJECT_DIR, REPO_ROOT

DBT = str(Path(sys.executable).with_name("dbt"))


def _night(workdir: Path, profile: str, anchor: str, as_of: str) -> float:
    environ = {
        **os.environ,
        "PANTAU_WAREHOUSE": str(workdir / "pantau.duckdb"),
        "DAGSTER_HOME": str(workdir / "dagster_home"),
        "PANTAU_NOW": as_of,
    }
    environ.pop("PANTAU_SANDBOX_URL", None)
    t0 = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "orchestration.run", "--sandbox", profile, "--anchor", anchor, "--as-of", as_of],
        cwd=REPO_ROOT, env=environ, capture_output=True, text=True,
    )
    if proc.returncode != 0:
        raise SystemExit(f"the nightly run as of {as_of} failed:\n{proc.stdout[-4000:]}{proc.stderr[-2000:]}")
    return time.monotonic() - t0


def _dbt_step_seconds(dagster_home: Path) -> dict[str, float]:
    """Seconds per dbt step of the latest run in this Dagster home."""
    os.environ["DAGSTER_HOME"] = str(dagster_home)
    import dagster as dg

    with dg.DagsterInstance.get() as instance:
        run = instance.get_runs(limit=1)[0]
        return {
            s.step_key: s.end_time - s.start_time
            for s in instance.get_run_step_stats(run.run_id)
            if s.step_key.startswith("dbt_") and s.end_time and s.start_time
        }


def _full_build(workdir: Path, as_of: str) -> tuple[float, list[tuple[str, float]]]:
    target = workdir / "full_refresh_target"
    environ = {**os.environ, "PANTAU_WAREHOUSE": str(workdir / "pantau.duckdb"), "PANTAU_NOW": as_of}
    t0 = time.monotonic()
    proc = subprocess.run(
        [DBT, "build", "--full-refresh", "--profiles-dir", str(DBT_PROJECT_DIR), "--project-dir", str(DBT_PROJECT_DIR),
         "--target-path", str(target), "--log-path", str(workdir / "logs")],
        cwd=DBT_PROJECT_DIR, env=environ, capture_output=True, text=True,
    )
    seconds = time.monotonic() - t0
    if proc.returncode != 0:
        raise SystemExit(f"dbt build --full-refresh failed:\n{proc.stdout[-4000:]}")
    results = json.loads((target / "run_results.json").read_text())["results"]
    models = sorted(
        ((r["unique_id"].split(".")[-1], r["execution_time"]) for r in results if r["unique_id"].startswith("model.")),
        key=lambda item: -item[1],
    )
    return seconds, models


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m orchestration.benchmark", description=__doc__)
    parser.add_argument("--profile", default="demo", help="sandbox profile (tiny, demo, large)")
    parser.add_argument("--anchor", default="2026-06-30", help="the world's anchor date (fixed: comparable runs)")
    args = parser.parse_args(argv)

    night_1 = f"{args.anchor}T00:00:00+00:00"
    night_2 = f"{date.fromisoformat(args.anchor) + timedelta(days=1)}T00:00:00+00:00"
    with tempfile.TemporaryDirectory(prefix="pantau-dbt-bench-") as tmp:
        workdir = Path(tmp)
        print(f"dbt benchmark, {args.profile} profile: night 1 as of {night_1} ...", flush=True)
        first = _night(workdir, args.profile, args.anchor, night_1)
        first_steps = _dbt_step_seconds(workdir / "dagster_home")
        print(f"night 2 as of {night_2} (one new day) ...", flush=True)
        second = _night(workdir, args.profile, args.anchor, night_2)
        second_steps = _dbt_step_seconds(workdir / "dagster_home")
        print("dbt build --full-refresh ...", flush=True)
        full, models = _full_build(workdir, night_2)

    print()
    print(f"night 1 (empty warehouse): {first:.1f} s, its dbt steps {sum(first_steps.values()):.1f} s")
    print(f"night 2 (one new day):     {second:.1f} s, its dbt steps {sum(second_steps.values()):.1f} s"
          f" ({', '.join(f'{k} {v:.1f} s' for k, v in sorted(second_steps.items()))})")
    print(f"dbt build --full-refresh:  {full:.1f} s")
    print("slowest models in the full build: " + ", ".join(f"{name} {secs:.1f} s" for name, secs in models[:5]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
