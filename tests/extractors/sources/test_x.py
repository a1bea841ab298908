"""Every X stream extracted from the tiny sandbox through the real engine and loader."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from extractors.engine.config import SourceConfig
from extractors.landing.loader import load_stream
from extractors.sources import get_source
from extractors.sources.x.streams import TWEETS_LOOKBACK
from tests.conftest import TEST_NOW

SOURCE = get_source("x")
STREAMS = tuple(s.name for s in SOURCE.streams)


def _load_all(warehouse_path, now=TEST_NOW):
    config = SourceConfig.from_env(SOURCE, os.environ)
    return {name: load_stream(SOURCE, name, config, warehouse_path, now) for name in STREAMS}


def _rows(warehouse_path, sql):
    con = duckdb.connect(str(warehouse_path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def loaded(sandbox, tmp_path_factory):
    path = tmp_path_factory.mktemp("x") / "pantau.duckdb"
    with pytest.MonkeyPatch.context() as mp:
        for name, value in sandbox.settings().items():
            mp.setenv(name, value)
        results = _load_all(path)
    return path, results


@pytest.fixture
def first_load(loaded, sandbox_env, warehouse_path):
    shutil.copyfile(loaded[0], warehouse_path)
    return loaded[1]


@pytest.mark.parametrize("stream", [pytest.param(s, id=s) for s in STREAMS])
def test_every_stream_lands_records_with_unique_keys(first_load, warehouse_path, stream):
    """GIVEN the tiny sandbox WHEN every X stream is loaded once
    THEN each committed batch is non-empty and its record keys are unique in raw."""
    result = first_load[stream]
    assert result.status == "committed"
    assert result.records > 0
    [(rows, keys)] = _rows(warehouse_path, f"select count(*), count(distinct record_key) from raw.x__{stream}")
    assert rows == keys == result.records


def test_every_mention_author_is_landed(first_load, warehouse_path):
    """GIVEN mentions (author_id) and mention_authors (includes.users) WHEN both land
    THEN every mention's author has a username."""
    [(missing,)] = _rows(warehouse_path, """
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
    second = _load_all(warehouse_path, TEST_NOW + timedelta(days=1))
    for stream in ("tweets", "mentions", "mention_authors", "competitor_tweets", "competitor_mentions"):
        assert 0 < second[stream].records < first_load[stream].records, stream
    newest_seen = datetime.fromisoformat(first_load["tweets"].cursor_after["cursor"])
    [(ok,)] = _rows(warehouse_path, f"""
        select min(json_extract_string(record, '$.created_at')::timestamptz) >=
               timestamptz '{(newest_seen - TWEETS_LOOKBACK).isoformat()}'
        from raw.x__tweets where batch_id = {second['tweets'].batch_id}""")
    assert ok


def test_staging_builds_with_unique_keys_after_two_runs(first_load, warehouse_path):
    """GIVEN two overlapping loads WHEN the staging models are built and tested
    THEN they pass, brand replies point at landed mentions, and mentions carry usernames."""
    _load_all(warehouse_path, TEST_NOW + timedelta(days=1))
    project = Path(__file__).resolve().parents[3] / "dbt_project"
    dbt = Path(sys.executable).with_name("dbt")
    proc = subprocess.run(
        [str(dbt), "build", "--profiles-dir", ".", "--select", "staging.x", "--target-path",
         str(warehouse_path.parent / "target"), "--log-path", str(warehouse_path.parent / "logs")],
        cwd=project, env={**os.environ, "PANTAU_WAREHOUSE": str(warehouse_path)}, capture_output=True, text=True,
    )
    assert proc.returncode == 0, proc.stdout[-3000:]
    [(replies, answered)] = _rows(warehouse_path, """
        select count(*), count(m.tweet_id)
        from staging.stg_x__tweets t left join staging.stg_x__mentions m on m.tweet_id = t.referenced_tweet_id
        where t.is_reply""")
    assert replies > 0 and answered >= 0.9 * replies
    [(unnamed,)] = _rows(warehouse_path, "select count(*) from staging.stg_x__mentions where author_username is null")
    assert unnamed == 0


def test_429_waits_for_the_reset_and_retries(sandbox_env, sandbox, warehouse_path):
    """GIVEN every second request answered 429 with x-rate-limit-reset WHEN competitor users load
    THEN the engine waits for the reset, retries, and the batch commits every competitor."""
    sandbox.set_faults(rate_limit_every=2, rate_limit_wait_seconds=1)
    result = load_stream(SOURCE, "competitor_users", SourceConfig.from_env(SOURCE, os.environ), warehouse_path,
                         TEST_NOW)
    assert result.status == "committed"
    assert result.retries >= 1
    assert result.records == len(os.environ["PANTAU_X_COMPETITOR_USER_IDS"].split(","))
