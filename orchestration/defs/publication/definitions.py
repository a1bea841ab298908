"""Publication: after every dbt test of the night has passed, the audited tables become
visible to BI readers in one atomic step (see publish.py).  A stale stream does not stop
it (its raw keeps its last committed batch); the publication names it."""
import dagster as dg

from extractors.landing.freshness import stale_streams
from extractors.landing.warehouse import open_when_unlocked
from orchestration.defs.publication.publish import PUBLISHED_SCHEMAS, publish
from orchestration.defs.transformation.definitions import ASSETS as DBT_ASSETS, PROJECT
from orchestration.lineage import night_family_statuses
from orchestration.settings import DBT_PROJECT_DIR, PipelineSettings


@dg.asset(
    key=["publication", "published_warehouse"],
    group_name="publication",
    # Downstream of every dbt asset: dagster-dbt fails its step when a dbt test fails,
    # so a night with a failed dbt test, or a raw step that failed (not a stale stream:
    # see ingestion), never reaches this asset.
    deps=DBT_ASSETS,
    description=f"The reader copy of schemas {', '.join(PUBLISHED_SCHEMAS)}, swapped in atomically (PANTAU_PUBLISHED_WAREHOUSE).",
)
def published_warehouse(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    settings = PipelineSettings.from_env()
    with open_when_unlocked(settings.warehouse, read_only=True) as con:
        stale = stale_streams(con, context.run_id)
        families = night_family_statuses(con, PROJECT.manifest_path, DBT_PROJECT_DIR / "METRICS.md",
                                         settings.configured_sources(), {s.name for s in stale})
    done = publish(
        settings.warehouse,
        settings.published,
        published_at=settings.current_time(),
        run_id=context.run_id,
        manifest_path=PROJECT.manifest_path,
        families=families,
        stale=stale,
    )
    context.log.info(f"published {done.tables} tables, {done.rows:,} rows to {done.path}")
    for s in stale:
        context.log.warning(f"published with {s.describe()}")
    return dg.MaterializeResult(
        metadata={"path": str(done.path), "tables": done.tables, "rows": done.rows,
                  "stale_streams": [s.describe() for s in stale]}
    )


defs = dg.Definitions(assets=[published_warehouse])
