"""Every Zendesk stream extracted from the tiny sandbox through the real engine and loader."""
from __future__ import annotations

import os
import shutil
from datetime import timedelta

import duckdb
import pytest

from extractors.engine.config import SourceConfig
from extractors.landing.loader import load_stream
from extractors.sources import get_source
from extractors.sources.zendesk.streams import SOCIAL_CHANNELS
from tests.conftest import TEST_NOW

STREAMS = ("tickets", "ticket_metrics", "users", "satisfaction_ratings", "ticket_comments")


def _load_all(warehouse_path, now=TEST_NOW):
    source = get_source("zendesk")
    config = SourceConfig.from_env(source, os.environ)
    return {name: load_stream(source, name, config, warehouse_path, now) for name in STREAMS}


def _rows(warehouse_path, sql):
    con = duckdb.connect(str(warehouse_path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def loaded(sandbox, tmp_path_factory):
    """One first load of every stream into a module-wide warehouse (loads are slow-ish: GX validation)."""
    path = tmp_path_factory.mktemp("zendesk") / "pantau.duckdb"
    with pytest.MonkeyPatch.context() as mp:
        for name, value in sandbox.settings().items():
            mp.setenv(name, value)
        results = _load_all(path)
    return path, results


@pytest.fixture
def first_load(loaded, sandbox_env, warehouse_path):
    """The first load's results, with its warehouse copied to this test's own path."""
    shutil.copyfile(loaded[0], warehouse_path)
    return loaded[1]


@pytest.mark.parametrize("stream", [pytest.param(s, id=s) for s in STREAMS])
def test_every_stream_lands_records_with_unique_keys(first_load, warehouse_path, stream):
    """GIVEN the tiny sandbox WHEN every Zendesk stream is loaded once
    THEN each committed batch is non-empty and its record keys are unique in raw."""
    result = first_load[stream]
    assert result.status == "committed"
    assert result.records > 0
    [(rows, keys)] = _rows(warehouse_path, f"select count(*), count(distinct record_key) from raw.zendesk__{stream}")
    assert rows == keys == result.records


def test_tickets_match_the_worlds_ticket_count(first_load, sandbox):
    """GIVEN the world's recorded truth WHEN tickets are exported from the start
    THEN every ticket the world created by the clock arrives exactly once."""
    assert first_load["tickets"].records == sandbox.truth()["service"]["tickets"]


def test_comments_are_fetched_only_for_social_tickets(first_load, warehouse_path):
    """GIVEN tickets on social and non-social channels WHEN comments fan out over tickets
    THEN every comment's ticket (from the fan-out context) came in through a social channel."""
    channels = _rows(
        warehouse_path,
        """
        select distinct json_extract_string(t.record, '$.via.channel')
        from raw.zendesk__ticket_comments c
        join raw.zendesk__tickets t
          on json_extract_string(c.context, '$.ticket_id') = json_extract_string(t.record, '$.id')
        """,
    )
    assert channels and {c for (c,) in channels} <= set(SOCIAL_CHANNELS)


def test_second_run_fetches_only_what_changed(first_load, sandbox, warehouse_path):
    """GIVEN a completed first load WHEN the clock moves two days and everything loads again
    THEN tickets come back only if they changed since the saved cursor, and users only if new."""
    sandbox.set_clock((TEST_NOW + timedelta(days=2)).isoformat())
    try:
        second = _load_all(warehouse_path, TEST_NOW + timedelta(days=2))
    finally:
        sandbox.set_clock(TEST_NOW.isoformat())
    assert 0 < second["tickets"].records < first_load["tickets"].records / 10
    assert 0 <= second["users"].records < first_load["users"].records / 10
    assert second["ticket_metrics"].records == second["tickets"].records
    # Ratings reach back only a week before the last one seen.
    assert second["satisfaction_ratings"].records < first_load["satisfaction_ratings"].records / 5
    # Comments are fetched again only for social tickets exported in the second run.
    assert second["ticket_comments"].records < first_load["ticket_comments"].records
    [(updated,)] = _rows(
        warehouse_path,
        f"select count(*) from raw.zendesk__tickets where batch_id = {second['tickets'].batch_id} "
        f"and json_extract_string(record, '$.updated_at') < '{TEST_NOW:%Y-%m-%dT%H:%M:%SZ}'",
    )
    assert updated == 0


def test_rate_limited_pages_are_retried(sandbox_env, sandbox, warehouse_path):
    """GIVEN the sandbox answering every 2nd Zendesk request with 429 + Retry-After
    WHEN satisfaction ratings (several pages) are loaded THEN the load commits after retrying."""
    sandbox.set_faults(rate_limit_every=2, rate_limit_wait_seconds=0)
    source = get_source("zendesk")
    config = SourceConfig.from_env(source, os.environ)
    result = load_stream(source, "satisfaction_ratings", config, warehouse_path, TEST_NOW)
    assert result.status == "committed" and result.records > 0 and result.retries >= 1
