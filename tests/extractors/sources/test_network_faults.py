"""A night survives the network: connections dropped mid-body land exactly what a calm night lands."""
from __future__ import annotations

from pathlib import Path

import pytest

from extractors.sources import get_source
from tests.extractors.sources.harness import load_all, query


def _landed(warehouse_path: Path, table: str) -> list[tuple[str, str]]:
    """Every raw row's key and record, duplicates kept."""
    return sorted(query(warehouse_path, f"select record_key, record::varchar from raw.{table}"))


@pytest.mark.parametrize(
    "source_name",
    [pytest.param("mixpanel", id="streamed-export"), pytest.param("facebook", id="paged-graph-api")],
)
def test_dropped_connections_land_the_same_records(source_name, sandbox, sandbox_env, tmp_path):
    """GIVEN the tiny sandbox dropping every 10th connection of the API mid-body
    WHEN every stream of the source is loaded THEN each dropped request is retried (one retry per multiple
    of 10 among all requests sent), and raw holds exactly the records, row for row, of a load without faults."""
    source = get_source(source_name)
    streams = tuple(stream.name for stream in source.streams)
    calm = load_all(source, streams, tmp_path / "calm" / "pantau.duckdb")
    sandbox.set_faults(drop_every=10)
    dropped = load_all(source, streams, tmp_path / "dropped" / "pantau.duckdb")

    sent = sum(result.requests for result in calm.values())
    # Of every 10 requests sent the 10th is dropped and the last one sent succeeds: n answers take (n - 1) // 9 drops.
    drops = (sent - 1) // 9
    assert sum(result.requests for result in dropped.values()) == sent + drops
    assert sum(result.retries for result in dropped.values()) == drops > 0
    for stream in streams:
        table = f"{source.name}__{stream}"
        assert dropped[stream].status == calm[stream].status == "committed", table
        assert _landed(tmp_path / "dropped" / "pantau.duckdb", table) == _landed(tmp_path / "calm" / "pantau.duckdb", table), table
