"""Email marketing: the newsletter audience, campaigns, reports and per-recipient activity (Mailchimp's view).

* The audience ("list") holds the customers who opted in to the newsletter
  (``Customer.newsletter``), subscribed minutes after signing up.  Members
  leave by unsubscribing from a campaign (more likely the less engaged they
  are) or by being cleaned after a hard bounce.  ``email_address`` is as the
  subscriber typed it (capitalisation imperfections); the member id is the MD5
  of the lower-cased address, i.e. ``Customer.mailchimp_hash``.
* Campaigns arrive at ``email_campaigns_per_month``, laid out by index and
  sent at 09:00 Jakarta time; a campaign is created three days before it is
  sent, so the next one may be visible as scheduled.
* Recipients of campaign ``c`` are the members subscribed at its send time.
  Each recipient's opens, clicks and bounces are engagement-driven draws,
  vectorised per block of customers so reports (aggregates) and email
  activity (per recipient) agree exactly.  Activity after the world's now is
  not visible, so reports grow over the days after a send.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from sandbox.world.draws import rng, stable_hex, stable_int
from sandbox.world.timeline import DAY

if TYPE_CHECKING:
    from sandbox.world.model import World

CHUNK = 2048
MONTH_DAYS = 30.4375
SEND_HOUR_UTC = 2  # 09:00 in Asia/Jakarta
ACTIVITY_HORIZON = 28 * DAY  # no activity later than this after a send (the extractor's lookback covers it)
SUBJECTS = (
    ("Promo Gajian", "promo-gajian"), ("Varian Baru: Kopi Pandan", "varian-baru-kopi-pandan"),
    ("Tips Seduh di Rumah", "tips-seduh-di-rumah"), ("Diskon Akhir Pekan", "diskon-akhir-pekan"),
    ("Cerita Petani Kopi", "cerita-petani-kopi"), ("Gratis Ongkir Sebulan", "gratis-ongkir-sebulan"),
    ("Menu Musim Hujan", "menu-musim-hujan"), ("Undang Teman, Dapat Poin", "undang-teman-dapat-poin"),
)
UNSUB_REASONS = ("I no longer want to receive these emails", "The emails are too frequent",
                 "I never signed up for this mailing list", "The emails are inappropriate", "Other")
# Planted: open probability = OPEN_BASE + OPEN_SLOPE * engagement; click (given an open) likewise.
OPEN_BASE, OPEN_SLOPE = 0.12, 0.50
CLICK_BASE, CLICK_SLOPE = 0.10, 0.35
SOFT_BOUNCE_SHARE = 0.01
CLEANED_SHARE = 0.03


def planted(world: "World") -> dict:
    """The email domain's ground truth (appended to truth.py under "email")."""
    return {
        "list_id": list_id(world),
        "campaigns_per_month": world.profile.email_campaigns_per_month,
        "open_probability": {"base": OPEN_BASE, "per_engagement": OPEN_SLOPE},
        "click_probability_given_open": {"base": CLICK_BASE, "per_engagement": CLICK_SLOPE},
        "soft_bounce_share": SOFT_BOUNCE_SHARE,
        "cleaned_share": CLEANED_SHARE,
        "activity_horizon_days": ACTIVITY_HORIZON / DAY,
        "members_are": "customers with newsletter=True; id = md5(lower(email)) = Customer.mailchimp_hash",
        "campaigns_visible": campaign_count(world),
    }


def mc_time(ts: float) -> str:
    """Mailchimp's timestamp format: ``2015-10-21T15:41:36+00:00``."""
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+00:00")


# -- the audience ------------------------------------------------------------
def list_id(world: "World") -> str:
    return stable_hex(world.profile.seed, "mc-list", length=10)


def list_web_id(world: "World") -> int:
    return stable_int(world.profile.seed, "mc-list-web", digits=6)


# -- campaigns -----------------------------------------------------------------
def _per_day(world: "World") -> float:
    return world.profile.email_campaigns_per_month / MONTH_DAYS


def send_time(world: "World", c: int) -> float:
    """Campaign ``c``'s send time: its slot's day at 09:00 WIB (+ a few minutes); increasing in ``c``."""
    t = world.timeline.slot_time(_per_day(world), c, world.profile.seed, "campaign")
    day_start = math.floor(t / DAY) * DAY
    return day_start + SEND_HOUR_UTC * 3600 + (stable_int(world.profile.seed, "campaign-min", c, digits=4) % 1800)


