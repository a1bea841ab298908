"""The batch spool: one JSON line per landable record, everything else quarantined with its reason."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from extractors.engine.declarations import Stream
from extractors.landing.spool import BatchSpool

STREAM = Stream("items", "/items", cursor_field="updated_at")
AT = datetime(2026, 6, 30, 12, tzinfo=timezone.utc)


def spool_page(tmp_path, records, **kwargs):
    spool = BatchSpool(tmp_path / "batch", "testapi")
    spool.write_page(STREAM, records, request="GET http://api/items", context=kwargs.pop("context", {"k": "v"}),
                     number=2, extracted_at=AT, **kwargs)
    spool.close()
    lines = [json.loads(line) for line in spool.records_path.read_text(encoding="utf-8").splitlines()]
    quarantined = [json.loads(line) for line in spool.quarantine_path.read_text(encoding="utf-8").splitlines()]
    return spool, lines, quarantined


def test_a_landed_line_carries_the_record_and_its_lineage(tmp_path):
    """GIVEN two records, one with nulls, non-ASCII text and an integer beyond 64 bits
    WHEN a page is spooled
    THEN each line holds seq, index, key, cursor, the record unchanged, context, page, request and extraction time."""
    records = [
        {"id": 1, "updated_at": "2026-06-01T00:00:00Z", "note": None, "name": "Sinta Ñandú 🌏"},
        {"id": "b", "updated_at": 1780000000, "big": 2**70, "ratio": 0.1, "nested": {"list": [1, None, True]}},
    ]
    spool, lines, quarantined = spool_page(tmp_path, records)
    assert quarantined == [] and (spool.records, spool.quarantined, spool.pages) == (2, 0, 1)
    assert [line["record"] for line in lines] == records
    assert [(l["seq"], l["index"], l["key"], l["cursor"]) for l in lines] == [
        (1, 0, "1", "2026-06-01T00:00:00Z"), (2, 1, "b", "1780000000"),
    ]
    assert {(json.dumps(l["context"]), l["page"], l["request"], l["extracted_at"]) for l in lines} == {
        ('{"k": "v"}', 2, "GET http://api/items", "2026-06-30T12:00:00+00:00"),
    }


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        pytest.param({"id": "1", "score": float("nan")}, "record is not representable as JSON: Out of range float", id="nan"),
        pytest.param({"id": "1", "deep": [{"x": float("-inf")}], "n": None}, "record is not representable as JSON: Out of range float", id="infinity-next-to-a-null"),
        pytest.param({"id": "1", "at": AT}, "record is not representable as JSON: Object of type datetime", id="datetime"),
        pytest.param({"id": "1", "text": "\ud800"}, "record is not representable as JSON:", id="lone-surrogate"),
        pytest.param({"updated_at": "2026-06-01T00:00:00Z"}, "testapi/items: record has no value at primary-key path 'id'", id="no-key"),
        pytest.param({"id": "1", "updated_at": "soon"}, "cursor field 'updated_at' holds 'soon', which is not a timestamp", id="bad-cursor"),
        pytest.param(["id", "1"], "record is not a JSON object but list", id="not-an-object"),
    ],
)
def test_a_record_that_cannot_land_unchanged_is_quarantined_with_its_reason(tmp_path, record, reason):
    """GIVEN a good record and one that is not JSON-representable, keyless, badly cursored or not an object
    WHEN the page is spooled
    THEN only the good record lands (seq 1, index 1) and the other is quarantined with its reason and request."""
    spool, lines, quarantined = spool_page(tmp_path, [record, {"id": "ok"}])
    assert [(l["seq"], l["index"], l["key"]) for l in lines] == [(1, 1, "ok")]
    assert len(quarantined) == 1 and quarantined[0]["reason"].startswith(reason)
    assert quarantined[0]["request"] == "GET http://api/items"
    assert (spool.records, spool.quarantined) == (1, 1)


def test_record_contexts_override_the_page_context_per_record(tmp_path):
    """GIVEN a page of a batched fan-out where the second record names no parent
    WHEN spooled with one context per record
    THEN the first line's context is its own parent and the second keeps the page's context."""
    _, lines, _ = spool_page(
        tmp_path, [{"id": "a"}, {"id": "b"}], context={"deal_id": ["1", "2"]}, record_contexts=[{"deal_id": "2"}, None]
    )
    assert [l["context"] for l in lines] == [{"deal_id": "2"}, {"deal_id": ["1", "2"]}]
