"""X API v2: users, user timelines and mentions.

Real host ``https://api.x.com/2``; here under ``/x/2``.  Contract served (X's
v2 reference: Users lookup, User Tweets timeline, User mention timeline):

- ``GET /users/:id?user.fields=...``: ``{"data": {...}}``; unknown ids answer 200
  with an ``errors`` array, as X does.
- ``GET /users/by?usernames=a,b`` (up to 100) and ``GET /users/by/username/:username``:
  users by handle (case-insensitive); a handle nobody has is left out of ``data``
  and listed in ``errors`` (200), as X does for lookups.
- ``GET /users/:id/tweets`` and ``GET /users/:id/mentions`` with
  ``tweet.fields``, ``expansions=author_id`` (users in ``includes.users``),
  ``user.fields``, ``max_results`` (5-100, default 10), ``pagination_token``,
  ``start_time``/``end_time`` (RFC 3339), ``since_id``/``until_id``.  Newest
  first; ``meta`` holds ``result_count``, ``newest_id``, ``oldest_id`` and
  ``next_token`` while more remain.  The timelines reach back at most 3,200
  tweets and 800 mentions, as X documents.
- Ids are time-ordered (snowflakes), so ``since_id`` works by comparison.
- The brand's own timeline holds its posts and its replies to mentions
  (``in_reply_to_user_id``, ``referenced_tweets`` of type ``replied_to``).  The
  brand also owns a support handle (``social.support_account``) that answers a
  share of the threads written to the main handle; customers write follow-ups in
  their threads (``conversation_id`` is the mention's id on every tweet of a
  thread), which are mentions of the handle they reply to.
- Timelines accept ``expansions=referenced_tweets.id`` (the tweets replied to,
  in ``includes.tweets`` with the requested tweet.fields) and
  ``referenced_tweets.id.author_id`` (their authors in ``includes.users``).

Errors are problem JSON: 401 ``{"title": "Unauthorized", "type": "about:blank",
"status": 401, "detail": "Unauthorized"}``, 429 ``Too Many Requests`` with
``x-rate-limit-limit``/``-remaining``/``-reset`` (epoch seconds), which every
success carries too; invalid parameters are 400 ``Invalid Request`` with an
``errors`` array.
"""
from __future__ import annotations

import base64
import math
import time
from datetime import datetime
from typing import Any

from sandbox.api.base import Api, BadRequest, NotFound, Request, Response, bearer_token, route
from sandbox.world import social as S
from sandbox.world.timeline import DAY, iso

TWEET_DEFAULT = ("id", "text", "edit_history_tweet_ids")
TWEET_FIELDS = {"attachments", "author_id", "context_annotations", "conversation_id", "created_at", "edit_controls",
                "entities", "geo", "id", "in_reply_to_user_id", "lang", "non_public_metrics", "note_tweet",
                "organic_metrics", "possibly_sensitive", "promoted_metrics", "public_metrics", "referenced_tweets",
                "reply_settings", "source", "text", "withheld", "edit_history_tweet_ids"}
USER_FIELDS = {"created_at", "description", "entities", "id", "location", "name", "pinned_tweet_id",
               "profile_image_url", "protected", "public_metrics", "url", "username", "verified", "withheld"}
EXPANSIONS = {"author_id", "entities.mentions.username", "referenced_tweets.id", "in_reply_to_user_id",
              "referenced_tweets.id.author_id"}
LIMITS = {"users": 300, "tweets": 1500, "mentions": 450}  # requests per 15-minute window (app auth)
WINDOW = 900


def _token(upper_id: int, served: int) -> str:
    return base64.b32encode(f"{upper_id}:{served}".encode()).decode().rstrip("=").lower()


def _untoken(token: str) -> tuple[int, int]:
    try:
        raw = base64.b32decode(token.upper() + "=" * (-len(token) % 8)).decode()
        upper, served = raw.split(":")
        return int(upper), int(served)
    except (ValueError, UnicodeDecodeError):
        raise BadRequest("pagination_token|The `pagination_token` query parameter value is not valid") from None


def _rfc3339(raw: str | None, name: str) -> float | None:
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise BadRequest(f"{name}|Invalid '{name}':'{raw}'. '{name}' must be a valid RFC3339 date-time") from None
    if moment.tzinfo is None:
        raise BadRequest(f"{name}|Invalid '{name}':'{raw}'. '{name}' must be a valid RFC3339 date-time")
    return moment.timestamp()


