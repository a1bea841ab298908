"""The dbt project as Dagster assets: staging (and later marts), with every dbt
test surfaced as an asset check and lineage from each raw asset. Two ops: the models
that read Python enrichment assets' tables build after those assets."""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Mapping

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets
from dagster_dbt.asset_utils import select_unique_ids

from orchestration.settings import DBT_PROJECT_DIR, PipelineSettings

PROJECT = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
# The dbt installed beside this interpreter, whether or not the venv is on PATH.
DBT_EXECUTABLE = str(Path(sys.executable).with_name("dbt"))


def _dbt_sources_changed_since(manifest: Path) -> bool:
    built = manifest.stat().st_mtime
    watched = [DBT_PROJECT_DIR / "dbt_project.yml"] + [
        p for folder in ("models", "macros", "seeds", "tests") for p in (DBT_PROJECT_DIR / folder).rglob("*") if p.is_file()
    ]
    return any(p.stat().st_mtime > built for p in watched)


def ensure_manifest() -> Path:
    """Parse the dbt project when its manifest is missing or older than its files.

    A packaged deployment ships the manifest; a fresh clone builds it here, once.
    """
    manifest = PROJECT.manifest_path
    if not manifest.exists() or _dbt_sources_changed_since(manifest):
        proc = subprocess.run(
            [DBT_EXECUTABLE, "parse", "--quiet", "--profiles-dir", str(DBT_PROJECT_DIR), "--project-dir", str(DBT_PROJECT_DIR)],
            cwd=DBT_PROJECT_DIR, capture_output=True, text=True,
        )
        if proc.returncode != 0:
            raise RuntimeError(f"dbt parse failed in {DBT_PROJECT_DIR}:\n{proc.stdout[-4000:]}{proc.stderr[-2000:]}")
    return manifest


class PantauTranslator(DagsterDbtTranslator):
    """Models are keyed by the schema dbt builds them in (``staging/stg_x``);
    sources keep the ``raw/<source>__<stream>`` key their YAML ``meta`` declares."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return super().get_asset_key(dbt_resource_props)
        meta = dbt_resource_props.get("config", {}).get("meta", {}) or dbt_resource_props.get("meta", {})
        if meta.get("dagster", {}).get("asset_key"):
            return super().get_asset_key(dbt_resource_props)
        return dg.AssetKey([dbt_resource_props["config"].get("schema") or "main", dbt_resource_props["name"]])


# dbt reads the warehouse path from the environment, from its own folder: make it absolute.
os.environ["PANTAU_WAREHOUSE"] = str(PipelineSettings.from_env().warehouse)


# Models reading what Python enrichment assets write (source('enrichment', ...)) build in a
# second dbt op, after those assets: one op for both would make an op-level cycle
# (int_messages -> enrichment/message_sentiment -> int_messages_scored).
ENRICHMENT_SELECTION = "source:enrichment+"


def _selection() -> str:
    """Every model when all sources load; else what descends from the enabled ones, and the
    seeds (business configuration, needed by whichever models are selected)."""
    enabled = PipelineSettings.from_env().sources
    return " ".join(["resource_type:seed", *(f"source:{name}+" for name in enabled)]) if enabled else "fqn:*"


def _enrichment_selection() -> str:
    """What descends from the enrichment sources, intersected with the enabled sources' descendants."""
    enabled = PipelineSettings.from_env().sources
    if not enabled:
        return ENRICHMENT_SELECTION
    return " ".join(f"{ENRICHMENT_SELECTION},source:{name}+" for name in enabled)


MANIFEST = ensure_manifest()

# dbt unit tests check the SQL, not the night's data: `make test` runs them
# (tests/marts/test_dbt_unit_tests.py); the nightly build runs models, seeds and data tests.
NIGHTLY_BUILD = ["build", "--exclude-resource-type", "unit_test"]


@dbt_assets(
    manifest=MANIFEST,
    project=PROJECT,
    select=_selection(),
    exclude=ENRICHMENT_SELECTION,
    dagster_dbt_translator=PantauTranslator(),
    name="dbt_models",
)
def dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    yield from dbt.cli(NIGHTLY_BUILD, context=context).stream()


def _enrichment_nodes_selected() -> bool:
    """Whether any enrichment-reading node descends from the enabled sources (each side
    selected alone, then intersected, so an empty intersection logs no dbt warning)."""
    manifest = json.loads(MANIFEST.read_text())

    def ids(select: str) -> set[str]:
        return set(select_unique_ids(select=select, exclude="", selector="", project=PROJECT, manifest_json=manifest))

    return bool(ids(ENRICHMENT_SELECTION) & ids(_selection()))


ASSETS = [dbt_models]
if _enrichment_nodes_selected():

    @dbt_assets(
        manifest=MANIFEST,
        project=PROJECT,
        select=_enrichment_selection(),
        dagster_dbt_translator=PantauTranslator(),
        name="dbt_enriched_models",
    )
    def dbt_enriched_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
        yield from dbt.cli(NIGHTLY_BUILD, context=context).stream()

    ASSETS.append(dbt_enriched_models)


defs = dg.Definitions(assets=ASSETS, resources={"dbt": DbtCliResource(project_dir=PROJECT, dbt_executable=DBT_EXECUTABLE)})
