"""Facebook Pages Graph API.

Real host ``https://graph.facebook.com/v23.0``; here under ``/facebook/v23.0``.
Contract served (Meta's reference: Page, Page Feed/posts, Object Comments,
Page Insights):

- ``GET /{page-id}?fields=id,name,followers_count,fan_count``: the brand's page
  or a competitor's public page.
- ``GET /{page-id}/posts?fields=...&since&until&limit&after``: newest first;
  ``shares`` ({"count"}, omitted when nobody shared),
  ``reactions.summary(total_count).limit(0)`` and
  ``comments.summary(total_count).limit(0)`` edges with their ``summary``.
- ``GET /{post-id}/comments?fields=id,message,created_time,from,comment_count,parent``
  with ``filter=toplevel`` (default) or ``filter=stream`` (replies too, each
  with its ``parent``).  In the sandbox a reply follows its parent in the
  stream order rather than being interleaved by time.
- ``GET /{page-id}/insights?metric=page_follows,page_daily_follows_unique,
  page_daily_unfollows_unique,page_impressions,page_post_engagements&period=day&since&until``:
  ranges of at most 93 days, ``paging.previous/next`` as time windows.

Fields, auth, errors, throttling and paging follow ``GraphApi`` (see ``sandbox.api.graph``).
"""
from __future__ import annotations

from typing import Any

from sandbox.api.base import BadRequest, NotFound, Request, Response, route
from sandbox.api.graph import GRAPH_VERSION, GraphApi, decode_cursor, parse_fields, select
from sandbox.world import social as S
from sandbox.world.timeline import DAY, graph_time

PAGE_METRICS = {
    "page_follows": ("Lifetime Total Follows", "The number of followers of your Page.", lambda d: d.followers),
    "page_daily_follows_unique": ("Daily Page Follows", "The number of new followers of your Page.",
                                  lambda d: d.follows),
    "page_daily_unfollows_unique": ("Daily Page Unfollows", "The number of people who unfollowed your Page.",
                                    lambda d: d.unfollows),
    "page_impressions": ("Daily Total Impressions", "The number of times any content from your Page or about your "
                         "Page entered a person's screen.", lambda d: d.impressions),
    "page_post_engagements": ("Daily Post Engagements", "The number of times people have engaged with your posts "
                              "through reactions, comments, shares and more.", lambda d: d.post_engagements),
}


