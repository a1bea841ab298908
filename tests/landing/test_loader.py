"""The raw landing against a real local HTTP API: lineage, state, dedup, quarantine, faults."""
from __future__ import annotations

import signal
import subprocess
import sys
import time
import types
from pathlib import Path

import pytest

from data_quality.expectations import non_negative
from extractors.engine.errors import ExtractionError
from extractors.landing.warehouse import DEFAULT_WAREHOUSE, connect, warehouse_path
from tests.landing.api import SECRET, item

RAW_COLUMNS = [
    ("batch_id", "BIGINT"),
    ("record_key", "VARCHAR"),
    ("cursor_value", "VARCHAR"),
    ("record", "JSON"),
    ("context", "JSON"),
    ("page_number", "INTEGER"),
    ("record_index", "INTEGER"),
    ("extracted_at", "TIMESTAMP WITH TIME ZONE"),
    ("request", "VARCHAR"),
]


def five_items() -> list[dict]:
    return [item(str(i), f"2026-06-0{i}T00:00:00Z", n=i) for i in range(1, 6)]


def test_warehouse_path_defaults_and_follows_the_environment(tmp_path, monkeypatch):
    """GIVEN no PANTAU_WAREHOUSE, then one pointing into a missing folder
    WHEN warehouse_path is asked
    THEN it is warehouse/pantau.duckdb, then the given path with its folder created."""
    monkeypatch.chdir(tmp_path)
    assert warehouse_path({}) == DEFAULT_WAREHOUSE
    target = tmp_path / "deep" / "w.duckdb"
    assert warehouse_path({"PANTAU_WAREHOUSE": str(target)}) == target
    assert target.parent.is_dir()


def test_rows_land_with_every_lineage_column_and_a_redacted_request(harness):
    """GIVEN 5 items served 2 per page (3 pages) with the token in the query string
    WHEN items is loaded
    THEN raw holds the 5 records with exactly the contract's columns, page/index
    lineage, the request with access_token redacted, and the secret nowhere."""
    harness.world.items = five_items()

    result = harness.load("items")

    assert (result.status, result.records, result.pages, result.requests) == ("committed", 5, 3, 3)
    assert harness.query(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'raw' AND table_name = 'testapi__items' ORDER BY ordinal_position"
    ) == RAW_COLUMNS
    rows = harness.query(
        'SELECT batch_id, record_key, cursor_value, record->>\'n\', context::VARCHAR, page_number, record_index, '
        'extracted_at IS NOT NULL, request FROM raw."testapi__items" ORDER BY record_key'
    )
    assert [r[:8] for r in rows] == [
        (1, "1", "2026-06-01T00:00:00Z", "1", "{}", 1, 0, True),
        (1, "2", "2026-06-02T00:00:00Z", "2", "{}", 1, 1, True),
        (1, "3", "2026-06-03T00:00:00Z", "3", "{}", 2, 0, True),
        (1, "4", "2026-06-04T00:00:00Z", "4", "{}", 2, 1, True),
        (1, "5", "2026-06-05T00:00:00Z", "5", "{}", 3, 0, True),
    ]
    assert rows[0][8] == f"GET {harness.base_url}/v1/items?access_token=REDACTED&start_time=2026-05-31T00:00:00Z"
    assert rows[4][8].endswith("&pagination_token=3")
    everything = harness.query(
        'SELECT string_agg(request, \' \') FROM raw."testapi__items" '
        "UNION ALL SELECT string_agg(coalesce(error, '') || cursor_after::VARCHAR, ' ') FROM audit.load_batches"
    )
    assert all(SECRET not in (text or "") for (text,) in everything)


