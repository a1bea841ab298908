"""Every Zendesk stream extracted from the tiny sandbox through the real engine and loader."""
from __future__ import annotations

from datetime import timedelta

import pytest

from extractors.sources import get_source
from extractors.sources.zendesk.streams import SOCIAL_CHANNELS
from tests.conftest import TEST_NOW
from tests.extractors.sources.harness import assert_landed_once, load_all, load_one, query, sandbox_clock

SOURCE = get_source("zendesk")
STREAMS = ("tickets", "ticket_metrics", "users", "satisfaction_ratings", "ticket_comments")


@pytest.mark.parametrize("stream", [pytest.param(s, id=s) for s in STREAMS])
def test_every_stream_lands_records_with_unique_keys(first_load, warehouse_path, stream):
    """GIVEN the tiny sandbox WHEN every Zendesk stream is loaded once
    THEN each committed batch is non-empty and its record keys are unique in raw."""
    assert_landed_once(first_load[stream], warehouse_path, f"zendesk__{stream}")


def test_tickets_match_the_worlds_ticket_count(first_load, sandbox):
    """GIVEN the world's recorded truth WHEN tickets are exported from the start
    THEN every ticket the world created by the clock arrives exactly once."""
    assert first_load["tickets"].records == sandbox.truth()["service"]["tickets"]


def test_comments_are_fetched_only_for_social_tickets(first_load, warehouse_path):
    """GIVEN tickets on social and non-social channels WHEN comments fan out over tickets
    THEN every comment's ticket (from the fan-out context) came in through a social channel."""
    channels = query(
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
    with sandbox_clock(sandbox, TEST_NOW + timedelta(days=2)) as later:
        second = load_all(SOURCE, STREAMS, warehouse_path, later)
    assert 0 < second["tickets"].records < first_load["tickets"].records / 10
    assert 0 <= second["users"].records < first_load["users"].records / 10
    assert second["ticket_metrics"].records == second["tickets"].records
    # Ratings reach back only a week before the last one seen.
    assert second["satisfaction_ratings"].records < first_load["satisfaction_ratings"].records / 5
    # Comments are fetched again only for social tickets exported in the second run.
    assert second["ticket_comments"].records < first_load["ticket_comments"].records
    [(updated,)] = query(
        warehouse_path,
        f"select count(*) from raw.zendesk__tickets where batch_id = {second['tickets'].batch_id} "
        f"and json_extract_string(record, '$.updated_at') < '{TEST_NOW:%Y-%m-%dT%H:%M:%SZ}'",
    )
    assert updated == 0


def test_rate_limited_pages_are_retried(sandbox_env, sandbox, warehouse_path):
    """GIVEN the sandbox answering every 2nd Zendesk request with 429 + Retry-After
    WHEN satisfaction ratings (several pages) are loaded THEN the load commits after retrying."""
    sandbox.set_faults(rate_limit_every=2, rate_limit_wait_seconds=0)
    result = load_one(SOURCE, "satisfaction_ratings", warehouse_path)
    assert result.status == "committed" and result.records > 0 and result.retries >= 1
