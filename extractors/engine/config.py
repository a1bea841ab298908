"""Source configuration read from the environment.

``PANTAU_<SOURCE>_<SETTING>`` per declared setting, ``PANTAU_<SOURCE>_BASE_URL``
to point a source at the sandbox or the real service, ``PANTAU_<SOURCE>_HISTORY_START``
(or ``PANTAU_HISTORY_START`` for every source) to bound how far a first run reaches back,
and the engine-wide ``PANTAU_HTTP_MAX_ATTEMPTS`` / ``PANTAU_HTTP_MAX_WAIT_SECONDS``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Mapping

from extractors.engine.errors import ConfigError
from extractors.engine.redaction import MASK

if TYPE_CHECKING:
    from extractors.engine.declarations import Source

MAX_ATTEMPTS_VAR = "PANTAU_HTTP_MAX_ATTEMPTS"
MAX_WAIT_VAR = "PANTAU_HTTP_MAX_WAIT_SECONDS"
READ_TIMEOUT_VAR = "PANTAU_HTTP_READ_TIMEOUT_SECONDS"
HISTORY_START_VAR = "PANTAU_HISTORY_START"


def env_var(source_name: str, setting_name: str) -> str:
    """The environment variable holding one setting of one source."""
    return "PANTAU_" + re.sub(r"[^A-Z0-9]+", "_", f"{source_name}_{setting_name}".upper())


@dataclass(frozen=True)
class HttpSettings:
    """Retry budget shared by every source.

    backoff_base / backoff_cap: full-jitter exponential backoff bounds (seconds)
    used when the server gives no wait of its own.  read_timeout_seconds, when
    set, replaces every source's declared read timeout (a network slower, or a
    stall to be noticed sooner, than the API's usual).
    """

    max_attempts: int = 5
    max_wait_seconds: float = 300.0
    backoff_base: float = 1.0
    backoff_cap: float = 60.0
    read_timeout_seconds: float | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> HttpSettings:
        defaults = cls()
        return cls(
            max_attempts=int(_number(environ, MAX_ATTEMPTS_VAR, defaults.max_attempts, integer=True)),
            max_wait_seconds=_number(environ, MAX_WAIT_VAR, defaults.max_wait_seconds, integer=False),
            # unset or 0: each source's declared read timeout
            read_timeout_seconds=_number(environ, READ_TIMEOUT_VAR, 0.0, integer=False) or None,
        )


def _number(environ: Mapping[str, str], var: str, default: float, *, integer: bool) -> float:
    raw = environ.get(var, "").strip()
    if not raw:
        return default
    try:
        value = int(raw) if integer else float(raw)
    except ValueError:
        kind = "a whole number" if integer else "a number of seconds"
        raise ConfigError(f"{var}={raw!r} is not {kind}") from None
    if value < (1 if integer else 0):
        raise ConfigError(f"{var}={raw!r} must be {'at least 1' if integer else 'zero or more'}")
    return value


def history_start(source_name: str, environ: Mapping[str, str]) -> datetime | None:
    """Where a first run starts: ``PANTAU_<SOURCE>_HISTORY_START``, else ``PANTAU_HISTORY_START``
    (an ISO date or instant, UTC when it names no zone); None = each stream's own default,
    which is the account's whole history wherever the API allows it."""
    for var in (env_var(source_name, "history_start"), HISTORY_START_VAR):
        raw = environ.get(var, "").strip()
        if not raw:
            continue
        try:
            moment = datetime.fromisoformat(raw)
        except ValueError:
            raise ConfigError(f"{var}={raw!r} is not an ISO-8601 date or timestamp (e.g. 2015-01-01)") from None
        return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)
    return None


class SourceConfig:
    """Resolved settings of one source; secret values never appear in repr/str."""

    def __init__(
        self,
        source_name: str,
        base_url: str,
        values: Mapping[str, str | tuple[str, ...] | None],
        secret_names: frozenset[str],
        http: HttpSettings | None = None,
        history_start: datetime | None = None,
    ) -> None:
        self.source_name = source_name
        self.base_url = base_url.rstrip("/")
        self._values = dict(values)
        self._secret_names = secret_names
        self.http = http or HttpSettings()
        self.history_start = history_start

    @classmethod
    def from_env(cls, source: Source, environ: Mapping[str, str]) -> SourceConfig:
        values: dict[str, str | tuple[str, ...] | None] = {}
        for setting in source.settings:
            var = env_var(source.name, setting.name)
            raw = environ.get(var, "").strip() or setting.default
            if raw is None and setting.required:
                hint = f" ({setting.description})" if setting.description else ""
                raise ConfigError(f"{source.name}: required setting {setting.name!r} is missing: set {var}{hint}")
            if raw is not None and setting.is_list:
                values[setting.name] = tuple(part.strip() for part in raw.split(",") if part.strip())
            else:
                values[setting.name] = raw
        base_url = environ.get(env_var(source.name, "base_url"), "").strip() or source.default_base_url
        return cls(
            source.name,
            base_url,
            values,
            frozenset(s.name for s in source.settings if s.secret),
            HttpSettings.from_env(environ),
            history_start(source.name, environ),
        )

    def get(self, name: str) -> str | tuple[str, ...] | None:
        """A setting's value (a tuple for list settings, None when optional and unset)."""
        try:
            return self._values[name]
        except KeyError:
            raise ConfigError(f"{self.source_name}: no setting named {name!r} is declared") from None

    def with_values(self, **values: str | tuple[str, ...] | None) -> SourceConfig:
        """A copy with some declared settings replaced (e.g. handles resolved to ids)."""
        unknown = set(values) - set(self._values)
        if unknown:
            raise ConfigError(f"{self.source_name}: no setting named {sorted(unknown)[0]!r} is declared")
        return SourceConfig(self.source_name, self.base_url, {**self._values, **values}, self._secret_names, self.http)

    def scalar_values(self) -> dict[str, str]:
        """Settings usable as ``{placeholders}``: every set, non-list value."""
        return {k: v for k, v in self._values.items() if isinstance(v, str)}

    def secret_values(self) -> tuple[str, ...]:
        """Every configured secret value, for the redactor."""
        found: list[str] = []
        for name in self._secret_names:
            value = self._values.get(name)
            if isinstance(value, str):
                found.append(value)
            elif value:
                found.extend(value)
        return tuple(v for v in found if v)

    def __repr__(self) -> str:
        shown = {k: (MASK if k in self._secret_names and v else v) for k, v in self._values.items()}
        return f"SourceConfig(source={self.source_name!r}, base_url={self.base_url!r}, settings={shown!r})"

    __str__ = __repr__
