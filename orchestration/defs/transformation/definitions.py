"""The dbt project as Dagster assets: staging (and later marts), with every dbt
test surfaced as an asset check and lineage from each raw asset. Two ops: the models
that read Python enrichment assets' tables build after those assets."""

import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Mapping

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from extractors.landing.freshness import StaleStream, stale_streams
from extractors.landing.warehouse import connect, ensure_raw_table, open_when_unlocked
from orchestration.lineage import load_manifest, raw_inputs, raw_tables
from orchestration.resources import WarehouseResource
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


MANIFEST = ensure_manifest()

# dbt unit tests check the SQL, not the night's data: `make test` runs them
# (tests/marts/test_dbt_unit_tests.py); the nightly build runs models, seeds and data tests.
NIGHTLY_BUILD = ["build", "--exclude-resource-type", "unit_test"]


def prepare_raw_tables(warehouse: str) -> int:
    """Create every raw table a dbt source declares that no load has made yet (empty, with
    the landing's columns), so every model builds whichever sources a brand has configured:
    a source never configured reads as a source with no records. Returns how many were made."""
    with connect(warehouse) as con:
        existing = {name for (name,) in con.execute(
            "select table_name from information_schema.tables where table_schema = 'raw'").fetchall()}
        missing = [t for t in raw_tables(load_manifest(MANIFEST)) if f"{t.source}__{t.stream}" not in existing]
        for table in missing:
            ensure_raw_table(con, table.source, table.stream)
    return len(missing)


def night_stale_streams(warehouse: str, run_id: str) -> dict[str, StaleStream]:
    """The raw tables (``<source>__<stream>``) this run left stale."""
    with open_when_unlocked(warehouse, read_only=True) as con:
        return {s.name: s for s in stale_streams(con, run_id)}


def flag_stale_inputs(events, stale: dict[str, StaleStream]):
    """dbt's events, each model's output carrying the stale raw tables it is built from: the model
    builds (green) from their last committed batch, and says so (``stale_inputs``)."""
    upstream = raw_inputs(load_manifest(MANIFEST))
    for event in events:
        unique_id = event.metadata.get("unique_id") if stale and isinstance(event, dg.Output) else None
        inputs = sorted(t.name for t in upstream(unique_id.text) if t.name in stale) if unique_id else []
        if inputs:
            event = event.with_metadata({
                **event.metadata,
                "stale_inputs": dg.MetadataValue.md("\n".join(f"- {stale[name].describe()}" for name in inputs)),
            })
        yield event


@dbt_assets(
    manifest=MANIFEST,
    project=PROJECT,
    exclude=ENRICHMENT_SELECTION,
    dagster_dbt_translator=PantauTranslator(),
    name="dbt_models",
)
def dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource):
    made = prepare_raw_tables(warehouse.path)
    if made:
        context.log.info(f"created {made} empty raw tables for streams no load has written")
    stale = night_stale_streams(warehouse.path, context.run_id)
    for s in stale.values():
        context.log.warning(f"building from the last committed batch of {s.describe()}")
    yield from flag_stale_inputs(dbt.cli(NIGHTLY_BUILD, context=context).stream(), stale)


@dbt_assets(
    manifest=MANIFEST,
    project=PROJECT,
    select=ENRICHMENT_SELECTION,
    dagster_dbt_translator=PantauTranslator(),
    name="dbt_enriched_models",
)
def dbt_enriched_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource):
    yield from flag_stale_inputs(dbt.cli(NIGHTLY_BUILD, context=context).stream(),
                                 night_stale_streams(warehouse.path, context.run_id))


ASSETS = [dbt_models, dbt_enriched_models]

defs = dg.Definitions(assets=ASSETS, resources={"dbt": DbtCliResource(project_dir=PROJECT, dbt_executable=DBT_EXECUTABLE)})
