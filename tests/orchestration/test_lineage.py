"""Lineage read from dbt's manifest: raw tables to create, and the sources of each metric family."""
from __future__ import annotations

import pytest

from orchestration.lineage import (
    RawTable,
    family_statuses,
    metric_family_inputs,
    raw_inputs,
    raw_tables,
)


def source(name: str, table: str, schema: str = "raw") -> tuple[str, dict]:
    uid = f"source.pantau.{name}.{table}"
    return uid, {"unique_id": uid, "source_name": name, "name": table, "identifier": f"{name}__{table}", "schema": schema}


def model(name: str, folder: str, metric_ids: tuple[str, ...] = ()) -> tuple[str, dict]:
    uid = f"model.pantau.{name}"
    columns = {f"c_{m}": {"name": f"c_{m}", "meta": {"metric_id": m}} for m in metric_ids}
    return uid, {"resource_type": "model", "name": name, "fqn": ["pantau", *folder.split("/"), name], "columns": columns}


# x and zendesk feed the response mart; hubspot reaches it only through identity resolution;
# stripe feeds the retention mart; the enrichment source is not raw.
MANIFEST = {
    "sources": dict([source("x", "mentions"), source("zendesk", "tickets"), source("hubspot", "contacts"),
                     source("stripe", "invoices"), source("enrichment", "message_sentiment", schema="enrichment")]),
    "nodes": dict([
        model("stg_x__mentions", "staging/x"), model("stg_zendesk__tickets", "staging/zendesk"),
        model("stg_hubspot__contacts", "staging/hubspot"), model("stg_stripe__invoices", "staging/stripe"),
        model("int_identity__links", "intermediate/identity"),
        model("int_service__conversations", "intermediate/service"),
        model("response_conversations", "marts/response", ("R1", "R5")),
        model("retention_cohorts", "marts/retention", ("L1",)),
    ]),
    "parent_map": {
        "model.pantau.stg_x__mentions": ["source.pantau.x.mentions"],
        "model.pantau.stg_zendesk__tickets": ["source.pantau.zendesk.tickets"],
        "model.pantau.stg_hubspot__contacts": ["source.pantau.hubspot.contacts"],
        "model.pantau.stg_stripe__invoices": ["source.pantau.stripe.invoices"],
        "model.pantau.int_identity__links": ["model.pantau.stg_hubspot__contacts", "model.pantau.stg_x__mentions"],
        "model.pantau.int_service__conversations": [
            "model.pantau.stg_x__mentions", "model.pantau.stg_zendesk__tickets", "model.pantau.int_identity__links",
            "source.pantau.enrichment.message_sentiment",
        ],
        "model.pantau.response_conversations": ["model.pantau.int_service__conversations"],
        "model.pantau.retention_cohorts": ["model.pantau.stg_stripe__invoices", "model.pantau.int_identity__links"],
    },
}


def test_raw_tables_are_every_raw_source_dbt_reads():
    assert raw_tables(MANIFEST) == [
        RawTable("hubspot", "contacts"), RawTable("stripe", "invoices"), RawTable("x", "mentions"),
        RawTable("zendesk", "tickets"),
    ]


def test_a_raw_table_not_named_source__stream_is_a_declaration_error():
    uid, node = source("x", "mentions")
    node["identifier"] = "mentions"
    with pytest.raises(ValueError, match="source.pantau.x.mentions reads raw table 'mentions'"):
        raw_tables({"sources": {uid: node}})


def test_family_sources_follow_lineage_but_not_identity_resolution(tmp_path):
    """GIVEN response metrics fed by x and zendesk (hubspot only links people) and retention fed by stripe
    WHEN the families' inputs are read
    THEN R lists x and zendesk, L lists stripe, in METRICS.md's family order with its titles."""
    catalog = tmp_path / "METRICS.md"
    catalog.write_text("## R — Response and customer service (000)\n## L — Retention and loyalty (000)\n")
    families = metric_family_inputs(MANIFEST, catalog)
    assert [(f.family, f.title, f.metric_ids, f.sources) for f in families] == [
        ("R", "Response and customer service", ("R1", "R5"), ("x", "zendesk")),
        ("L", "Retention and loyalty", ("L1",), ("stripe",)),
    ]


def test_statuses_split_loaded_configured_and_not_configured(tmp_path):
    """GIVEN R fed by x and zendesk, with x loaded, zendesk configured but empty
    THEN R is loaded from x, zendesk has no data yet; with zendesk not configured, it says so."""
    families = metric_family_inputs(MANIFEST, tmp_path / "absent.md")
    response = {f.family: f for f in family_statuses(families, configured={"x", "zendesk"}, loaded={"x"})}["R"]
    assert (response.loaded, response.without_data, response.not_configured) == (("x",), ("zendesk",), ())
    by_family = {f.family: f for f in family_statuses(families, configured={"x"}, loaded={"x"})}
    response, retention = by_family["R"], by_family["L"]
    assert (response.loaded, response.without_data, response.not_configured) == (("x",), (), ("zendesk",))
    assert (retention.loaded, retention.not_configured) == ((), ("stripe",))


def test_a_family_fed_by_a_stale_stream_is_stale_and_names_it(tmp_path):
    """GIVEN R fed by x/mentions and zendesk/tickets, and L by stripe/invoices
    WHEN the night left zendesk/tickets stale, and hubspot/contacts (which only links people)
    THEN R is stale naming zendesk__tickets, and L is not."""
    families = metric_family_inputs(MANIFEST, tmp_path / "absent.md")
    by_family = {f.family: f for f in family_statuses(
        families, configured={"x", "zendesk", "stripe", "hubspot"}, loaded={"x", "zendesk", "stripe", "hubspot"},
        stale={"zendesk__tickets", "hubspot__contacts"})}
    assert (by_family["R"].is_stale, by_family["R"].stale) == (True, ("zendesk__tickets",))
    assert (by_family["L"].is_stale, by_family["L"].stale) == (False, ())


def test_raw_inputs_of_a_model_are_its_upstream_raw_tables_but_not_through_identity():
    upstream = raw_inputs(MANIFEST)
    assert upstream("model.pantau.retention_cohorts") == {RawTable("stripe", "invoices")}
    assert upstream("model.pantau.response_conversations") == {RawTable("x", "mentions"), RawTable("zendesk", "tickets")}
