"""What the Meta Graph APIs (Instagram, Facebook Pages) share in the sandbox.

Not a vendor module itself (it defines no ``API``, so the server mounts
nothing for it): ``sandbox.api.instagram`` and ``sandbox.api.facebook`` build
on ``GraphApi``.

Graph returns only the requested fields (plus ``id``).  Auth: a bearer header
or the ``access_token`` query parameter.  Errors are Graph error objects:
an invalid token is HTTP 400 code 190 (OAuthException); throttling is HTTP
403/400 with code 4/17/32/613 plus ``X-App-Usage`` and
``X-Business-Use-Case-Usage`` headers.  Lists page with
``paging.cursors.before/after`` and ``paging.next`` (absolute URL); insights
page with ``paging.previous/next`` as time windows.
"""
from __future__ import annotations

import base64
import itertools
import json
import re
from typing import Any, Callable
from urllib.parse import urlencode

from sandbox.api.base import Api, BadRequest, NotFound, Request, Response, bearer_token
from sandbox.world import social as S
from sandbox.world.draws import stable_hex
from sandbox.world.timeline import DAY, graph_time

GRAPH_VERSION = "v23.0"


# -- fields, cursors, times -----------------------------------------------------
def parse_fields(spec: str | None) -> dict[str, str]:
    """``"id,caption,replies{id,text},reactions.summary(total_count).limit(0)"`` ->
    ``{"id": "", "caption": "", "replies": "{id,text}", "reactions": ".summary(total_count).limit(0)"}``."""
    out: dict[str, str] = {}
    if not spec:
        return out
    depth, start = 0, 0
    parts = []
    for i, ch in enumerate(spec):
        if ch in "{(":
            depth += 1
        elif ch in "})":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(spec[start:i])
            start = i + 1
    parts.append(spec[start:])
    for part in parts:
        part = part.strip()
        if not part:
            continue
        m = re.match(r"[A-Za-z_]+", part)
        if not m:
            raise BadRequest(f"(#100) Syntax error \"Expected name.\" at character 0: {part}")
        out[m.group(0)] = part[m.end():]
    return out


def sub_fields(modifier: str) -> dict[str, str]:
    """The ``{...}`` part of a field modifier, parsed."""
    m = re.search(r"\{(.*)\}\s*$", modifier)
    return parse_fields(m.group(1)) if m else {}


def modifier_arg(modifier: str, name: str) -> str | None:
    """``.limit(0)`` -> "0" for name "limit"; also ``.username(x)``."""
    m = re.search(r"\." + name + r"\(([^)]*)\)", modifier)
    return m.group(1) if m else None


