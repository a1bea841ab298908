"""The nightly job end to end through Dagster on the tiny sandbox.

Each run is the real CLI (`python -m orchestration.run --sandbox tiny`) in a
subprocess, exactly as `make demo` runs it, into a throw-away warehouse.
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

from extractors.engine.config import env_var
from extractors.files import SOURCE as FILES
from extractors.sources import all_sources
from orchestration.lineage import load_manifest, raw_inputs
from orchestration.settings import DBT_PROJECT_DIR, REPO_ROOT
from orchestration.summary import EXIT_PUBLISHED_STALE
from tests.conftest import TEST_ANCHOR

STREAMS = [f"{s.name}__{st.name}" for s in all_sources() for st in s.streams]
NEXT_NIGHT = "2026-07-01T00:00:00+00:00"


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
    WHEN the nightly job runs, then runs again the next night, the outage over
    THEN the first run publishes what committed and exits 3 naming the stale streams, with no partial
    batch in raw (every failed batch has no raw rows); the second run commits every stream and
    publishes."""
    proc = run_nightly(tmp_path, "--faults", "fail_after_requests=40", env={"PANTAU_HTTP_MAX_ATTEMPTS": "2"})
    assert proc.returncode == EXIT_PUBLISHED_STALE, proc.stdout[-6000:] + proc.stderr[-6000:]
    assert "Pantau nightly run: SUCCESS WITH STALE STREAMS" in proc.stdout
    with duckdb.connect(str(tmp_path / "pantau.duckdb"), read_only=True) as con:
        failed = con.execute("select source, stream, batch_id from audit.load_batches where status = 'failed'").fetchall()
        assert failed, "the outage should have failed at least one batch"
        for source, stream, batch_id in failed:
            (rows,) = con.execute(f"select count(*) from raw.{source}__{stream} where batch_id = ?", [batch_id]).fetchone()
            assert rows == 0
            assert f"{source}/{stream} stale" in proc.stdout
    # The next night catches up (a fan-out child after its parent committed alone: instagram
    # media_insights after media, a day with insights and no media fetch) and publishes.
    proc = run_nightly(tmp_path, "--as-of", NEXT_NIGHT)
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-6000:]
    assert "stale streams" not in proc.stdout, proc.stdout[-6000:]
    with duckdb.connect(str(tmp_path / "pantau.duckdb"), read_only=True) as con:
        for table in STREAMS:
            (count,) = con.execute(f"select count(*) from raw.{table}").fetchone()
            assert count > 0, table


def published_marts(published: Path) -> dict[str, list[tuple]]:
    """Every marts table of a publication, its rows sorted."""
    with duckdb.connect(str(published), read_only=True) as con:
        tables = [t for (t,) in con.execute(
            "select table_name from duckdb_tables() where schema_name = 'marts' order by 1").fetchall()]
        return {t: sorted(con.execute(f"select * from marts.{t}").fetchall(), key=repr) for t in tables}


def marts_by_source() -> dict[str, set[str]]:
    """Per raw source, the marts tables downstream of it (lineage as the metric families read it)."""
    manifest = load_manifest(DBT_PROJECT_DIR / "target" / "manifest.json")
    upstream = raw_inputs(manifest)
    found: dict[str, set[str]] = {}
    for uid, node in manifest["nodes"].items():
        if node["resource_type"] == "model" and node["config"].get("schema") == "marts":
            for table in upstream(uid):
                found.setdefault(table.source, set()).add(node["alias"] or node["name"])
    return found


