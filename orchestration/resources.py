"""Dagster resources: where the warehouse is and how each source is configured."""
from __future__ import annotations

import os
from datetime import datetime
from functools import lru_cache

import dagster as dg
import requests

from extractors.engine.config import SourceConfig
from extractors.engine.declarations import Source
from orchestration.settings import PipelineSettings


@lru_cache(maxsize=4)
def _sandbox_settings(url: str) -> dict[str, str]:
    try:
        return requests.get(f"{url.rstrip('/')}/_sandbox/settings", timeout=10).json()
    except requests.RequestException as exc:
        raise RuntimeError(f"PANTAU_SANDBOX_URL={url} does not answer: {exc}") from None


class SourcesResource(dg.ConfigurableResource):
    """Source settings from ``PANTAU_<SOURCE>_*``; with a sandbox URL, the sandbox's own."""

    sandbox_url: str | None = None
    now_override: str | None = None

    def environ(self) -> dict[str, str]:
        env = dict(os.environ)
        if self.sandbox_url:
            env.update(_sandbox_settings(self.sandbox_url))
        return env

    def config_for(self, source: Source) -> SourceConfig:
        return SourceConfig.from_env(source, self.environ())

    def now(self) -> datetime:
        settings = PipelineSettings.from_env({"PANTAU_NOW": self.now_override} if self.now_override else {})
        return settings.current_time()


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB file the nightly run writes (one writer at a time)."""

    path: str
