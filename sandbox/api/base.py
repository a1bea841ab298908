"""What every sandbox API module builds on: requests, responses, routes, faults.

An API module subclasses ``Api``, mounts under a path prefix that stands in
for the vendor's host, decorates handlers with ``@route``, and describes its
own error bodies (unauthorised, rate limited, server error) in the vendor's
shape.  The server does the HTTP; faults are applied here, uniformly.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Mapping
from urllib.parse import parse_qs

from sandbox.faults import FaultCounter
from sandbox.world.model import World


@dataclass
class Request:
    method: str
    path: str  # below the API's prefix, e.g. "/17841400000/media"
    query: dict[str, list[str]]
    headers: Mapping[str, str]
    body: bytes
    base_url: str  # scheme://host:port + prefix, for building absolute next links
    params: dict[str, str] = field(default_factory=dict)  # route captures

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default

    def int_arg(self, name: str, default: int, low: int = 1, high: int = 1_000_000) -> int:
        raw = self.arg(name)
        if raw is None:
            return default
        try:
            return max(low, min(high, int(raw)))
        except ValueError:
            raise BadRequest(f"{name} must be an integer, got {raw!r}") from None

    def json(self) -> Any:
        if not self.body:
            return {}
        try:
            return json.loads(self.body)
        except json.JSONDecodeError as exc:
            raise BadRequest(f"request body is not JSON: {exc}") from None

    @classmethod
    def parse_query(cls, raw: str) -> dict[str, list[str]]:
        return parse_qs(raw, keep_blank_values=True)


class BadRequest(Exception):
    """A request the real API would refuse with a 400; each API renders it its own way."""


class NotFound(Exception):
    pass


@dataclass
class Response:
    status: int = 200
    body: bytes | Iterable[bytes] = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, obj: Any, status: int = 200, headers: dict[str, str] | None = None,
             content_type: str = "application/json; charset=utf-8") -> "Response":
        return cls(status, json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode(),
                   {"Content-Type": content_type, **(headers or {})})

    @property
    def streamed(self) -> bool:
        return not isinstance(self.body, (bytes, bytearray))


Handler = Callable[["Api", Request], Response]


def route(method: str, pattern: str) -> Callable[[Handler], Handler]:
    """Mark an ``Api`` method as the handler of ``method`` + path regex (anchored)."""

    def mark(fn: Handler) -> Handler:
        fn.__sandbox_route__ = (method.upper(), re.compile(pattern + r"/?$"))  # type: ignore[attr-defined]
        return fn

    return mark


class Api:
    """Base of one vendor API. Subclasses set ``name``, ``prefix`` and the error shapes."""

    name: str = ""
    prefix: str = ""  # e.g. "/instagram/v21.0"

    def __init__(self, world: World, faults: FaultCounter):
        self.world = world
        self.faults = faults
        self.routes = [
            (*fn.__sandbox_route__, fn)
            for fn in (getattr(type(self), attr) for attr in dir(type(self)))
            if hasattr(fn, "__sandbox_route__")
        ]

    # -- the vendor's own shapes, overridden per API -------------------------
    def authorized(self, req: Request) -> bool:
        raise NotImplementedError

    def unauthorized(self, req: Request) -> Response:
        return Response.json({"error": "unauthorized"}, 401)

    def rate_limited(self, req: Request, wait_seconds: int) -> Response:
        return Response.json({"error": "rate limited"}, 429, {"Retry-After": str(wait_seconds)})

    def server_error(self, req: Request) -> Response:
        return Response.json({"error": "service unavailable"}, 503)

    def bad_request(self, req: Request, message: str) -> Response:
        return Response.json({"error": message}, 400)

    def not_found(self, req: Request) -> Response:
        return Response.json({"error": f"no route for {req.method} {req.path}"}, 404)

    def extractor_settings(self, base_url: str) -> dict[str, str]:
        """The ``PANTAU_<SOURCE>_*`` environment that points the extractor here."""
        raise NotImplementedError

    # -- dispatch --------------------------------------------------------------
    def handle(self, req: Request) -> tuple[Response, str | None]:
        """The response and the transport fault to apply ("drop", "slow") if any."""
        fault = self.faults.fault_for(self.faults.next_request(self.name), self.name)
        if not self.authorized(req):
            return self.unauthorized(req), None
        if fault == "rate_limit":
            return self.rate_limited(req, self.faults.faults.rate_limit_wait_seconds), None
        if fault in ("error_5xx", "outage"):
            return self.server_error(req), None
        for method, pattern, fn in self.routes:
            m = pattern.match(req.path)
            if m and method == req.method:
                req.params = m.groupdict()
                try:
                    return fn(self, req), fault
                except BadRequest as exc:
                    return self.bad_request(req, str(exc)), None
                except NotFound:
                    return self.not_found(req), None
        return self.not_found(req), None

    # -- record faults, applied by handlers to each page they serve -------------
    def with_record_faults(self, records: list[dict], key: str = "id", optional: str | None = None,
                           previous_last: dict | None = None) -> list[dict]:
        """Malformed records, duplicates across pages and schema drift, as configured."""
        f = self.faults.faults
        out = []
        if f.duplicate_across_pages and previous_last is not None:
            out.append(previous_last)
        for rec in records:
            n = self.faults.next_record(self.name) if (f.malformed_every or f.corrupt_every) else 0
            if f.malformed_every and n % f.malformed_every == 0:
                rec = {k: v for k, v in rec.items() if k != key}
            if f.corrupt_every and n % f.corrupt_every == 0:
                rec = _corrupted(rec)
            if f.schema_drift:
                rec = {k: v for k, v in rec.items() if k != optional}
                rec["sandbox_new_field"] = "drift"
            out.append(rec)
        return out


def _corrupted(record: dict) -> dict:
    """Values no suite should accept: negative counts, timestamps that are not times."""
    out = {}
    for k, v in record.items():
        if isinstance(v, bool) or k == "id":
            out[k] = v
        elif isinstance(v, int):
            out[k] = -abs(v) - 1
        elif isinstance(v, str) and len(v) >= 10 and v[:4].isdigit() and v[4] == "-":
            out[k] = "not-a-timestamp"
        elif isinstance(v, dict):
            out[k] = _corrupted(v)
        else:
            out[k] = v
    return out


def bearer_token(req: Request) -> str | None:
    auth = req.headers.get("Authorization") or req.headers.get("authorization") or ""
    return auth[7:] if auth.lower().startswith("bearer ") else None


def json_lines(records: Iterator[dict]) -> Iterator[bytes]:
    """Newline-delimited JSON, produced as it is sent (Mixpanel's export shape)."""
    buf: list[bytes] = []
    for rec in records:
        buf.append(json.dumps(rec, separators=(",", ":"), ensure_ascii=False).encode() + b"\n")
        if len(buf) >= 500:
            yield b"".join(buf)
            buf.clear()
    if buf:
        yield b"".join(buf)