def test_a_source_down_for_good_costs_its_freshness_not_the_night(first_night, tmp_path):
    """GIVEN last night's warehouse and publication, and tonight zendesk answering every request with an error
    WHEN the nightly job runs
    THEN it publishes and exits 3; every zendesk stream is stale, named with since when and why in the
    summary and publication.info, and keeps its last committed batch; the families zendesk feeds are
    stale, every other family is fresh and has data; the marts zendesk feeds equal last night's (same world,
    same clock: what zendesk's last batch gave)."""
    workdir, _ = first_night
    for name in ("pantau.duckdb", "pantau_published.duckdb"):
        shutil.copy(workdir / name, tmp_path / name)
    zendesk = [f"zendesk__{st.name}" for s in all_sources() if s.name == "zendesk" for st in s.streams]
    with duckdb.connect(str(tmp_path / "pantau.duckdb"), read_only=True) as con:
        raw_before = {t: con.execute(f"select count(*), max(batch_id) from raw.{t}").fetchone() for t in zendesk}
    marts_before = published_marts(tmp_path / "pantau_published.duckdb")

    proc = run_nightly(tmp_path, "--faults", "fail_source=zendesk", env={"PANTAU_HTTP_MAX_ATTEMPTS": "2"})

    assert proc.returncode == EXIT_PUBLISHED_STALE, proc.stdout[-6000:] + proc.stderr[-6000:]
    assert "Pantau nightly run: SUCCESS WITH STALE STREAMS" in proc.stdout
    assert f"-> {tmp_path / 'pantau_published.duckdb'}" in proc.stdout
    for table in zendesk:
        source, stream = table.split("__")
        assert f"{source}/{stream} stale, since " in proc.stdout
    with duckdb.connect(str(tmp_path / "pantau.duckdb"), read_only=True) as con:
        assert {t: con.execute(f"select count(*), max(batch_id) from raw.{t}").fetchone() for t in zendesk} == raw_before
    with duckdb.connect(str(tmp_path / "pantau_published.duckdb"), read_only=True) as con:
        stale = con.execute(
            "select s.source || '__' || s.stream, s.stale_since, s.reason"
            " from (select unnest(stale_streams) as s from publication.info)").fetchall()
        families = con.execute(
            "select family, sources_loaded, is_stale, stale_streams from publication.metric_families").fetchall()
    assert sorted(name for name, _, _ in stale) == sorted(zendesk)
    assert all(since is not None and "HTTP 503" in reason for _, since, reason in stale)
    fed = {family for family, sources, _, _ in families if "zendesk" in sources}
    assert fed and {family for family, _, is_stale, _ in families if is_stale} == fed
    assert all(set(names) <= set(zendesk) and names for family, _, _, names in families if family in fed)

    marts_after = published_marts(tmp_path / "pantau_published.duckdb")
    fed_marts = marts_by_source()["zendesk"]
    assert fed_marts and {t: marts_after[t] for t in fed_marts} == {t: marts_before[t] for t in fed_marts}
    for family, sources, _, _ in families:
        if family not in fed and sources:
            assert any(marts_after[t] for t in marts_for_family(family)), family


def marts_for_family(family: str) -> set[str]:
    manifest = load_manifest(DBT_PROJECT_DIR / "target" / "manifest.json")
    return {
        node["alias"] or node["name"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["config"].get("schema") == "marts"
        and any(((c.get("meta") or {}).get("metric_id") or "").startswith(family) for c in node["columns"].values())
    }


def test_a_batch_its_suite_rejects_costs_its_freshness_not_the_night(tmp_path):
    """GIVEN a sandbox that corrupts every 3rd record (negative counts, timestamps that are not times)
    WHEN the nightly job runs
    THEN the corrupted batches are rejected, not committed, with failed expectations stored; the night
    still builds staging and publishes, exits 3, and names each rejected stream stale (never loaded)
    with its suite's failures in the summary and publication.info."""
    # Stripe's suites reject its corrupted batches; X's accept them and its models build. (Zendesk's
    # tickets pass their suite corrupted, and a dbt relationships test then rightly stops the night.)
    proc = run_nightly(tmp_path, "--faults", "corrupt_every=3", env={"PANTAU_SOURCES": "stripe,x"})
    assert proc.returncode == EXIT_PUBLISHED_STALE, proc.stdout[-6000:] + proc.stderr[-6000:]
    assert "Pantau nightly run: SUCCESS WITH STALE STREAMS" in proc.stdout
    with duckdb.connect(str(tmp_path / "pantau.duckdb"), read_only=True) as con:
        rejected = con.execute("select source, stream from audit.load_batches where status = 'rejected'").fetchall()
        assert len(rejected) >= 5
        assert con.execute("select count(*) from staging.stg_x__tweets").fetchone()[0] > 0
        for source, stream in rejected:
            (rows,) = con.execute(f"select count(*) from raw.{source}__{stream}").fetchone()
            assert rows == 0
            (failures,) = con.execute(
                "select count(*) from audit.validation_results where source = ? and stream = ? and not success",
                [source, stream],
            ).fetchone()
            assert failures > 0
            assert f"{source}/{stream} stale, never loaded: batch " in proc.stdout
        (staged,) = con.execute(
            "select count(*) from information_schema.tables where table_schema = 'staging'"
        ).fetchone()
        assert staged > 0
    with duckdb.connect(str(tmp_path / "pantau_published.duckdb"), read_only=True) as con:
        stale = con.execute(
            "select s.source, s.stream, s.stale_since, s.reason"
            " from (select unnest(stale_streams) as s from publication.info)").fetchall()
    assert sorted((source, stream) for source, stream, _, _ in stale) == sorted(rejected)
    assert all(since is None and "rejected by its suite" in reason for _, _, since, reason in stale)