def test_state_is_saved_with_the_committed_batch_and_the_rerun_fetches_only_the_new_window(harness):
    """GIVEN a first load of 5 items (max updated_at June 5)
    WHEN two newer items appear and items is loaded again
    THEN the state holds June 5 after the first batch, the rerun asks from June 5,
    lands the June-5 boundary record and the 2 new ones, and the state moves to June 7."""
    harness.world.items = five_items()
    first = harness.load("items")
    assert harness.state() == {"cursor": "2026-06-05T00:00:00+00:00"}
    assert harness.query("SELECT batch_id FROM audit.stream_state") == [(first.batch_id,)]

    harness.world.items += [item("6", "2026-06-06T00:00:00Z"), item("7", "2026-06-07T00:00:00Z")]
    harness.world.received.clear()
    second = harness.load("items")

    assert harness.world.item_pages()[0]["start_time"] == "2026-06-05T00:00:00Z"
    assert [k for b, k in harness.raw_ids() if b == second.batch_id] == ["5", "6", "7"]
    assert second.cursor_before == {"cursor": "2026-06-05T00:00:00+00:00"}
    assert harness.state() == {"cursor": "2026-06-07T00:00:00+00:00"}


def test_duplicates_of_a_record_key_within_a_batch_keep_the_last_and_are_counted(harness):
    """GIVEN pages [a v1, b] [a v2, c] [c]: a repeated with a change, c repeated as is
    WHEN items is loaded
    THEN raw holds a (v2), b, c once each and 2 duplicates are counted in the ledger."""
    harness.world.items = [
        item("a", version=1), item("b"), item("a", version=2), item("c"), item("c"),
    ]

    result = harness.load("items")

    assert (result.records, result.duplicates_dropped) == (3, 2)
    assert harness.query('SELECT record_key, record->>\'version\' FROM raw."testapi__items" ORDER BY record_key') == [
        ("a", "2"), ("b", None), ("c", None),
    ]
    assert harness.query("SELECT records, duplicates_dropped FROM audit.load_batches") == [(3, 2)]


def test_malformed_records_are_quarantined_with_their_reason_and_do_not_fail_the_load(harness):
    """GIVEN 2 good items, one without id, one that is a bare string, one with an unreadable cursor
    WHEN items is loaded
    THEN the batch commits with the 2 good records, and the 3 others are in quarantine
    with their reasons and request, counted in the ledger."""
    harness.world.items = [
        item("1"), {"updated_at": "2026-06-01T00:00:00Z"}, "oops", item("2"), item("3", "yesterday-ish"),
    ]

    result = harness.load("items")

    assert (result.status, result.records, result.quarantined) == ("committed", 2, 3)
    quarantined = harness.query(
        "SELECT reason, record, request LIKE '%access_token=REDACTED%' FROM audit.quarantined_records ORDER BY record"
    )
    assert quarantined == [
        ('record is not a JSON object but str', '"oops"', True),
        ("cursor field 'updated_at' holds 'yesterday-ish', which is not a timestamp",
         '{"id":"3","updated_at":"yesterday-ish"}', True),
        ("testapi/items: record has no value at primary-key path 'id'", '{"updated_at":"2026-06-01T00:00:00Z"}', True),
    ]
    assert harness.query("SELECT status, records, quarantined FROM audit.load_batches") == [("committed", 2, 3)]


def test_numbers_json_cannot_hold_are_quarantined_and_big_integers_land_exactly(harness):
    """GIVEN an API answering NaN and Infinity in two records (as sloppy encoders do),
    an integer beyond 64 bits and a null in two others
    WHEN items is loaded
    THEN the two good records land unchanged and the other two are quarantined with their reason."""
    harness.world.items = [
        item("1", score=float("nan")), item("2", big=2**70, note=None), item("3", score=float("inf")), item("4"),
    ]

    result = harness.load("items")

    assert (result.status, result.records, result.quarantined) == ("committed", 2, 2)
    assert harness.query(
        "SELECT record_key, record->>'big', json_type(record->'note') FROM raw.\"testapi__items\" ORDER BY 1"
    ) == [("2", "1180591620717411303424", "NULL"), ("4", None, None)]
    # Not JSON, so the quarantined text is the record's Python repr.
    assert harness.query("SELECT record, reason FROM audit.quarantined_records ORDER BY 1") == [
        ("{'id': '1', 'updated_at': '2026-06-01T00:00:00Z', 'score': nan}",
         "record is not representable as JSON: Out of range float values are not JSON compliant"),
        ("{'id': '3', 'updated_at': '2026-06-01T00:00:00Z', 'score': inf}",
         "record is not representable as JSON: Out of range float values are not JSON compliant"),
    ]


