"""Every Stripe stream extracted from the tiny sandbox through the real engine and loader, then staged."""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest

from extractors.engine.config import SourceConfig
from extractors.landing.loader import load_stream
from extractors.sources import get_source
from orchestration.settings import DBT_PROJECT_DIR
from tests.conftest import TEST_NOW

STREAMS = ("customers", "subscriptions", "invoices", "events")
DBT = str(Path(sys.executable).parent / "dbt")


def _load_all(warehouse_path, now=TEST_NOW):
    source = get_source("stripe")
    config = SourceConfig.from_env(source, os.environ)
    return {name: load_stream(source, name, config, warehouse_path, now) for name in STREAMS}


def _rows(warehouse_path, sql):
    con = duckdb.connect(str(warehouse_path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture
def first_load(sandbox_env, warehouse_path):
    return _load_all(warehouse_path)


@pytest.mark.parametrize("stream", [pytest.param(s, id=s) for s in STREAMS])
def test_every_stream_lands_records_with_unique_keys(first_load, warehouse_path, stream):
    """GIVEN the tiny sandbox WHEN every Stripe stream is loaded once
    THEN each committed batch is non-empty and its record keys are unique in raw."""
    result = first_load[stream]
    assert result.status == "committed" and result.records > 0
    [(rows, keys)] = _rows(warehouse_path, f"select count(*), count(distinct record_key) from raw.stripe__{stream}")
    assert rows == keys == result.records


def test_customers_match_the_worlds_customer_count(first_load, sandbox):
    """GIVEN the world's truth WHEN customers load from the beginning THEN every customer arrives once."""
    assert first_load["customers"].records == sandbox.truth()["customers"]


def test_second_run_fetches_only_new_and_lookback_data(first_load, sandbox, warehouse_path):
    """GIVEN a completed first load WHEN the clock moves two days and everything loads again
    THEN each stream fetches only objects created since its cursor (minus its lookback)."""
    later = TEST_NOW + timedelta(days=2)
    sandbox.set_clock(later.isoformat())
    try:
        second = _load_all(warehouse_path, later)
    finally:
        sandbox.set_clock(TEST_NOW.isoformat())
    for stream in STREAMS:
        assert second[stream].status == "committed"
        assert second[stream].records < first_load[stream].records / 3, stream
    assert second["customers"].records > 0 and second["invoices"].records > 0
    first_cursor = first_load["invoices"].cursor_after["cursor"]
    [(older,)] = _rows(
        warehouse_path,
        f"select count(*) from raw.stripe__invoices where batch_id = {second['invoices'].batch_id} "
        f"and to_timestamp(cast(json_extract_string(record, '$.created') as bigint)) "
        f"< cast('{first_cursor}' as timestamptz) - interval 7 day - interval 1 second",
    )
    assert older == 0


def test_rate_limited_pages_are_retried(sandbox_env, sandbox, warehouse_path):
    """GIVEN every 2nd Stripe request answered 429 rate_limit WHEN customers load THEN the load commits after retries."""
    sandbox.set_faults(rate_limit_every=2, rate_limit_wait_seconds=0)
    source = get_source("stripe")
    result = load_stream(source, "customers", SourceConfig.from_env(source, os.environ), warehouse_path, TEST_NOW)
    assert result.status == "committed" and result.records > 0 and result.retries >= 1


def test_staging_builds_with_unique_keys_and_major_units(first_load, warehouse_path):
    """GIVEN the first load WHEN the Stripe staging models build with their tests
    THEN dbt passes, keys are unique and IDR amounts are rupiah (list prices), not sen."""
    proc = subprocess.run([DBT, "build", "--profiles-dir", ".", "--select", "staging.stripe"], cwd=DBT_PROJECT_DIR,
                          env={**os.environ, "PANTAU_WAREHOUSE": str(warehouse_path)}, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:]
    [(rows, keys)] = _rows(warehouse_path, "select count(*), count(distinct subscription_id) from staging.stg_stripe__subscriptions")
    assert rows == keys == first_load["subscriptions"].records
    prices = {p for (p,) in _rows(warehouse_path, "select distinct unit_amount from staging.stg_stripe__subscription_items")}
    assert prices <= {99000, 249000, 799000, 49000, 149000}
