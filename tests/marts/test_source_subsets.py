"""A brand has some of the eight tools, not all: every subset builds, publishes, and says
which sources fed each metric family.

Each configuration is the real nightly job (``python -m orchestration.run --sandbox tiny``)
with ``PANTAU_SOURCES`` naming the tools the brand has; the others were never configured.
Two expectations per configuration:

- written by hand from what each tool can know (``EXPECTED``): e.g. X alone still gives
  followers, posts, mentions, share of voice, first response times and sentiment; Stripe
  alone gives retention cohorts and churn; HubSpot alone gives NPS and CES;
- and the general rule: a metric family whose every upstream source is loaded (the
  lineage ``publication.metric_families`` states) has data for every one of its metrics.
"""
from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from orchestration.settings import DBT_PROJECT_DIR
from tests.marts.conftest import build_warehouse

# The metric ids that must have data when only these sources are configured: what the
# tool itself can tell (followers from an account, churn from billing, NPS from surveys).
EXPECTED: dict[str, set[str]] = {
    # E8 divides by the followers at day start: a first night has only today's X and Instagram
    # counts (Facebook's insights carry the daily history).
    "instagram": {"E1", "E5", "E6", "E7", "E9", "E10", "C1"},
    "facebook": {"E1", "E2", "E3", "E4", "E5", "E6", "E7", "E8", "E10", "C1"},
    "x": {"E1", "E5", "E6", "E7", "E10", "E12", "E13", "C1", "C4", "R1", "R2", "R4", "S1", "S2"},
    "hubspot": {"K1", "K2", "K3"},
    "zendesk": {"R1", "R2", "R3", "R4", "R5", "R6", "K2"},
    "stripe": {"L1", "L2", "L3"},
    "mixpanel": {"V1", "V3", "V4", "V7"},
    "mailchimp": {"V5", "V8"},
}
GROUPS = {
    "social": "instagram,facebook,x",
    "commerce": "stripe,mixpanel,mailchimp",
    "service": "zendesk,x",
}
EXPECTED["social"] = EXPECTED["instagram"] | EXPECTED["facebook"] | EXPECTED["x"]
EXPECTED["commerce"] = EXPECTED["stripe"] | EXPECTED["mixpanel"] | EXPECTED["mailchimp"]
EXPECTED["service"] = EXPECTED["zendesk"] | EXPECTED["x"] | {"R7", "S3", "S4"}
CONFIGS = {**{name: name for name in ("instagram", "facebook", "x", "hubspot", "zendesk", "stripe", "mixpanel",
                                      "mailchimp")}, **GROUPS}


def metric_columns() -> dict[str, list[tuple[str, str]]]:
    """metric id -> the (marts table, column) pairs tagged with it in dbt."""
    manifest = json.loads((DBT_PROJECT_DIR / "target" / "manifest.json").read_text())
    out: dict[str, list[tuple[str, str]]] = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model" or node["schema"] != "marts":
            continue
        for name, column in node["columns"].items():
            metric_id = (column.get("meta") or {}).get("metric_id")
            if metric_id:
                out.setdefault(metric_id, []).append((node["name"], name))
    return out


def metrics_with_data(published: Path) -> set[str]:
    """Metric ids with a non-NULL value in at least one of their tagged columns."""
    found = set()
    with duckdb.connect(str(published), read_only=True) as con:
        for metric_id, columns in metric_columns().items():
            for table, column in columns:
                (count,) = con.execute(f'select count("{column}") from marts."{table}"').fetchone()
                if count:
                    found.add(metric_id)
                    break
    return found


def family_rows(published: Path) -> dict[str, tuple]:
    with duckdb.connect(str(published), read_only=True) as con:
        rows = con.execute(
            "select family, metric_ids, sources_loaded, sources_without_data, sources_not_configured"
            " from publication.metric_families"
        ).fetchall()
    return {r[0]: r[1:] for r in rows}


@pytest.fixture(scope="module", params=list(CONFIGS), ids=list(CONFIGS))
def subset_night(request, tmp_path_factory) -> tuple[str, set[str], Path]:
    name = request.param
    sources = set(CONFIGS[name].split(","))
    warehouse = build_warehouse(tmp_path_factory.mktemp(f"only_{name}"), "tiny", env={"PANTAU_SOURCES": CONFIGS[name]})
    return name, sources, warehouse.with_name("pantau_published.duckdb")


def test_every_subset_of_sources_builds_and_publishes(subset_night):
    """GIVEN a brand with only these tools configured
    WHEN the nightly job runs (build_warehouse asserts it exits 0)
    THEN a publication exists, and its metric families name as loaded only configured sources
    and as not configured only the others."""
    name, sources, published = subset_night
    assert published.exists(), f"{name}: nothing published"
    families = family_rows(published)
    assert set(families) == set("ECRSVLKX")
    for family, (_, loaded, without_data, not_configured) in families.items():
        assert set(loaded) <= sources, (family, loaded)
        assert not set(not_configured) & sources, (family, not_configured)
        assert not set(without_data), (family, without_data)  # every configured sandbox source has data


def test_what_each_tool_can_tell_has_data(subset_night):
    """GIVEN a brand with only these tools
    THEN every metric those tools alone can give (EXPECTED, written from what each tool knows)
    has data in the published marts."""
    name, _, published = subset_night
    missing = EXPECTED[name] - metrics_with_data(published)
    assert not missing, f"{name}: no data for {sorted(missing)}"


def test_a_family_fed_by_every_one_of_its_sources_has_data_for_each_metric(subset_night):
    """GIVEN the lineage of each metric family in publication.metric_families
    THEN a family none of whose sources is missing has data for every one of its metric ids."""
    name, _, published = subset_night
    with_data = metrics_with_data(published)
    for family, (metric_ids, loaded, without_data, not_configured) in family_rows(published).items():
        if loaded and not without_data and not not_configured:
            assert set(metric_ids) <= with_data, (name, family, sorted(set(metric_ids) - with_data))
