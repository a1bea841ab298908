"""Every HubSpot stream extracted from the sandbox through the real engine and loader, then staged."""
from __future__ import annotations

from datetime import timedelta

import pytest

from extractors.sources import get_source
from sandbox.launcher import start_sandbox
from tests.conftest import TEST_ANCHOR, TEST_NOW
from tests.extractors.sources.harness import assert_landed_once, dbt_build, load_all, load_one, query, sandbox_clock

SOURCE = get_source("hubspot")
STREAMS = ("contacts", "deals", "deal_contacts", "feedback_submissions")


@pytest.fixture
def first_load(sandbox_env, warehouse_path):
    """A fresh first load of every stream in each test."""
    return load_all(SOURCE, STREAMS, warehouse_path)


def test_every_stream_lands_records_with_unique_keys(first_load, warehouse_path):
    """GIVEN the tiny sandbox WHEN every HubSpot stream is loaded once
    THEN each committed batch is non-empty and its record keys are unique in raw."""
    for stream in STREAMS:
        assert_landed_once(first_load[stream], warehouse_path, f"hubspot__{stream}")
    # One association record per deal.
    assert first_load["deal_contacts"].records == first_load["deals"].records


def test_second_run_fetches_only_what_changed(first_load, sandbox, warehouse_path):
    """GIVEN a completed first load WHEN the clock moves two days and everything loads again
    THEN searches return only records modified since the cursor (minus the 1-hour lookback)
    and associations are read only for the deals of the second run."""
    with sandbox_clock(sandbox, TEST_NOW + timedelta(days=2)) as later:
        second = load_all(SOURCE, STREAMS, warehouse_path, later)
    for stream in STREAMS:
        assert second[stream].status == "committed", stream
        assert second[stream].records < first_load[stream].records / 5, stream
    assert second["contacts"].records > 0 and second["deals"].records > 0
    assert second["deal_contacts"].records == second["deals"].records
    cursor = first_load["contacts"].cursor_after["cursor"]
    [(older,)] = query(
        warehouse_path,
        f"select count(*) from raw.hubspot__contacts where batch_id = {second['contacts'].batch_id} "
        f"and cast(json_extract_string(record, '$.properties.lastmodifieddate') as timestamptz) "
        f"< cast('{cursor}' as timestamptz) - interval 1 hour",
    )
    assert older == 0


def test_rate_limited_pages_are_retried(sandbox_env, sandbox, warehouse_path):
    """GIVEN every 2nd HubSpot request answered 429 TEN_SECONDLY_ROLLING WHEN contacts load
    THEN the load commits after retrying."""
    sandbox.set_faults(rate_limit_every=2, rate_limit_wait_seconds=0)
    result = load_one(SOURCE, "contacts", warehouse_path)
    assert result.status == "committed" and result.records > 0 and result.retries >= 1


def test_search_past_10000_results_reanchors(tmp_path, monkeypatch):
    """GIVEN the demo world, with more than 10,000 contacts, and HubSpot's search cap
    WHEN contacts load from the beginning THEN the engine re-anchors its search and every contact arrives once."""
    with start_sandbox("demo", anchor=TEST_ANCHOR) as demo:
        for name, value in demo.settings().items():
            monkeypatch.setenv(name, value)
        warehouse = tmp_path / "demo.duckdb"
        result = load_one(SOURCE, "contacts", warehouse)
        customers = demo.truth()["customers"]
    assert customers > 10_000
    [(rows, keys)] = query(warehouse, "select count(*), count(distinct record_key) from raw.hubspot__contacts")
    assert rows == keys == result.records >= customers
    # 200 a page: more requests than one uninterrupted search could make, and later pages
    # come from a new search anchored (GTE) at the last value seen rather than from 0.
    assert result.requests > 10_000 // 200
    [(anchors,)] = query(warehouse, "select count(distinct nullif(regexp_extract(request, '\"GTE\",\"value\":\"([0-9]+)\"', 1), '')) "
                                    "from raw.hubspot__contacts")
    assert anchors >= 2


def test_staging_builds_with_unique_keys(first_load, warehouse_path):
    """GIVEN the first load WHEN the HubSpot staging models build with their tests
    THEN dbt passes and every deal has its contact pair."""
    proc = dbt_build(warehouse_path, "staging.hubspot")
    assert proc.returncode == 0, proc.stdout[-3000:]
    [(pairs, deals)] = query(warehouse_path, "select count(*), count(distinct deal_id) from staging.stg_hubspot__deal_contacts")
    assert pairs == deals == first_load["deals"].records
