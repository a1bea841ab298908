"""Raw landing: one asset per declared stream, grouped by source, each gated by
its Great Expectations suite as a blocking check."""

import dagster as dg

from extractors.engine.declarations import ForEachRecordOf, Source, Stream
from extractors.landing.loader import load_stream
from extractors.sources import all_sources
from orchestration.resources import SourcesResource, WarehouseResource
from orchestration.settings import PipelineSettings

SUITE_CHECK = "great_expectations_suite"


def raw_asset_key(source: str, stream: str) -> dg.AssetKey:
    return dg.AssetKey(["raw", f"{source}__{stream}"])


def build_raw_asset(source: Source, stream: Stream) -> dg.AssetsDefinition:
    key = raw_asset_key(source.name, stream.name)
    deps = []
    if isinstance(stream.fan_out, ForEachRecordOf):
        deps.append(raw_asset_key(source.name, stream.fan_out.stream))

    @dg.asset(
        key=key,
        group_name=source.name,
        deps=deps,
        kinds={"python", "duckdb"},
        description=stream.description or f"{source.name} {stream.name}, as the API returned it.",
        check_specs=[
            dg.AssetCheckSpec(
                SUITE_CHECK,
                asset=key,
                blocking=True,
                description="The stream's suite on the new batch; a failing batch is not committed.",
            )
        ],
        metadata={"source": source.name, "stream": stream.name, "table": f"raw.{source.name}__{stream.name}"},
    )
    def _raw(context: dg.AssetExecutionContext, sources: SourcesResource, warehouse: WarehouseResource):
        result = load_stream(source, stream.name, sources.config_for(source), warehouse.path, sources.now())
        outcome = result.validation
        failures = list(outcome.failures) if outcome is not None else []
        context.log.info(
            "%s/%s batch %s: %s, %s records, %s quarantined",
            source.name, stream.name, result.batch_id, result.status, result.records, result.quarantined,
        )
        return dg.MaterializeResult(
            metadata={
                "batch_id": result.batch_id,
                "status": result.status,
                "records": result.records,
                "quarantined": result.quarantined,
                "duplicates_dropped": result.duplicates_dropped,
                "pages": result.pages,
                "requests": result.requests,
                "seconds": round(result.seconds, 3),
            },
            check_results=[
                dg.AssetCheckResult(
                    check_name=SUITE_CHECK,
                    passed=outcome is None or outcome.passed,
                    severity=dg.AssetCheckSeverity.ERROR,
                    metadata={"batch_id": result.batch_id, "failures": "; ".join(failures) or "none"},
                )
            ],
        )

    return _raw


def _enabled_sources() -> list[Source]:
    wanted = PipelineSettings.from_env().sources
    sources = all_sources()
    if wanted:
        unknown = set(wanted) - {s.name for s in sources}
        if unknown:
            raise ValueError(f"PANTAU_SOURCES names unknown sources {sorted(unknown)}; known: {[s.name for s in sources]}")
        sources = [s for s in sources if s.name in wanted]
    return sources


defs = dg.Definitions(assets=[build_raw_asset(src, stream) for src in _enabled_sources() for stream in src.streams])
