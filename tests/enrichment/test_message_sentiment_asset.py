"""The sentiment asset scores only what the current scorer version has not scored."""
from __future__ import annotations

from datetime import datetime

import duckdb
import dagster as dg

from enrichment.sentiment.store import score_new_messages
from orchestration.defs.enrichment.definitions import message_sentiment
from orchestration.resources import WarehouseResource


def _warehouse(path) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute("create schema intermediate")
        con.execute("create table intermediate.int_messages (message_id varchar, message_text varchar)")
        con.execute("""insert into intermediate.int_messages values
            ('instagram:comment:1', 'enak bgt 😍'),
            ('x:mention:2', 'my order never arrived, refund please'),
            ('facebook:comment:3', 'buka jam berapa min?')""")


def _stored(path) -> dict[str, tuple[str, str]]:
    with duckdb.connect(str(path)) as con:
        rows = con.execute("select message_id, label, scorer_version from enrichment.message_sentiment").fetchall()
    return {mid: (label, version) for mid, label, version in rows}


def test_asset_scores_new_messages_only(tmp_path):
    """GIVEN a warehouse with three messages
    WHEN the asset materialises twice, then once more after a fourth message arrives
    THEN the first run scores 3, the second 0, the third only the new one; labels are stored."""
    path = tmp_path / "w.duckdb"
    _warehouse(path)
    resources = {"warehouse": WarehouseResource(path=str(path))}

    first = dg.materialize([message_sentiment], resources=resources)
    assert first.asset_materializations_for_node("enrichment__message_sentiment")[0].metadata["scored"].value == 3
    assert {k: v[0] for k, v in _stored(path).items()} == {
        "instagram:comment:1": "positive", "x:mention:2": "negative", "facebook:comment:3": "neutral",
    }

    second = dg.materialize([message_sentiment], resources=resources)
    assert second.asset_materializations_for_node("enrichment__message_sentiment")[0].metadata["scored"].value == 0

    with duckdb.connect(str(path)) as con:
        con.execute("insert into intermediate.int_messages values ('x:mention:4', 'kecewa, pesanan telat')")
    third = dg.materialize([message_sentiment], resources=resources)
    assert third.asset_materializations_for_node("enrichment__message_sentiment")[0].metadata["scored"].value == 1
    assert _stored(path)["x:mention:4"][0] == "negative"


def test_a_new_scorer_version_rescores_and_replaces(tmp_path):
    """GIVEN messages scored by an older version, in chunks of two
    WHEN the current version runs
    THEN every message is rescored and keeps exactly one row, of the new version."""
    path = tmp_path / "w.duckdb"
    _warehouse(path)
    with duckdb.connect(str(path)) as con:
        assert score_new_messages(con, chunk_size=2, version="old", now=datetime(2026, 1, 1)) == 3
        assert score_new_messages(con, chunk_size=2, version="new") == 3
        assert score_new_messages(con, chunk_size=2, version="new") == 0
        rows = con.execute("select scorer_version, count(*) from enrichment.message_sentiment group by 1").fetchall()
    assert rows == [("new", 3)]


def test_asset_with_no_messages_scores_nothing(tmp_path):
    """GIVEN an empty int_messages (a brand with no text-bearing source configured: the model
    still builds, on empty raw tables)
    WHEN the asset materialises
    THEN it succeeds and reports 0 messages scored, 0 stored."""
    path = tmp_path / "empty.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema intermediate")
        con.execute("create table intermediate.int_messages (message_id varchar, message_text varchar)")
    result = dg.materialize([message_sentiment], resources={"warehouse": WarehouseResource(path=str(path))})
    metadata = result.asset_materializations_for_node("enrichment__message_sentiment")[0].metadata
    assert (metadata["scored"].value, metadata["stored"].value) == (0, 0)
