"""The fault matrix: a night on a bad network lands what a calm night lands.

GIVEN the tiny sandbox injecting one transport fault at about 10 % of requests (or all
of them at once), an outage mid-run, or bad data
WHEN the night runs (``python -m orchestration.run --sandbox tiny --faults ...``)
THEN ``staging``, ``core`` and ``marts`` equal the calm night's (``tiny_warehouse``, the
same anchor and clock) row for row; bad records are quarantined and counted, never
changed silently. (An outage mid-run and the next night: tests/orchestration/test_nightly_run.py.)

Single faults other than the dropped connection are checked one layer down, on every
raw table of every source loaded in this process: dbt builds ``staging``, ``core`` and
``marts`` from raw alone (and the pinned clock), so equal raw records make equal marts,
and a full night for each fault would cost the suite minutes of retry waits. Dropped
connections (the issue's own case) and all faults together run the whole night.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import duckdb
import pytest

from extractors.engine.declarations import ForEachRecordOf
from extractors.sources import all_sources
from tests.extractors.sources.harness import load_all
from tests.marts.conftest import build_warehouse
from tests.marts.warehouse_diff import LOAD_TIME_COLUMNS, differences

COMPARED_SCHEMAS = ("staging", "core", "marts")

SLOW = {"PANTAU_HTTP_READ_TIMEOUT_SECONDS": "0.5"}  # a 1.5 s stall is beyond it
TRANSPORT_FAULTS = {
    "rate_limit": {"rate_limit_every": 10, "rate_limit_wait_seconds": 0},
    "server_error": {"error_5xx_every": 10},
    "slow": {"slow_every": 10, "slow_seconds": 1.5},
    "duplicates": {"duplicate_across_pages": True},
}
ALL_FAULTS = ("rate_limit_every=10,rate_limit_wait_seconds=0,error_5xx_every=10,drop_every=10,"
              "slow_every=10,slow_seconds=1.5,duplicate_across_pages=true")


def landed(warehouse: Path, what: str = "record_key, record::varchar") -> dict[str, Counter]:
    """Every raw table's records (key and content, or ``what`` of them), duplicates counted."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = [t for (t,) in con.execute(
            "select table_name from information_schema.tables where table_schema = 'raw'").fetchall()]
        return {t: Counter(con.execute(f"select {what} from raw.{t}").fetchall()) for t in tables}


def load_every_source(warehouse: Path) -> dict[str, str]:
    """Every stream of every source landed once, in declaration order; each stream's status."""
    statuses = {}
    for source in all_sources():
        results = load_all(source, tuple(stream.name for stream in source.streams), warehouse)
        statuses.update({f"{source.name}__{name}": result.status for name, result in results.items()})
    return statuses


@pytest.fixture(scope="module")
def calm_raw(sandbox, tmp_path_factory) -> dict[str, Counter]:
    warehouse = tmp_path_factory.mktemp("calm_raw") / "pantau.duckdb"
    with pytest.MonkeyPatch.context() as env:
        for name, value in sandbox.settings().items():
            env.setenv(name, value)
        assert set(load_every_source(warehouse).values()) == {"committed"}
    return landed(warehouse)


@pytest.mark.parametrize("fault", list(TRANSPORT_FAULTS))
def test_a_transport_fault_alone_lands_the_calm_records(fault, calm_raw, sandbox, sandbox_env, monkeypatch, tmp_path):
    """Each raw table holds the calm load's records, row for row (duplicates across pages
    included: the engine drops the repeated record, so none is left over)."""
    if fault == "slow":
        for name, value in SLOW.items():
            monkeypatch.setenv(name, value)
    sandbox.set_faults(**TRANSPORT_FAULTS[fault])
    warehouse = tmp_path / "pantau.duckdb"
    statuses = load_every_source(warehouse)
    assert set(statuses.values()) == {"committed"}, statuses
    faulted = landed(warehouse)
    assert sorted(faulted) == sorted(calm_raw)
    assert [t for t in calm_raw if faulted[t] != calm_raw[t]] == []


@pytest.mark.parametrize(
    "faults",
    [pytest.param("drop_every=10", id="dropped-connections"), pytest.param(ALL_FAULTS, id="all-faults-together")],
)
def test_a_faulted_night_publishes_the_calm_marts(faults, tiny_warehouse, tmp_path):
    """Every stream commits (exit code 0: nothing stale) and every table equals the calm night's."""
    warehouse = build_warehouse(tmp_path, "tiny", SLOW, faults=faults)
    assert differences(warehouse, tiny_warehouse, COMPARED_SCHEMAS, LOAD_TIME_COLUMNS) == []
    assert (tmp_path / "pantau_published.duckdb").exists()


def test_bad_records_are_quarantined_and_counted_never_silent(tiny_warehouse, tmp_path):
    """Every 25th record loses its key or gets negative counts and unreadable timestamps,
    and records gain a field and lose another. A raw table missing records of the calm
    night lost no more than its batches quarantined (audit.load_batches, one row each in
    audit.quarantined_records with the reason), or its batch was rejected whole (a stale
    stream); a stream read per record of a parent may also miss the children of the
    parent's quarantined records; a table whose batches (and parent's) quarantined
    nothing has every calm record. On tiny the quarantined HubSpot contacts orphan their
    deals, so dbt's relationships tests stop the publication (exit code 1): the readers'
    marts do not change either."""
    warehouse = build_warehouse(tmp_path, "tiny", faults="malformed_every=25,corrupt_every=25,schema_drift=true",
                                returncodes=(0, 1, 3))
    calm = landed(tiny_warehouse, "record_key")
    bad = landed(warehouse, "record_key")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        outcome = {f"{source}__{stream}": (status, quarantined) for source, stream, status, quarantined in con.execute(
            "select source, stream, arg_max(status, batch_id), sum(quarantined) from audit.load_batches group by all"
        ).fetchall()}
        quarantined_rows = con.execute("select count(*) from audit.quarantined_records").fetchone()[0]
    assert sum(q for _, q in outcome.values()) == quarantined_rows > 0
    parents = {f"{source.name}__{stream.name}": f"{source.name}__{stream.fan_out.stream}"
               for source in all_sources() for stream in source.streams if isinstance(stream.fan_out, ForEachRecordOf)}
    for table, records in calm.items():
        status, quarantined = outcome.get(table, ("missing", 0))
        if status != "committed":
            continue  # rejected whole (a stale stream, named in the summary), or nothing to load (files)
        lost = sum((records - bad[table]).values())
        if table in parents:
            # Read per parent record: a quarantined parent's children are never asked for.
            assert lost <= quarantined or outcome[parents[table]][1] > 0, (table, lost, quarantined)
        else:
            assert lost <= quarantined, (table, lost, quarantined)
        if quarantined == 0 and outcome.get(parents.get(table), ("", 0))[1] == 0:
            assert lost == 0, table
