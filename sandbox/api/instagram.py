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

Fields, auth, errors, throttling and paging follow ``GraphApi`` (see
``sandbox.api.graph``).
"""
from __future__ import annotations

from typing import Any

from sandbox.api.base import BadRequest, NotFound, Request, Response, route
from sandbox.api.graph import (
    GRAPH_VERSION, GraphApi, encode_cursor, modifier_arg, parse_fields, select, sub_fields,
)
from sandbox.world import social as S
from sandbox.world.draws import stable_hex
from sandbox.world.timeline import DAY, graph_time


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
                return self._error(400, "Invalid user id", 110, error_subcode=2207013,
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
        a = self._account(req)
        fields = parse_fields(req.arg("fields") or "id")
        return self.post_page(req, a, lambda p: self._media_record(p, fields), optional="caption")

    @route("GET", r"/(?P<id>\d+)/insights")
    def insights(self, req: Request) -> Response:
        w = self.world
        media = S.decode_post_id(w, "instagram", req.params["id"])
        metrics = self.metrics(req)
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
        p = self.post_or_404(req)
        fields = parse_fields(req.arg("fields") or "id,text,timestamp")
        reply_fields = sub_fields(fields.get("replies", "")) or {"id": "", "text": "", "timestamp": ""}
        limit = self.limit(req, 25, 50)
        n = S.visible_comment_count(w, p, w.timeline.as_of_ts)
        hi = self.below_after(req, n - 1)
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
