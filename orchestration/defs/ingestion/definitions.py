"""Raw landing: one asset per declared stream, grouped by source, each with two checks:
its Great Expectations suite on the night's batch, and whether the stream is fresh.

A failed stream costs its freshness, not the night.  When the source fails for good
(``ExtractionError``: retries exhausted, or an answer retrying cannot fix) or the suite
rejects the batch, the stream's raw keeps its last committed batch, the asset still
materializes (so dbt, enrichment and the publication run on what is committed), its
``fresh`` check fails with ERROR severity, and ``audit.stream_freshness`` records since
when and why.  The checks are therefore not blocking.  Any other exception is a bug in
our code or configuration (a missing variable, a broken declaration) and fails the step,
so nothing downstream builds and the night publishes nothing.
"""

import dagster as dg

from extractors.engine.declarations import ForEachRecordOf, Source, Stream
from extractors.engine.errors import ExtractionError
from extractors.engine.redaction import Redactor
from extractors.landing.freshness import StaleStream, record_freshness, stale_in_run
from extractors.landing.loader import load_stream
from extractors.sources import all_sources
from orchestration.resources import SourcesResource, WarehouseResource
from orchestration.settings import PipelineSettings

SUITE_CHECK = "great_expectations_suite"
FRESH_CHECK = "fresh"


def raw_asset_key(source: str, stream: str) -> dg.AssetKey:
    return dg.AssetKey(["raw", f"{source}__{stream}"])


def raw_check_specs(key: dg.AssetKey, suite_description: str) -> list[dg.AssetCheckSpec]:
    """The suite check and the freshness check of a raw asset; neither blocks the night."""
    return [
        dg.AssetCheckSpec(SUITE_CHECK, asset=key, blocking=False, description=suite_description),
        dg.AssetCheckSpec(
            FRESH_CHECK,
            asset=key,
            blocking=False,
            description="The night committed the stream's batch; when it did not, the stream keeps its last "
                        "committed batch (stale) and the models downstream build from that.",
        ),
    ]


def freshness_result(stale: StaleStream | None) -> dg.AssetCheckResult:
    if stale is None:
        return dg.AssetCheckResult(check_name=FRESH_CHECK, passed=True)
    return dg.AssetCheckResult(
        check_name=FRESH_CHECK,
        passed=False,
        severity=dg.AssetCheckSeverity.ERROR,
        description=stale.describe(),
        metadata={"stale_since": stale.stale_since.isoformat() if stale.stale_since else "never loaded",
                  "reason": stale.reason},
    )


def stale_metadata(stale: StaleStream | None) -> dict:
    if stale is None:
        return {"stale": False}
    return {"stale": True, "stale_since": stale.stale_since.isoformat() if stale.stale_since else "never loaded",
            "stale_reason": stale.reason}


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
        check_specs=raw_check_specs(key, "The stream's suite on the new batch; a failing batch is not committed."),
        metadata={"source": source.name, "stream": stream.name, "table": f"raw.{source.name}__{stream.name}"},
    )
    def _raw(context: dg.AssetExecutionContext, sources: SourcesResource, warehouse: WarehouseResource):
        config = sources.config_for(source)
        try:
            result = load_stream(source, stream.name, config, warehouse.path, sources.now())
        except ExtractionError as exc:
            # The engine builds its messages from redacted parts; the redactor is the second net.
            reason = Redactor(config.secret_values()).text(str(exc))
            stale = record_freshness(warehouse.path, context.run_id, source.name, stream.name, reason)
            context.log.error(stale.describe())
            return dg.MaterializeResult(
                metadata=stale_metadata(stale),
                check_results=[
                    dg.AssetCheckResult(check_name=SUITE_CHECK, passed=False, severity=dg.AssetCheckSeverity.WARN,
                                        description="Not run: nothing was fetched.", metadata={"failures": "not run"}),
                    freshness_result(stale),
                ],
            )
        outcome = result.validation
        failures = list(outcome.failures) if outcome is not None else []
        context.log.info(
            "%s/%s batch %s: %s, %s records, %s quarantined",
            source.name, stream.name, result.batch_id, result.status, result.records, result.quarantined,
        )
        # A fan-out stream whose parent is stale tonight has nothing new to fan out over.
        parent = (stale_in_run(warehouse.path, context.run_id, source.name, stream.fan_out.stream)
                  if isinstance(stream.fan_out, ForEachRecordOf) else None)
        stale = record_freshness(
            warehouse.path, context.run_id, source.name, stream.name,
            None if result.status == "committed" else f"batch {result.batch_id} rejected by its suite: "
            + "; ".join(failures),
            inherited=parent if result.status == "committed" else None,
        )
        if stale is not None:
            context.log.error(stale.describe())
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
                **stale_metadata(stale),
            },
            check_results=[
                dg.AssetCheckResult(
                    check_name=SUITE_CHECK,
                    passed=outcome is None or outcome.passed,
                    severity=dg.AssetCheckSeverity.ERROR,
                    metadata={"batch_id": result.batch_id, "failures": "; ".join(failures) or "none"},
                ),
                freshness_result(stale),
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
