"""Instagram Graph API (business account, "Instagram API with Facebook Login").

Real host ``https://graph.facebook.com/v23.0``; here under ``/instagram/v23.0``.
Contract served (Meta's reference: IG User, IG User Media, IG Media Insights,
IG Media Comments, IG User Insights, IG User business_discovery):

- ``GET /{ig-user-id}?fields=...``: the account (id, username, name,
  followers_count, follows_count, media_count), or
  ``fields=business_discovery.username(<name>){followers_count,media_count,media{...}}``
  for another business account (its first page of media, ``media.limit(n)``).
- ``GET /{ig-user-id}/media?fields=...&since&until&limit&after``: newest first,
  ``paging.cursors.before/after`` and ``paging.next`` (absolute URL).
- ``GET /{ig-media-id}/insights?metric=reach,saved,shares,views,total_interactions``:
  lifetime values, one record per metric.
- ``GET /{ig-media-id}/comments?fields=id,text,timestamp,username,like_count,replies{...}``:
  top-level comments newest first, replies nested in ``replies.data``.
- ``GET /{ig-user-id}/insights?metric=follower_count&period=day&since&until``:
  daily new followers, only within the last 30 days (range at most 30 days),
  ``paging.previous/next`` as time windows.

Graph returns only the requested fields (plus ``id``).  Auth: a bearer header
or the ``access_token`` query parameter.  Errors are Graph error objects:
an invalid token is HTTP 400 code 190 (OAuthException); throttling is HTTP
403/400 with code 4/17/32/613 plus ``X-App-Usage`` and
``X-Business-Use-Case-Usage`` headers.
"""
from __future__ import annotations

import base64
import itertools
import json
import re
from typing import Any, Callable
from urllib.parse import urlencode

from sandbox.api.base import Api, BadRequest, NotFound, Request, Response, bearer_token, route
from sandbox.world import social as S
from sandbox.world.draws import stable_hex
from sandbox.world.timeline import DAY, graph_time

GRAPH_VERSION = "v23.0"
_ID = r"(?P<id>[0-9_]+)"


# -- Graph helpers shared with the facebook module ---------------------------
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
    usage_type = "instagram"
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
        return self.world.account(self.usage_type).id

    def server_error(self, req: Request) -> Response:
        return self._error(500, "An unexpected error has occurred. Please retry your request later.", 2,
                           is_transient=True)

    def bad_request(self, req: Request, message: str) -> Response:
        return self._error(400, message if message.startswith("(#") else f"(#100) {message}", 100)

    def not_found(self, req: Request) -> Response:
        return self._error(400, f"Unsupported get request. Object with ID '{req.path.strip('/').split('/')[0]}' "
                                "does not exist, cannot be loaded due to missing permissions, or does not support "
                                "this operation.", 100, "GraphMethodException", error_subcode=33)

    # -- paging ------------------------------------------------------------------
    @staticmethod
    def limit(req: Request, default: int, high: int) -> int:
        return req.int_arg("limit", default, 1, high)

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


# -- Instagram -----------------------------------------------------------------
MEDIA_INSIGHT_METRICS = {
    "reach": ("Accounts reached", "The number of unique accounts that have seen your media at least once."),
    "saved": ("Saved", "The number of saves of your post."),
    "shares": ("Shares", "The number of shares of your post."),
    "views": ("Views", "The number of times your content was played or displayed."),
    "total_interactions": ("Interactions", "The number of likes, saves, comments and shares on your post, "
                                           "minus the number of unlikes, unsaves and deleted comments."),
    "likes": ("Likes", "The number of likes on your post."),
    "comments": ("Comments", "The number of comments on your post."),
}


