"""The nightly job: every asset, in one process, on a schedule in the reporting zone.

In one process because DuckDB admits one writing process at a time, and on two
cores a process per step costs more than it buys (see the README's figures).
"""
from __future__ import annotations

import dagster as dg

from orchestration.resources import SourcesResource, WarehouseResource
from orchestration.settings import PipelineSettings

SETTINGS = PipelineSettings.from_env()

nightly_job = dg.define_asset_job(
    "nightly",
    selection=dg.AssetSelection.all(),
    executor_def=dg.in_process_executor,
    description="Pull every source, validate each load, build and test the dbt models.",
)

nightly_schedule = dg.ScheduleDefinition(
    name="nightly_schedule",
    job=nightly_job,
    cron_schedule=SETTINGS.schedule_cron,
    execution_timezone=SETTINGS.timezone,
    default_status=dg.DefaultScheduleStatus.RUNNING,
)

defs = dg.Definitions(
    jobs=[nightly_job],
    schedules=[nightly_schedule],
    resources={
        "sources": SourcesResource(
            sandbox_url=SETTINGS.sandbox_url,
            now_override=SETTINGS.now.isoformat() if SETTINGS.now else None,
        ),
        "warehouse": WarehouseResource(path=str(SETTINGS.warehouse)),
    },
)
