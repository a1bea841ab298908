"""A raw asset whose stream fails: stale (recorded, reported, not blocking) or a bug (fails loudly)."""
from __future__ import annotations

import dagster as dg
import duckdb
import pytest

from extractors.engine.errors import ExtractionError
from extractors.landing.freshness import StaleStream, stale_streams
from extractors.landing.loader import LoadResult
from extractors.sources import all_sources
from orchestration.defs.ingestion import definitions as ingestion
from orchestration.resources import SourcesResource, WarehouseResource
from orchestration.summary import exit_code
from tests.conftest import TEST_NOW

SECRET = "sk_test_never_in_the_warehouse"
STRIPE = next(s for s in all_sources() if s.name == "stripe")


def _materialize(warehouse, load_stream, monkeypatch) -> tuple[dg.ExecuteInProcessResult, bool]:
    monkeypatch.setenv("PANTAU_STRIPE_SECRET_KEY", SECRET)
    monkeypatch.setattr(ingestion, "load_stream", load_stream)
    downstream_ran = []

    @dg.asset(deps=[ingestion.raw_asset_key("stripe", "customers")])
    def downstream() -> None:
        downstream_ran.append(True)

    result = dg.materialize(
        [ingestion.build_raw_asset(STRIPE, STRIPE.stream("customers")), downstream],
        resources={"sources": SourcesResource(now_override=TEST_NOW.isoformat()),
                   "warehouse": WarehouseResource(path=str(warehouse))},
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )
    return result, bool(downstream_ran)


def test_a_source_failing_for_good_leaves_the_stream_stale_and_the_run_going(tmp_path, monkeypatch):
    """GIVEN a stream whose source fails after its retries, the error echoing the secret
    WHEN its raw asset and an asset downstream of it are materialized
    THEN the run succeeds and the downstream asset runs; the freshness check fails with ERROR severity;
    the materialization and audit.stream_freshness say stale, never loaded, with the redacted reason."""
    def failing(source, stream, config, warehouse, now):
        raise ExtractionError("stripe", stream, f"https://api.stripe.test/v1/customers?key={SECRET}", 503,
                              f"service unavailable for {SECRET}", attempts=5)

    warehouse = tmp_path / "pantau.duckdb"
    result, downstream_ran = _materialize(warehouse, failing, monkeypatch)
    assert result.success and downstream_ran
    checks = {e.check_name: e for e in result.get_asset_check_evaluations()}
    assert not checks["fresh"].passed and checks["fresh"].severity == dg.AssetCheckSeverity.ERROR
    assert checks["great_expectations_suite"].severity == dg.AssetCheckSeverity.WARN
    (materialization,) = [m for m in result.get_asset_materialization_events()
                          if m.asset_key == ingestion.raw_asset_key("stripe", "customers")]
    metadata = materialization.materialization.metadata
    assert metadata["stale"].value is True and metadata["stale_since"].text == "never loaded"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        (stale,) = stale_streams(con, result.run_id)
    assert (stale.source, stale.stream, stale.stale_since) == ("stripe", "customers", None)
    assert "failed after 5 attempts: HTTP 503" in stale.reason
    assert SECRET not in stale.reason and SECRET not in metadata["stale_reason"].text


@pytest.mark.parametrize("error", [
    pytest.param(KeyError("cursor"), id="a-bug-in-our-code"),
    pytest.param(duckdb.IOException("disk full"), id="the-warehouse-cannot-be-written"),
])
def test_any_other_failure_fails_the_step_and_blocks_downstream(tmp_path, monkeypatch, error):
    """GIVEN a stream whose load raises something other than an extraction error
    WHEN its raw asset and an asset downstream of it are materialized
    THEN the run fails, the downstream asset does not run, and no stream is recorded stale (the night
    publishes nothing: a bug is not a stale source)."""
    def broken(source, stream, config, warehouse, now):
        raise error

    warehouse = tmp_path / "pantau.duckdb"
    result, downstream_ran = _materialize(warehouse, broken, monkeypatch)
    assert not result.success and not downstream_ran
    assert not warehouse.exists(), "a failure that is not the source's records no stale stream"


def test_a_fan_out_stream_whose_parent_is_stale_is_stale_too(tmp_path, monkeypatch):
    """GIVEN zendesk tickets failing for good, and ticket_comments (fanned out over tickets) committing
    WHEN both raw assets are materialized
    THEN ticket_comments is stale too, naming its parent and the parent's reason."""
    for name, value in {"SUBDOMAIN": "brand", "EMAIL": "ops@brand.test", "API_TOKEN": SECRET}.items():
        monkeypatch.setenv(f"PANTAU_ZENDESK_{name}", value)

    def load(source, stream, config, warehouse, now):
        if stream == "tickets":
            raise ExtractionError("zendesk", stream, "https://brand.zendesk.test/api/v2/tickets", 503, "down")
        return LoadResult(batch_id=1, status="committed", records=0, quarantined=0, duplicates_dropped=0, pages=0,
                          requests=0, retries=0, cursor_before=None, cursor_after={}, validation=None, seconds=0.0)

    monkeypatch.setattr(ingestion, "load_stream", load)
    zendesk = next(s for s in all_sources() if s.name == "zendesk")
    warehouse = tmp_path / "pantau.duckdb"
    result = dg.materialize(
        [ingestion.build_raw_asset(zendesk, zendesk.stream(name)) for name in ("tickets", "ticket_comments")],
        resources={"sources": SourcesResource(now_override=TEST_NOW.isoformat()),
                   "warehouse": WarehouseResource(path=str(warehouse))},
        instance=dg.DagsterInstance.ephemeral(),
    )
    with duckdb.connect(str(warehouse), read_only=True) as con:
        stale = {s.stream: s.reason for s in stale_streams(con, result.run_id)}
    assert set(stale) == {"tickets", "ticket_comments"}
    assert stale["ticket_comments"] == f"its parent zendesk/tickets is stale ({stale['tickets']})"


def test_a_model_built_from_a_stale_table_says_so_in_its_metadata():
    """GIVEN zendesk/tickets stale tonight
    WHEN dbt's outputs pass through flag_stale_inputs
    THEN a model downstream of tickets carries stale_inputs naming it; one that is not, and a check result,
    pass unchanged."""
    from orchestration.defs.transformation.definitions import flag_stale_inputs

    stale = StaleStream("zendesk", "tickets", None, "zendesk/tickets: HTTP 503")
    events = [
        dg.Output(None, "a", metadata={"unique_id": "model.pantau.stg_zendesk__tickets"}),
        dg.Output(None, "b", metadata={"unique_id": "model.pantau.stg_stripe__invoices"}),
        dg.AssetCheckResult(passed=True, asset_key=dg.AssetKey(["staging", "stg_zendesk__tickets"]), check_name="t"),
    ]
    flagged, fresh, check = flag_stale_inputs(events, {stale.name: stale})
    assert flagged.metadata["stale_inputs"].md_str == f"- {stale.describe()}"
    assert "stale_inputs" not in fresh.metadata and check is events[2]


@pytest.mark.parametrize(("published", "stale", "expected"), [
    pytest.param(True, [], 0, id="published-fresh"),
    pytest.param(True, [StaleStream("zendesk", "tickets", None, "HTTP 503")], 3, id="published-with-stale-streams"),
    pytest.param(False, [StaleStream("zendesk", "tickets", None, "HTTP 503")], 1, id="nothing-published"),
    pytest.param(False, [], 1, id="nothing-published-all-fresh"),
])
def test_the_exit_code_says_whether_the_night_published_and_how_fresh(published, stale, expected):
    assert exit_code(published, stale) == expected
