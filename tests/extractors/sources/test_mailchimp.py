"""Every Mailchimp stream extracted from the tiny sandbox through the real engine and loader."""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from extractors.engine.config import SourceConfig
from extractors.landing.loader import load_stream
from extractors.sources import get_source
from sandbox.world import email as em
from sandbox.world.model import World
from sandbox.world.profiles import get_profile
from tests.conftest import TEST_ANCHOR, TEST_NOW

ROOT = Path(__file__).resolve().parents[3]
STREAMS = ("lists", "members", "campaigns", "reports", "email_activity")


def _load_all(warehouse_path, now=TEST_NOW):
    source = get_source("mailchimp")
    config = SourceConfig.from_env(source, os.environ)
    return {name: load_stream(source, name, config, warehouse_path, now) for name in STREAMS}


def _rows(warehouse_path, sql):
    with duckdb.connect(str(warehouse_path), read_only=True) as con:
        return con.execute(sql).fetchall()


def _world(as_of=TEST_NOW) -> World:
    return World.build(get_profile("tiny"), date.fromisoformat(TEST_ANCHOR), as_of)


@pytest.fixture
def first_load(sandbox_env, warehouse_path):
    return _load_all(warehouse_path)


@pytest.mark.parametrize("stream", [pytest.param(s, id=s) for s in STREAMS])
def test_every_stream_lands_records_with_unique_keys(first_load, warehouse_path, stream):
    """GIVEN the tiny sandbox WHEN every Mailchimp stream is loaded once
    THEN each committed batch is non-empty and its record keys are unique in raw."""
    result = first_load[stream]
    assert result.status == "committed"
    assert result.records > 0
    [(rows, keys)] = _rows(warehouse_path, f"select count(*), count(distinct record_key) from raw.mailchimp__{stream}")
    assert rows == keys == result.records


def test_first_load_matches_the_worlds_audience_and_sends(first_load):
    """GIVEN the world's own members and campaigns WHEN everything is loaded once
    THEN every member, every sent campaign and every recipient of every campaign arrives."""
    world = _world()
    as_of = world.timeline.as_of_ts
    members = sum(int((em.status_at(em.block(world, b), as_of) > 0).sum()) for b in em.blocks_until(world, as_of))
    sent = [c for c in range(em.campaign_count(world)) if em.send_time(world, c) <= as_of]
    recipients = sum(em.report_numbers(world, c, as_of)["emails_sent"] for c in sent)
    assert first_load["members"].records == members
    assert first_load["campaigns"].records == first_load["reports"].records == len(sent)
    assert first_load["email_activity"].records == recipients


def test_second_run_fetches_only_what_changed(first_load, sandbox, warehouse_path):
    """GIVEN a completed first load WHEN the clock moves ten days (past a new send) and everything loads
    again THEN members come back only if changed, campaigns only inside the 30-day lookback, and activity
    only for recipients with activity since the previous run (minus a day)."""
    later = TEST_NOW + timedelta(days=10)
    sandbox.set_clock(later.isoformat())
    try:
        second = _load_all(warehouse_path, later)
    finally:
        sandbox.set_clock(TEST_NOW.isoformat())
    assert all(r.status == "committed" for r in second.values())
    assert 0 < second["members"].records < first_load["members"].records / 5
    assert 0 < second["campaigns"].records <= 3 < first_load["campaigns"].records
    assert 0 < second["email_activity"].records < first_load["email_activity"].records / 5
    [(requests_with_since, earliest)] = _rows(
        warehouse_path,
        f"""
        select bool_and(contains(request, 'since=2026-06-29T00:00:00Z')),
               min(cast(json_extract_string(a.value, '$.timestamp') as timestamptz))
        from raw.mailchimp__email_activity, json_each(record, '$.activity') as a
        where batch_id = {second["email_activity"].batch_id}
        """,
    )
    assert requests_with_since
    assert earliest.isoformat() >= "2026-06-29"


def test_staging_builds_and_unnests_activity(first_load, sandbox, warehouse_path):
    """GIVEN a first and a later load WHEN the Mailchimp staging models are built with dbt
    THEN the dbt tests pass and the unnested opens equal the reports' open totals."""
    later = TEST_NOW + timedelta(days=2)
    sandbox.set_clock(later.isoformat())
    try:
        _load_all(warehouse_path, later)
    finally:
        sandbox.set_clock(TEST_NOW.isoformat())
    env = {**os.environ, "PANTAU_WAREHOUSE": str(warehouse_path)}
    done = subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), "build", "--select", "staging.mailchimp", "--profiles-dir", ".",
         "--target-path", str(warehouse_path.parent / "dbt_target")],
        cwd=ROOT / "dbt_project", env=env, capture_output=True, text=True,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    [(opens, report_opens)] = _rows(
        warehouse_path,
        """
        select
            (select count(*) from staging.stg_mailchimp__email_activities where action = 'open'),
            (select sum(open_count) from staging.stg_mailchimp__reports)
        """,
    )
    assert opens == report_opens > 0
