"""Every metric of the catalog is a tagged, described marts column, and the README maps it.

The catalog (dbt_project/METRICS.md) is the marts' contract: each id (E1, R3, ...)
must be implemented by at least one column of a model in schema `marts` whose dbt
YAML carries `meta: {metric_id: <id>}` and a description, and the README's metric
table must point each id at such a column.
"""
from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

import pytest

from orchestration.defs.transformation.definitions import ensure_manifest
from orchestration.settings import DBT_PROJECT_DIR, REPO_ROOT

CATALOG = (DBT_PROJECT_DIR / "METRICS.md").read_text()
README = (REPO_ROOT / "README.md").read_text()
CATALOG_IDS = re.findall(r"^\| ([A-Z]\d+) \|", CATALOG, flags=re.M)
README_ROWS = re.findall(r"^\| ([A-Z]\d+) \| [^|]*\| `marts\.(\w+)\.(\w+)` \|", README, flags=re.M)


def tagged_columns() -> dict[str, set[tuple[str, str]]]:
    """metric id -> {(marts table, column)} from the dbt manifest."""
    manifest = json.loads(Path(ensure_manifest()).read_text())
    found: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model" or node["schema"] != "marts":
            continue
        for name, column in node["columns"].items():
            metric_id = (column.get("meta") or {}).get("metric_id") or (column.get("config", {}).get("meta") or {}).get("metric_id")
            if metric_id:
                found[metric_id].add((node.get("alias") or node["name"], name))
    return found


TAGGED = tagged_columns()


def test_the_catalog_lists_every_family():
    assert len(CATALOG_IDS) == len(set(CATALOG_IDS)) == 55
    assert {i[0] for i in CATALOG_IDS} == set("ECRSVLKX")


@pytest.mark.parametrize("metric_id", CATALOG_IDS)
def test_every_catalog_metric_is_a_tagged_marts_column(metric_id):
    assert TAGGED.get(metric_id), f"no marts column has meta.metric_id {metric_id}"


def test_no_column_is_tagged_with_an_unknown_metric():
    assert set(TAGGED) - set(CATALOG_IDS) == set()


def test_every_tagged_column_is_described():
    manifest = json.loads(Path(ensure_manifest()).read_text())
    undescribed = [
        f"{node['name']}.{name}"
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["schema"] == "marts"
        for name, column in node["columns"].items()
        if (column.get("meta") or {}).get("metric_id") and len(column.get("description") or "") < 20
    ]
    assert undescribed == []


def test_the_readme_maps_every_metric_to_a_tagged_column():
    """GIVEN the README's metric table (| id | metric | `marts.table.column` |)
    THEN it has one line per catalog id, in catalog order, each naming a column tagged with that id."""
    assert [row[0] for row in README_ROWS] == CATALOG_IDS
    wrong = [f"{i}: marts.{t}.{c}" for i, t, c in README_ROWS if (t, c) not in TAGGED.get(i, set())]
    assert wrong == []
