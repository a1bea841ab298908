"""Incremental strategies: what the first request asks for, and the state after a run.

A strategy is a frozen declaration; ``plan(state, now, config)`` makes the
per-run object that patches the stream's first request(s), watches the cursor
values of every record, and computes ``state_after`` once the run is complete.
State is a small JSON-serialisable dict saved with the batch it describes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any, Iterable, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from extractors.engine.config import SourceConfig
from extractors.engine.errors import ConfigError
from extractors.engine.http import Request

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
# Epoch numbers above this are milliseconds: 1e11 s is the year 5138, 1e11 ms is 1973.
_MS_THRESHOLD = 100_000_000_000


def parse_instant(value: Any) -> datetime | None:
    """Normalise a cursor value to an aware UTC datetime.

    Accepts ISO-8601 text (``Z``, ``+00:00`` or ``+0000``, date-only), epoch
    seconds and epoch milliseconds as numbers or digit strings; naive values
    are taken as UTC.  Returns None for values that are none of these.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, (int, float)) or (isinstance(value, str) and value.strip().lstrip("-").isdigit()):
        number = float(value)
        moment = datetime.fromtimestamp(number / 1000 if abs(number) >= _MS_THRESHOLD else number, tz=timezone.utc)
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    else:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def iso(moment: datetime) -> str:
    """How states store instants: ISO-8601 UTC with offset, microseconds kept."""
    return moment.astimezone(timezone.utc).isoformat()


def epoch_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def format_instant(moment: datetime, style: str) -> str:
    """Render an instant the way an API's parameter expects it."""
    moment = moment.astimezone(timezone.utc)
    if style == "unix":
        return str(int(moment.timestamp()))
    if style == "unix_ms":
        return str(epoch_ms(moment))
    if style == "iso8601":  # RFC 3339 without fractions: accepted by X, Mailchimp and Graph alike
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    if style == "date":
        return moment.date().isoformat()
    raise ValueError(f"unknown time format {style!r}; use unix, unix_ms, iso8601 or date")


_PATH_PARTS: dict[str, tuple[str, ...]] = {}
_ABSENT = object()


def dotted(record: Any, path: str) -> Any:
    """The value at a dotted path (``properties.hs_lastmodifieddate``), None when absent.

    Called for every record, several times: parsed JSON is plain dicts, which
    take a fast path (an ``isinstance`` check against ``typing.Mapping`` costs
    more than the lookup itself); other mappings still work.
    """
    parts = _PATH_PARTS.get(path)
    if parts is None:
        parts = tuple(path.split("."))
        if len(_PATH_PARTS) < 4096:  # paths come from declarations; the cap only guards odd callers
            _PATH_PARTS[path] = parts
    current = record
    for part in parts:
        if type(current) is dict:
            current = current.get(part, _ABSENT)
            if current is _ABSENT:
                return None
        elif isinstance(current, Mapping) and part in current:
            current = current[part]
        else:
            return None
    return current


@dataclass(frozen=True)
class RequestPatch:
    """Changes one incremental window makes to a stream's first request."""

    params: Mapping[str, Any] = field(default_factory=dict)
    remove_params: tuple[str, ...] = ()
    json: Mapping[str, Any] | None = None

    def apply(self, request: Request) -> Request:
        params = {k: v for k, v in {**request.params, **self.params}.items() if k not in self.remove_params}
        body = request.json
        if self.json is not None:
            body = {**(body or {}), **self.json}
        return Request(request.method, request.url, params, body)


@dataclass(frozen=True)
class _SearchFilterPatch(RequestPatch):
    """ANDs the incremental filter into every filter group the stream already declares."""

    filter: Mapping[str, Any] = field(default_factory=dict)
    sort: Mapping[str, Any] = field(default_factory=dict)

    def apply(self, request: Request) -> Request:
        body = dict(request.json or {})
        groups = [dict(g) for g in body.get("filterGroups") or [{"filters": []}]]
        for group in groups:
            group["filters"] = [*group.get("filters", []), dict(self.filter)]
        body["filterGroups"] = groups
        body["sorts"] = [dict(self.sort)]
        return Request(request.method, request.url, dict(request.params), body)