def create_time(world: "World", c: int) -> float:
    return send_time(world, c) - 3 * DAY - 3600


def campaign_count(world: "World") -> int:
    """Campaigns created by the world's now (the last may still be scheduled)."""
    return first_campaign_after(world, world.timeline.as_of_ts + 3 * DAY + 3600)


def first_campaign_after(world: "World", ts: float) -> int:
    """The index of the first campaign sent strictly after ``ts``."""
    width = DAY / _per_day(world)
    c = max(0, math.floor((ts - world.timeline.start_ts) / width) - 1)
    while send_time(world, c) <= ts:
        c += 1
    while c > 0 and send_time(world, c - 1) > ts:
        c -= 1
    return c


def campaign_id(world: "World", c: int) -> str:
    return stable_hex(world.profile.seed, "mc-campaign", c, length=10)


def campaign_index(world: "World", cid: str) -> int | None:
    for c in range(campaign_count(world)):
        if campaign_id(world, c) == cid:
            return c
    return None


def campaign_title(c: int) -> tuple[str, str]:
    subject, slug = SUBJECTS[c % len(SUBJECTS)]
    return f"Kopiku Newsletter #{c + 1} - {subject}", f"newsletter-{c + 1}-{slug}"


def campaign_slug_before(world: "World", ts: float) -> str | None:
    """utm_campaign of the latest campaign sent before ``ts`` (email-channel web sessions)."""
    c = first_campaign_after(world, ts) - 1
    return campaign_title(c)[1] if c >= 0 else None


def campaign_links(c: int) -> tuple[str, ...]:
    slug = campaign_title(c)[1]
    q = f"?utm_source=mailchimp&utm_medium=email&utm_campaign={slug}"
    return (f"https://www.kopiku.id/promo{q}", f"https://www.kopiku.id/blog/cara-seduh-v60{q}",
            f"https://www.kopiku.id/harga{q}")


# -- members, by block of customer indices ---------------------------------------
@dataclass(frozen=True)
class Block:
    """Member state of customers ``lo .. lo+n``; arrays are indexed by position in the block."""

    lo: int
    is_member: np.ndarray  # bool
    opt_at: np.ndarray  # float, inf for non-members
    first_c: np.ndarray  # first campaign received
    end_c: np.ndarray  # first campaign NOT received (huge when still subscribed)
    end_kind: np.ndarray  # 0 none, 1 unsubscribed, 2 cleaned
    end_at: np.ndarray  # when the member left (inf when never)
    engagement: np.ndarray


NEVER = 10**9


@lru_cache(maxsize=1024)
def block(world: "World", b: int) -> Block:
    seed = world.profile.seed
    # Always a whole block (customers are a pure function of their index): the draws below
    # must not depend on how many customers exist yet, or a later clock would redraw them.
    lo = b * CHUNK
    n = CHUNK
    is_member = np.zeros(n, bool)
    opt_at = np.full(n, np.inf)
    first_c = np.full(n, NEVER, np.int64)
    end_c = np.full(n, NEVER, np.int64)
    end_kind = np.zeros(n, np.int8)
    end_at = np.full(n, np.inf)
    engagement = np.zeros(n)
    for k in range(n):
        cust = world.customer(lo + k)
        engagement[k] = cust.engagement
        if not cust.newsletter:
            continue
        r = rng(seed, "mc-member", lo + k)
        opt = cust.signup_at + r.uniform(60, 3600)
        is_member[k] = True
        opt_at[k] = opt
        fc = first_campaign_after(world, opt)
        first_c[k] = fc
        if r.random() < CLEANED_SHARE:
            last = fc + int(r.expovariate(1 / 8.0))
            end_c[k], end_kind[k] = last + 1, 2
            end_at[k] = send_time(world, last) + r.uniform(30, 900)
        elif r.random() < 0.05 + 0.3 * (1 - cust.engagement):
            last = fc + int(r.expovariate(1 / 10.0))
            end_c[k], end_kind[k] = last + 1, 1
            end_at[k] = send_time(world, last) + r.uniform(600, 3 * DAY)
    return Block(lo, is_member, opt_at, first_c, end_c, end_kind, end_at, engagement)


