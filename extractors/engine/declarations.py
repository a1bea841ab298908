"""The vocabulary a source folder uses to declare itself as data.

A source (``extractors/sources/<name>/source.py``) builds one ``Source`` out of
these classes; the shared engine does all the HTTP, paging, retrying and
incremental bookkeeping.  Adding a stream is adding a ``Stream(...)`` to a
source's tuple, never new engine code.

Placeholders: ``Stream.path``, string values in ``Stream.params`` and
``Stream.json_body`` may contain ``{name}`` placeholders.  They are filled from
the source's settings (``{user_id}``) and from the fan-out context
(``{media_id}``, ``{competitor_username}``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Callable, Mapping

# Paginators, incremental strategies, auth styles and rate-limit policies are
# engine classes; declarations only reference them.
from extractors.engine.auth import Auth
from extractors.engine.config import SourceConfig
from extractors.engine.http import Request
from extractors.engine.incremental import Incremental
from extractors.engine.paginators import Paginator, SinglePage
from extractors.engine.rate_limits import RateLimitPolicy


@dataclass(frozen=True)
class Setting:
    """One configuration value of a source, read from ``PANTAU_<SOURCE>_<NAME>``.

    ``secret`` settings are redacted everywhere (logs, errors, the warehouse).
    ``is_list`` settings are comma-separated in the environment.
    """

    name: str
    description: str
    required: bool = True
    secret: bool = False
    default: str | None = None
    is_list: bool = False


@dataclass(frozen=True)
class ForEachRecordOf:
    """Fan a stream out over records of another stream of the same source.

    The engine takes the parent records landed since this stream last ran
    (parents re-fetched inside their lookback window come back, so children of
    recent parents are refreshed too), optionally filtered by ``where``, and
    issues one paged request sequence per parent.  ``fields`` maps a
    placeholder name to a dotted path in the parent record.

    ``batch_size`` > 1 puts up to that many parents into one request, for
    batch endpoints: an item of a ``json_body`` (or ``params``) list that
    names a fan-out placeholder is repeated once per parent of the request,
    so ``{"inputs": [{"id": "{deal_id}"}]}`` becomes ``{"inputs": [{"id":
    "1"}, {"id": "2"}, ...]}``; fan-out placeholders anywhere else are a
    configuration error.  ``child_fields`` maps a placeholder to a dotted path
    in a child record naming its parent (``{"deal_id": "from.id"}``), so each
    raw row's context names its own parent; without it (or when a record
    names no parent of the request) the context lists the request's parents.
    """

    stream: str
    fields: Mapping[str, str]
    where: Callable[[Mapping[str, Any]], bool] | None = None
    batch_size: int = 1
    child_fields: Mapping[str, str] | None = None


@dataclass(frozen=True)
class ForEachSetting:
    """Fan a stream out over the values of a list setting (e.g. competitor handles)."""

    setting: str
    placeholder: str


@dataclass(frozen=True)
class Stream:
    """One API collection landed as ``raw.<source>__<name>``.

    record_path: keys leading from a page's JSON to its list of records;
        ``()`` means the page itself is the single record.
    primary_key: dotted paths into a record; together they identify it.
    cursor_field: dotted path whose maximum over a batch advances the state.
    The fan-out values a request used (e.g. the media id an insight belongs
    to) land beside each record in the raw row's ``context`` column.
    """

    name: str
    path: str
    primary_key: tuple[str, ...] = ("id",)
    record_path: tuple[str, ...] = ("data",)
    cursor_field: str | None = None
    paginator: Paginator = field(default_factory=SinglePage)
    params: Mapping[str, Any] = field(default_factory=dict)
    method: str = "GET"
    json_body: Mapping[str, Any] | None = None
    incremental: Incremental | None = None
    fan_out: ForEachRecordOf | ForEachSetting | None = None
    description: str = ""


@dataclass(frozen=True)
class Source:
    """A source system: where it lives, how to authenticate, what to fetch.

    ``resolve_settings`` (optional) turns settings into the values the streams
    need before a stream's first request, through the API itself (e.g. X handles
    into numeric user ids): it gets the config and a ``get_json(Request)`` that
    retries and rate-limits like every request, and returns the config to use.
    """

    name: str
    default_base_url: str
    auth: Auth
    rate_limit: RateLimitPolicy
    settings: tuple[Setting, ...]
    streams: tuple[Stream, ...]
    description: str = ""
    resolve_settings: Callable[[SourceConfig, Callable[[Request], Any]], SourceConfig] | None = None
    connect_timeout: float = 10.0
    read_timeout: float = 60.0

    def stream(self, name: str) -> Stream:
        for s in self.streams:
            if s.name == name:
                return s
        raise KeyError(f"source {self.name!r} has no stream {name!r}")


DEFAULT_LOOKBACK = timedelta(days=3)