class XApi(Api):
    name = "x"
    prefix = "/x/2"
    token = "sandbox-x-bearer-token"

    def __init__(self, world, faults):
        super().__init__(world, faults)
        self._calls: dict[str, int] = {}

    # -- vendor shapes -------------------------------------------------------------
    def authorized(self, req: Request) -> bool:
        return bearer_token(req) == self.token

    @staticmethod
    def _problem(status: int, title: str, headers: dict | None = None) -> Response:
        return Response.json({"title": title, "type": "about:blank", "status": status, "detail": title}, status,
                             headers, content_type="application/problem+json")

    def unauthorized(self, req: Request) -> Response:
        return self._problem(401, "Unauthorized")

    def rate_limited(self, req: Request, wait_seconds: int) -> Response:
        kind = self._kind(req)
        return self._problem(429, "Too Many Requests", {
            "x-rate-limit-limit": str(LIMITS[kind]), "x-rate-limit-remaining": "0",
            "x-rate-limit-reset": str(int(time.time()) + wait_seconds)})

    def server_error(self, req: Request) -> Response:
        return self._problem(503, "Service Unavailable")

    def bad_request(self, req: Request, message: str) -> Response:
        param, _, text = message.partition("|")
        if not text:
            param, text = "", message
        error: dict[str, Any] = {"message": text}
        if param:
            error["parameters"] = {param: [req.arg(param) or ""]}
        return Response.json({"errors": [error], "title": "Invalid Request",
                              "detail": "One or more parameters to your request was invalid.",
                              "type": "https://api.twitter.com/2/problems/invalid-request"}, 400)

    def not_found(self, req: Request) -> Response:
        return self._problem(404, "Not Found")

    def extractor_settings(self, base_url: str) -> dict[str, str]:
        w = self.world
        return {
            "PANTAU_X_BASE_URL": base_url,
            "PANTAU_X_BEARER_TOKEN": self.token,
            # The main handle by id, the support handle and the competitors by handle: both forms are resolved.
            "PANTAU_X_USER_IDS": f"{w.account('x').id},@{S.support_account(w).username}",
            "PANTAU_X_COMPETITOR_USER_IDS": ",".join(a.username for a in w.competitor_accounts("x")),
        }

    @staticmethod
    def _kind(req: Request) -> str:
        return "mentions" if req.path.endswith("/mentions") else "tweets" if req.path.endswith("/tweets") else "users"

    @staticmethod
    def _expansions(req: Request) -> set[str]:
        expansions = {e.strip() for e in (req.arg("expansions") or "").split(",") if e.strip()}
        if expansions - EXPANSIONS:
            raise BadRequest(f"expansions|The `expansions` query parameter value [{sorted(expansions - EXPANSIONS)[0]}] "
                             f"is not one of [{','.join(sorted(EXPANSIONS))}]")
        return expansions

    def _ok(self, req: Request, body: dict) -> Response:
        kind = self._kind(req)
        n = self._calls[kind] = self._calls.get(kind, 0) + 1
        limit = LIMITS[kind]
        now = int(time.time())
        # Remaining never reaches 0 on a success: the sandbox only throttles through the fault switch.
        return Response.json(body, headers={"x-rate-limit-limit": str(limit),
                                            "x-rate-limit-remaining": str(limit - 1 - n % (limit - 1)),
                                            "x-rate-limit-reset": str(now - now % WINDOW + WINDOW)})

    # -- parameters -------------------------------------------------------------------
    @staticmethod
    def _fields(req: Request, name: str, known: set[str]) -> set[str]:
        raw = req.arg(name) or ""
        fields = {f.strip() for f in raw.split(",") if f.strip()}
        bad = sorted(fields - known)
        if bad:
            raise BadRequest(f"{name}|The `{name}` query parameter value [{bad[0]}] is not one of "
                             f"[{','.join(sorted(known))}]")
        return fields

    def _account(self, req: Request):
        a = S.account_by_id(self.world, "x", req.params["id"])
        if a is None:
            raise NotFound
        return a

    # -- records ------------------------------------------------------------------------
    def _user(self, a, fields: set[str]) -> dict:
        w = self.world
        series = S.follower_series(w, a)
        now = w.timeline.as_of_ts
        posts = len([i for i in S.post_indices(w, a, None, None) if S.post_time(w, a, i) <= now])
        replies = 0
        if a.is_own:
            n_mentions = len(S.mention_indices(w, a, None, now))
            replies = int(n_mentions * 0.6)
        rec = {"id": a.id, "name": a.name, "username": a.username}
        extra = {"created_at": iso(w.timeline.start_ts - 900 * DAY), "description": f"{a.name} official ☕",
                 "protected": False, "verified": a.is_own, "location": "Indonesia",
                 "url": "", "profile_image_url": f"https://pbs.twimg.com/profile_images/{a.id}/normal.jpg",
                 "public_metrics": {"followers_count": series[-1].followers, "following_count": 120 + int(a.id[-2:]),
                                    "tweet_count": posts + replies, "listed_count": 40 + int(a.id[-3:-1]),
                                    "like_count": 2000 + int(a.id[-4:]), "media_count": posts // 2}}
        rec.update({k: v for k, v in extra.items() if k in fields})
        return rec

    def _author_user(self, author: S.Author, fields: set[str]) -> dict:
        rec = {"id": author.id, "name": author.name, "username": author.username}
        if "created_at" in fields:
            rec["created_at"] = "2019-03-01T00:00:00.000Z"
        if "public_metrics" in fields:
            rec["public_metrics"] = {"followers_count": 50 + int(author.id[-3:]), "following_count": 300,
                                     "tweet_count": 1200, "listed_count": 0, "like_count": 800, "media_count": 20}
        return rec

    @staticmethod
    def _tweet(full: dict, fields: set[str]) -> dict:
        return {k: v for k, v in full.items() if k in TWEET_DEFAULT or k in fields}

    def _post_tweet(self, p: S.Post) -> dict:
        m = S.metrics_at(self.world, p)
        return {"id": p.id, "text": p.caption, "edit_history_tweet_ids": [p.id], "author_id": p.account.id,
                "created_at": iso(p.created_ts), "conversation_id": p.id, "lang": "in",
                "reply_settings": "everyone", "possibly_sensitive": False,
                "public_metrics": {"retweet_count": m.shares, "reply_count": m.comments, "like_count": m.likes,
                                   "quote_count": m.quotes, "bookmark_count": m.saves, "impression_count": m.views}}

    def _thread_tweet(self, m: S.Mention, t: S.ThreadTweet) -> dict:
        """A follow-up or brand reply of mention m's thread."""
        return {"id": t.id, "text": t.text, "edit_history_tweet_ids": [t.id], "author_id": t.author_id,
                "created_at": iso(t.created_ts), "conversation_id": t.conversation_id,
                "in_reply_to_user_id": t.replied_to_user_id,
                "referenced_tweets": [{"type": "replied_to", "id": t.replied_to_id}],
                "lang": "in" if t.language == "id" else "en", "reply_settings": "everyone",
                "possibly_sensitive": False,
                "entities": {"mentions": [{"start": 0, "end": len(t.mentioned_username) + 1,
                                           "username": t.mentioned_username, "id": t.mentioned_id}]},
                "public_metrics": {"retweet_count": 0, "reply_count": 0, "like_count": m.like_count // 3,
                                   "quote_count": 0, "bookmark_count": 0, "impression_count": 40 + m.like_count * 9}}

    def _thread_item(self, j: int, kind: str) -> tuple[S.Mention, S.ThreadTweet]:
        w = self.world
        main = w.account("x")
        m = S.mention(w, main, j)
        return m, next(t for t in S.thread_tweets(w, main, j) if t.kind == kind)

    def _mention_tweet(self, m: S.Mention) -> dict:
        a = m.account
        return {"id": m.id, "text": m.message.text, "edit_history_tweet_ids": [m.id], "author_id": m.author.id,
                "created_at": iso(m.created_ts), "conversation_id": m.id,
                "lang": "in" if m.message.language == "id" else "en", "reply_settings": "everyone",
                "possibly_sensitive": False,
                "entities": {"mentions": [{"start": m.message.text.find("@" + a.username),
                                           "end": m.message.text.find("@" + a.username) + len(a.username) + 1,
                                           "username": a.username, "id": a.id}]},
                "public_metrics": {"retweet_count": m.retweet_count, "reply_count": 1 if m.reply else 0,
                                   "like_count": m.like_count, "quote_count": 0, "bookmark_count": 0,
                                   "impression_count": 60 + m.like_count * 11}}

    # -- timeline windows -----------------------------------------------------------------
    def _window(self, req: Request) -> tuple[float, float, int, int, int, int]:
        """(lo_ts, hi_ts, since_id, upper_id exclusive, served so far, max_results)."""
        w = self.world
        raw_max = req.arg("max_results")
        max_results = 10
        if raw_max is not None:
            try:
                max_results = int(raw_max)
            except ValueError:
                max_results = -1
            if not 5 <= max_results <= 100:
                raise BadRequest(f"max_results|The `max_results` query parameter value [{raw_max}] is not between "
                                 "5 and 100")
        start = _rfc3339(req.arg("start_time"), "start_time")
        end = _rfc3339(req.arg("end_time"), "end_time")
        since_id = int(req.arg("since_id") or 0)
        until_id = int(req.arg("until_id") or 0)
        lo = max(w.timeline.start_ts, start or 0, S.snowflake_ts(since_id) - 0.001 if since_id else 0)
        hi = min(w.timeline.as_of_ts + 0.001, end or math.inf, S.snowflake_ts(until_id) + 0.001 if until_id else math.inf)
        upper_id = until_id or (1 << 63)
        served = 0
        if req.arg("pagination_token"):
            upper_id, served = _untoken(req.arg("pagination_token"))
            hi = min(hi, S.snowflake_ts(upper_id) + 0.001)
        return lo, hi, since_id, upper_id, served, max_results

    def _page(self, req: Request, items: list[dict], more: bool, served: int, cap: int,
              includes: dict | None = None) -> Response:
        meta: dict[str, Any] = {"result_count": len(items)}
        if items:
            meta["newest_id"] = items[0]["id"]
            meta["oldest_id"] = items[-1]["id"]
            if more and served + len(items) < cap:
                meta["next_token"] = _token(int(items[-1]["id"]), served + len(items))
        body: dict[str, Any] = {}
        if items:
            body["data"] = self.with_record_faults(items, key="id", optional="public_metrics")
        if includes:
            body["includes"] = includes
        body["meta"] = meta
        return self._ok(req, body)

    def _chunked(self, req: Request, rate: float, items_between) -> tuple[list[tuple[int, float, Any]], bool]:
        """Newest-first items of a timeline window: (id, time, what) from ``items_between(bottom, top)``."""
        lo, hi, since_id, upper_id, served, max_results = self._window(req)
        chunk = min(30 * DAY, max(0.02 * DAY, 150 / max(rate, 1e-9) * DAY))
        items: list[tuple[int, float, Any]] = []
        top = hi
        while top > lo and len(items) < max_results + 1:
            bottom = max(lo, top - chunk)
            found = [f for f in items_between(bottom, top) if since_id < f[0] < upper_id]
            found.sort(key=lambda f: f[0], reverse=True)
            items.extend(found)
            top = bottom
        return items[:max_results], len(items) > max_results

    def _thread_events(self, a, bottom: float, top: float, kinds: set[str]) -> list[tuple[int, float, Any]]:
        """Tweets of the main handle's threads in [bottom, top) of the given kinds that involve account a."""
        w = self.world
        main = w.account("x")
        out = []
        for j in S.mention_indices(w, main, bottom - S.MAX_THREAD_SPAN, top):
            for t, kind, who in S.thread_event_times(w, main, j):
                if kind in kinds and who == a.key and bottom <= t < top and t <= w.timeline.as_of_ts:
                    code = S.KIND_FOLLOWUP if kind in ("before", "after") else S.KIND_REPLY
                    out.append((int(S.snowflake(t, code, 0, j)), t, (kind, j)))
        return out

    def _includes(self, expansions: set[str], replied: list[tuple[dict, S.Author]], fields: set[str],
                  user_fields: set[str]) -> dict | None:
        """includes.tweets (the tweets replied to) and includes.users (their authors), as expanded."""
        includes: dict[str, list] = {}
        if "referenced_tweets.id" in expansions and replied:
            includes["tweets"] = [self._tweet(t, fields) for t, _ in replied]
        if "referenced_tweets.id.author_id" in expansions and replied:
            users: dict[str, dict] = {}
            for _, author in replied:
                users.setdefault(author.id, self._author_user(author, user_fields))
            includes["users"] = list(users.values())
        return includes or None

    # -- routes --------------------------------------------------------------------------
    @route("GET", r"/users/(?P<id>\d+)")
    def get_user(self, req: Request) -> Response:
        fields = self._fields(req, "user.fields", USER_FIELDS)
        a = S.account_by_id(self.world, "x", req.params["id"])
        if a is None:
            uid = req.params["id"]
            return self._ok(req, {"errors": [{"value": uid, "detail": f"Could not find user with id: [{uid}].",
                                              "title": "Not Found Error", "resource_type": "user",
                                              "parameter": "id", "resource_id": uid,
                                              "type": "https://api.twitter.com/2/problems/resource-not-found"}]})
        return self._ok(req, {"data": self._user(a, fields)})

    @route("GET", r"/users/by")
    def users_by_usernames(self, req: Request) -> Response:
        fields = self._fields(req, "user.fields", USER_FIELDS)
        names = [n.strip() for n in (req.arg("usernames") or "").split(",") if n.strip()]
        if not 1 <= len(names) <= 100:
            raise BadRequest("usernames|The `usernames` query parameter must hold 1 to 100 usernames")
        data, errors = [], []
        for name in names:
            a = S.account_by_username(self.world, "x", name)
            if a is None:
                errors.append(self._not_found_user(name, "usernames"))
            else:
                data.append(self._user(a, fields))
        body: dict[str, Any] = {"data": data} if data else {}
        if errors:
            body["errors"] = errors
        return self._ok(req, body)

    @route("GET", r"/users/by/username/(?P<username>[A-Za-z0-9_]{1,15})")
    def user_by_username(self, req: Request) -> Response:
        fields = self._fields(req, "user.fields", USER_FIELDS)
        a = S.account_by_username(self.world, "x", req.params["username"])
        if a is None:
            return self._ok(req, {"errors": [self._not_found_user(req.params["username"], "username")]})
        return self._ok(req, {"data": self._user(a, fields)})

    @staticmethod
    def _not_found_user(value: str, parameter: str) -> dict:
        return {"value": value, "detail": f"Could not find user with {parameter}: [{value}].",
                "title": "Not Found Error", "resource_type": "user", "parameter": parameter, "resource_id": value,
                "type": "https://api.twitter.com/2/problems/resource-not-found"}

    @route("GET", r"/users/(?P<id>\d+)/tweets")
    def user_tweets(self, req: Request) -> Response:
        w = self.world
        a = self._account(req)
        fields = self._fields(req, "tweet.fields", TWEET_FIELDS)
        user_fields = self._fields(req, "user.fields", USER_FIELDS)
        expansions = self._expansions(req)
        *_, served, _ = self._window(req)
        main = w.account("x")
        rate = a.posts_per_day + (S.mention_rate(w, main) if a.is_own else 0.0)

        def between(bottom: float, top: float) -> list[tuple[int, float, Any]]:
            found = []
            for i in S.post_indices(w, a, bottom, top):  # none for the support handle
                t = S.post_time(w, a, i)
                if bottom <= t < top:
                    found.append((int(S.post_id(w, a, S.account_no(w, a), i)), t, ("post", i)))
            if a.is_own:
                found += self._thread_events(a, bottom, top, {"reply", "next_reply"})
            return found

        page, more = self._chunked(req, rate, between)
        out, replied = [], []
        for _, _, (kind, k) in page:
            if kind == "post":
                out.append(self._tweet(self._post_tweet(S.post(w, a, k)), fields))
                continue
            m, t = self._thread_item(k, kind)
            out.append(self._tweet(self._thread_tweet(m, t), fields))
            if kind == "reply":
                replied.append((self._mention_tweet(m), m.author))
            else:
                _, after = self._thread_item(k, "after")
                replied.append((self._thread_tweet(m, after), m.author))
        includes = self._includes(expansions, replied, fields, user_fields)
        return self._page(req, out, more, served, S.X_TWEETS_TIMELINE_CAP, includes)

    @route("GET", r"/users/(?P<id>\d+)/mentions")
    def mentions(self, req: Request) -> Response:
        w = self.world
        a = self._account(req)
        fields = self._fields(req, "tweet.fields", TWEET_FIELDS)
        user_fields = self._fields(req, "user.fields", USER_FIELDS)
        expansions = self._expansions(req)
        *_, served, _ = self._window(req)
        main = w.account("x")

        def between(bottom: float, top: float) -> list[tuple[int, float, Any]]:
            found = []
            if a.key != "support":  # customers open threads at the main handle; support gets the replies to it
                for j in S.mention_indices(w, a, bottom, top):
                    t = S.mention_time(w, a, j)
                    if bottom <= t < top:
                        found.append((int(S.snowflake(t, S.KIND_MENTION, S.account_no(w, a), j)), t, ("mention", j)))
            if a.is_own:
                found += self._thread_events(a, bottom, top, {"before", "after"})
            return found

        page, more = self._chunked(req, S.mention_rate(w, main if a.key == "support" else a), between)
        out, authors = [], []
        for _, _, (kind, j) in page:
            if kind == "mention":
                m = S.mention(w, a, j)
                out.append(self._tweet(self._mention_tweet(m), fields))
            else:
                m, t = self._thread_item(j, kind)
                out.append(self._tweet(self._thread_tweet(m, t), fields))
            authors.append(m.author)
        includes = None
        if "author_id" in expansions and authors:
            users: dict[str, dict] = {}
            for author in authors:
                users.setdefault(author.id, self._author_user(author, user_fields))
            includes = {"users": list(users.values())}
        return self._page(req, out, more, served, S.X_MENTIONS_TIMELINE_CAP, includes)


API = XApi
