"""Every Facebook stream extracted from the tiny sandbox through the real engine and loader."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from extractors.sources import get_source
from extractors.sources.facebook.streams import POSTS_LOOKBACK
from tests.conftest import TEST_NOW
from tests.extractors.sources.harness import assert_landed_once, dbt_build, load_all, query

SOURCE = get_source("facebook")
STREAMS = tuple(s.name for s in SOURCE.streams)


@pytest.mark.parametrize("stream", [pytest.param(s, id=s) for s in STREAMS])
def test_every_stream_lands_records_with_unique_keys(first_load, warehouse_path, stream):
    """GIVEN the tiny sandbox WHEN every Facebook stream is loaded once
    THEN each committed batch is non-empty and its record keys are unique in raw."""
    assert_landed_once(first_load[stream], warehouse_path, f"facebook__{stream}")


def test_page_insights_backfill_the_whole_history(first_load, warehouse_path, sandbox):
    """GIVEN 90-day insights windows WHEN page_insights backfills
    THEN the daily values reach back to the world's first day and forward to the day before now."""
    [(first, last)] = query(warehouse_path, """
        select min(v.value->>'end_time'), max(v.value->>'end_time')
        from raw.facebook__page_insights,
             unnest(cast(json_extract(record, '$.values') as json[])) as v(value)""")
    first_day = datetime.fromisoformat(sandbox.truth()["history_start"]).date()
    # A day's value carries the end of that day as end_time.
    assert first.startswith((first_day + timedelta(days=1)).isoformat())
    assert last.startswith(TEST_NOW.date().isoformat())


def test_second_run_reads_only_the_lookback_window(first_load, warehouse_path):
    """GIVEN a completed first load WHEN every stream runs again a day later
    THEN posts re-read only the lookback window and comments only those posts."""
    second = load_all(SOURCE, STREAMS, warehouse_path, TEST_NOW + timedelta(days=1))
    assert 0 < second["posts"].records < first_load["posts"].records
    newest_seen = datetime.fromisoformat(first_load["posts"].cursor_after["cursor"])
    [(ok,)] = query(warehouse_path, f"""
        select min(json_extract_string(record, '$.created_time')::timestamptz) >=
               timestamptz '{(newest_seen - POSTS_LOOKBACK).isoformat()}'
        from raw.facebook__posts where batch_id = {second['posts'].batch_id}""")
    assert ok
    assert second["post_comments"].records < first_load["post_comments"].records
    assert second["page_insights"].requests == 1


def test_staging_builds_with_unique_keys_after_two_runs(first_load, warehouse_path):
    """GIVEN two overlapping loads WHEN the staging models are built and tested
    THEN they pass, and the Page's replies are flagged as brand replies."""
    load_all(SOURCE, STREAMS, warehouse_path, TEST_NOW + timedelta(days=1))
    proc = dbt_build(warehouse_path, "staging.facebook")
    assert proc.returncode == 0, proc.stdout[-3000:]
    [(replies, brand)] = query(warehouse_path, """
        select count(*) filter (where is_reply), count(*) filter (where is_brand_reply)
        from staging.stg_facebook__comments""")
    assert replies == brand > 0
