"""Mixpanel raw event export API (``GET https://data.mixpanel.com/api/2.0/export``).

Contract (docs.mixpanel.com/reference/raw-event-export):
* Basic auth with a service account (``username:secret``) plus the
  ``project_id`` query parameter (required for service accounts).
* ``from_date`` / ``to_date`` (``yyyy-mm-dd``, inclusive, required); projects
  created after 2023-01-01 interpret them in UTC, which this sandbox does
  (its project time zone is UTC).  ``to_date`` later than today is refused
  with 400 "to_date cannot be later than today".  Optional ``limit``
  (at most 100000), ``event`` (a JSON array of event names), ``time_in_ms``.
* The body is newline-delimited JSON, one event per line
  (``{"event": ..., "properties": {"time": ..., "distinct_id": ..., "$insert_id": ...}}``),
  streamed with chunked transfer encoding as it is generated.
* Errors are JSON ``{"request": <path and query>, "error": <message>}``; rate
  limits (60 queries/hour, 3 queries/second, 100 concurrent per project) are
  answered with HTTP 429 and no Retry-After header.
"""
from __future__ import annotations

import base64
import json
from datetime import date, datetime, timezone
from typing import Iterator
from urllib.parse import urlencode

from sandbox.api.base import Api, BadRequest, Request, Response, route
from sandbox.world import web
from sandbox.world.timeline import DAY

SERVICE_ACCOUNT = "pantau-sandbox.5c1e2a.mp-service-account"
SERVICE_SECRET = "sandbox-mixpanel-service-account-secret"
PROJECT_ID = "3141592"
PROJECT_TIMEZONE = "UTC"
MAX_LIMIT = 100_000


def _request_text(req: Request) -> str:
    query = urlencode([(k, v) for k, vs in req.query.items() for v in vs])
    return "/api/2.0" + req.path + ("?" + query if query else "")


_encode = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def _json_lines(events: Iterator[dict], per_chunk: int = 1000) -> Iterator[bytes]:
    """JSONL in chunks as generated (base.json_lines with one reused encoder: this is the biggest stream)."""
    buf: list[str] = []
    for ev in events:
        buf.append(_encode(ev))
        if len(buf) >= per_chunk:
            buf.append("")
            yield "\n".join(buf).encode()
            buf.clear()
    if buf:
        buf.append("")
        yield "\n".join(buf).encode()


def _error(req: Request, status: int, message: str) -> Response:
    return Response.json({"request": _request_text(req), "error": message}, status)


class MixpanelApi(Api):
    name = "mixpanel"
    prefix = "/mixpanel/api/2.0"

    def authorized(self, req: Request) -> bool:
        auth = req.headers.get("Authorization") or req.headers.get("authorization") or ""
        if not auth.lower().startswith("basic "):
            return False
        try:
            user, _, secret = base64.b64decode(auth[6:]).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return False
        return user == SERVICE_ACCOUNT and secret == SERVICE_SECRET

    def unauthorized(self, req: Request) -> Response:
        return _error(req, 401, "Unable to authenticate request")

    def rate_limited(self, req: Request, wait_seconds: int) -> Response:
        return _error(req, 429, "Query rate limit exceeded: at most 60 queries per hour and 3 queries per second "
                                "per project. Please retry the request with exponential backoff.")

    def server_error(self, req: Request) -> Response:
        return _error(req, 503, "Service temporarily unavailable. Please try again later.")

    def bad_request(self, req: Request, message: str) -> Response:
        return _error(req, 400, message)

    def not_found(self, req: Request) -> Response:
        return _error(req, 404, "Not Found")

    def extractor_settings(self, base_url: str) -> dict[str, str]:
        return {
            "PANTAU_MIXPANEL_BASE_URL": base_url,
            "PANTAU_MIXPANEL_SERVICE_ACCOUNT_USERNAME": SERVICE_ACCOUNT,
            "PANTAU_MIXPANEL_SERVICE_ACCOUNT_SECRET": SERVICE_SECRET,
            "PANTAU_MIXPANEL_PROJECT_ID": PROJECT_ID,
            "PANTAU_MIXPANEL_PROJECT_TIMEZONE": PROJECT_TIMEZONE,
        }

    @route("GET", r"/export")
    def export(self, req: Request) -> Response:
        project = req.arg("project_id")
        if project is None:
            raise BadRequest("project_id is required when authenticating with a service account")
        if project != PROJECT_ID:
            return _error(req, 403, f"service account does not have access to project {project}")
        first = self._date(req, "from_date")
        last = self._date(req, "to_date")
        today = self.world.timeline.as_of.date()
        if last > today:
            raise BadRequest("to_date cannot be later than today")
        if first > last:
            raise BadRequest("from_date cannot be later than to_date")
        limit = req.int_arg("limit", 0, low=1, high=MAX_LIMIT) if req.arg("limit") else None  # default: every event
        names = None
        if req.arg("event"):
            try:
                names = set(json.loads(req.arg("event")))
            except (ValueError, TypeError):
                raise BadRequest("event must be a JSON array of event names") from None
        in_ms = (req.arg("time_in_ms") or "").lower() == "true"
        since = datetime.combine(first, datetime.min.time(), tzinfo=timezone.utc).timestamp()
        until = datetime.combine(last, datetime.min.time(), tzinfo=timezone.utc).timestamp() + DAY
        events = self._events(since, until, names, limit, in_ms)
        return Response(200, _json_lines(events), {"Content-Type": "text/plain; charset=utf-8"})

    @staticmethod
    def _date(req: Request, name: str) -> date:
        raw = req.arg(name)
        if not raw:
            raise BadRequest(f"{name} is a required parameter")
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise BadRequest(f"{name} must be in the format yyyy-mm-dd, got {raw!r}") from None

    def _events(self, since: float, until: float, names: set | None, limit: int | None, in_ms: bool) -> Iterator[dict]:
        f = self.faults.faults
        faulty = bool(f.malformed_every or f.corrupt_every or f.schema_drift or f.duplicate_across_pages)
        n = 0
        previous = None
        for ev in web.events_between(self.world, since, until):
            if names is not None and ev["event"] not in names:
                continue
            if in_ms:
                props = ev["properties"]
                ev = {"event": ev["event"], "properties": {**props, "time": props["time"] * 1000}}
            if faulty:
                ev = self._with_faults(ev)
                if f.duplicate_across_pages and previous is not None and n % 500 == 0:
                    yield previous  # repeated at each 500-line chunk boundary, as a retried upstream write
                previous = ev
            yield ev
            n += 1
            if limit is not None and n >= limit:
                return

    def _with_faults(self, ev: dict) -> dict:
        """Record faults in Mixpanel's shape: the dedupe key lives in ``properties``."""
        f = self.faults.faults
        props = dict(ev["properties"])
        k = self.faults.next_record(self.name) if (f.malformed_every or f.corrupt_every) else 0
        if f.malformed_every and k % f.malformed_every == 0:
            props.pop("$insert_id", None)
        if f.corrupt_every and k % f.corrupt_every == 0:
            props["time"] = "not-a-timestamp"
            if "amount" in props:
                props["amount"] = -abs(props["amount"]) - 1
            props["time_on_page"] = -1
        if f.schema_drift:
            props.pop("$referring_domain", None)
            props["sandbox_new_field"] = "drift"
        return {"event": ev["event"], "properties": props}


API = MixpanelApi
