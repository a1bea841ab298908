"""Mailchimp Marketing API v3 (``https://{dc}.api.mailchimp.com/3.0``).

Contract (mailchimp.com/developer/marketing/api):
* HTTP basic auth with any user name and the API key as password; the key's
  ``-<dc>`` suffix names the data center host.
* Collections page with ``count`` (default 10, at most 1000) and ``offset``
  and report ``total_items``.  Incremental filters: members
  ``since_last_changed`` / ``before_last_changed`` (+ ``status``,
  ``sort_field``=last_changed|timestamp_opt, ``sort_dir``), campaigns
  ``since_send_time`` / ``before_send_time`` (+ ``status``, ``sort_field``=
  send_time|create_time), reports ``since_send_time`` / ``before_send_time``,
  email activity ``since`` (activity events after that time; recipients with
  none are left out).
* Errors are ``application/problem+json``: ``{type, title, status, detail, instance}``;
  more than 10 simultaneous connections answer 429 "Too Many Requests".
"""
from __future__ import annotations

import base64
import math
import uuid
from datetime import datetime, timezone
from functools import lru_cache

import numpy as np

from sandbox.api.base import Api, BadRequest, NotFound, Request, Response, route
from sandbox.world import email as em

API_KEY = "5a9b0c7d2e4f61830c1d2e3f4a5b6c7d-us21"
DC = "us21"
ERROR_DOC = "https://mailchimp.com/developer/marketing/docs/errors/"
MAX_COUNT = 1000


def _problem(status: int, title: str, detail: str) -> Response:
    return Response.json(
        {"type": ERROR_DOC, "title": title, "status": status, "detail": detail, "instance": str(uuid.uuid4())},
        status, content_type="application/problem+json; charset=utf-8",
    )


