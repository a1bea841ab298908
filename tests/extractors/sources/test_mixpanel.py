"""The Mixpanel events stream extracted from the tiny sandbox through the real engine and loader."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from extractors.sources import get_source
from sandbox.world import web
from tests.conftest import TEST_NOW
from tests.extractors.sources.harness import dbt_build, load_one, query, sandbox_clock, tiny_world

SOURCE = get_source("mixpanel")


def _world_events(since: date, until: date, as_of: datetime = TEST_NOW) -> list[dict]:
    """The world's own events for whole UTC days [since, until), as visible at ``as_of``."""
    world = tiny_world(as_of)
    lo = datetime.combine(since, datetime.min.time(), tzinfo=timezone.utc).timestamp()
    hi = datetime.combine(until, datetime.min.time(), tzinfo=timezone.utc).timestamp()
    return list(web.events_between(world, lo, hi))


@pytest.fixture
def first_load(sandbox_env, warehouse_path):
    """A fresh first load of the events stream in each test."""
    return load_one(SOURCE, "events", warehouse_path)


def test_first_load_lands_every_visible_event_once(first_load, warehouse_path):
    """GIVEN the tiny sandbox WHEN the events stream is loaded for the first time
    THEN every event of history up to yesterday lands once, keyed by its $insert_id, and all six
    tracked event kinds are among them."""
    assert first_load.status == "committed"
    expected = _world_events(date(2020, 1, 1), TEST_NOW.date())
    assert first_load.records == len(expected) > 1000
    [(rows, keys)] = query(warehouse_path, "select count(*), count(distinct record_key) from raw.mixpanel__events")
    assert rows == keys == len(expected)
    assert first_load.cursor_after["last_day"] == (TEST_NOW.date() - timedelta(days=1)).isoformat()
    names = {n for (n,) in query(warehouse_path, "select distinct json_extract_string(record, '$.event') from raw.mixpanel__events")}
    assert names == {"Page View", "Help Center View", "Sign Up", "Purchase", "App Open", "Feature Used"}


def test_second_run_rereads_only_the_lookback_days(first_load, sandbox, warehouse_path):
    """GIVEN a completed first load WHEN the clock moves two days and the stream loads again
    THEN the run asks only for the lookback days up to the new yesterday, and lands exactly their events."""
    with sandbox_clock(sandbox, TEST_NOW + timedelta(days=2)) as later:
        second = load_one(SOURCE, "events", warehouse_path, later)
    assert second.status == "committed"
    assert second.requests == 1
    # last_day was 06-29; lookback 3 days re-reads 06-27 .. 07-01.
    expected = _world_events(date(2026, 6, 27), date(2026, 7, 2), later)
    assert second.records == len(expected)
    assert second.cursor_after["last_day"] == "2026-07-01"


def test_staging_types_and_dedupes_the_events(first_load, sandbox, warehouse_path):
    """GIVEN two overlapping loads WHEN the Mixpanel staging model is built with dbt
    THEN every insert_id appears once, purchases carry amount and currency, and the dbt tests pass."""
    with sandbox_clock(sandbox, TEST_NOW + timedelta(days=1)) as later:
        load_one(SOURCE, "events", warehouse_path, later)
    done = dbt_build(warehouse_path, "staging.mixpanel")
    assert done.returncode == 0, done.stdout[-3000:]
    [(rows, ids, purchases_ok)] = query(
        warehouse_path,
        """
        select count(*), count(distinct insert_id),
               bool_and(amount > 0 and currency = 'IDR') filter (where event_name = 'Purchase')
        from staging.stg_mixpanel__events
        """,
    )
    assert rows == ids and purchases_ok
