"""Zendesk Support API (``https://{subdomain}.zendesk.com/api/v2``) over the world's service desk.

Endpoints, as the real API has them:
- ``GET /api/v2/incremental/tickets/cursor.json`` — cursor-based incremental
  ticket export: ``start_time`` (epoch seconds) or ``cursor``, ``per_page`` up
  to 1000, ``include=metric_sets`` sideloads each ticket's metric set; answers
  ``tickets``, ``after_url``, ``after_cursor``, ``before_url``,
  ``before_cursor``, ``end_of_stream``.  Tickets come once each, in their
  current state, ordered by ``updated_at``; a ticket changed after the cursor
  (solved, rated, closed) comes again.
- ``GET /api/v2/incremental/users/cursor.json`` — the same for users.
- ``GET /api/v2/ticket_metrics`` — cursor pagination (``page[size]`` up to 100,
  ``page[after]``; ``meta.has_more``, ``meta.after_cursor``, ``links.next``)
  or offset pagination (``page``, ``per_page``; ``next_page``, ``count``).
- ``GET /api/v2/satisfaction_ratings`` — ``score``, ``start_time``, ``end_time``
  filters, cursor or offset pagination.
- ``GET /api/v2/tickets/{ticket_id}/comments`` — cursor or offset pagination.

Auth is HTTP basic with an API token, ``{email}/token:{api_token}``; a wrong
one gets Zendesk's ``401 {"error": "Couldn't authenticate you"}``.  Rate limits
are ``429`` with ``Retry-After`` seconds and an ``APIRateLimitExceeded`` body.
"""
from __future__ import annotations

import base64
import binascii
from datetime import datetime, timezone
from urllib.parse import urlencode

from sandbox.api.base import Api, BadRequest, NotFound, Request, Response, route
from sandbox.world import service as sv

EMAIL = "sandbox-agent@kopiku.example"
API_TOKEN = "zd-sandbox-token-6f1c2a"
INCREMENTAL_MAX = 1000
LIST_MAX = 100
_EXPECTED_AUTH = "Basic " + base64.b64encode(f"{EMAIL}/token:{API_TOKEN}".encode()).decode()


def zd_time(ts: float | None) -> str | None:
    """Zendesk prints timestamps as ISO-8601 UTC seconds with a Z."""
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _encode(*parts: object) -> str:
    # Zendesk's cursors are opaque base64 ("MTU4MDc1Mzc5OC4wfHw0MzJ8" is "1580753798.0||432|").
    return base64.urlsafe_b64encode("||".join(str(p) for p in parts).encode()).decode().rstrip("=")


def _decode(cursor: str, n: int) -> list[str]:
    try:
        parts = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode().split("||")
    except (binascii.Error, UnicodeDecodeError):
        raise BadRequest("cursor is invalid") from None
    if len(parts) != n:
        raise BadRequest("cursor is invalid")
    return parts


def _minutes(seconds: float | None) -> int | None:
    return None if seconds is None else int(round(seconds / 60.0))