def _parse_time(req: Request, name: str) -> float | None:
    raw = req.arg(name)
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw.strip().replace(" ", "+"))
    except ValueError:
        raise BadRequest(f"{name}: the value {raw!r} is not a valid ISO 8601 date-time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


def _page(req: Request) -> tuple[int, int]:
    return req.int_arg("count", 10, low=1, high=MAX_COUNT), req.int_arg("offset", 0, low=0, high=10**9)


# -- cached views of one world (a world is replaced whole when the clock moves) ----------
@lru_cache(maxsize=256)
def _report(world, c: int) -> dict:
    return em.report_numbers(world, c, world.timeline.as_of_ts)


@lru_cache(maxsize=8)
def _member_order(world, status: str | None, since: float | None, before: float | None,
                  sort_field: str, descending: bool) -> np.ndarray:
    as_of = world.timeline.as_of_ts
    idx, keys = [], []
    for b in em.blocks_until(world, as_of):
        blk = em.block(world, b)
        st = em.status_at(blk, as_of)
        mask = st > 0
        if status:
            mask &= st == {"subscribed": 1, "unsubscribed": 2, "cleaned": 3}[status]
        lc = em.last_changed_at(blk, as_of)
        if since is not None:
            mask &= lc > since
        if before is not None:
            mask &= lc < before
        pos = np.nonzero(mask)[0]
        idx.append(blk.lo + pos)
        keys.append(lc[pos] if sort_field == "last_changed" else blk.opt_at[pos])
    if not idx:
        return np.zeros(0, np.int64)
    idx_a, keys_a = np.concatenate(idx), np.concatenate(keys)
    order = np.lexsort((idx_a, -keys_a if descending else keys_a))
    return idx_a[order]


@lru_cache(maxsize=16)
def _recipients(world, c: int, since: float | None) -> np.ndarray:
    """Customer indices of campaign ``c``'s recipients (with activity after ``since`` when given)."""
    as_of = world.timeline.as_of_ts
    out = []
    for b in em.blocks_until(world, em.send_time(world, c)):
        act = em.activity(world, c, b)
        mask = act.recipient.copy()
        if since is not None:
            opens = (act.opens > since) & (act.opens <= as_of)
            clicks = (act.click_at > since) & (act.click_at <= as_of)
            bounces = (act.bounce > 0) & (act.bounce_at > since) & (act.bounce_at <= as_of)
            mask &= opens.any(axis=1) | clicks | bounces
        out.append(b * em.CHUNK + np.nonzero(mask)[0])
    return np.concatenate(out) if out else np.zeros(0, np.int64)


class MailchimpApi(Api):
    name = "mailchimp"
    prefix = "/mailchimp/3.0"

    # -- the vendor's own shapes ------------------------------------------------
    def authorized(self, req: Request) -> bool:
        auth = req.headers.get("Authorization") or req.headers.get("authorization") or ""
        if not auth.lower().startswith("basic "):
            return False
        try:
            _, _, key = base64.b64decode(auth[6:]).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return False
        return key == API_KEY

    def unauthorized(self, req: Request) -> Response:
        return _problem(401, "API Key Invalid",
                        "Your API key may be invalid, or you've attempted to access the wrong datacenter.")

    def rate_limited(self, req: Request, wait_seconds: int) -> Response:
        return _problem(429, "Too Many Requests", "You have exceeded the limit of 10 simultaneous connections.")

    def server_error(self, req: Request) -> Response:
        return _problem(503, "Service Unavailable", "The service is temporarily unavailable. Please try again later.")

    def bad_request(self, req: Request, message: str) -> Response:
        return _problem(400, "Invalid Resource", message)

    def not_found(self, req: Request) -> Response:
        return _problem(404, "Resource Not Found", "The requested resource could not be found.")

    def extractor_settings(self, base_url: str) -> dict[str, str]:
        return {"PANTAU_MAILCHIMP_BASE_URL": base_url, "PANTAU_MAILCHIMP_API_KEY": API_KEY,
                "PANTAU_MAILCHIMP_DC": DC}

    # -- lists and members -------------------------------------------------------
    def _list(self) -> dict:
        w = self.world
        as_of = w.timeline.as_of_ts
        counts = np.zeros(4, np.int64)
        last_sub = last_unsub = -math.inf
        for b in em.blocks_until(w, as_of):
            blk = em.block(w, b)
            st = em.status_at(blk, as_of)
            counts += np.bincount(st, minlength=4)[:4]
            subs = blk.opt_at[st > 0]
            if subs.size:
                last_sub = max(last_sub, float(subs.max()))
            gone = blk.end_at[st == 2]
            if gone.size:
                last_unsub = max(last_unsub, float(gone.max()))
        sent = [c for c in range(em.campaign_count(w)) if em.send_time(w, c) <= as_of]
        opens = clicks = delivered = 0
        for c in sent[-10:]:
            rep = _report(w, c)
            d = rep["emails_sent"] - rep["hard"] - rep["soft"]
            delivered += d
            opens += rep["unique_opens"]
            clicks += rep["unique_clicks"]
        lid = em.list_id(w)
        return {
            "id": lid,
            "web_id": em.list_web_id(w),
            "name": "Kopiku Newsletter",
            "contact": {"company": "PT Kopiku Nusantara", "address1": "Jl. Kemang Raya 10", "city": "Jakarta",
                        "state": "DKI Jakarta", "zip": "12730", "country": "ID"},
            "permission_reminder": "Kamu menerima email ini karena mendaftar di kopiku.id",
            "campaign_defaults": {"from_name": "Kopiku", "from_email": "halo@kopiku.id",
                                  "subject": "", "language": "id"},
            "date_created": em.mc_time(w.timeline.start_ts - 30 * 86400),
            "list_rating": 4,
            "email_type_option": False,
            "subscribe_url_short": "http://eepurl.com/kopiku",
            "visibility": "pub",
            "double_optin": False,
            "marketing_permissions": False,
            "stats": {
                "member_count": int(counts[1]),
                "unsubscribe_count": int(counts[2]),
                "cleaned_count": int(counts[3]),
                "campaign_count": len(sent),
                "campaign_last_sent": em.mc_time(em.send_time(w, sent[-1])) if sent else "",
                "open_rate": round(100 * opens / delivered, 2) if delivered else 0,
                "click_rate": round(100 * clicks / delivered, 2) if delivered else 0,
                "last_sub_date": em.mc_time(last_sub) if last_sub > -math.inf else "",
                "last_unsub_date": em.mc_time(last_unsub) if last_unsub > -math.inf else "",
            },
        }

    @route("GET", r"/lists")
    def lists(self, req: Request) -> Response:
        count, offset = _page(req)
        items = [self._list()][offset: offset + count]
        return Response.json({"lists": items, "total_items": 1, "constraints": {"may_create": False,
                              "max_instances": 1, "current_total_instances": 1}, "_links": []})

    @route("GET", r"/lists/(?P<list_id>[^/]+)")
    def one_list(self, req: Request) -> Response:
        if req.params["list_id"] != em.list_id(self.world):
            raise NotFound
        return Response.json(self._list())

    @route("GET", r"/lists/(?P<list_id>[^/]+)/members")
    def members(self, req: Request) -> Response:
        w = self.world
        lid = req.params["list_id"]
        if lid != em.list_id(w):
            raise NotFound
        count, offset = _page(req)
        status = req.arg("status")
        if status and status not in ("subscribed", "unsubscribed", "cleaned", "pending", "transactional", "archived"):
            raise BadRequest(f"status: {status!r} is not a valid member status")
        sort_field = req.arg("sort_field") or "timestamp_opt"
        if sort_field not in ("timestamp_opt", "timestamp_signup", "last_changed"):
            raise BadRequest(f"sort_field: {sort_field!r} is not one of timestamp_opt, timestamp_signup, last_changed")
        sort_dir = (req.arg("sort_dir") or "ASC").upper()
        if sort_dir not in ("ASC", "DESC"):
            raise BadRequest("sort_dir must be ASC or DESC")
        order = _member_order(w, status if status in ("subscribed", "unsubscribed", "cleaned") else None,
                              _parse_time(req, "since_last_changed"), _parse_time(req, "before_last_changed"),
                              "last_changed" if sort_field == "last_changed" else "timestamp_opt", sort_dir == "DESC")
        if status in ("pending", "transactional", "archived"):
            order = order[:0]
        as_of = w.timeline.as_of_ts
        page = [em.member_record(w, int(i), as_of) for i in order[offset: offset + count]]
        page = self.with_record_faults(page, key="id", optional="location")
        return Response.json({"members": page, "list_id": lid, "total_items": int(order.size), "_links": []})

    # -- campaigns and reports -----------------------------------------------------
    def _visible_campaigns(self, req: Request, status_allowed: bool) -> list[int]:
        w = self.world
        as_of = w.timeline.as_of_ts
        since = _parse_time(req, "since_send_time")
        before = _parse_time(req, "before_send_time")
        status = req.arg("status") if status_allowed else "sent"
        if status and status not in ("save", "paused", "schedule", "sending", "sent"):
            raise BadRequest(f"status: {status!r} is not one of save, paused, schedule, sending, sent")
        list_filter = req.arg("list_id")
        out = []
        for c in range(em.campaign_count(w)):
            sent_at = em.send_time(w, c)
            c_status = "sent" if sent_at <= as_of else "schedule"
            if status and c_status != status:
                continue
            if since is not None and not sent_at > since:
                continue
            if before is not None and not sent_at < before:
                continue
            if list_filter and list_filter != em.list_id(w):
                continue
            out.append(c)
        sort_field = req.arg("sort_field")
        if sort_field and sort_field not in ("create_time", "send_time"):
            raise BadRequest(f"sort_field: {sort_field!r} is not one of create_time, send_time")
        if (req.arg("sort_dir") or "ASC").upper() == "DESC":
            out.reverse()
        return out

    def _campaign(self, c: int) -> dict:
        w = self.world
        as_of = w.timeline.as_of_ts
        sent_at = em.send_time(w, c)
        done = sent_at <= as_of
        title, slug = em.campaign_title(c)
        cid = em.campaign_id(w, c)
        rep = _report(w, c)
        delivered = rep["emails_sent"] - rep["hard"] - rep["soft"]
        subject = title.split(" - ", 1)[1]
        rec = {
            "id": cid,
            "web_id": em.stable_int(w.profile.seed, "mc-campaign-web", c, digits=7),
            "type": "regular",
            "create_time": em.mc_time(em.create_time(w, c)),
            "archive_url": f"http://eepurl.com/{cid[:6]}",
            "long_archive_url": f"https://us21.campaign-archive.com/?u=kopiku&id={cid}",
            "status": "sent" if done else "schedule",
            "emails_sent": rep["emails_sent"],
            "send_time": em.mc_time(sent_at),
            "content_type": "template",
            "needs_block_refresh": False,
            "resendable": done,
            "recipients": {"list_id": em.list_id(w), "list_is_active": True, "list_name": "Kopiku Newsletter",
                           "segment_text": "", "recipient_count": rep["emails_sent"]},
            "settings": {"subject_line": f"{subject} ☕", "preview_text": "Kabar terbaru dari Kopiku",
                         "title": title, "from_name": "Kopiku", "reply_to": "halo@kopiku.id",
                         "use_conversation": False, "to_name": "*|FNAME|*", "folder_id": "",
                         "authenticate": True, "auto_footer": False, "inline_css": False, "auto_tweet": False,
                         "fb_comments": False, "timewarp": False, "template_id": 10042, "drag_and_drop": True},
            "tracking": {"opens": True, "html_clicks": True, "text_clicks": False, "goal_tracking": False,
                         "ecomm360": False, "google_analytics": slug, "clicktale": ""},
            "delivery_status": {"enabled": False},
            "_links": [],
        }
        if done:
            rec["report_summary"] = {
                "opens": rep["opens_total"], "unique_opens": rep["unique_opens"],
                "open_rate": round(rep["unique_opens"] / delivered, 4) if delivered else 0,
                "clicks": rep["clicks_total"], "subscriber_clicks": rep["unique_clicks"],
                "click_rate": round(rep["unique_clicks"] / delivered, 4) if delivered else 0,
            }
        return rec

    def _report_record(self, c: int) -> dict:
        w = self.world
        rep = _report(w, c)
        title, _ = em.campaign_title(c)
        delivered = rep["emails_sent"] - rep["hard"] - rep["soft"]
        return {
            "id": em.campaign_id(w, c),
            "campaign_title": title,
            "type": "regular",
            "list_id": em.list_id(w),
            "list_is_active": True,
            "list_name": "Kopiku Newsletter",
            "subject_line": title.split(" - ", 1)[1] + " ☕",
            "preview_text": "Kabar terbaru dari Kopiku",
            "emails_sent": rep["emails_sent"],
            "abuse_reports": 0,
            "unsubscribed": rep["unsubscribed"],
            "send_time": em.mc_time(em.send_time(w, c)),
            "bounces": {"hard_bounces": rep["hard"], "soft_bounces": rep["soft"], "syntax_errors": 0},
            "forwards": {"forwards_count": 0, "forwards_opens": 0},
            "opens": {"opens_total": rep["opens_total"], "unique_opens": rep["unique_opens"],
                      "open_rate": round(rep["unique_opens"] / delivered, 4) if delivered else 0,
                      "last_open": em.mc_time(rep["last_open"]) if rep["last_open"] > -math.inf else ""},
            "clicks": {"clicks_total": rep["clicks_total"], "unique_clicks": rep["unique_clicks"],
                       "unique_subscriber_clicks": rep["unique_clicks"],
                       "click_rate": round(rep["unique_clicks"] / delivered, 4) if delivered else 0,
                       "last_click": em.mc_time(rep["last_click"]) if rep["last_click"] > -math.inf else ""},
            "list_stats": {"sub_rate": 0, "unsub_rate": 0, "open_rate": 0, "click_rate": 0},
            "delivery_status": {"enabled": False},
            "_links": [],
        }

    @route("GET", r"/campaigns")
    def campaigns(self, req: Request) -> Response:
        count, offset = _page(req)
        cs = self._visible_campaigns(req, status_allowed=True)
        page = [self._campaign(c) for c in cs[offset: offset + count]]
        page = self.with_record_faults(page, key="id", optional="archive_url")
        return Response.json({"campaigns": page, "total_items": len(cs), "_links": []})

    @route("GET", r"/reports")
    def reports(self, req: Request) -> Response:
        count, offset = _page(req)
        cs = self._visible_campaigns(req, status_allowed=False)
        page = [self._report_record(c) for c in cs[offset: offset + count]]
        page = self.with_record_faults(page, key="id", optional="forwards")
        return Response.json({"reports": page, "total_items": len(cs), "_links": []})

    def _sent_campaign(self, cid: str) -> int:
        c = em.campaign_index(self.world, cid)
        if c is None or em.send_time(self.world, c) > self.world.timeline.as_of_ts:
            raise NotFound
        return c

    @route("GET", r"/reports/(?P<campaign_id>[^/]+)")
    def report(self, req: Request) -> Response:
        return Response.json(self._report_record(self._sent_campaign(req.params["campaign_id"])))

    @route("GET", r"/reports/(?P<campaign_id>[^/]+)/email-activity")
    def email_activity(self, req: Request) -> Response:
        w = self.world
        cid = req.params["campaign_id"]
        c = self._sent_campaign(cid)
        count, offset = _page(req)
        since = _parse_time(req, "since")
        who = _recipients(w, c, since)
        as_of = w.timeline.as_of_ts
        lid = em.list_id(w)
        page = []
        for i in who[offset: offset + count]:
            i = int(i)
            b, k = divmod(i, em.CHUNK)
            cust = w.customer(i)
            page.append({
                "campaign_id": cid,
                "list_id": lid,
                "list_is_active": True,
                "email_id": cust.mailchimp_hash,
                "email_address": em.member_email(cust),
                "activity": em.recipient_activity(w, c, i, em.activity(w, c, b), k, as_of, since),
                "_links": [],
            })
        page = self.with_record_faults(page, key="email_id", optional="list_is_active")
        return Response.json({"emails": page, "campaign_id": cid, "total_items": int(who.size), "_links": []})


API = MailchimpApi
