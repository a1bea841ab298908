from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import duckdb
import pytest

from extractors.landing.loader import LoadResult, load_stream
from tests.landing import api

NOW = datetime(2026, 6, 30, tzinfo=timezone.utc)


class Harness:
    """The test API, a throw-away warehouse, and shortcuts to load and inspect."""

    def __init__(self, world: api.ApiWorld, base_url: str, warehouse: Path) -> None:
        self.world = world
        self.base_url = base_url
        self.warehouse = warehouse

    def load(self, stream: str, now: datetime = NOW) -> LoadResult:
        return load_stream(
            api.SOURCE, stream, api.config(self.base_url), self.warehouse, now, client=api.client(self.base_url)
        )

    def query(self, sql: str, params: list[Any] | None = None) -> list[tuple]:
        with duckdb.connect(str(self.warehouse), read_only=True) as con:
            return con.execute(sql, params or []).fetchall()

    def raw_ids(self, stream: str = "items") -> list[tuple[int, str]]:
        return self.query(f'SELECT batch_id, record_key FROM raw."testapi__{stream}" ORDER BY batch_id, page_number, record_index')

    def ledger(self) -> list[dict[str, Any]]:
        with duckdb.connect(str(self.warehouse), read_only=True) as con:
            cur = con.execute("SELECT * FROM audit.load_batches ORDER BY batch_id")
            names = [d[0] for d in cur.description]
            return [dict(zip(names, row)) for row in cur.fetchall()]

    def state(self, stream: str = "items") -> dict[str, Any] | None:
        rows = self.query("SELECT state FROM audit.stream_state WHERE source = 'testapi' AND stream = ?", [stream])
        return json.loads(rows[0][0]) if rows else None


@pytest.fixture
def harness(tmp_path):
    world = api.ApiWorld()
    with api.ApiServer(world) as base_url:
        yield Harness(world, base_url, tmp_path / "wh" / "pantau.duckdb")