class FacebookApi(GraphApi):
    name = "facebook"
    prefix = f"/facebook/{GRAPH_VERSION}"
    token = "sandbox-facebook-token"
    usage_type = "pages"
    throttle_codes = ((32, 400, "(#32) Page request limit reached"),
                      (4, 403, "(#4) Application request limit reached"),
                      (17, 400, "(#17) User request limit reached"),
                      (613, 400, "(#613) Calls to this api have exceeded the rate limit."))

    def extractor_settings(self, base_url: str) -> dict[str, str]:
        w = self.world
        return {
            "PANTAU_FACEBOOK_BASE_URL": base_url,
            "PANTAU_FACEBOOK_ACCESS_TOKEN": self.token,
            "PANTAU_FACEBOOK_PAGE_ID": w.account("facebook").id,
            "PANTAU_FACEBOOK_COMPETITOR_PAGE_IDS": ",".join(a.id for a in w.competitor_accounts("facebook")),
        }

    def _page(self, req: Request):
        a = S.account_by_id(self.world, "facebook", req.params["id"])
        if a is None:
            raise NotFound
        return a

    def _post_record(self, p: S.Post, fields: dict[str, str]) -> dict:
        w = self.world
        cache: dict[str, Any] = {}

        def m() -> S.PostMetrics:
            if "m" not in cache:
                cache["m"] = S.metrics_at(w, p)
            return cache["m"]

        def reactions(modifier: str) -> dict:
            out: dict[str, Any] = {"data": []}
            if ".summary(" in modifier:
                out["summary"] = {"total_count": m().likes, "viewer_reaction": "NONE"}
            return out

        def comments(modifier: str) -> dict:
            out: dict[str, Any] = {"data": []}
            if ".summary(" in modifier:
                out["summary"] = {"order": "chronological", "total_count": m().comments, "can_comment": True}
            return out

        record = {"id": p.id, "message": p.caption, "created_time": graph_time(p.created_ts),
                  "permalink_url": f"https://www.facebook.com/{p.account.id}/posts/{p.id.split('_')[1]}",
                  "from": {"name": p.account.name, "id": p.account.id}, "status_type": "added_photos",
                  "is_published": True}
        builders = {"shares": lambda _: {"count": m().shares} if m().shares else None,
                    "reactions": reactions, "comments": comments,
                    "updated_time": lambda _: graph_time(max(p.created_ts, w.timeline.as_of_ts - DAY)
                                                         if w.timeline.as_of_ts - p.created_ts < 7 * DAY
                                                         else p.created_ts)}
        return select(record, fields, builders)

    @route("GET", r"/(?P<id>\d+)")
    def get_page(self, req: Request) -> Response:
        a = self._page(req)
        fields = parse_fields(req.arg("fields") or "id,name")
        series = S.follower_series(self.world, a)
        followers = series[-1].followers
        record = {"id": a.id, "name": a.name, "username": a.username, "followers_count": followers,
                  "fan_count": int(followers * 0.92), "category": "Coffee shop",
                  "link": f"https://www.facebook.com/{a.username}"}
        return Response.json(select(record, fields, {}))

    @route("GET", r"/(?P<id>\d+_\d+)")
    def get_post(self, req: Request) -> Response:
        p = self.post_or_404(req)
        return Response.json(self._post_record(p, parse_fields(req.arg("fields") or "id,message,created_time")))

    @route("GET", r"/(?P<id>\d+)/(?P<edge>posts|feed|published_posts)")
    def list_posts(self, req: Request) -> Response:
        a = self._page(req)
        fields = parse_fields(req.arg("fields") or "id,message,created_time")
        return self.post_page(req, a, lambda p: self._post_record(p, fields), optional="message")

    @route("GET", r"/(?P<id>\d+_\d+)/comments")
    def comments(self, req: Request) -> Response:
        w = self.world
        p = self.post_or_404(req)
        fields = parse_fields(req.arg("fields") or "id,message,created_time")
        stream = (req.arg("filter") or "toplevel") == "stream"
        if (req.arg("filter") or "toplevel") not in ("toplevel", "stream"):
            raise BadRequest("(#100) filter must be one of the following values: toplevel, stream")
        limit = self.limit(req, 25, 100)
        n = S.visible_comment_count(w, p, w.timeline.as_of_ts)
        # Positions: 2j is comment j, 2j+1 its reply (stream only); chronological by comment.
        pos = decode_cursor(req.arg("after")) + 1 if req.arg("after") else 0
        out: list[dict] = []
        last = pos
        page_id, page_name = p.account.id, p.account.name
        while pos < 2 * n and len(out) < limit:
            j, is_reply = divmod(pos, 2)
            if is_reply and not stream:
                pos += 1
                continue
            c = S.comment(w, p, j)
            if is_reply:
                if c.reply is not None:
                    rec = {"id": c.reply.id, "message": c.reply.text, "created_time": graph_time(c.reply.created_ts),
                           "from": {"name": page_name, "id": page_id}, "comment_count": 0, "like_count": 0,
                           "parent": {"created_time": graph_time(c.created_ts),
                                      "from": {"name": c.author.name, "id": c.author.id},
                                      "message": c.message.text, "id": c.id}}
                    out.append(select(rec, fields, {}))
                    last = pos
            else:
                rec = {"id": c.id, "message": c.message.text, "created_time": graph_time(c.created_ts),
                       "from": {"name": c.author.name, "id": c.author.id},
                       "comment_count": 1 if c.reply is not None else 0, "like_count": c.like_count}
                out.append(select(rec, fields, {"parent": lambda _: None}))
                last = pos
            pos += 1
        has_next = pos < 2 * n and bool(out)
        out = self.with_record_faults(out, key="id", optional="comment_count")
        return self.page(req, out, last, last, has_next)

    @route("GET", r"/(?P<id>\d+)/insights")
    def insights(self, req: Request) -> Response:
        w = self.world
        a = self._page(req)
        if not a.is_own:
            return self._error(403, "(#10) This endpoint requires the 'read_insights' permission", 10)
        metrics = self.metrics(req)
        unknown = [m for m in metrics if m not in PAGE_METRICS]
        if unknown:
            raise BadRequest(f"(#100) The value must be a valid insights metric: {unknown[0]}")
        if (req.arg("period") or "day") != "day":
            raise BadRequest("(#100) The sandbox serves period=day only")
        since, until = self.insight_window(req, 2, 93)
        series = S.follower_series(w, a)
        now = w.timeline.as_of_ts
        data = []
        for name in metrics:
            title, description, value = PAGE_METRICS[name]
            data.append({"name": name, "period": "day",
                         "values": self.day_values(series, w.timeline.start_ts, since, until, now, value),
                         "title": title, "description": description, "id": f"{a.id}/insights/{name}/day"})
        return self.window_insights(req, self.with_record_faults(data, key="id", optional="title"), since, until)


API = FacebookApi
