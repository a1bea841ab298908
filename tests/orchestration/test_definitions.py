"""The Dagster definitions load, and hold what the nightly run needs."""
from __future__ import annotations

import dagster as dg

from extractors.sources import all_sources


def test_definitions_load_with_every_stream_as_a_checked_asset():
    """GIVEN the repository's definitions
    WHEN Dagster loads them
    THEN every declared stream is a raw asset grouped by its source with a suite check and a freshness
    check, neither blocking (a failed stream costs its freshness, not the night),
    every staging model is an asset downstream of its raw asset, and the nightly job and schedule exist."""
    from orchestration.definitions import defs

    repo = defs.get_repository_def()
    graph = repo.asset_graph
    keys = {k.to_user_string() for k in graph.get_all_asset_keys()}
    streams = [(s.name, st.name) for s in all_sources() for st in s.streams]
    assert len({s for s, _ in streams}) == 8
    for source, stream in streams:
        key = dg.AssetKey(["raw", f"{source}__{stream}"])
        assert key.to_user_string() in keys
        node = graph.get(key)
        assert node.group_name == source
        checks = graph.get_check_keys_for_assets({key})
        assert {c.name for c in checks} == {"great_expectations_suite", "fresh"}
        assert not any(graph.get_check_spec(c).blocking for c in checks)
    staging = [k for k in keys if k.startswith("staging/")]
    assert len(staging) >= len(streams) - 2  # a stream may feed a model with its parent
    for key in staging:
        parents = graph.get(dg.AssetKey.from_user_string(key)).parent_keys
        assert any(p.path[0] == "raw" for p in parents), key
    job = repo.get_job("nightly")
    assert job.executor_def.name == "in_process"
    schedule = repo.get_schedule_def("nightly_schedule")
    assert schedule.cron_schedule == "0 2 * * *"
    assert schedule.execution_timezone == "Asia/Jakarta"


def test_definitions_hold_a_checked_import_asset_per_export_entity():
    """GIVEN the repository's definitions
    WHEN Dagster loads them
    THEN every export entity of the file source is a raw/files__<entity> asset in group files with the
    raw assets' non-blocking suite and freshness checks, upstream of its stg_files__<entity> staging model."""
    from extractors.files import ENTITIES
    from orchestration.definitions import defs

    graph = defs.get_repository_def().asset_graph
    for entity in ENTITIES:
        key = dg.AssetKey(["raw", f"files__{entity.name}"])
        assert graph.get(key).group_name == "files"
        checks = graph.get_check_keys_for_assets({key})
        assert {c.name for c in checks} == {"great_expectations_suite", "fresh"}
        assert not any(graph.get_check_spec(c).blocking for c in checks)
        assert key in graph.get(dg.AssetKey(["staging", f"stg_files__{entity.name}"])).parent_keys
