"""Pipeline settings, all from the environment (the same code runs demo, tests, production)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

REPO_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"


class SettingsError(ValueError):
    """A pipeline setting is malformed; the message names the variable."""


@dataclass(frozen=True)
class PipelineSettings:
    warehouse: Path
    published: Path  # the readers' copy (write, audit, publish)
    timezone: str
    schedule_cron: str
    sources: tuple[str, ...] | None  # None: every source found in extractors/sources
    now: datetime | None  # a fixed "now" for replays and tests; None = the wall clock
    sandbox_url: str | None  # when set, every source points at this sandbox
    import_dir: str | None = None  # PANTAU_IMPORT_DIR: the file source's folder, when the brand has exports

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "PipelineSettings":
        env = os.environ if environ is None else environ
        warehouse = Path(env.get("PANTAU_WAREHOUSE", "warehouse/pantau.duckdb"))
        if not warehouse.is_absolute():
            warehouse = (REPO_ROOT / warehouse).resolve()
        published = Path(env.get("PANTAU_PUBLISHED_WAREHOUSE", "") or warehouse.with_name(f"{warehouse.stem}_published.duckdb"))
        if not published.is_absolute():
            published = (REPO_ROOT / published).resolve()
        if published == warehouse:
            raise SettingsError(f"PANTAU_PUBLISHED_WAREHOUSE={published} is the working warehouse; readers need their own file")
        tz = env.get("PANTAU_TIMEZONE", "Asia/Jakarta")
        try:
            ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            raise SettingsError(f"PANTAU_TIMEZONE={tz!r} is not an IANA time zone (e.g. Asia/Jakarta)") from None
        cron = env.get("PANTAU_SCHEDULE_CRON", "0 2 * * *")
        if len(cron.split()) != 5:
            raise SettingsError(f"PANTAU_SCHEDULE_CRON={cron!r} is not a five-field cron expression")
        sources = tuple(s.strip() for s in env.get("PANTAU_SOURCES", "").split(",") if s.strip()) or None
        now = None
        if env.get("PANTAU_NOW"):
            try:
                now = datetime.fromisoformat(env["PANTAU_NOW"])
            except ValueError:
                raise SettingsError(f"PANTAU_NOW={env['PANTAU_NOW']!r} is not an ISO-8601 timestamp") from None
            now = now if now.tzinfo else now.replace(tzinfo=timezone.utc)
        return cls(warehouse, published, tz, cron, sources, now, env.get("PANTAU_SANDBOX_URL") or None,
                   (env.get("PANTAU_IMPORT_DIR") or "").strip() or None)

    def configured_sources(self) -> set[str]:
        """The sources this deployment loads: ``PANTAU_SOURCES`` (every API source when unset),
        and the file source when ``PANTAU_IMPORT_DIR`` names a folder."""
        from extractors.files import SOURCE as FILES
        from extractors.sources import all_sources

        configured = set(self.sources) if self.sources else {s.name for s in all_sources()}
        return configured | ({FILES.name} if self.import_dir else set())

    def current_time(self) -> datetime:
        return self.now or datetime.now(timezone.utc)
