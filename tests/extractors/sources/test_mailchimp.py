"""Every Mailchimp stream extracted from the tiny sandbox through the real engine and loader."""
from __future__ import annotations

from datetime import timedelta

import pytest

from extractors.sources import get_source
from sandbox.world import email as em
from tests.conftest import TEST_NOW
from tests.extractors.sources.harness import (
    assert_landed_once, dbt_build, load_all, query, sandbox_clock, tiny_world,
)

SOURCE = get_source("mailchimp")
STREAMS = ("lists", "members", "campaigns", "reports", "email_activity")


@pytest.fixture
def first_load(sandbox_env, warehouse_path):
    """A fresh first load of every stream in each test."""
    return load_all(SOURCE, STREAMS, warehouse_path)


@pytest.mark.parametrize("stream", [pytest.param(s, id=s) for s in STREAMS])
def test_every_stream_lands_records_with_unique_keys(first_load, warehouse_path, stream):
    """GIVEN the tiny sandbox WHEN every Mailchimp stream is loaded once
    THEN each committed batch is non-empty and its record keys are unique in raw."""
    assert_landed_once(first_load[stream], warehouse_path, f"mailchimp__{stream}")


def test_first_load_matches_the_worlds_audience_and_sends(first_load):
    """GIVEN the world's own members and campaigns WHEN everything is loaded once
    THEN every member, every sent campaign and every recipient of every campaign arrives."""
    world = tiny_world()
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
    with sandbox_clock(sandbox, TEST_NOW + timedelta(days=10)) as later:
        second = load_all(SOURCE, STREAMS, warehouse_path, later)
    assert all(r.status == "committed" for r in second.values())
    assert 0 < second["members"].records < first_load["members"].records / 5
    assert 0 < second["campaigns"].records <= 3 < first_load["campaigns"].records
    assert 0 < second["email_activity"].records < first_load["email_activity"].records / 5
    [(requests_with_since, earliest)] = query(
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
    with sandbox_clock(sandbox, TEST_NOW + timedelta(days=2)) as later:
        load_all(SOURCE, STREAMS, warehouse_path, later)
    done = dbt_build(warehouse_path, "staging.mailchimp")
    assert done.returncode == 0, done.stdout[-3000:]
    [(opens, report_opens)] = query(
        warehouse_path,
        """
        select
            (select count(*) from staging.stg_mailchimp__email_activities where action = 'open'),
            (select sum(open_count) from staging.stg_mailchimp__reports)
        """,
    )
    assert opens == report_opens > 0
