"""Every Instagram stream extracted from the tiny sandbox through the real engine and loader."""
from __future__ import annotations

import os
from datetime import datetime, timedelta

import pytest

from extractors.sources import get_source
from extractors.sources.instagram.streams import MEDIA_LOOKBACK
from tests.conftest import TEST_NOW
from tests.extractors.sources.harness import assert_landed_once, dbt_build, load_all, load_one, query

SOURCE = get_source("instagram")
STREAMS = tuple(s.name for s in SOURCE.streams)


@pytest.mark.parametrize("stream", [pytest.param(s, id=s) for s in STREAMS])
def test_every_stream_lands_records_with_unique_keys(first_load, warehouse_path, stream):
    """GIVEN the tiny sandbox WHEN every Instagram stream is loaded once
    THEN each committed batch is non-empty and its record keys are unique in raw."""
    assert_landed_once(first_load[stream], warehouse_path, f"instagram__{stream}")


def test_media_backfill_is_complete(first_load, warehouse_path):
    """GIVEN the account's media_count WHEN media is loaded from scratch THEN every media arrives."""
    [(media_count,)] = query(warehouse_path, "select json_extract(record, '$.media_count')::int from raw.instagram__account")
    assert first_load["media"].records == media_count


def test_children_carry_their_media_id(first_load, warehouse_path):
    """GIVEN insights and comments fanned out over media WHEN they land
    THEN every row's context names a landed media, and insights come five per media."""
    [(orphans,)] = query(warehouse_path, """
        select count(*) from raw.instagram__media_insights i
        where json_extract_string(i.context, '$.media_id') not in
              (select json_extract_string(record, '$.id') from raw.instagram__media)""")
    assert orphans == 0
    assert first_load["media_insights"].records == 5 * first_load["media"].records


def test_second_run_reads_only_the_lookback_window(first_load, warehouse_path):
    """GIVEN a completed first load WHEN every stream runs again a day later
    THEN media re-reads only the lookback window and the children only those media."""
    second = load_all(SOURCE, STREAMS, warehouse_path, TEST_NOW + timedelta(days=1))
    assert 0 < second["media"].records < first_load["media"].records
    newest_seen = datetime.fromisoformat(first_load["media"].cursor_after["cursor"])
    oldest = query(warehouse_path, f"""
        select min(json_extract_string(record, '$.timestamp')::timestamptz) >=
               timestamptz '{(newest_seen - MEDIA_LOOKBACK).isoformat()}'
        from raw.instagram__media where batch_id = {second['media'].batch_id}""")
    assert oldest == [(True,)]
    assert second["media_insights"].records == 5 * second["media"].records
    assert second["comments"].records < first_load["comments"].records
    assert second["account_insights"].cursor_before["cursor"].startswith(TEST_NOW.date().isoformat())


def test_staging_keys_are_unique_after_two_runs(first_load, warehouse_path):
    """GIVEN two overlapping loads WHEN the staging models are built THEN their keys are unique."""
    load_all(SOURCE, STREAMS, warehouse_path, TEST_NOW + timedelta(days=1))
    proc = dbt_build(warehouse_path, "staging.instagram")
    assert proc.returncode == 0, proc.stdout[-3000:]
    [(brand_replies,)] = query(warehouse_path,
                               "select count(*) from staging.stg_instagram__comments where is_brand_reply")
    assert brand_replies > 0


def test_graph_throttling_is_retried(sandbox_env, sandbox, warehouse_path):
    """GIVEN every second request throttled Graph-style (code 4/17/32/613) WHEN competitor accounts load
    THEN the engine retries and the batch commits every competitor."""
    sandbox.set_faults(rate_limit_every=2)
    result = load_one(SOURCE, "competitor_accounts", warehouse_path)
    assert result.status == "committed"
    assert result.retries >= 1
    assert result.records == len(os.environ["PANTAU_INSTAGRAM_COMPETITOR_USERNAMES"].split(","))