class ZendeskApi(Api):
    name = "zendesk"
    prefix = "/zendesk"

    # -- the vendor's own shapes -------------------------------------------------
    def authorized(self, req: Request) -> bool:
        auth = req.headers.get("Authorization") or req.headers.get("authorization") or ""
        return auth == _EXPECTED_AUTH

    def unauthorized(self, req: Request) -> Response:
        return Response.json({"error": "Couldn't authenticate you"}, 401,
                             {"WWW-Authenticate": 'Basic realm="Web Password"'})

    def rate_limited(self, req: Request, wait_seconds: int) -> Response:
        return Response.json(
            {"error": "APIRateLimitExceeded", "description": "Number of allowed API requests per minute exceeded"},
            429,
            {"Retry-After": str(wait_seconds), "ratelimit-limit": "700", "ratelimit-remaining": "0",
             "ratelimit-reset": str(wait_seconds)},
        )

    def server_error(self, req: Request) -> Response:
        return Response.json({"error": "ServiceUnavailable",
                              "description": "Zendesk is temporarily unavailable, please retry"}, 503,
                             {"Retry-After": "1"})

    def bad_request(self, req: Request, message: str) -> Response:
        return Response.json({"error": "InvalidValue", "description": message}, 400)

    def not_found(self, req: Request) -> Response:
        return Response.json({"error": "RecordNotFound", "description": "Not found"}, 404)

    def extractor_settings(self, base_url: str) -> dict[str, str]:
        return {
            "PANTAU_ZENDESK_BASE_URL": base_url,
            "PANTAU_ZENDESK_SUBDOMAIN": sv.SUBDOMAIN,
            "PANTAU_ZENDESK_EMAIL": EMAIL,
            "PANTAU_ZENDESK_API_TOKEN": API_TOKEN,
        }

    def __init__(self, world, faults):
        super().__init__(world, faults)
        self.as_of = world.timeline.as_of_ts  # one API object per clock: the server swaps it when the clock moves
        self._social_to = {
            "twitter": {"name": "Kopiku", "profile_url": f"https://twitter.com/{sv.BRAND['x_username']}",
                        "username": sv.BRAND["x_username"]},
            "facebook": {"name": sv.BRAND["fb_page_name"], "profile_url": "https://www.facebook.com/kopiku",
                         "facebook_id": world.account("facebook").id},
            "instagram_dm": {"name": "Kopiku", "profile_url": f"https://www.instagram.com/{sv.BRAND['ig_username']}",
                             "username": sv.BRAND["ig_username"]},
        }

    def _url(self, req: Request, path: str, **params: object) -> str:
        return f"{req.base_url}{path}?{urlencode({k: v for k, v in params.items() if v is not None})}"

    # -- records --------------------------------------------------------------------
    def _via(self, t: sv.Ticket) -> dict:
        ch = t.channel
        if t.social_from is not None:
            to = self._social_to[ch]
            return {"channel": ch, "source": {"from": t.social_from, "to": to, "rel": t.rel}}
        c = t.requester
        if ch == "email":
            return {"channel": "email", "source": {"from": {"address": c.email, "name": c.name},
                                                   "to": {"name": "Kopiku Support", "address": sv.SUPPORT_ADDRESS},
                                                   "rel": None}}
        if ch == "voice":
            phone = "+628" + str(1_000_000_000 + c.index * 37)[-10:]
            return {"channel": "voice", "source": {"from": {"formatted_phone": phone, "phone": phone, "name": c.name},
                                                   "to": {"formatted_phone": "+62215550100", "phone": "+62215550100",
                                                          "name": "Kopiku"}, "rel": "inbound"}}
        return {"channel": ch, "source": {"from": {}, "to": {}, "rel": None}}

    def _rating_score(self, t: sv.Ticket, as_of: float) -> str:
        c = t.core
        if as_of < c.offered:
            return "unoffered"
        if c.rated is None or as_of < c.rated:
            return "offered"
        return "good" if c.good else "bad"

    def _rating_id(self, t: sv.Ticket) -> int:
        return 50_000_000_000 + t.id

    def ticket_record(self, t: sv.Ticket, req: Request) -> dict:
        c = t.core
        as_of = self.as_of
        status = sv.status_at(t, as_of)
        solved = as_of >= c.solved
        tags = [t.category, "plan_" + t.requester.plan]
        if t.is_social:
            tags.append("social_care")
        if t.process_change and solved:
            tags.append("process_change")
        score = self._rating_score(t, as_of)
        rating = {"score": score}
        if score in ("good", "bad"):
            rating = {"id": self._rating_id(t), "score": score,
                      "comment": "Makasih, cepat sekali!" if c.good else "Lama banget responnya",
                      "reason": None if c.good else "Issue took too long to resolve"}
        group = sv.GROUPS["social" if t.is_social else "support"][0]
        problem_id = t.problem_index + 1 if t.problem_index is not None else None
        first_line = t.first.text
        subject = (first_line[:60] if t.is_social or t.channel == "chat"
                   else f"[{t.category.replace('_', ' ')}] {first_line[:50]}")
        return {
            "url": f"{req.base_url}/api/v2/tickets/{t.id}.json",
            "id": t.id,
            "external_id": None,
            "via": self._via(t),
            "created_at": zd_time(c.created),
            "updated_at": zd_time(sv.last_event(c, as_of)),
            "generated_timestamp": int(sv.last_event(c, as_of)),
            "type": t.type,
            "subject": subject,
            "raw_subject": subject,
            "description": first_line,
            "priority": c.priority,
            "status": status,
            "recipient": sv.SUPPORT_ADDRESS if t.channel == "email" else None,
            "requester_id": t.requester.zendesk_user_id,
            "submitter_id": t.requester.zendesk_user_id,
            "assignee_id": sv.agent_id(c.agent) if as_of >= c.first_reply else None,
            "organization_id": None,
            "group_id": group,
            "collaborator_ids": [],
            "follower_ids": [],
            "email_cc_ids": [],
            "forum_topic_id": None,
            "problem_id": problem_id,
            "has_incidents": sv.has_incidents(self.world, c.index, as_of),
            "is_public": True,
            "due_at": None,
            "tags": tags,
            "custom_fields": [],
            "satisfaction_rating": rating,
            "sharing_agreement_ids": [],
            "fields": [],
            "followup_ids": [],
            "ticket_form_id": 360_000_000_001,
            "brand_id": 360_000_000_010,
            "allow_channelback": t.is_social,
            "allow_attachments": True,
            "from_messaging_channel": t.channel == "instagram_dm",
        }

    def metric_set(self, t: sv.Ticket, req: Request) -> dict:
        c = t.core
        as_of = self.as_of
        comments = sv.comments(self.world, t, as_of)
        agent_public = [x for x in comments if x.by_agent and x.public]
        from_requester = [x for x in comments if not x.by_agent]
        replied = as_of >= c.first_reply
        solved = as_of >= c.solved
        pending_secs = 0.0
        if c.pending_at is not None and as_of > c.pending_at:
            pending_secs = min(as_of, c.solved) - c.pending_at
        pending_business = (sv.business_seconds(c.pending_at, min(as_of, c.solved))
                            if c.pending_at is not None and as_of > c.pending_at else 0.0)

        def pair(start: float, end: float | None) -> dict:
            if end is None:
                return {"calendar": None, "business": None}
            return {"calendar": _minutes(end - start), "business": _minutes(sv.business_seconds(start, end))}

        resolution = pair(c.created, c.solved if solved else None)
        status_changes = [e for e in (c.created, c.first_reply, c.pending_at, c.solved, c.closed)
                          if e is not None and e <= as_of]
        wait_end = c.solved if solved else as_of
        return {
            "url": f"{req.base_url}/api/v2/ticket_metrics/{10_000_000_000 + t.id}.json",
            "id": 10_000_000_000 + t.id,
            "ticket_id": t.id,
            "created_at": zd_time(c.created),
            "updated_at": zd_time(sv.last_event(c, as_of)),
            "group_stations": 1,
            "assignee_stations": 1 if replied else 0,
            "reopens": 0,
            "replies": len(agent_public),
            "assignee_updated_at": zd_time(max((x.created_at for x in comments if x.by_agent), default=None)),
            "requester_updated_at": zd_time(max((x.created_at for x in from_requester), default=None)),
            "status_updated_at": zd_time(max(status_changes)),
            "initially_assigned_at": zd_time(c.first_reply - 60 if replied else None),
            "assigned_at": zd_time(c.first_reply - 60 if replied else None),
            "solved_at": zd_time(c.solved if solved else None),
            "latest_comment_added_at": zd_time(max(x.created_at for x in comments)),
            "reply_time_in_minutes": pair(c.created, c.first_reply if replied else None),
            "reply_time_in_seconds": {"calendar": int(round(c.first_reply - c.created)) if replied else None},
            "first_resolution_time_in_minutes": resolution,
            "full_resolution_time_in_minutes": resolution,
            "agent_wait_time_in_minutes": {"calendar": _minutes(pending_secs), "business": _minutes(pending_business)},
            "requester_wait_time_in_minutes": {
                "calendar": _minutes(wait_end - c.created - pending_secs),
                "business": _minutes(max(0.0, sv.business_seconds(c.created, wait_end) - pending_business)),
            },
            "on_hold_time_in_minutes": {"calendar": 0, "business": 0},
            "custom_status_updated_at": zd_time(max(status_changes)),
        }

    def rating_record(self, t: sv.Ticket, req: Request) -> dict:
        c = t.core
        score = self._rating_score(t, self.as_of)
        rid = self._rating_id(t)
        answered = score in ("good", "bad")
        return {
            "url": f"{req.base_url}/api/v2/satisfaction_ratings/{rid}.json",
            "id": rid,
            "assignee_id": sv.agent_id(c.agent),
            "group_id": sv.GROUPS["social" if t.is_social else "support"][0],
            "requester_id": t.requester.zendesk_user_id,
            "ticket_id": t.id,
            "score": score,
            "created_at": zd_time(c.offered),
            "updated_at": zd_time(c.rated if answered else c.offered),
            "comment": ("Makasih, cepat sekali!" if c.good else "Lama banget responnya") if answered else None,
            "reason": "Issue took too long to resolve" if score == "bad" else None,
            "reason_code": 7 if score == "bad" else None,
        }

    def comment_record(self, t: sv.Ticket, x: sv.Comment) -> dict:
        via = self._via(t) if not x.by_agent else {"channel": "web", "source": {"from": {}, "to": {}, "rel": None}}
        return {
            "id": x.id,
            "type": "Comment",
            "author_id": x.author_id,
            "body": x.body,
            "html_body": f'<div class="zd-comment" dir="auto"><p>{x.body}</p></div>',
            "plain_body": x.body,
            "public": x.public,
            "attachments": [],
            "audit_id": x.id + 5_000_000_000,
            "via": via,
            "created_at": zd_time(x.created_at),
            "metadata": {"system": {}, "custom": {}},
        }

    def user_records(self, position: int, count: int, req: Request) -> list[dict]:
        agents = self.world.agents()
        out = []
        for p in range(position, position + count):
            if p < len(agents):
                name = agents[p][0]
                created = self.world.timeline.start_ts - 30 * sv.DAY
                out.append(self._user(sv.agent_id(p), name, name.lower().replace(" ", ".") + "@kopiku.example",
                                      "agent", created, {}, req))
            else:
                c = self.world.customer(p - len(agents))
                r = uniforms_for_user(self.world.profile.seed, c.index)
                fields = {"instagram_username": None, "twitter_username": None}
                email = c.email
                if c.is_social:
                    if "instagram" in c.social_platforms and r[0] >= 0.25:
                        fields["instagram_username"] = c.ig_username
                    if "x" in c.social_platforms and r[1] >= 0.25:
                        fields["twitter_username"] = c.x_username
                    if r[2] < 0.3:  # created by a social channel: Zendesk never learnt the email
                        email = None
                out.append(self._user(c.zendesk_user_id, c.name, email, "end-user", c.signup_at, fields, req))
        return out

    def _user(self, uid: int, name: str, email: str | None, role: str, created: float, fields: dict,
              req: Request) -> dict:
        return {
            "id": uid,
            "url": f"{req.base_url}/api/v2/users/{uid}.json",
            "name": name,
            "email": email,
            "created_at": zd_time(created),
            "updated_at": zd_time(created),
            "time_zone": "Jakarta",
            "iana_time_zone": "Asia/Jakarta",
            "phone": None,
            "locale": "id",
            "locale_id": 1181,
            "organization_id": None,
            "role": role,
            "role_type": None,
            "verified": email is not None,
            "active": True,
            "suspended": False,
            "external_id": None,
            "tags": [],
            "user_fields": fields,
            "default_group_id": sv.GROUPS["support"][0] if role == "agent" else None,
        }

    # -- routes ---------------------------------------------------------------------------
    def _incremental_page(self, req: Request, position_from_start, items_after, path: str, key: str,
                          build) -> Response:
        per_page = req.int_arg("per_page", INCREMENTAL_MAX, 1, INCREMENTAL_MAX)
        cursor = req.arg("cursor")
        start = req.arg("start_time")
        if cursor is None and start is None:
            raise BadRequest("start_time or cursor is required")
        if cursor is None:
            try:
                start_ts = float(start)
            except ValueError:
                raise BadRequest(f"start_time must be an epoch time in seconds, got {start!r}") from None
            if start_ts > self.as_of - 60:
                raise BadRequest("start_time is too recent: use a start_time older than one minute")
            items, exhausted, after = position_from_start(start_ts, per_page)
        else:
            items, exhausted, after = items_after(cursor, per_page)
        records, last_token = build(items)
        include = req.arg("include")
        body = {key: self.with_record_faults(records, key="id", optional="priority" if key == "tickets" else "phone",
                                             previous_last=self._previous_last(req, cursor, key))}
        if key == "tickets" and include and "metric_sets" in include.split(","):
            body["metric_sets"] = [self.metric_set(t, req) for t in self._tickets_of(items)]
        after_cursor = last_token or after
        body.update({
            "after_url": self._url(req, path, cursor=after_cursor, per_page=req.arg("per_page"), include=include),
            "after_cursor": after_cursor,
            "before_url": self._url(req, path, cursor=cursor, per_page=req.arg("per_page"), include=include)
            if cursor else None,
            "before_cursor": cursor,
            "end_of_stream": exhausted,
        })
        return Response.json(body)

    def _previous_last(self, req: Request, cursor: str | None, key: str) -> dict | None:
        if cursor is None or not self.faults.faults.duplicate_across_pages:
            return None
        if key == "tickets":
            _, tid = _decode(cursor, 2)
            t = sv.ticket(self.world, int(tid) - 1)
            return self.ticket_record(t, req) if t else None
        (pos,) = _decode(cursor, 1)
        return self.user_records(int(pos) - 1, 1, req)[0] if int(pos) > 0 else None

    def _tickets_of(self, items):
        for _, i in items:
            t = sv.ticket(self.world, i)
            if t is not None:
                yield t

    @route("GET", r"/api/v2/incremental/tickets/cursor(?:\.json)?")
    def incremental_tickets(self, req: Request) -> Response:
        def from_start(start_ts, n):
            items, exhausted = sv.updated_since(self.world, None, start_ts, n)
            return items, exhausted, _encode(repr(start_ts - 1e-6), -1)

        def after(cursor, n):
            ts, tid = _decode(cursor, 2)
            items, exhausted = sv.updated_since(self.world, (float(ts), int(tid) - 1), None, n)
            return items, exhausted, cursor

        def build(items):
            records = [self.ticket_record(t, req) for t in self._tickets_of(items)]
            last = _encode(repr(items[-1][0]), items[-1][1] + 1) if items else None
            return records, last

        return self._incremental_page(req, from_start, after, "/api/v2/incremental/tickets/cursor.json",
                                      "tickets", build)

    @route("GET", r"/api/v2/incremental/users/cursor(?:\.json)?")
    def incremental_users(self, req: Request) -> Response:
        n_agents = len(self.world.agents())
        total = n_agents + self.world.customer_count()

        def from_start(start_ts, n):
            if start_ts <= self.world.timeline.start_ts - 30 * sv.DAY:
                pos = 0
            else:
                k = max(0, self.world.customers_signed_up_by(start_ts) - 1)
                while k < self.world.customer_count() and self.world.customer(k).signup_at < start_ts:
                    k += 1
                pos = n_agents + k
            return self._user_slice(pos, n, total), None

        def after(cursor, n):
            (pos,) = _decode(cursor, 1)
            return self._user_slice(int(pos), n, total), cursor

        def build(items):
            pos, count = items
            return self.user_records(pos, count, req), (_encode(pos + count) if count else None)

        def wrap(fn):
            def inner(*args):
                (items, exhausted), fallback = fn(*args)
                return items, exhausted, fallback or _encode(items[0])
            return inner

        return self._incremental_page(req, wrap(from_start), wrap(after), "/api/v2/incremental/users/cursor.json",
                                      "users", build)

    @staticmethod
    def _user_slice(pos: int, n: int, total: int):
        count = max(0, min(n, total - pos))
        return (pos, count), pos + count >= total

    # -- lists with cursor or offset pagination -----------------------------------------
    def _list(self, req: Request, key: str, path: str, candidates, build) -> Response:
        """``candidates(after_index)`` yields (index, record-source) in order."""
        size = req.arg("page[size]")
        if size is not None or req.arg("page[after]") is not None:
            limit = req.int_arg("page[size]", LIST_MAX, 1, LIST_MAX)
            after = req.arg("page[after]")
            start = int(_decode(after, 1)[0]) if after else -1
            items = []
            for item in candidates(start):
                items.append(item)
                if len(items) > limit:
                    break
            has_more = len(items) > limit
            items = items[:limit]
            records = [build(x) for _, x in items]
            after_cursor = _encode(items[-1][0]) if items else None
            before_cursor = _encode(items[0][0]) if items else None
            extra = {k: v for k, v in req.query.items() if k not in ("page[after]", "page[before]")}
            flat = {k: v[0] for k, v in extra.items()}
            return Response.json({
                key: self.with_record_faults(records),
                "meta": {"has_more": has_more, "after_cursor": after_cursor, "before_cursor": before_cursor},
                "links": {
                    "prev": self._url(req, path, **{**flat, "page[before]": before_cursor}) if before_cursor else None,
                    "next": self._url(req, path, **{**flat, "page[after]": after_cursor}) if has_more else None,
                },
            })
        per_page = req.int_arg("per_page", LIST_MAX, 1, LIST_MAX)
        page = req.int_arg("page", 1, 1, 100_000)
        items = []
        skip = (page - 1) * per_page
        count = 0
        for item in candidates(-1):
            if skip <= count < skip + per_page:
                items.append(item)
            count += 1
        flat = {k: v[0] for k, v in req.query.items()}
        return Response.json({
            key: self.with_record_faults([build(x) for _, x in items]),
            "next_page": self._url(req, path, **{**flat, "page": page + 1}) if skip + per_page < count else None,
            "previous_page": self._url(req, path, **{**flat, "page": page - 1}) if page > 1 else None,
            "count": count,
        })

    @route("GET", r"/api/v2/ticket_metrics(?:\.json)?")
    def ticket_metrics(self, req: Request) -> Response:
        def candidates(after_index):
            for i in range(after_index + 1, sv.ticket_count(self.world)):
                c = sv.core(self.world, i)
                if c.created > self.as_of:
                    break
                t = sv.ticket(self.world, i) if c.exists else None
                if t is not None:
                    yield i, t

        return self._list(req, "ticket_metrics", "/api/v2/ticket_metrics",
                          candidates, lambda t: self.metric_set(t, req))

    @route("GET", r"/api/v2/satisfaction_ratings(?:\.json)?")
    def satisfaction_ratings(self, req: Request) -> Response:
        score = req.arg("score")
        allowed = {None, "offered", "unoffered", "received", "received_with_comment", "received_without_comment",
                   "good", "good_with_comment", "good_without_comment", "bad", "bad_with_comment",
                   "bad_without_comment"}
        if score not in allowed:
            raise BadRequest(f"score {score!r} is not a valid filter")

        def epoch(name):
            raw = req.arg(name)
            try:
                return None if raw is None else float(raw)
            except ValueError:
                raise BadRequest(f"{name} must be an epoch time in seconds") from None

        start, end = epoch("start_time"), epoch("end_time")
        as_of = self.as_of
        per_day = sv.per_day(self.world)
        lo = self.world.timeline.index_range(per_day, None if start is None else start - sv.LIFETIME, None)

        def wanted(t):
            s = self._rating_score(t, as_of)
            if s == "unoffered":
                return score == "unoffered"
            if score in (None,):
                return True
            if score == "offered":
                return s == "offered"
            if score.startswith("received"):
                return s in ("good", "bad")
            return score.split("_")[0] == s

        def candidates(after_index):
            first = max(after_index + 1, lo.start if len(lo) else 0)
            for i in range(first, sv.ticket_count(self.world)):
                c = sv.core(self.world, i)
                if c.created > as_of:
                    break
                if not c.exists or c.offered > as_of:
                    continue
                if (start is not None and c.offered < start) or (end is not None and c.offered > end):
                    continue
                t = sv.ticket(self.world, i)
                if t is not None and wanted(t):
                    yield i, t

        return self._list(req, "satisfaction_ratings", "/api/v2/satisfaction_ratings",
                          candidates, lambda t: self.rating_record(t, req))

    @route("GET", r"/api/v2/tickets/(?P<ticket_id>\d+)/comments(?:\.json)?")
    def ticket_comments(self, req: Request) -> Response:
        i = int(req.params["ticket_id"]) - 1
        c = sv.core(self.world, i) if i >= 0 else None
        t = sv.ticket(self.world, i) if c is not None and c.exists and c.created <= self.as_of else None
        if t is None:
            raise NotFound()
        comments = sv.comments(self.world, t, self.as_of)
        if req.arg("sort_order") == "desc":
            comments = comments[::-1]

        def candidates(after_index):
            for k, x in enumerate(comments):
                if k > after_index:
                    yield k, x

        return self._list(req, "comments", f"/api/v2/tickets/{t.id}/comments",
                          candidates, lambda x: self.comment_record(t, x))


def uniforms_for_user(seed: int, index: int) -> tuple[float, ...]:
    from sandbox.world.draws import uniforms

    return uniforms(seed, "zendesk-user", index)


API = ZendeskApi