def blocks_until(world: "World", ts: float) -> range:
    """Blocks holding every customer signed up by ``ts``."""
    n = world.customers_signed_up_by(ts) + 1
    return range(0, min(world.customer_count(), n) // CHUNK + 1)


def status_at(blk: Block, as_of: float) -> np.ndarray:
    """0 not a member (yet), 1 subscribed, 2 unsubscribed, 3 cleaned."""
    out = np.where(blk.is_member & (blk.opt_at <= as_of), 1, 0).astype(np.int8)
    left = (out == 1) & (blk.end_at <= as_of)
    out[left] = np.where(blk.end_kind[left] == 2, 3, 2)
    return out


def last_changed_at(blk: Block, as_of: float) -> np.ndarray:
    return np.where(blk.end_at <= as_of, blk.end_at, blk.opt_at)


STATUS_NAMES = {1: "subscribed", 2: "unsubscribed", 3: "cleaned"}


def member_email(cust) -> str:
    """The address as the subscriber typed it: about one in six has capitals."""
    email = cust.email
    style = int(cust.mailchimp_hash[0], 16)
    local, _, domain = email.partition("@")
    if style < 2:
        return ".".join(p.capitalize() for p in local.split(".")) + "@" + domain
    if style == 2:
        return local + "@" + domain.capitalize()
    return email


def member_record(world: "World", idx: int, as_of: float) -> dict:
    """Customer ``idx``'s Mailchimp member record as of ``as_of`` (the caller checks membership)."""
    b, k = divmod(idx, CHUNK)
    blk = block(world, b)
    cust = world.customer(idx)
    seed = world.profile.seed
    opt = float(blk.opt_at[k])
    gone = float(blk.end_at[k]) <= as_of
    kind = int(blk.end_kind[k]) if gone else 0
    status = "subscribed" if kind == 0 else ("unsubscribed" if kind == 1 else "cleaned")
    email = member_email(cust)
    h = cust.mailchimp_hash
    style = int(h[0], 16)
    eng = cust.engagement
    p_open = OPEN_BASE + OPEN_SLOPE * eng
    lat, lon, tz = {"ID": (-6.2, 106.8, "Asia/Jakarta"), "MY": (3.14, 101.69, "Asia/Kuala_Lumpur"),
                    "SG": (1.35, 103.82, "Asia/Singapore"), "PH": (14.6, 120.98, "Asia/Manila"),
                    "US": (37.77, -122.42, "America/Los_Angeles")}[cust.country]
    rec = {
        "id": h,
        "email_address": email,
        "unique_email_id": stable_hex(seed, "mc-ueid", idx, length=10),
        "contact_id": stable_hex(seed, "mc-contact", idx, length=32),
        "full_name": cust.name,
        "web_id": stable_int(seed, "mc-web", idx, digits=9),
        "email_type": "html",
        "status": status,
        "unsubscribe_reason": UNSUB_REASONS[style % len(UNSUB_REASONS)] if kind == 1 else None,
        "consents_to_one_to_one_messaging": True,
        "merge_fields": {"FNAME": cust.first_name, "LNAME": cust.last_name, "ADDRESS": "", "PHONE": ""},
        "stats": {"avg_open_rate": round(p_open, 2), "avg_click_rate": round(p_open * (CLICK_BASE + CLICK_SLOPE * eng), 2)},
        "ip_signup": "",
        "timestamp_signup": "",
        "ip_opt": f"36.{72 + idx % 50}.{idx % 250}.{(idx * 7) % 250}",
        "timestamp_opt": mc_time(opt),
        "member_rating": 1 + min(4, int(eng * 5)),
        "last_changed": mc_time(float(blk.end_at[k]) if gone else opt),
        "language": "id" if cust.country == "ID" else "en",
        "vip": False,
        "email_client": "",
        "location": {"latitude": lat, "longitude": lon, "gmtoff": 0, "dstoff": 0,
                     "country_code": cust.country, "timezone": tz, "region": ""},
        "source": ("Hosted Signup Form", "API - Generic", "Admin Add")[style % 3],
        "tags_count": 0,
        "tags": [],
        "list_id": list_id(world),
    }
    if kind != 1:
        del rec["unsubscribe_reason"]
    return rec


# -- per-recipient activity, vectorised per (campaign, block) ---------------------------
@dataclass(frozen=True)
class Activity:
    recipient: np.ndarray  # bool: received campaign c
    bounce: np.ndarray  # 0 none, 1 soft, 2 hard
    bounce_at: np.ndarray
    opens: np.ndarray  # (n, 4) open times, inf when none
    click_at: np.ndarray  # inf when no click
    click_link: np.ndarray
    unsub_here: np.ndarray  # unsubscribed from this campaign


@lru_cache(maxsize=4096)
def activity(world: "World", c: int, b: int) -> Activity:
    blk = block(world, b)
    n = len(blk.is_member)
    sent = send_time(world, c)
    recipient = blk.is_member & (blk.first_c <= c) & (c < blk.end_c)
    g = np.random.default_rng([world.profile.seed, 31, c, b])
    u_open, u_click, u_soft = g.random(n), g.random(n), g.random(n)
    first_delay = np.minimum(g.exponential(10 * 3600, n), 20 * DAY)
    extra = np.cumsum(np.minimum(g.exponential(8 * 3600, (n, 3)), 2 * DAY), axis=1)
    n_opens = 1 + np.minimum(3, g.poisson(0.6, n))
    click_delay = g.uniform(5, 300, n)
    link = g.integers(0, 3, n)
    hard = recipient & (blk.end_kind == 2) & (blk.end_c - 1 == c)
    soft = recipient & ~hard & (u_soft < SOFT_BOUNCE_SHARE)
    bounce = np.where(hard, 2, np.where(soft, 1, 0)).astype(np.int8)
    bounce_at = sent + 5 + u_soft * 60
    delivered = recipient & (bounce == 0)
    opened = delivered & (u_open < OPEN_BASE + OPEN_SLOPE * blk.engagement)
    first = sent + first_delay
    opens = np.full((n, 4), np.inf)
    opens[:, 0] = np.where(opened, first, np.inf)
    for j in range(1, 4):
        opens[:, j] = np.where(opened & (n_opens > j), first + extra[:, j - 1], np.inf)
    clicked = opened & (u_click < CLICK_BASE + CLICK_SLOPE * blk.engagement)
    click_at = np.where(clicked, first + click_delay, np.inf)
    unsub_here = recipient & (blk.end_kind == 1) & (blk.end_c - 1 == c)
    return Activity(recipient, bounce, bounce_at, opens, click_at, link, unsub_here)


def recipient_activity(world: "World", c: int, idx: int, act: Activity, k: int, as_of: float,
                       since: float | None = None) -> list[dict]:
    """The ``activity`` array of one recipient (visible by ``as_of``, after ``since``)."""
    out = []
    ip = f"114.{120 + idx % 40}.{idx % 200}.{(idx * 13) % 250}"
    lo = -math.inf if since is None else since
    if act.bounce[k]:
        t = float(act.bounce_at[k])
        if lo < t <= as_of:
            out.append({"action": "bounce", "type": "hard" if act.bounce[k] == 2 else "soft",
                        "timestamp": mc_time(t), "ip": ""})
        return out
    times = []
    for j in range(4):
        t = float(act.opens[k, j])
        if t == math.inf:
            break
        times.append((t, "open", None))
    t = float(act.click_at[k])
    if t != math.inf:
        times.append((t, "click", campaign_links(c)[int(act.click_link[k])]))
    times.sort()
    for t, action, url in times:
        if lo < t <= as_of:
            item = {"action": action, "timestamp": mc_time(t), "ip": ip}
            if url:
                item["url"] = url
            out.append(item)
    return out


def report_numbers(world: "World", c: int, as_of: float) -> dict:
    """Aggregates of campaign ``c`` as of ``as_of``, from the same draws as the activity."""
    sent = send_time(world, c)
    tot = dict(emails_sent=0, hard=0, soft=0, opens_total=0, unique_opens=0, clicks_total=0,
               unique_clicks=0, unsubscribed=0, last_open=-math.inf, last_click=-math.inf)
    if sent > as_of:
        return tot
    for b in blocks_until(world, sent):
        act = activity(world, c, b)
        rec = act.recipient
        tot["emails_sent"] += int(rec.sum())
        vis_b = act.bounce_at <= as_of
        tot["hard"] += int(((act.bounce == 2) & vis_b).sum())
        tot["soft"] += int(((act.bounce == 1) & vis_b).sum())
        vis_opens = act.opens <= as_of
        tot["opens_total"] += int(vis_opens.sum())
        tot["unique_opens"] += int(vis_opens[:, 0].sum())
        vis_click = act.click_at <= as_of
        tot["clicks_total"] += int(vis_click.sum())
        tot["unique_clicks"] += int(vis_click.sum())
        blk = block(world, b)
        tot["unsubscribed"] += int((act.unsub_here & (blk.end_at <= as_of)).sum())
        if vis_opens.any():
            tot["last_open"] = max(tot["last_open"], float(act.opens[vis_opens].max()))
        if vis_click.any():
            tot["last_click"] = max(tot["last_click"], float(act.click_at[vis_click].max()))
    return tot