def encode_cursor(value: int) -> str:
    return base64.urlsafe_b64encode(f"pantau:{value}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        tag, _, value = text.partition(":")
        if tag != "pantau":
            raise ValueError
        return int(value)
    except ValueError:
        raise BadRequest("(#100) The after/before cursor is invalid") from None


def parse_time(raw: str | None, name: str) -> float | None:
    """Graph's since/until: a unix timestamp or a strtotime()-style date/time."""
    if raw is None or raw == "":
        return None
    if re.fullmatch(r"-?\d+(\.\d+)?", raw):
        return float(raw)
    from datetime import datetime, timezone

    try:
        moment = datetime.fromisoformat(raw.replace("+0000", "+00:00").replace("Z", "+00:00"))
    except ValueError:
        raise BadRequest(f"(#100) Param {name} must be a unix timestamp or a strtotime() compatible string") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


def select(record: dict[str, Any], fields: dict[str, str], builders: dict[str, Callable[[str], Any]]) -> dict[str, Any]:
    """The requested fields of a record (``id`` always), computing expensive ones on demand."""
    out: dict[str, Any] = {}
    for name, modifier in fields.items():
        if name in record:
            if record[name] is not None:
                out[name] = record[name]
        elif name in builders:
            value = builders[name](modifier)
            if value is not None:
                out[name] = value
        else:
            raise BadRequest(f"(#100) Tried accessing nonexisting field ({name})")
    if "id" in record:
        out.setdefault("id", record["id"])
    return out


class GraphApi(Api):
    """Meta Graph API conventions: auth, error objects, throttling, cursor pages."""

    token = ""
    usage_type = ""  # the "type" reported in X-Business-Use-Case-Usage
    throttle_codes = ((4, 403, "(#4) Application request limit reached"),
                      (17, 400, "(#17) User request limit reached"),
                      (32, 400, "(#32) Page request limit reached"),
                      (613, 400, "(#613) Calls to this api have exceeded the rate limit."))

    def __init__(self, world, faults):
        super().__init__(world, faults)
        self._throttles = itertools.count()

    def authorized(self, req: Request) -> bool:
        return (bearer_token(req) or req.arg("access_token")) == self.token

    def _error(self, status: int, message: str, code: int, type_: str = "OAuthException", headers=None,
               **extra: Any) -> Response:
        body = {"error": {"message": message, "type": type_, "code": code, **extra,
                          "fbtrace_id": "A" + stable_hex(message, status, length=22)}}
        return Response.json(body, status, headers)

    def unauthorized(self, req: Request) -> Response:
        return self._error(400, "Invalid OAuth access token - Cannot parse access token", 190,
                           headers={"WWW-Authenticate": 'OAuth "Facebook Platform" "invalid_token" '
                                                        '"Invalid OAuth access token - Cannot parse access token"'})

    def rate_limited(self, req: Request, wait_seconds: int) -> Response:
        code, status, message = self.throttle_codes[next(self._throttles) % len(self.throttle_codes)]
        regain = 0 if wait_seconds < 60 else -(-wait_seconds // 60)  # whole minutes, as Meta reports it
        usage = {"call_count": 100, "total_cputime": 42, "total_time": 57}
        buc = {self.usage_owner(): [{"type": self.usage_type, "call_count": 100, "total_cputime": 42,
                                     "total_time": 57, "estimated_time_to_regain_access": regain}]}
        headers = {"X-App-Usage": json.dumps(usage), "X-Business-Use-Case-Usage": json.dumps(buc)}
        return self._error(status, message, code, headers=headers, is_transient=True)

    def usage_owner(self) -> str:
        """The business whose usage X-Business-Use-Case-Usage reports: the brand's own account."""
        return self.world.account(self.name).id

    def server_error(self, req: Request) -> Response:
        return self._error(500, "An unexpected error has occurred. Please retry your request later.", 2,
                           is_transient=True)

    def bad_request(self, req: Request, message: str) -> Response:
        return self._error(400, message if message.startswith("(#") else f"(#100) {message}", 100)

    def not_found(self, req: Request) -> Response:
        return self._error(400, f"Unsupported get request. Object with ID '{req.path.strip('/').split('/')[0]}' "
                                "does not exist, cannot be loaded due to missing permissions, or does not support "
                                "this operation.", 100, "GraphMethodException", error_subcode=33)

    # -- nodes and parameters ------------------------------------------------------
    def post_or_404(self, req: Request) -> S.Post:
        """The post (or media) whose id the route captured, on this API's platform."""
        p = S.decode_post_id(self.world, self.name, req.params["id"])
        if p is None:
            raise NotFound
        return p

    @staticmethod
    def metrics(req: Request) -> list[str]:
        """The ``metric`` list of an insights request, which Graph requires."""
        metrics = [m.strip() for m in (req.arg("metric") or "").split(",") if m.strip()]
        if not metrics:
            raise BadRequest("(#100) The parameter metric is required")
        return metrics

    # -- paging ------------------------------------------------------------------
    @staticmethod
    def limit(req: Request, default: int, high: int) -> int:
        return req.int_arg("limit", default, 1, high)

    @staticmethod
    def below_after(req: Request, hi: int) -> int:
        """The highest position to serve: ``hi``, or just below the ``after`` cursor when one is given."""
        after = req.arg("after")
        return min(hi, decode_cursor(after) - 1) if after else hi

    def post_page(self, req: Request, a: S.Account, record: Callable[[S.Post], dict], optional: str) -> Response:
        """One page of an account's posts, newest first, within ``since``/``until``, ``limit`` (25, at most
        100) and the ``after`` cursor (a post index)."""
        w = self.world
        limit = self.limit(req, 25, 100)
        since = parse_time(req.arg("since"), "since")
        until = parse_time(req.arg("until"), "until")
        now = w.timeline.as_of_ts
        indices = S.post_indices(w, a, since, until)
        out, served = [], []
        i = self.below_after(req, indices.stop - 1)
        while i >= indices.start and len(out) < limit:
            p = S.post(w, a, i)
            if p.created_ts <= now and (since is None or p.created_ts >= since) and (until is None or p.created_ts <= until):
                out.append(record(p))
                served.append(i)
            i -= 1
        # Times grow with the index: what is left below i is older, so only `since` can exclude it.
        has_next = bool(served) and i >= indices.start and (since is None or S.post_time(w, a, i) >= since)
        out = self.with_record_faults(out, key="id", optional=optional)
        return self.page(req, out, served[0] if served else 0, served[-1] if served else 0, has_next)

    def page(self, req: Request, data: list[dict], before: int | None, after: int | None,
             has_next: bool) -> Response:
        """``{"data": [...], "paging": {"cursors": {...}, "next": <absolute URL>}}``."""
        body: dict[str, Any] = {"data": data}
        if data:
            paging: dict[str, Any] = {"cursors": {"before": encode_cursor(before), "after": encode_cursor(after)}}
            if has_next:
                query = {k: v[0] for k, v in req.query.items() if k not in ("after", "before")}
                query["after"] = encode_cursor(after)
                paging["next"] = f"{req.base_url}{req.path}?{urlencode(query)}"
            body["paging"] = paging
        return Response.json(body)

    def window_insights(self, req: Request, records: list[dict], since: float, until: float) -> Response:
        """Insights pages: ``paging.previous``/``next`` are the adjacent time windows."""
        span = until - since
        query = {k: v[0] for k, v in req.query.items() if k not in ("since", "until", "access_token")}
        prev_q = {**query, "since": int(since - span), "until": int(since)}
        next_q = {**query, "since": int(until), "until": int(until + span)}
        return Response.json({"data": records, "paging": {
            "previous": f"{req.base_url}{req.path}?{urlencode(prev_q)}",
            "next": f"{req.base_url}{req.path}?{urlencode(next_q)}",
        }})

    def insight_window(self, req: Request, default_days: int, max_days: int) -> tuple[float, float]:
        now = self.world.timeline.as_of_ts
        until = parse_time(req.arg("until"), "until")
        since = parse_time(req.arg("since"), "since")
        if until is None:
            until = (now // DAY + 1) * DAY if since is None else since + default_days * DAY
        if since is None:
            since = until - default_days * DAY
        if until <= since:
            raise BadRequest("(#100) The since parameter must be earlier than the until parameter")
        if until - since > max_days * DAY + 1:
            raise BadRequest(f"(#100) There cannot be more than {max_days} days between since and until")
        return since, until

    @staticmethod
    def day_values(series, start_ts: float, since: float, until: float, now: float, value) -> list[dict]:
        """Values of the complete days whose start lies in [since, until); end_time as Meta prints it."""
        out = []
        first = max(0, int((since - start_ts) // DAY))
        for d in range(first, len(series)):
            day = series[d]
            if day.day_start < since:
                continue
            if day.day_start >= until or day.day_start + DAY > now:
                break
            out.append({"value": value(day), "end_time": graph_time(day.day_start + DAY + 7 * 3600)})
        return out