class IncrementalRun:
    """Per-run state of an incremental strategy."""

    def patches(self) -> list[RequestPatch]:
        """One request sequence is issued per patch (per fan-out context)."""
        return [RequestPatch()]

    def observe(self, records: Iterable[Mapping[str, Any]], cursor_field: str | None) -> None:
        """Called with every page's records."""

    def sequence_done(self, patch: RequestPatch, resume_token: str | None) -> None:
        """Called when the request sequence of one patch is exhausted."""

    def state_after(self) -> dict[str, Any]:
        raise NotImplementedError


class Incremental:
    """Base of the incremental strategy declarations."""

    def plan(self, state: Mapping[str, Any] | None, now: datetime, config: SourceConfig) -> IncrementalRun:
        raise NotImplementedError


class _MaxCursorRun(IncrementalRun):
    """Tracks the maximum cursor value seen; the state is ``{"cursor": <ISO-8601>}``."""

    def __init__(self, patch: RequestPatch, saved: datetime | None) -> None:
        self._patch = patch
        self.saved = saved
        self.seen: datetime | None = None

    def patches(self) -> list[RequestPatch]:
        return [self._patch]

    def observe(self, records: Iterable[Mapping[str, Any]], cursor_field: str | None) -> None:
        if cursor_field is None:
            return
        for record in records:
            moment = parse_instant(dotted(record, cursor_field))
            if moment is not None and (self.seen is None or moment > self.seen):
                self.seen = moment

    def state_after(self) -> dict[str, Any]:
        best = max((m for m in (self.saved, self.seen) if m is not None), default=None)
        return {} if best is None else {"cursor": iso(best)}


def _saved_cursor(state: Mapping[str, Any] | None) -> datetime | None:
    return parse_instant((state or {}).get("cursor"))


def first_start(now: datetime, start: timedelta | None, config: SourceConfig,
                earliest: datetime | None = None) -> datetime | None:
    """Where a stream's first run starts: the configured history start (``PANTAU_HISTORY_START``),
    else ``now - start``, else (``start`` None) the account's whole history, given as None; never
    before ``earliest``, the oldest instant the API accepts."""
    history = getattr(config, "history_start", None)
    moment = history if history is not None else (None if start is None else now - start)
    return _not_before(moment, earliest)


def _not_before(moment: datetime | None, earliest: datetime | None) -> datetime | None:
    if earliest is None:
        return moment
    return earliest if moment is None or moment < earliest else moment


@dataclass(frozen=True)
class SinceParam(Incremental):
    """``param`` = (saved max cursor, or the first start) - ``lookback``; optional ``until_param`` = now.

    The lookback re-fetches recent records so their changing counts (likes,
    comments) are refreshed.  The first start is ``first_start``: the configured
    history start, else now - ``start``; with ``start`` None and no history start
    a first run sends no ``param`` (the API's whole history), or ``earliest`` when
    the API refuses older values (X: 2010-11-06).
    """

    param: str
    format: str = "unix"
    lookback: timedelta = timedelta(days=3)
    start: timedelta | None = timedelta(days=400)
    until_param: str | None = None
    earliest: datetime | None = None

    def plan(self, state: Mapping[str, Any] | None, now: datetime, config: SourceConfig) -> IncrementalRun:
        saved = _saved_cursor(state)
        first = saved if saved is not None else first_start(now, self.start, config)
        since = _not_before(None if first is None else first - self.lookback, self.earliest)
        params = {} if since is None else {self.param: format_instant(since, self.format)}
        if self.until_param:
            params[self.until_param] = format_instant(now, self.format)
        return _MaxCursorRun(RequestPatch(params=params), saved)


