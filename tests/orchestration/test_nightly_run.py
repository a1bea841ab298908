"""The nightly job end to end through Dagster on the tiny sandbox.

Each run is the real CLI (`python -m orchestration.run --sandbox tiny`) in a
subprocess, exactly as `make demo` runs it, into a throw-away warehouse.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from extractors.engine.config import env_var
from extractors.files import SOURCE as FILES
from extractors.sources import all_sources
from orchestration.settings import DBT_PROJECT_DIR, REPO_ROOT
from tests.conftest import TEST_ANCHOR

STREAMS = [f"{s.name}__{st.name}" for s in all_sources() for st in s.streams]


def run_nightly(workdir: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    environ = {
        **os.environ,
        "PANTAU_WAREHOUSE": str(workdir / "pantau.duckdb"),
        "DAGSTER_HOME": str(workdir / "dagster_home"),
        "PANTAU_NOW": f"{TEST_ANCHOR}T00:00:00+00:00",
        **(env or {}),
    }
    environ.pop("PANTAU_SANDBOX_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "orchestration.run", "--sandbox", "tiny", "--anchor", TEST_ANCHOR, *args],
        cwd=REPO_ROOT, env=environ, capture_output=True, text=True, timeout=1200,
    )


def staging_keys(warehouse: Path) -> dict[str, tuple[int, frozenset]]:
    """Row count and key set of every staging model, keys taken from its dbt `unique` tests."""
    manifest = json.loads((DBT_PROJECT_DIR / "target" / "manifest.json").read_text())
    unique_cols: dict[str, str] = {}
    for node in manifest["nodes"].values():
        meta = node.get("test_metadata") or {}
        if node["resource_type"] == "test" and meta.get("name") == "unique" and node.get("attached_node"):
            model = node["attached_node"].split(".")[-1]
            if model.startswith("stg_"):
                unique_cols.setdefault(model, node.get("column_name") or meta["kwargs"]["column_name"])
    out = {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for model, column in sorted(unique_cols.items()):
            rows = con.execute(f"select {column}::varchar from staging.{model}").fetchall()
            out[model] = (len(rows), frozenset(r[0] for r in rows))
    return out


@pytest.fixture(scope="module")
def first_night(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("night")
    proc = run_nightly(workdir)
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-6000:]
    return workdir, proc


def test_first_night_lands_validates_and_stages_every_stream(first_night):
    """GIVEN an empty warehouse and the tiny sandbox
    WHEN the nightly job runs through Dagster
    THEN every raw stream is non-empty and committed, every batch has stored validation results,
    every staging model is built, and no check failed."""
    workdir, proc = first_night
    assert "Pantau nightly run: SUCCESS" in proc.stdout
    assert ", 0 failed" in proc.stdout
    with duckdb.connect(str(workdir / "pantau.duckdb"), read_only=True) as con:
        for table in STREAMS:
            (count,) = con.execute(f"select count(*) from raw.{table}").fetchone()
            assert count > 0, table
        statuses = con.execute("select distinct status from audit.load_batches").fetchall()
        assert statuses == [("committed",)]
        validated = con.execute(
            "select count(distinct source || '__' || stream) from audit.validation_results where success"
        ).fetchone()[0]
        assert validated == len(STREAMS)
        leaked = con.execute(
            "select count(*) from audit.validation_results where not success"
        ).fetchone()[0]
        assert leaked == 0
    keys = staging_keys(workdir / "pantau.duckdb")
    # No PANTAU_IMPORT_DIR: the file source's staging models are built, and empty.
    exports = {model: count for model, (count, _) in keys.items() if model.startswith(f"stg_{FILES.name}__")}
    assert exports and set(exports.values()) == {0}
    api = {model: count for model, (count, _) in keys.items() if model not in exports}
    assert api and all(count > 0 for count in api.values())


def test_first_night_publishes_the_audited_marts_for_readers(first_night):
    """GIVEN a night that passed every check
    WHEN it ends
    THEN the readers' file holds every core, marts and reference table of the working
    warehouse with the same rows, and nothing of raw, audit or staging."""
    workdir, proc = first_night
    published = workdir / "pantau_published.duckdb"
    assert f"-> {published}" in proc.stdout
    with duckdb.connect(str(workdir / "pantau.duckdb"), read_only=True) as con:
        working = [t for (t,) in con.execute(
            "select schema_name || '.' || table_name from duckdb_tables()"
            " where schema_name in ('core', 'marts', 'reference')"
        ).fetchall()]
        counts = {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in working}
    with duckdb.connect(str(published), read_only=True) as con:
        schemas = {s for (s,) in con.execute("select distinct schema_name from duckdb_tables()").fetchall()}
        copied = {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in working}
    assert {"marts", "core", "reference"} <= schemas
    assert not schemas & {"raw", "audit", "staging", "intermediate"}
    assert copied == counts


def test_no_secret_reaches_the_warehouse(first_night, sandbox):
    """GIVEN the warehouse after a night on the sandbox, whose credentials are known
    WHEN every text and JSON column of every table is searched
    THEN no credential value appears anywhere (raw requests, ledger errors, audit, staging)."""
    workdir, _ = first_night
    settings = sandbox.settings()
    secrets = [
        settings[env_var(source.name, setting.name)]
        for source in all_sources()
        for setting in source.settings
        if setting.secret and env_var(source.name, setting.name) in settings
    ]
    assert len(secrets) == 8
    with duckdb.connect(str(workdir / "pantau.duckdb"), read_only=True) as con:
        columns = con.execute(
            """
            select table_schema, table_name, column_name from information_schema.columns
            where data_type in ('VARCHAR', 'JSON') and table_schema in ('raw', 'audit', 'staging')
            """
        ).fetchall()
        assert len(columns) > 100
        for schema, table, column in columns:
            for secret in secrets:
                (hits,) = con.execute(
                    f'select count(*) from "{schema}"."{table}" where contains("{column}"::varchar, ?)', [secret]
                ).fetchone()
                assert hits == 0, f"{schema}.{table}.{column} holds a credential"


def test_every_staging_column_is_described(first_night):
    """GIVEN the staging models the night built
    WHEN their columns in the warehouse are compared with the dbt docs
    THEN every column has a description."""
    workdir, _ = first_night
    manifest = json.loads((DBT_PROJECT_DIR / "target" / "manifest.json").read_text())
    documented = {
        node["name"]: {name for name, col in node["columns"].items() if col.get("description", "").strip()}
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["config"].get("schema") == "staging"
    }
    with duckdb.connect(str(workdir / "pantau.duckdb"), read_only=True) as con:
        actual = con.execute(
            "select table_name, column_name from information_schema.columns where table_schema = 'staging'"
        ).fetchall()
    undocumented = sorted(f"{t}.{c}" for t, c in actual if c not in documented.get(t, set()))
    assert {t for t, _ in actual} == set(documented)
    assert undocumented == []


def test_second_night_fetches_only_new_and_keeps_staging_identical(first_night):
    """GIVEN the warehouse after one night
    WHEN the same night runs again (same world, same clock)
    THEN staging row counts and keys are unchanged, and the second night fetched fewer records
    than the first (only lookback windows and fan-outs of refreshed parents)."""
    workdir, _ = first_night
    before = staging_keys(workdir / "pantau.duckdb")
    proc = run_nightly(workdir)
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-6000:]
    after = staging_keys(workdir / "pantau.duckdb")
    assert after == before
    with duckdb.connect(str(workdir / "pantau.duckdb"), read_only=True) as con:
        first, second = con.execute(
            """
            with nights as (
                select batch_id, records, dense_rank() over (partition by source, stream order by batch_id) as night
                from audit.load_batches where status = 'committed'
            )
            select sum(records) filter (where night = 1), sum(records) filter (where night = 2) from nights
            """
        ).fetchone()
    assert second < first


def test_a_rate_limited_night_completes_by_honouring_each_apis_signal(tmp_path):
    """GIVEN a sandbox where every 7th request to each API gets that API's own rate-limit answer
    WHEN the nightly job runs
    THEN every stream still commits, and the ledger shows the retries that rate limiting caused."""
    proc = run_nightly(tmp_path, "--faults", "rate_limit_every=7,rate_limit_wait_seconds=0")
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-6000:]
    with duckdb.connect(str(tmp_path / "pantau.duckdb"), read_only=True) as con:
        statuses = con.execute("select distinct status from audit.load_batches").fetchall()
        retried_sources = con.execute(
            "select distinct source from audit.load_batches where retries > 0 order by 1"
        ).fetchall()
    assert statuses == [("committed",)]
    assert len(retried_sources) == 8


def test_interrupted_night_loses_nothing_and_the_next_night_completes(tmp_path):
    """GIVEN a sandbox whose APIs all fail after 40 requests each (an outage mid-run)
    WHEN the nightly job runs, then runs again once the outage is over
    THEN the first run fails with no partial batch in raw (every failed batch has no raw rows),
    and the second run commits every stream."""
    proc = run_nightly(tmp_path, "--faults", "fail_after_requests=40", env={"PANTAU_HTTP_MAX_ATTEMPTS": "2"})
    assert proc.returncode != 0
    assert not (tmp_path / "pantau_published.duckdb").exists(), "a failed night must publish nothing"
    with duckdb.connect(str(tmp_path / "pantau.duckdb"), read_only=True) as con:
        failed = con.execute("select source, stream, batch_id from audit.load_batches where status = 'failed'").fetchall()
        assert failed, "the outage should have failed at least one batch"
        for source, stream, batch_id in failed:
            (rows,) = con.execute(f"select count(*) from raw.{source}__{stream} where batch_id = ?", [batch_id]).fetchone()
            assert rows == 0
    proc = run_nightly(tmp_path)
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-6000:]
    assert (tmp_path / "pantau_published.duckdb").exists()
    with duckdb.connect(str(tmp_path / "pantau.duckdb"), read_only=True) as con:
        for table in STREAMS:
            (count,) = con.execute(f"select count(*) from raw.{table}").fetchone()
            assert count > 0, table


def test_a_batch_its_suite_rejects_stops_its_downstream_models(tmp_path):
    """GIVEN a sandbox that corrupts every 3rd record (negative counts, timestamps that are not times)
    WHEN the nightly job runs
    THEN the corrupted batches are rejected, not committed, with failed expectations stored,
    and the staging models downstream of them are not built."""
    proc = run_nightly(tmp_path, "--faults", "corrupt_every=3")
    assert proc.returncode != 0
    assert "Pantau nightly run: FAILED" in proc.stdout
    assert not (tmp_path / "pantau_published.duckdb").exists(), "a rejected batch must block publication"
    with duckdb.connect(str(tmp_path / "pantau.duckdb"), read_only=True) as con:
        rejected = con.execute("select source, stream from audit.load_batches where status = 'rejected'").fetchall()
        assert len(rejected) >= 5
        for source, stream in rejected:
            (rows,) = con.execute(f"select count(*) from raw.{source}__{stream}").fetchone()
            assert rows == 0
            (failures,) = con.execute(
                "select count(*) from audit.validation_results where source = ? and stream = ? and not success",
                [source, stream],
            ).fetchone()
            assert failures > 0
        (staged,) = con.execute(
            "select count(*) from information_schema.tables where table_schema = 'staging'"
        ).fetchone()
        assert staged == 0
