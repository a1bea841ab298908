"""Write, audit, publish: the readers' copy of the warehouse."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pytest

from extractors.landing.freshness import StaleStream
from orchestration.defs.publication.publish import publish
from orchestration.lineage import FamilyStatus
from orchestration.settings import PipelineSettings, SettingsError

NIGHT_1 = datetime(2026, 6, 30, 19, 0, tzinfo=timezone.utc)
NIGHT_2 = datetime(2026, 7, 1, 19, 0, tzinfo=timezone.utc)


def make_warehouse(path: Path, engagement_rows: int) -> None:
    with duckdb.connect(str(path)) as con:
        for schema in ("raw", "staging", "core", "marts", "reference"):
            con.execute(f"create schema if not exists {schema}")
        con.execute("create or replace table raw.x__tweets as select 'secret-ish raw' as record")
        con.execute("create or replace table staging.stg_x__tweets as select 1 as tweet_id")
        con.execute("create or replace table core.dim_dates as select range::int as day from range(3)")
        con.execute(f"create or replace table marts.engagement_daily as select range::int as day, 0.5 as rate from range({engagement_rows})")
        con.execute("create or replace table reference.tracked_competitors as select 'x' as platform")


def manifest(path: Path) -> Path:
    node = {
        "resource_type": "model", "schema": "marts", "name": "engagement_daily", "alias": "engagement_daily",
        "description": "One row per day.",
        "columns": {"rate": {"description": "E8: interactions / posts / followers at day start."},
                    "gone": {"description": "A documented column the table does not have."}},
    }
    path.write_text(json.dumps({"nodes": {"model.pantau.engagement_daily": node}}))
    return path


def test_publish_copies_only_the_reader_schemas_with_their_docs(tmp_path):
    """GIVEN a working warehouse with raw, staging, core, marts and reference tables
    WHEN it is published
    THEN the reader file has exactly the core, marts and reference tables with the same rows,
    dbt's descriptions as comments, a publication.info row naming the run and its stale streams,
    and the metric families' sources and staleness as given."""
    working, published = tmp_path / "w.duckdb", tmp_path / "w_published.duckdb"
    make_warehouse(working, engagement_rows=5)
    engagement = FamilyStatus("E", "Social engagement", ("E1", "E2"), ("x",), ("instagram",), ("facebook",),
                              stale=("x__tweets",))
    response = FamilyStatus("R", "Response", ("R1",), ("zendesk",), (), ())
    stale = StaleStream("x", "tweets", NIGHT_1, "x/tweets: GET https://api.x.test/2/tweets failed after 5 attempts")
    done = publish(working, published, NIGHT_2, "run-2", manifest(tmp_path / "manifest.json"),
                   families=[engagement, response], stale=[stale])
    assert (done.tables, done.rows) == (3, 3 + 5 + 1)
    with duckdb.connect(str(published), read_only=True) as con:
        tables = con.execute("select schema_name, table_name from duckdb_tables() order by all").fetchall()
        assert tables == [
            ("core", "dim_dates"), ("marts", "engagement_daily"),
            ("publication", "info"), ("publication", "metric_families"), ("reference", "tracked_competitors"),
        ]
        assert con.execute("select * from publication.metric_families").fetchall() == [
            ("E", "Social engagement", ["E1", "E2"], ["x"], ["instagram"], ["facebook"], True, ["x__tweets"]),
            ("R", "Response", ["R1"], ["zendesk"], [], [], False, []),
        ]
        assert con.execute("select count(*) from marts.engagement_daily").fetchone() == (5,)
        assert con.execute("select comment from duckdb_tables() where table_name = 'engagement_daily'").fetchone() == ("One row per day.",)
        assert con.execute(
            "select comment from duckdb_columns() where table_name = 'engagement_daily' and column_name = 'rate'"
        ).fetchone() == ("E8: interactions / posts / followers at day start.",)
        assert con.execute("select dagster_run_id, published_at from publication.info").fetchone() == ("run-2", NIGHT_2)
        assert con.execute("select unnest(stale_streams, recursive := true) from publication.info").fetchall() == [
            ("x", "tweets", NIGHT_1, stale.reason)]
    assert not list(tmp_path.glob("*.publishing*"))


def test_a_reader_keeps_its_publication_while_the_next_is_swapped_in(tmp_path):
    """GIVEN an analyst connected read-only to last night's publication
    WHEN tonight's run publishes (and the working warehouse is being written meanwhile)
    THEN the analyst's open connection still reads last night's rows, without a lock error,
    and a new connection reads tonight's."""
    working, published = tmp_path / "w.duckdb", tmp_path / "w_published.duckdb"
    make_warehouse(working, engagement_rows=5)
    publish(working, published, NIGHT_1, "run-1")
    analyst = duckdb.connect(str(published), read_only=True)
    try:
        make_warehouse(working, engagement_rows=7)
        publish(working, published, NIGHT_2, "run-2")
        assert analyst.execute("select count(*) from marts.engagement_daily").fetchone() == (5,)
        assert analyst.execute("select dagster_run_id from publication.info").fetchone() == ("run-1",)
    finally:
        analyst.close()
    with duckdb.connect(str(published), read_only=True) as con:
        assert con.execute("select count(*) from marts.engagement_daily").fetchone() == (7,)


def test_a_publication_that_fails_leaves_the_last_good_one(tmp_path):
    """GIVEN last night's publication
    WHEN tonight's publish fails part-way (the working warehouse cannot be read)
    THEN the error names the file, and readers still see last night's publication intact."""
    working, published = tmp_path / "w.duckdb", tmp_path / "w_published.duckdb"
    make_warehouse(working, engagement_rows=5)
    publish(working, published, NIGHT_1, "run-1")
    working.write_bytes(b"not a duckdb file")
    with pytest.raises(duckdb.Error, match="w.duckdb"):
        publish(working, published, NIGHT_2, "run-2")
    with duckdb.connect(str(published), read_only=True) as con:
        assert con.execute("select dagster_run_id from publication.info").fetchone() == ("run-1",)
        assert con.execute("select count(*) from marts.engagement_daily").fetchone() == (5,)


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        pytest.param({"PANTAU_WAREHOUSE": "/data/pantau.duckdb"}, Path("/data/pantau_published.duckdb"), id="beside-the-warehouse"),
        pytest.param({"PANTAU_WAREHOUSE": "/data/pantau.duckdb", "PANTAU_PUBLISHED_WAREHOUSE": "/bi/pantau.duckdb"},
                     Path("/bi/pantau.duckdb"), id="configured"),
    ],
)
def test_the_published_file_is_configurable(environ, expected):
    assert PipelineSettings.from_env(environ).published == expected


def test_publishing_onto_the_working_warehouse_is_refused():
    with pytest.raises(SettingsError, match="PANTAU_PUBLISHED_WAREHOUSE"):
        PipelineSettings.from_env({"PANTAU_WAREHOUSE": "/data/pantau.duckdb", "PANTAU_PUBLISHED_WAREHOUSE": "/data/pantau.duckdb"})