@pytest.mark.parametrize(
    "fault",
    [pytest.param({"fail_from_page": 3}, id="http-500-forever"), pytest.param({"drop_from_page": 3}, id="connection-dropped")],
)
def test_a_failure_mid_stream_leaves_no_partial_batch_and_a_rerun_completes_it(harness, fault):
    """GIVEN a committed first batch (items 1-2), then items 3-7 with the API failing from page 3 on
    WHEN items is loaded, then loaded again once the API is healthy
    THEN the failing load raises, its ledger row is 'failed' with the error, raw holds no row
    of it and the state is unchanged; the rerun lands 2-7 (from the unchanged cursor) once each."""
    harness.world.items = [item("1", "2026-06-01T00:00:00Z"), item("2", "2026-06-02T00:00:00Z")]
    harness.load("items")
    harness.world.items += [item(str(i), f"2026-06-0{i}T00:00:00Z") for i in range(3, 8)]
    for name, value in fault.items():
        setattr(harness.world, name, value)

    with pytest.raises(ExtractionError):
        harness.load("items")

    failed = harness.ledger()[1]
    assert failed["status"] == "failed"
    assert "failed after 3 attempts" in failed["error"] and SECRET not in failed["error"]
    assert (failed["requests"], failed["retries"]) == (5, 2)
    assert [b for b, _ in harness.raw_ids()] == [1, 1]
    assert harness.state() == {"cursor": "2026-06-02T00:00:00+00:00"}

    harness.world.fail_from_page = harness.world.drop_from_page = None
    rerun = harness.load("items")

    assert rerun.status == "committed"
    assert [k for b, k in harness.raw_ids() if b == rerun.batch_id] == ["2", "3", "4", "5", "6", "7"]
    assert harness.state() == {"cursor": "2026-06-07T00:00:00+00:00"}
    assert not list(harness.warehouse.parent.glob("*.landing/*")), "spool folders are removed"


def test_a_batch_failing_a_blocking_expectation_is_rejected_with_its_records_kept(harness, monkeypatch):
    """GIVEN a suite requiring n >= 0 and a first committed batch, then a batch where one of 3 items has n = -1
    WHEN items is loaded
    THEN the batch is 'rejected' naming the failed expectation, none of it is in raw, the state is
    unchanged, its 3 records are quarantined with the reason, and its validation rows are stored."""
    suites = types.ModuleType("data_quality.suites.testapi")
    suites.SUITES = {"items": [non_negative("n")]}
    monkeypatch.setitem(sys.modules, "data_quality.suites.testapi", suites)
    harness.world.items = [item("1", "2026-06-01T00:00:00Z", n=1)]
    harness.load("items")
    harness.world.items += [item("2", "2026-06-02T00:00:00Z", n=-1), item("3", "2026-06-03T00:00:00Z", n=3)]

    result = harness.load("items")

    reason = "batch rejected by suite: expect_column_values_to_be_between(n as number) 1 of 3 unexpected"
    assert (result.status, result.records, result.quarantined, result.cursor_after) == ("rejected", 0, 3, None)
    assert harness.ledger()[1]["error"] == reason
    assert harness.raw_ids() == [(1, "1")]
    assert harness.state() == {"cursor": "2026-06-01T00:00:00+00:00"}
    assert harness.query(
        "SELECT reason, json_extract_string(record::JSON, '$.id') FROM audit.quarantined_records ORDER BY 2"
    ) == [(reason, "1"), (reason, "2"), (reason, "3")]
    assert harness.query(
        "SELECT expectation_type, column_name, success, element_count, unexpected_count "
        "FROM audit.validation_results WHERE batch_id = ? ORDER BY expectation_type, column_name",
        [result.batch_id],
    ) == [
        ("expect_column_values_to_be_between", "n as number", False, 3, 1),
        ("expect_column_values_to_be_unique", "id", True, 3, 0),
        ("expect_column_values_to_not_be_null", "id", True, 3, 0),
        ("expect_column_values_to_not_be_null", "n as number", True, 3, 0),
    ]


