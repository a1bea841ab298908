"""Running a declared stream against the fixture server with the fake clock."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Iterable, Mapping

from extractors.engine.config import SourceConfig
from extractors.engine.declarations import Source, Stream
from extractors.engine.http import HttpClient
from extractors.engine.runner import Page, StreamRun

from .conftest import FakeTime, upper_bound

NOW = datetime(2024, 5, 10, 0, 0, tzinfo=timezone.utc)  # epoch 1715299200


def run_stream(
    source: Source,
    stream: Stream,
    fake_time: FakeTime,
    *,
    env: Mapping[str, str] | None = None,
    state: Mapping[str, Any] | None = None,
    parents: Iterable[Mapping[str, Any]] | None = None,
    now: datetime = NOW,
) -> tuple[list[Page], StreamRun]:
    config = SourceConfig.from_env(source, env or {})
    client = HttpClient(source, config, sleep=fake_time.sleep, clock=fake_time.clock, random=upper_bound)
    run = StreamRun(source, stream, config, state, now, parents=parents, client=client)
    return list(run.pages()), run


def ids(pages: list[Page]) -> list[list[Any]]:
    return [[record["id"] for record in page.records] for page in pages]
