"""Pagination styles of the APIs Pantau reads, as stateless declarations.

A ``Paginator`` is a frozen dataclass shared by module-level ``Stream``
constants; ``walk(first, transport)`` creates the per-run ``PageWalk`` that
issues the requests and yields one ``Fetched`` page at a time, so memory is
bounded by a page.  ``PageWalk.resume_token`` exposes a cursor to resume from
next run (Zendesk's ``after_cursor``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, ContextManager, Iterator, Mapping, Protocol
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from extractors.engine.errors import ExtractionError
from extractors.engine.http import Request, loads
from extractors.engine.incremental import dotted, epoch_ms, parse_instant


@dataclass(frozen=True)
class Reject:
    """A piece of a response that is not a record (e.g. an unparsable JSON line), kept for quarantine."""

    raw: str
    reason: str


@dataclass
class Fetched:
    request: Request
    records: list[Any]
    rejects: list[Reject] = field(default_factory=list)


class Transport(Protocol):
    """What a paginator may do: fetch JSON, stream lines, find records in a page."""

    now: datetime

    def json(self, request: Request) -> Any: ...

    def lines(self, request: Request) -> ContextManager[Iterator[str]]: ...

    def records(self, body: Any) -> list[Any]: ...

    def fail(self, request: Request, detail: str) -> ExtractionError: ...


class PageWalk:
    """Per-run iteration over the pages of one request sequence."""

    def __init__(self, pages: Callable[[PageWalk], Iterator[Fetched]]) -> None:
        self.resume_token: str | None = None
        self._pages = pages(self)

    def __iter__(self) -> Iterator[Fetched]:
        return self._pages


class Paginator:
    """Base of the pagination declarations."""

    def walk(self, first: Request, transport: Transport) -> PageWalk:
        return PageWalk(lambda walk: self._pages(first, transport, walk))

    def _pages(self, first: Request, transport: Transport, walk: PageWalk) -> Iterator[Fetched]:
        raise NotImplementedError


def _body_at(body: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(body, Mapping):
            return None
        body = body.get(key)
    return body


def _without_query_params(url: str, names: frozenset[str]) -> str:
    parts = urlsplit(url)
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in names]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(kept), parts.fragment))


@dataclass(frozen=True)
class SinglePage(Paginator):
    """The response is the whole collection (or a single object)."""

    def _pages(self, first: Request, transport: Transport, walk: PageWalk) -> Iterator[Fetched]:
        yield Fetched(first, transport.records(transport.json(first)))


@dataclass(frozen=True)
class GraphCursor(Paginator):
    """Meta Graph API: follow the absolute ``paging.next`` URL while present.

    ``access_token`` is dropped from next URLs because the token travels in the
    Authorization header; keeping it out of URLs keeps it out of access logs.
    Insights windows (``since``/``until`` in next URLs) stop once a window
    would start at or after the run's ``now`` — Graph offers future windows
    indefinitely.  An empty page also ends the walk.
    """

    limit: int | None = None

    def _pages(self, first: Request, transport: Transport, walk: PageWalk) -> Iterator[Fetched]:
        request = first.with_params(limit=self.limit) if self.limit else first
        while True:
            body = transport.json(request)
            records = transport.records(body)
            yield Fetched(request, records)
            next_url = _body_at(body, "paging", "next")
            if not next_url or not records:
                return
            next_request = Request("GET", _without_query_params(next_url, frozenset({"access_token"})))
            if next_request.url == request.url or self._window_in_future(next_url, transport.now):
                return
            request = next_request

    @staticmethod
    def _window_in_future(url: str, now: datetime) -> bool:
        since = dict(parse_qsl(urlsplit(url).query)).get("since")
        moment = parse_instant(since)
        return moment is not None and moment >= now


@dataclass(frozen=True)
class HubSpotAfter(Paginator):
    """HubSpot CRM v3 GET lists: ``paging.next.after`` becomes the ``after`` param."""

    limit: int = 100

    def _pages(self, first: Request, transport: Transport, walk: PageWalk) -> Iterator[Fetched]:
        request = first.with_params(limit=self.limit)
        while True:
            body = transport.json(request)
            yield Fetched(request, transport.records(body))
            after = _body_at(body, "paging", "next", "after")
            if not after:
                return
            request = request.with_params(after=after)


@dataclass(frozen=True)
class HubSpotSearch(Paginator):
    """HubSpot CRM v3 search (POST ``/crm/v3/objects/<type>/search``).

    Pages with ``after`` in the body, ``limit`` at most 200.  Search refuses to
    page past ``max_results`` (10,000), so when ``after`` would reach it the
    walk re-anchors: a new search whose GTE filter on the sort property starts
    at the last value seen, skipping the ids already yielded at that value.
    """

    limit: int = 200
    max_results: int = 10_000

    def _pages(self, first: Request, transport: Transport, walk: PageWalk) -> Iterator[Fetched]:
        body = dict(first.json or {})
        body["limit"] = min(self.limit, 200)
        body.pop("after", None)
        sorts = body.get("sorts") or []
        prop = sorts[0].get("propertyName") if sorts and isinstance(sorts[0], Mapping) else None
        anchor: int | None = None
        last_value: int | None = None
        last_ids: set[str] = set()
        skip_ids: set[str] = set()
        while True:
            request = Request("POST", first.url, dict(first.params), dict(body))
            page = transport.json(request)
            records = [r for r in transport.records(page) if str(_body_at(r, "id")) not in skip_ids]
            if prop is not None:
                for record in transport.records(page):
                    moment = parse_instant(dotted(record, f"properties.{prop}"))
                    if moment is None:
                        continue
                    value = epoch_ms(moment)
                    if last_value is None or value > last_value:
                        last_value, last_ids = value, {str(_body_at(record, "id"))}
                    elif value == last_value:
                        last_ids.add(str(_body_at(record, "id")))
            yield Fetched(request, records)
            after = _body_at(page, "paging", "next", "after")
            if not after:
                return
            if int(after) < self.max_results:
                body["after"] = after
                continue
            if prop is None or last_value is None:
                raise transport.fail(request, f"search passed {self.max_results} results and has no sort property to re-anchor on")
            if last_value == anchor:
                raise transport.fail(
                    request, f"more than {self.max_results} records share {prop}={last_value}; cannot re-anchor the search"
                )
            anchor, skip_ids = last_value, set(last_ids)
            body.pop("after", None)
            body["filterGroups"] = self._anchored(body.get("filterGroups"), prop, anchor)

    @staticmethod
    def _anchored(groups: Any, prop: str, value: int) -> list[dict[str, Any]]:
        anchored = []
        for group in groups or [{"filters": []}]:
            filters = [f for f in group.get("filters", []) if not (f.get("propertyName") == prop and f.get("operator") == "GTE")]
            anchored.append({**group, "filters": [*filters, {"propertyName": prop, "operator": "GTE", "value": str(value)}]})
        return anchored


@dataclass(frozen=True)
class ZendeskIncrementalCursor(Paginator):
    """Zendesk cursor-based incremental export (``/api/v2/incremental/<items>/cursor.json``).

    The first request carries ``start_time`` or a saved ``cursor``; each next
    one carries the previous ``after_cursor`` until ``end_of_stream`` is true.
    The last ``after_cursor`` is the resume token for the next run.
    """

    per_page: int | None = None

    def _pages(self, first: Request, transport: Transport, walk: PageWalk) -> Iterator[Fetched]:
        request = first.with_params(per_page=self.per_page) if self.per_page else first
        while True:
            body = transport.json(request)
            yield Fetched(request, transport.records(body))
            cursor = _body_at(body, "after_cursor")
            if cursor:
                walk.resume_token = str(cursor)
            if _body_at(body, "end_of_stream") is True:
                return
            if cursor:
                request = request.with_params(cursor=cursor, start_time=None)
            elif _body_at(body, "after_url"):
                request = Request("GET", str(body["after_url"]))
            else:
                return


@dataclass(frozen=True)
class ZendeskCursor(Paginator):
    """Zendesk cursor pagination for ordinary lists: ``page[size]``, ``meta.has_more``, ``meta.after_cursor``."""

    page_size: int = 100

    def _pages(self, first: Request, transport: Transport, walk: PageWalk) -> Iterator[Fetched]:
        request = first.with_params(**{"page[size]": self.page_size})
        while True:
            body = transport.json(request)
            yield Fetched(request, transport.records(body))
            if _body_at(body, "meta", "has_more") is not True:
                return
            cursor = _body_at(body, "meta", "after_cursor")
            next_url = _body_at(body, "links", "next")
            if cursor:
                request = request.with_params(**{"page[after]": cursor})
            elif next_url:
                request = Request("GET", str(next_url))
            else:
                return


@dataclass(frozen=True)
class XNextToken(Paginator):
    """X API v2: ``meta.next_token`` becomes ``pagination_token``; no token, no more pages."""

    def _pages(self, first: Request, transport: Transport, walk: PageWalk) -> Iterator[Fetched]:
        request = first
        while True:
            body = transport.json(request)
            yield Fetched(request, transport.records(body))
            token = _body_at(body, "meta", "next_token")
            if not token:
                return
            request = request.with_params(pagination_token=token)


@dataclass(frozen=True)
class StripeStartingAfter(Paginator):
    """Stripe lists: while ``has_more``, ``starting_after`` = id of the last object in ``data``.

    The last object *with* an id: a malformed last object (no id; quarantined by the
    load) must not drop the parameter, which would ask for the first page again, for
    ever. The next page then starts a little earlier and repeats what it already gave
    (the load keeps one of each). A page with no id at all, or a cursor that does not
    move, fails the stream instead of looping.
    """

    limit: int = 100

    def _pages(self, first: Request, transport: Transport, walk: PageWalk) -> Iterator[Fetched]:
        request = first.with_params(limit=self.limit)
        while True:
            body = transport.json(request)
            records = transport.records(body)
            yield Fetched(request, records)
            if _body_at(body, "has_more") is not True or not records:
                return
            cursor = next((rid for rid in (_body_at(r, "id") for r in reversed(records)) if rid), None)
            if cursor is None or cursor == request.params.get("starting_after"):
                raise transport.fail(
                    request, "has_more is true but the page has no object id to continue after"
                    if cursor is None else f"has_more is true but the page ends at the same object ({cursor}) again"
                )
            request = request.with_params(starting_after=cursor)


@dataclass(frozen=True)
class MailchimpOffset(Paginator):
    """Mailchimp Marketing v3: ``count`` + ``offset`` until ``total_items`` is reached or a page is short."""

    count: int = 1000

    def _pages(self, first: Request, transport: Transport, walk: PageWalk) -> Iterator[Fetched]:
        offset = 0
        while True:
            request = first.with_params(count=self.count, offset=offset)
            body = transport.json(request)
            records = transport.records(body)
            yield Fetched(request, records)
            offset += self.count
            total = _body_at(body, "total_items")
            if len(records) < self.count or (isinstance(total, int) and offset >= total):
                return


@dataclass(frozen=True)
class JsonLines(Paginator):
    """Mixpanel raw export: one streamed newline-delimited JSON response, yielded in batches.

    Lines that are not JSON objects are passed on as ``Reject`` for
    quarantine rather than dropped or allowed to stop the load.
    """

    batch_size: int = 5000

    def _pages(self, first: Request, transport: Transport, walk: PageWalk) -> Iterator[Fetched]:
        with transport.lines(first) as lines:
            records: list[Any] = []
            rejects: list[Reject] = []
            for line in lines:
                try:
                    record = loads(line)
                except ValueError as exc:
                    rejects.append(Reject(line, f"not JSON: {exc}"))
                else:
                    if isinstance(record, dict):
                        records.append(record)
                    else:
                        rejects.append(Reject(line, "JSON line is not an object"))
                if len(records) + len(rejects) >= self.batch_size:
                    yield Fetched(first, records, rejects)
                    records, rejects = [], []
            if records or rejects:
                yield Fetched(first, records, rejects)
