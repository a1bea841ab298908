"""The file source: one asset per export entity (``raw/files__<entity>``, group ``files``),
each importing its new files from ``PANTAU_IMPORT_DIR``, with the suite and freshness
checks of every raw asset (see ``ingestion``): a rejected file leaves the entity stale,
not the night blocked.  Without ``PANTAU_IMPORT_DIR`` the assets import nothing and
succeed; the raw tables exist either way, so staging always builds."""

import dagster as dg

from extractors.files import ENTITIES, SOURCE, Entity, default_timezone, import_dir, import_entity
from extractors.landing.freshness import record_freshness
from orchestration.defs.ingestion.definitions import (
    SUITE_CHECK,
    freshness_result,
    raw_asset_key,
    raw_check_specs,
    stale_metadata,
)
from orchestration.resources import SourcesResource, WarehouseResource


def build_import_asset(entity: Entity) -> dg.AssetsDefinition:
    key = raw_asset_key(SOURCE.name, entity.name)

    @dg.asset(
        key=key,
        group_name=SOURCE.name,
        kinds={"python", "duckdb"},
        description=f"{entity.description} Imported from PANTAU_IMPORT_DIR ({entity.name}.csv, {entity.name}_*.jsonl...).",
        check_specs=raw_check_specs(
            key, "Every new file was read and passed the entity's suite; a rejected file is not committed."),
        metadata={"source": SOURCE.name, "stream": entity.name, "table": f"raw.{SOURCE.name}__{entity.name}"},
    )
    def _raw(context: dg.AssetExecutionContext, sources: SourcesResource, warehouse: WarehouseResource):
        environ = sources.environ()
        outcomes = import_entity(entity, import_dir(environ), warehouse.path, sources.now(), default_timezone(environ))
        for outcome in outcomes:
            (context.log.warning if outcome.status == "rejected" else context.log.info)(outcome.describe())
        rejected = [o.describe() for o in outcomes if o.status == "rejected"]
        # A rejected file is tried again next night; until then the entity lacks its rows.
        stale = record_freshness(warehouse.path, context.run_id, SOURCE.name, entity.name,
                                 "; ".join(rejected) if rejected else None)
        return dg.MaterializeResult(
            metadata={
                "files": len(outcomes),
                "committed": sum(o.status == "committed" for o in outcomes),
                "skipped": sum(o.status == "skipped" for o in outcomes),
                "rejected": len(rejected),
                "records": sum(o.records for o in outcomes),
                "quarantined": sum(o.quarantined for o in outcomes),
                "batch_ids": [o.batch_id for o in outcomes if o.batch_id is not None],
                **stale_metadata(stale),
            },
            check_results=[
                dg.AssetCheckResult(
                    check_name=SUITE_CHECK,
                    passed=not rejected,
                    severity=dg.AssetCheckSeverity.ERROR,
                    metadata={"failures": "; ".join(rejected) or "none"},
                ),
                freshness_result(stale),
            ],
        )

    return _raw


defs = dg.Definitions(assets=[build_import_asset(e) for e in ENTITIES])
