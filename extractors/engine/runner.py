"""Run one declared stream of one source: fan out, paginate, track incremental state.

``StreamRun.pages()`` yields one ``Page`` at a time (never the whole stream);
after it is exhausted ``state_after`` holds the state to save together with
the landed batch, and the counters describe the run.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, ContextManager, Iterable, Iterator, Mapping
from urllib.parse import quote

from extractors.engine.config import SourceConfig
from extractors.engine.declarations import ForEachRecordOf, ForEachSetting, Source, Stream
from extractors.engine.errors import ConfigError, ExtractionError, MalformedRecord
from extractors.engine.http import HttpClient, Request
from extractors.engine.incremental import IncrementalRun, RequestPatch, dotted
from extractors.engine.paginators import Reject

logger = logging.getLogger("pantau.extractors")

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass
class Page:
    """One page of records with its lineage.

    request: ``METHOD <redacted absolute URL>`` (+ compact redacted JSON body).
    context: the fan-out placeholder values this page was fetched for (for a
        batched fan-out, each placeholder's list of values in the request).
    number: 1-based page number within its request sequence.
    rejects: parts of the response that are not records, for quarantine.
    """

    records: list[dict[str, Any]]
    request: str
    context: dict[str, Any]
    number: int
    rejects: list[Reject] = field(default_factory=list)
    # Batched fan-out only: one context per record (its own parent), or None where it names none.
    record_contexts: list[dict[str, Any] | None] | None = None


def record_key(stream: Stream, record: Mapping[str, Any], source: str = "") -> str:
    """Primary-key values at the stream's dotted paths, joined with ``|``."""
    parts = []
    for path in stream.primary_key:
        value = dotted(record, path)
        if value is None or value == "":
            raise MalformedRecord(source or "?", stream.name, path)
        parts.append(str(value))
    return "|".join(parts)


def cursor_value(stream: Stream, record: Mapping[str, Any]) -> str | None:
    """The record's raw cursor-field value as text, None without a cursor field or value."""
    if stream.cursor_field is None:
        return None
    value = dotted(record, stream.cursor_field)
    return None if value is None else str(value)


def fill(template: str, values: Mapping[str, Any], *, strict: bool, quote_values: bool = False) -> str:
    """Replace ``{name}`` placeholders.

    Strict (paths): an unknown name is a configuration error.  Lenient (params,
    bodies): unknown names stay literal, since Graph field expansion such as
    ``business_discovery.username(x){followers_count}`` uses braces too.
    """

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            if strict:
                known = ", ".join(sorted(values)) or "none"
                raise ConfigError(f"placeholder {{{name}}} in {template!r} has no value (known: {known})")
            return match.group(0)
        text = str(values[name])
        return quote(text, safe="") if quote_values else text

    return _PLACEHOLDER.sub(replace, template)


def _fill_any(value: Any, values: Mapping[str, Any]) -> Any:
    if isinstance(value, str):
        return fill(value, values, strict=False)
    if isinstance(value, Mapping):
        return {k: _fill_any(v, values) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_fill_any(v, values) for v in value]
    return value


def _names_in(value: Any) -> set[str]:
    """The placeholder names used anywhere in a template value."""
    if isinstance(value, str):
        return set(_PLACEHOLDER.findall(value))
    if isinstance(value, Mapping):
        return set().union(*(_names_in(v) for v in value.values()))
    if isinstance(value, (list, tuple)):
        return set().union(*(_names_in(v) for v in value))
    return set()


def _fill_batch(value: Any, values: Mapping[str, Any], contexts: list[dict[str, Any]], names: frozenset[str]) -> Any:
    """Fill a template for a batch of fan-out ``contexts``.

    A list item naming a fan-out placeholder is repeated once per context;
    a fan-out placeholder outside a list item has no single value.
    """
    if isinstance(value, str):
        used = names & _names_in(value)
        if used:
            raise ConfigError(
                f"placeholder {{{sorted(used)[0]}}} in {value!r} is filled per parent, so a batched fan-out "
                "needs it inside an item of a list (repeated once per parent)"
            )
        return fill(value, values, strict=False)
    if isinstance(value, Mapping):
        return {k: _fill_batch(v, values, contexts, names) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        out: list[Any] = []
        for item in value:
            if names & _names_in(item):
                out.extend(_fill_any(item, {**values, **context}) for context in contexts)
            else:
                out.append(_fill_batch(item, values, contexts, names))
        return out
    return value


class _Transport:
    """The paginators' view of the client, bound to one stream."""

    def __init__(self, run: StreamRun) -> None:
        self._run = run
        self.now = run.now

    def json(self, request: Request) -> Any:
        return self._run.client.get_json(self._run.stream.name, request)

    def lines(self, request: Request) -> ContextManager[Iterator[str]]:
        return self._run.client.lines(self._run.stream.name, request)

    def records(self, body: Any) -> list[Any]:
        return self._run.records_of(body)

    def fail(self, request: Request, detail: str) -> ExtractionError:
        client = self._run.client
        url = client.describe(Request(request.method, request.url, request.params)).split(" ", 1)[1]
        return ExtractionError(
            self._run.source.name, self._run.stream.name, url, None, client.redactor.text(detail), method=request.method
        )


class StreamRun:
    """Executes one stream; iterate ``pages()`` once, then read ``state_after``."""

    def __init__(
        self,
        source: Source,
        stream: Stream,
        config: SourceConfig,
        state: Mapping[str, Any] | None,
        now: datetime,
        parents: Iterable[Mapping[str, Any]] | None = None,
        client: HttpClient | None = None,
        scratch_dir: Path | None = None,
    ) -> None:
        """``scratch_dir``: where a client made here downloads streamed bodies (a passed client has its own)."""
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        if isinstance(stream.fan_out, ForEachRecordOf) and parents is None:
            raise ValueError(f"{source.name}/{stream.name} fans out over {stream.fan_out.stream!r}: pass its records as parents")
        if isinstance(stream.fan_out, ForEachRecordOf) and (
            not isinstance(stream.fan_out.batch_size, int) or stream.fan_out.batch_size < 1
        ):
            raise ConfigError(f"{source.name}/{stream.name}: batch_size must be a whole number >= 1")
        self.source = source
        self.stream = stream
        self.config = config
        self.state = dict(state) if state else None
        self.now = now
        self.parents = parents
        self._owns_client = client is None
        self.client = client or HttpClient(source, config, scratch_dir=scratch_dir)
        self._retries_before = self.client.retries
        self._requests_before = self.client.requests
        self._state_after: dict[str, Any] | None = None
        self.pages_count = 0
        self.records_count = 0
        self.rejects_count = 0
        self.skipped_parents = 0

    @property
    def requests(self) -> int:
        return self.client.requests - self._requests_before

    @property
    def retries(self) -> int:
        return self.client.retries - self._retries_before

    @property
    def counters(self) -> dict[str, int]:
        """Run totals for the load report."""
        return {
            "requests": self.requests,
            "retries": self.retries,
            "pages": self.pages_count,
            "records": self.records_count,
            "rejects": self.rejects_count,
            "skipped_parents": self.skipped_parents,
        }

    @property
    def state_after(self) -> dict[str, Any]:
        if self._state_after is None:
            raise RuntimeError(f"{self.source.name}/{self.stream.name}: state_after is known only once pages() is exhausted")
        return self._state_after

    def records_of(self, body: Any) -> list[Any]:
        """Records at the stream's ``record_path``; ``()`` makes the page one record."""
        value = body
        for key in self.stream.record_path:
            value = value.get(key) if isinstance(value, Mapping) else None
        if value is None:
            return []  # X API omits "data" when a query matches nothing
        return list(value) if isinstance(value, list) else [value]

    def pages(self) -> Iterator[Page]:
        try:
            if self.source.resolve_settings is not None:
                self.config = self.source.resolve_settings(
                    self.config, lambda request: self.client.get_json(self.stream.name, request)
                )
        except BaseException:
            if self._owns_client:
                self.client.close()
            raise
        plan: IncrementalRun | None = (
            self.stream.incremental.plan(self.state, self.now, self.config) if self.stream.incremental else None
        )
        transport = _Transport(self)
        try:
            for context, batch in self._request_contexts():
                for patch in plan.patches() if plan else [RequestPatch()]:
                    unpatched = self._first_request(context) if batch is None else self._batch_request(batch)
                    first = patch.apply(unpatched)
                    walk = self.stream.paginator.walk(first, transport)
                    for number, fetched in enumerate(walk, start=1):
                        if plan:
                            plan.observe(fetched.records, self.stream.cursor_field)
                        self.pages_count += 1
                        self.records_count += len(fetched.records)
                        self.rejects_count += len(fetched.rejects)
                        yield Page(
                            fetched.records,
                            self.client.describe(fetched.request),
                            dict(context),
                            number,
                            fetched.rejects,
                            None if batch is None else self._own_parents(fetched.records, batch),
                        )
                    if plan:
                        plan.sequence_done(patch, walk.resume_token)
        finally:
            if self._owns_client:
                self.client.close()
        self._state_after = plan.state_after() if plan else {}

    def _batch_request(self, batch: list[dict[str, Any]]) -> Request:
        """The first request for several parents at once (``ForEachRecordOf.batch_size`` > 1)."""
        scalars = self.config.scalar_values()
        names = frozenset(batch[0])
        try:
            base = fill(self.config.base_url, scalars, strict=True)
            if names & _names_in(self.stream.path):
                raise ConfigError(f"path {self.stream.path!r} names a fan-out placeholder, which a batched fan-out cannot fill")
            path = fill(self.stream.path, scalars, strict=True, quote_values=True)
            params = {k: _fill_batch(v, scalars, batch, names) for k, v in self.stream.params.items()}
            body = (
                _fill_batch(self.stream.json_body, scalars, batch, names) if self.stream.json_body is not None else None
            )
        except ConfigError as exc:
            raise ConfigError(f"{self.source.name}/{self.stream.name}: {exc}") from None
        return Request(self.stream.method.upper(), base + path, params, body)

    def _own_parents(self, records: list[Any], batch: list[dict[str, Any]]) -> list[dict[str, Any] | None]:
        """Each record's own parent context, by ``child_fields``; None where it names none of the batch."""
        child_fields = self.stream.fan_out.child_fields  # type: ignore[union-attr]
        if not child_fields:
            return [None] * len(records)
        names = tuple(child_fields)
        by_values = {tuple(str(context[n]) for n in names): context for context in batch}
        own = []
        for record in records:
            values = tuple(dotted(record, child_fields[n]) for n in names)
            own.append(None if None in values else by_values.get(tuple(str(v) for v in values)))
        return own

    def _request_contexts(self) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]] | None]]:
        """(page context, batch of parent contexts or None) per request sequence."""
        fan_out = self.stream.fan_out
        if not isinstance(fan_out, ForEachRecordOf) or fan_out.batch_size == 1:
            for context in self._contexts():
                yield context, None
            return
        batch: list[dict[str, Any]] = []
        for context in self._parent_contexts(fan_out):
            batch.append(context)
            if len(batch) == fan_out.batch_size:
                yield self._listed(batch), batch
                batch = []
        if batch:
            yield self._listed(batch), batch

    @staticmethod
    def _listed(batch: list[dict[str, Any]]) -> dict[str, Any]:
        return {name: [context[name] for context in batch] for name in batch[0]}

    def _first_request(self, context: Mapping[str, Any]) -> Request:
        values = {**self.config.scalar_values(), **context}
        try:
            base = fill(self.config.base_url, self.config.scalar_values(), strict=True)
            path = fill(self.stream.path, values, strict=True, quote_values=True)
        except ConfigError as exc:
            raise ConfigError(f"{self.source.name}/{self.stream.name}: {exc}") from None
        params = {k: _fill_any(v, values) for k, v in self.stream.params.items()}
        body = _fill_any(self.stream.json_body, values) if self.stream.json_body is not None else None
        return Request(self.stream.method.upper(), base + path, params, body)

    def _contexts(self) -> Iterator[dict[str, Any]]:
        fan_out = self.stream.fan_out
        if fan_out is None:
            yield {}
        elif isinstance(fan_out, ForEachSetting):
            values = self.config.get(fan_out.setting)
            for value in (values,) if isinstance(values, str) else values or ():
                yield {fan_out.placeholder: value}
        else:
            yield from self._parent_contexts(fan_out)

    def _parent_contexts(self, fan_out: ForEachRecordOf) -> Iterator[dict[str, Any]]:
        seen: set[tuple[tuple[str, str], ...]] = set()
        for parent in self.parents or ():
            if fan_out.where is not None and not fan_out.where(parent):
                continue
            context = {name: dotted(parent, path) for name, path in fan_out.fields.items()}
            missing = [fan_out.fields[n] for n, v in context.items() if v is None]
            if missing:
                self.skipped_parents += 1
                logger.warning(
                    "%s/%s: skipping a %s record without %s",
                    self.source.name,
                    self.stream.name,
                    fan_out.stream,
                    ", ".join(missing),
                )
                continue
            # Parents re-fetched in a lookback window or duplicated across pages fan out once.
            key = tuple(sorted((k, str(v)) for k, v in context.items()))
            if key in seen:
                continue
            seen.add(key)
            yield context
