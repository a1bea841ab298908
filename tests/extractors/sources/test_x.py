"""Every X stream extracted from the tiny sandbox through the real engine and loader."""
from __future__ import annotations

import os
from datetime import datetime, timedelta

import pytest

from extractors.sources import get_source
from extractors.sources.x.streams import TWEETS_LOOKBACK
from tests.conftest import TEST_NOW
from tests.extractors.sources.harness import assert_landed_once, dbt_build, load_all, load_one, query

SOURCE = get_source("x")
STREAMS = tuple(s.name for s in SOURCE.streams)


@pytest.mark.parametrize("stream", [pytest.param(s, id=s) for s in STREAMS])
def test_every_stream_lands_records_with_unique_keys(first_load, warehouse_path, stream):
    """GIVEN the tiny sandbox WHEN every X stream is loaded once
    THEN each committed batch is non-empty and its record keys are unique in raw."""
    assert_landed_once(first_load[stream], warehouse_path, f"x__{stream}")


def test_every_mention_author_is_landed(first_load, warehouse_path):
    """GIVEN mentions (author_id) and mention_authors (includes.users) WHEN both land
    THEN every mention's author has a username."""
    [(missing,)] = query(warehouse_path, """
        select count(*) from raw.x__mentions m
        where json_extract_string(m.record, '$.author_id') not in (select record_key from raw.x__mention_authors)""")
    assert missing == 0


def test_share_of_voice_matches_the_planted_one(first_load, sandbox):
    """GIVEN the planted mention rates WHEN own and competitor mentions are loaded
    THEN our share of voice is within a few points of the planted share."""
    own = first_load["mentions"].records
    competitors = first_load["competitor_mentions"].records
    assert own / (own + competitors) == pytest.approx(sandbox.truth()["social"]["x_share_of_voice"], abs=0.03)


def test_second_run_reads_only_the_lookback_window(first_load, warehouse_path):
    """GIVEN a completed first load WHEN every stream runs again a day later
    THEN timelines and mentions re-read only the lookback window."""
    second = load_all(SOURCE, STREAMS, warehouse_path, TEST_NOW + timedelta(days=1))
    for stream in ("tweets", "mentions", "mention_authors", "competitor_tweets", "competitor_mentions"):
        assert 0 < second[stream].records < first_load[stream].records, stream
    newest_seen = datetime.fromisoformat(first_load["tweets"].cursor_after["cursor"])
    [(ok,)] = query(warehouse_path, f"""
        select min(json_extract_string(record, '$.created_at')::timestamptz) >=
               timestamptz '{(newest_seen - TWEETS_LOOKBACK).isoformat()}'
        from raw.x__tweets where batch_id = {second['tweets'].batch_id}""")
    assert ok


def test_staging_builds_with_unique_keys_after_two_runs(first_load, warehouse_path):
    """GIVEN two overlapping loads WHEN the staging models are built and tested
    THEN they pass, brand replies point at landed mentions, and mentions carry usernames."""
    load_all(SOURCE, STREAMS, warehouse_path, TEST_NOW + timedelta(days=1))
    proc = dbt_build(warehouse_path, "staging.x")
    assert proc.returncode == 0, proc.stdout[-3000:]
    [(replies, answered)] = query(warehouse_path, """
        select count(*), count(m.tweet_id)
        from staging.stg_x__tweets t left join staging.stg_x__mentions m on m.tweet_id = t.referenced_tweet_id
        where t.is_reply""")
    assert replies > 0 and answered >= 0.9 * replies
    [(unnamed,)] = query(warehouse_path, "select count(*) from staging.stg_x__mentions where author_username is null")
    assert unnamed == 0


def test_429_waits_for_the_reset_and_retries(sandbox_env, sandbox, warehouse_path):
    """GIVEN every second request answered 429 with x-rate-limit-reset WHEN competitor users load
    THEN the engine waits for the reset, retries, and the batch commits every competitor."""
    sandbox.set_faults(rate_limit_every=2, rate_limit_wait_seconds=1)
    result = load_one(SOURCE, "competitor_users", warehouse_path)
    assert result.status == "committed"
    assert result.retries >= 1
    assert result.records == len(os.environ["PANTAU_X_COMPETITOR_USER_IDS"].split(","))