def test_a_child_stream_consumes_only_parent_batches_it_has_not_seen(harness):
    """GIVEN items a, b landed in batch 1 and notes loaded once (for a and b)
    WHEN item c appears, items is reloaded (batch 3: b again as the cursor boundary, and c),
    and notes is loaded twice more
    THEN the second notes load asks only for b and c, records parents_through_batch 3 and lands
    the notes with their item id as context; the third asks for nothing and lands an empty batch."""
    harness.world.items = [item("a", "2026-06-01T00:00:00Z"), item("b", "2026-06-02T00:00:00Z")]
    harness.world.notes = {"a": [{"id": "na"}], "b": [{"id": "nb"}], "c": [{"id": "nc1"}, {"id": "nc2"}]}
    harness.load("items")
    first_notes = harness.load("notes")
    assert harness.world.note_requests() == ["a", "b"]
    assert first_notes.cursor_after == {"parents_through_batch": 1}

    harness.world.items.append(item("c", "2026-06-03T00:00:00Z"))
    items_again = harness.load("items")
    harness.world.received.clear()
    second_notes = harness.load("notes")

    assert items_again.batch_id == 3
    assert harness.world.note_requests() == ["b", "c"]
    assert harness.state("notes") == {"parents_through_batch": 3}
    assert harness.query(
        'SELECT record_key, context->>\'item_id\' FROM raw."testapi__notes" WHERE batch_id = ? ORDER BY 1',
        [second_notes.batch_id],
    ) == [("nb", "b"), ("nc1", "c"), ("nc2", "c")]

    harness.world.received.clear()
    third_notes = harness.load("notes")
    assert harness.world.note_requests() == []
    assert (third_notes.status, third_notes.records, third_notes.requests) == ("committed", 0, 0)
    assert harness.state("notes") == {"parents_through_batch": 3}


def test_a_batched_child_stream_lands_each_record_with_its_own_parent_as_context(harness):
    """GIVEN items a, b, c landed and notes for each (two for c)
    WHEN batched_notes (two items a request) is loaded
    THEN two requests are made, each raw row's context is its own item and its request names both items asked."""
    harness.world.items = [item("a"), item("b"), item("c")]
    harness.world.notes = {"a": [{"id": "na"}], "b": [{"id": "nb"}], "c": [{"id": "nc1"}, {"id": "nc2"}]}
    harness.load("items")

    result = harness.load("batched_notes")

    assert (result.status, result.records, result.requests) == ("committed", 4, 2)
    assert harness.world.batched_note_requests() == 2
    rows = harness.query(
        'SELECT record_key, context::VARCHAR, regexp_extract_all(request, \'item_id=(\\w+)\', 1) '
        'FROM raw."testapi__batched_notes" ORDER BY 1'
    )
    assert rows == [
        ("na", '{"item_id":"a"}', ["a", "b"]),
        ("nb", '{"item_id":"b"}', ["a", "b"]),
        ("nc1", '{"item_id":"c"}', ["c"]),
        ("nc2", '{"item_id":"c"}', ["c"]),
    ]
    assert SECRET not in "".join(r for (r,) in harness.query('SELECT request FROM raw."testapi__batched_notes"'))


def test_an_empty_first_batch_still_creates_the_raw_table(harness):
    """GIVEN an API with no items
    WHEN items is loaded
    THEN the batch commits with 0 records and raw.testapi__items exists, empty."""
    result = harness.load("items")

    assert (result.status, result.records, result.pages) == ("committed", 0, 1)
    assert harness.query('SELECT count(*) FROM raw."testapi__items"') == [(0,)]


CHILD_LOAD = """
import sys
from datetime import datetime, timezone
from extractors.landing.loader import load_stream
from tests.landing import api
base_url, warehouse = sys.argv[1:]
load_stream(api.SOURCE, "items", api.config(base_url), warehouse, datetime(2026, 6, 30, tzinfo=timezone.utc),
            client=api.client(base_url))
"""