class InstagramApi(GraphApi):
    name = "instagram"
    prefix = f"/instagram/{GRAPH_VERSION}"
    token = "sandbox-instagram-token"
    usage_type = "instagram"

    def extractor_settings(self, base_url: str) -> dict[str, str]:
        w = self.world
        return {
            "PANTAU_INSTAGRAM_BASE_URL": base_url,
            "PANTAU_INSTAGRAM_ACCESS_TOKEN": self.token,
            "PANTAU_INSTAGRAM_IG_USER_ID": w.account("instagram").id,
            "PANTAU_INSTAGRAM_COMPETITOR_USERNAMES": ",".join(a.username for a in w.competitor_accounts("instagram")),
        }

    # -- records -----------------------------------------------------------------
    def _account(self, req: Request) -> S.Account:
        a = S.account_by_id(self.world, "instagram", req.params["id"])
        if a is None or not a.is_own:
            raise NotFound
        return a

    def _account_record(self, a, fields: dict[str, str]) -> dict:
        w = self.world
        n_media = len([i for i in S.post_indices(w, a, None, None) if S.post_time(w, a, i) <= w.timeline.as_of_ts])
        record = {"id": a.id, "ig_id": int(a.id[-10:]), "username": a.username, "name": a.name,
                  "followers_count": S.follower_series(w, a)[-1].followers,
                  "follows_count": 150 + int(a.id[-2:]), "media_count": n_media,
                  "biography": f"{a.name} ☕ Official account", "website": f"https://{a.username.replace('.', '')}.example"}
        return select(record, fields, {"media": lambda mod: self._bd_media(a, mod)})

    def _media_record(self, p: S.Post, fields: dict[str, str]) -> dict:
        def metrics() -> S.PostMetrics:
            return S.metrics_at(self.world, p)

        record = {"id": p.id, "caption": p.caption, "media_type": p.media_type,
                  "media_product_type": p.media_product_type, "timestamp": graph_time(p.created_ts),
                  "permalink": f"https://www.instagram.com/p/{stable_hex(p.id, length=11)}/",
                  "shortcode": stable_hex(p.id, length=11), "username": p.account.username,
                  "is_comment_enabled": True}
        builders = {"like_count": lambda _: metrics().likes,
                    "comments_count": lambda _: metrics().comments_with_replies,
                    "owner": lambda _: {"id": p.account.id}}
        return select(record, fields, builders)

    def _bd_media(self, a, modifier: str) -> dict:
        """business_discovery's nested ``media`` edge: newest first, ``media.limit(n)``."""
        w = self.world
        fields = sub_fields(modifier) or {"id": ""}
        limit = min(int(modifier_arg(modifier, "limit") or 25), 100)
        data = []
        for i in reversed(S.post_indices(w, a, None, None)):
            p = S.post(w, a, i)
            if p.created_ts > w.timeline.as_of_ts:
                continue
            data.append(self._media_record(p, fields))
            if len(data) >= limit:
                break
        out: dict[str, Any] = {"data": data}
        if data:
            out["paging"] = {"cursors": {"after": encode_cursor(int(data[-1]["id"][3:14]))}}
        return out

    # -- routes --------------------------------------------------------------------
    @route("GET", r"/(?P<id>\d+)")
    def get_node(self, req: Request) -> Response:
        fields = parse_fields(req.arg("fields") or "id,username")
        w = self.world
        if "business_discovery" in fields:
            a = S.account_by_id(w, "instagram", req.params["id"])
            if a is None or not a.is_own:
                raise NotFound
            modifier = fields["business_discovery"]
            username = modifier_arg(modifier, "username")
            target = S.account_by_username(w, "instagram", username or "")
            if target is None:
                return self._error(400, f"Invalid user id", 110, error_subcode=2207013,
                                   error_user_title="Cannot find User",
                                   error_user_msg=f"The user with username: {username} cannot be found.")
            inner = self._account_record(target, sub_fields(modifier) or {"id": ""})
            inner.pop("ig_id", None)
            return Response.json({"business_discovery": inner, "id": a.id})
        media = S.decode_post_id(w, "instagram", req.params["id"])
        if media is not None:
            return Response.json(self._media_record(media, fields))
        return Response.json(self._account_record(self._account(req), fields))

    @route("GET", r"/(?P<id>\d+)/media")
    def list_media(self, req: Request) -> Response:
        w = self.world
        a = self._account(req)
        fields = parse_fields(req.arg("fields") or "id")
        limit = self.limit(req, 25, 100)
        since = parse_time(req.arg("since"), "since")
        until = parse_time(req.arg("until"), "until")
        now = w.timeline.as_of_ts
        indices = S.post_indices(w, a, since, until)
        hi = indices.stop - 1
        after = req.arg("after")
        if after:
            hi = min(hi, decode_cursor(after) - 1)
        out, served = [], []
        i = hi
        while i >= indices.start and len(out) < limit:
            p = S.post(w, a, i)
            if p.created_ts <= now and (since is None or p.created_ts >= since) and (until is None or p.created_ts <= until):
                out.append(self._media_record(p, fields))
                served.append(i)
            i -= 1
        # Times grow with the index: what is left below i is older, so only `since` can exclude it.
        has_next = bool(served) and i >= indices.start and (since is None or S.post_time(w, a, i) >= since)
        out = self.with_record_faults(out, key="id", optional="caption")
        return self.page(req, out, served[0] if served else 0, served[-1] if served else 0, has_next)

    @route("GET", r"/(?P<id>\d+)/insights")
    def insights(self, req: Request) -> Response:
        w = self.world
        media = S.decode_post_id(w, "instagram", req.params["id"])
        metrics = [m.strip() for m in (req.arg("metric") or "").split(",") if m.strip()]
        if not metrics:
            raise BadRequest("(#100) The parameter metric is required")
        if media is not None:
            return self._media_insights(req, media, metrics)
        a = self._account(req)
        for m in metrics:
            if m != "follower_count":
                raise BadRequest(f"(#100) metric[0] must be one of the following values: follower_count, reach, "
                                 f"views, accounts_engaged, total_interactions (got {m})")
        if req.arg("period") != "day":
            raise BadRequest("(#100) follower_count only supports period day")
        since, until = self.insight_window(req, 2, 30)
        now = w.timeline.as_of_ts
        if since < (now // DAY) * DAY - 30 * DAY:
            raise BadRequest("(#100) follower_count metric only supports querying data for the last 30 days "
                             "excluding the current day")
        series = S.follower_series(w, a)
        values = self.day_values(series, w.timeline.start_ts, since, until, now, lambda d: d.follows)
        record = {"name": "follower_count", "period": "day", "values": values, "title": "Follower Count",
                  "description": "Total number of unique accounts following this profile",
                  "id": f"{a.id}/insights/follower_count/day"}
        return self.window_insights(req, self.with_record_faults([record], key="id", optional="title"), since, until)

    def _media_insights(self, req: Request, p: S.Post, metrics: list[str]) -> Response:
        m = S.metrics_at(self.world, p)
        values = {"reach": m.reach, "saved": m.saves, "shares": m.shares, "views": m.views, "likes": m.likes,
                  "comments": m.comments_with_replies,
                  "total_interactions": m.likes + m.saves + m.shares + m.comments_with_replies}
        data = []
        for name in metrics:
            if name not in MEDIA_INSIGHT_METRICS:
                raise BadRequest(f"(#100) metric[0] must be one of the following values: "
                                 f"{', '.join(MEDIA_INSIGHT_METRICS)}")
            title, description = MEDIA_INSIGHT_METRICS[name]
            data.append({"name": name, "period": "lifetime", "values": [{"value": values[name]}], "title": title,
                         "description": description, "id": f"{p.id}/insights/{name}/lifetime"})
        return Response.json({"data": self.with_record_faults(data, key="id", optional="title")})

    @route("GET", r"/(?P<id>\d+)/comments")
    def comments(self, req: Request) -> Response:
        w = self.world
        p = S.decode_post_id(w, "instagram", req.params["id"])
        if p is None:
            raise NotFound
        fields = parse_fields(req.arg("fields") or "id,text,timestamp")
        reply_fields = sub_fields(fields.get("replies", "")) or {"id": "", "text": "", "timestamp": ""}
        limit = self.limit(req, 25, 50)
        n = S.visible_comment_count(w, p, w.timeline.as_of_ts)
        hi = n - 1
        after = req.arg("after")
        if after:
            hi = min(hi, decode_cursor(after) - 1)
        out, served = [], []
        for j in range(hi, max(-1, hi - limit), -1):
            c = S.comment(w, p, j)
            rec = {"id": c.id, "text": c.message.text, "timestamp": graph_time(c.created_ts),
                   "username": c.author.username, "like_count": c.like_count, "hidden": False,
                   "from": {"id": c.author.id, "username": c.author.username}, "media": {"id": p.id}}
            builders = {"replies": lambda _, c=c: {"data": [] if c.reply is None else [select(
                {"id": c.reply.id, "text": c.reply.text, "timestamp": graph_time(c.reply.created_ts),
                 "username": p.account.username, "like_count": 0, "hidden": False,
                 "from": {"id": p.account.id, "username": p.account.username}, "parent_id": c.id},
                reply_fields, {})]}}
            out.append(select(rec, fields, builders))
            served.append(j)
        out = self.with_record_faults(out, key="id", optional="like_count")
        return self.page(req, out, served[0] if served else 0, served[-1] if served else 0,
                         bool(served) and served[-1] > 0)


API = InstagramApi