class _ResumeTokenRun(IncrementalRun):
    def __init__(self, patch: RequestPatch, saved: str | None) -> None:
        self._patch = patch
        self.token = saved

    def patches(self) -> list[RequestPatch]:
        return [self._patch]

    def sequence_done(self, patch: RequestPatch, resume_token: str | None) -> None:
        if resume_token:
            self.token = resume_token

    def state_after(self) -> dict[str, Any]:
        return {} if self.token is None else {"cursor": self.token}


@dataclass(frozen=True)
class ResumeToken(Incremental):
    """Zendesk cursor-based export: first run sends ``start_time``, later runs the saved cursor.

    The state is the paginator's last ``after_cursor``, which Zendesk keeps
    valid for resuming exactly where the previous export ended.
    """

    param: str = "cursor"
    start_param: str = "start_time"
    start_format: str = "unix"
    # None: the whole history (start_time 0, the epoch, which Zendesk's export accepts).
    start: timedelta | None = timedelta(days=400)

    def plan(self, state: Mapping[str, Any] | None, now: datetime, config: SourceConfig) -> IncrementalRun:
        saved = (state or {}).get("cursor")
        if saved:
            patch = RequestPatch(params={self.param: saved}, remove_params=(self.start_param,))
        else:
            first = first_start(now, self.start, config, earliest=_EPOCH)
            patch = RequestPatch(params={self.start_param: format_instant(first, self.start_format)})
        return _ResumeTokenRun(patch, saved)


@dataclass(frozen=True)
class HubSpotSearchFilter(Incremental):
    """HubSpot CRM search: ``property`` GTE (saved max - lookback) in epoch ms, sorted ascending.

    A first run starts at the configured history start, else now - ``start``; with
    ``start=None`` it reads the whole history (GTE 0).
    """

    property: str
    lookback: timedelta = timedelta(hours=1)
    start: timedelta | None = None

    def plan(self, state: Mapping[str, Any] | None, now: datetime, config: SourceConfig) -> IncrementalRun:
        saved = _saved_cursor(state)
        first = saved if saved is not None else first_start(now, self.start, config)
        value = 0 if first is None else max(0, epoch_ms(first - self.lookback))
        patch = _SearchFilterPatch(
            filter={"propertyName": self.property, "operator": "GTE", "value": str(value)},
            sort={"propertyName": self.property, "direction": "ASCENDING"},
        )
        return _MaxCursorRun(patch, saved)


class _DayWindowsRun(IncrementalRun):
    def __init__(self, windows: list[tuple[date, date]], patches: list[RequestPatch], saved: date | None) -> None:
        self._ends = {id(p): end for p, (_, end) in zip(patches, windows)}
        self._patches = patches
        self.last_day = saved

    def patches(self) -> list[RequestPatch]:
        return self._patches

    def sequence_done(self, patch: RequestPatch, resume_token: str | None) -> None:
        end = self._ends[id(patch)]
        if self.last_day is None or end > self.last_day:
            self.last_day = end

    def state_after(self) -> dict[str, Any]:
        return {} if self.last_day is None else {"last_day": self.last_day.isoformat()}


@dataclass(frozen=True)
class DayWindows(Incremental):
    """Mixpanel raw export: whole project-time-zone days, one request per window.

    Windows run from ``last_day - lookback_days + 1`` (re-reading the last
    ``lookback_days`` loaded days for late events; the first run starts at the
    configured history start's day, else today - ``start``) through yesterday; today's incomplete day is never
    requested.  ``timezone_setting`` names the setting holding the project's
    IANA time zone (UTC when unset).  State: ``{"last_day": "YYYY-MM-DD"}``.
    """

    from_param: str = "from_date"
    to_param: str = "to_date"
    lookback_days: int = 2
    start: timedelta = timedelta(days=400)
    window_days: int = 1
    timezone_setting: str | None = "project_timezone"

    def plan(self, state: Mapping[str, Any] | None, now: datetime, config: SourceConfig) -> IncrementalRun:
        today = now.astimezone(self._zone(config)).date()
        yesterday = today - timedelta(days=1)
        saved = date.fromisoformat(state["last_day"]) if state and state.get("last_day") else None
        if saved:
            first = saved - timedelta(days=self.lookback_days - 1)
        elif getattr(config, "history_start", None) is not None:
            first = config.history_start.astimezone(self._zone(config)).date()
        else:
            first = today - self.start
        windows: list[tuple[date, date]] = []
        day = first
        while day <= yesterday:
            end = min(day + timedelta(days=self.window_days - 1), yesterday)
            windows.append((day, end))
            day = end + timedelta(days=1)
        patches = [
            RequestPatch(params={self.from_param: a.isoformat(), self.to_param: b.isoformat()}) for a, b in windows
        ]
        return _DayWindowsRun(windows, patches, saved)

    def _zone(self, config: SourceConfig) -> ZoneInfo | timezone:
        name = config.get(self.timezone_setting) if self.timezone_setting else None
        if not name:
            return timezone.utc
        try:
            return ZoneInfo(str(name))
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(f"{config.source_name}: {name!r} is not an IANA time zone") from None