def test_kill_9_mid_batch_leaves_nothing_in_raw_and_the_next_load_abandons_and_completes_it(harness):
    """GIVEN a loading subprocess that has spooled pages 1-2 (4 items) and waits on page 3
    WHEN it is killed with SIGKILL, and items is loaded again
    THEN raw holds no row and the ledger row is still 'running' after the kill; the next load
    marks that batch 'abandoned', removes its spool, and commits all 5 items exactly once."""
    harness.world.items = five_items()
    harness.world.block_page = 3
    repo = Path(__file__).resolve().parents[2]
    child = subprocess.Popen([sys.executable, "-c", CHILD_LOAD, harness.base_url, str(harness.warehouse)], cwd=repo)
    try:
        deadline = time.monotonic() + 60
        while not any(q.get("pagination_token") == "3" for q in harness.world.item_pages()):
            assert child.poll() is None and time.monotonic() < deadline, "the child never reached page 3"
            time.sleep(0.05)
        spool = next(harness.warehouse.parent.glob("*.landing/testapi__items.1"))
        assert len((spool / "fetched.jsonl").read_text().splitlines()) == 4
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)

    assert harness.query("SELECT batch_id, status FROM audit.load_batches") == [(1, "running")]
    assert harness.query('SELECT count(*) FROM raw."testapi__items"') == [(0,)]

    harness.world.block_page = None
    harness.world.release.set()
    result = harness.load("items")

    assert harness.query("SELECT batch_id, status FROM audit.load_batches ORDER BY 1") == [
        (1, "abandoned"), (2, "committed"),
    ]
    assert harness.raw_ids() == [(2, "1"), (2, "2"), (2, "3"), (2, "4"), (2, "5")]
    assert result.cursor_after == {"cursor": "2026-06-05T00:00:00+00:00"}
    assert not spool.exists()


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        pytest.param({}, "244.1 MiB", id="default-256MB"),
        pytest.param({"PANTAU_DUCKDB_MEMORY_LIMIT": "1GB"}, "953.6 MiB", id="configured-1GB"),
    ],
)
def test_warehouse_connections_are_held_to_a_memory_limit_and_spill_beside_the_file(tmp_path, monkeypatch, environ, expected):
    """GIVEN PANTAU_DUCKDB_MEMORY_LIMIT unset or set WHEN the warehouse is opened for landing
    THEN DuckDB's memory limit is that size (not 80% of RAM) and it spills to <warehouse>.tmp beside the file."""
    monkeypatch.delenv("PANTAU_DUCKDB_MEMORY_LIMIT", raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    warehouse = tmp_path / "w.duckdb"
    with connect(warehouse) as con:
        limit, temp = con.execute(
            "SELECT current_setting('memory_limit'), current_setting('temp_directory')"
        ).fetchone()
    assert limit == expected
    assert Path(temp) == tmp_path / "w.duckdb.tmp"


def test_an_unreadable_memory_limit_is_a_clear_error(tmp_path, monkeypatch):
    """GIVEN PANTAU_DUCKDB_MEMORY_LIMIT=lots WHEN the warehouse is opened THEN ValueError names the variable."""
    monkeypatch.setenv("PANTAU_DUCKDB_MEMORY_LIMIT", "lots")
    with pytest.raises(ValueError, match="PANTAU_DUCKDB_MEMORY_LIMIT='lots'"):
        connect(tmp_path / "w.duckdb")


def test_a_record_larger_than_duckdbs_default_line_limit_lands(harness):
    """GIVEN an item of about 20 MB (DuckDB's JSON reader refuses 16 MB lines by default)
    WHEN items is loaded
    THEN it lands whole: the readers are sized to the batch's longest line."""
    harness.world.items = [item("big", text="x" * (20 * 1024 * 1024)), item("small")]

    result = harness.load("items")

    assert (result.status, result.records, result.quarantined) == ("committed", 2, 0)
    assert harness.query('SELECT record_key, length(record->>\'text\') FROM raw."testapi__items" ORDER BY 1') == [
        ("big", 20 * 1024 * 1024), ("small", None),
    ]