class _RunClockRun(IncrementalRun):
    """One request sequence; the state is the run's own clock, not a record value."""

    def __init__(self, patch: RequestPatch, now: datetime) -> None:
        self._patch = patch
        self._now = now

    def patches(self) -> list[RequestPatch]:
        return [self._patch]

    def state_after(self) -> dict[str, Any]:
        return {"cursor": iso(self._now)}


@dataclass(frozen=True)
class SinceLastRun(Incremental):
    """A time parameter that starts where the previous run's clock stood.

    For records that carry no time of their own (Mailchimp recipients with an
    ``activity`` array, users expanded from an X timeline page): ``param`` =
    previous run's now − ``lookback``.  A first run asks from ``first_start``
    (the configured history start, else now − ``start``), or sends no ``param``
    at all when both are unset (the API's whole history), never before
    ``earliest``.  State: ``{"cursor": <now of the run>}``.
    """

    param: str
    format: str = "iso8601"
    lookback: timedelta = timedelta(days=1)
    start: timedelta | None = None
    earliest: datetime | None = None

    def plan(self, state: Mapping[str, Any] | None, now: datetime, config: SourceConfig) -> IncrementalRun:
        saved = _saved_cursor(state)
        since = saved - self.lookback if saved is not None else first_start(now, self.start, config)
        since = _not_before(since, self.earliest)
        params = {} if since is None else {self.param: format_instant(since, self.format)}
        return _RunClockRun(RequestPatch(params=params), now)


def _utc_midnight(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)


@dataclass(frozen=True)
class GraphInsightsWindows(Incremental):
    """Graph API insights (``/{ig-user-id}/insights``, ``/{page-id}/insights``).

    These edges take a ``since``/``until`` range no longer than a maximum span
    (30 days for Instagram's ``follower_count``, 93 for Page insights) and answer
    with ``paging.next`` pointing at the following window; this asks for the
    first window only and ``GraphCursor`` walks the rest up to now.  The first
    window starts at the previous run's now − ``lookback`` (restated values), or
    on a first run at the configured history start, else now − ``start``; never
    before now − ``max_history`` (data the API no longer serves), aligned to UTC
    midnight.  State: the run's clock.
    """

    window: timedelta = timedelta(days=30)
    lookback: timedelta = timedelta(days=3)
    start: timedelta = timedelta(days=29)
    max_history: timedelta | None = None
    since_param: str = "since"
    until_param: str = "until"
    format: str = "unix"

    def plan(self, state: Mapping[str, Any] | None, now: datetime, config: SourceConfig) -> IncrementalRun:
        saved = _saved_cursor(state)
        since = _utc_midnight((saved - self.lookback) if saved is not None else first_start(now, self.start, config))
        if self.max_history is not None:
            since = max(since, _utc_midnight(now) - self.max_history)
        until = since + self.window
        params = {self.since_param: format_instant(since, self.format), self.until_param: format_instant(until, self.format)}
        return _RunClockRun(RequestPatch(params=params), now)
