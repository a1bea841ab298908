"""Customer service: tickets on social and non-social channels, agents, replies, ratings.

Tickets arrive at the profile's steady ``tickets_per_day``; ticket ``i`` (id
``i + 1``) is a pure function of the world and ``i``.  A ticket's life is a
few events (created, first public reply, maybe pending, solved, satisfaction
survey offered / answered, closed), all within ``LIFETIME`` of its creation,
so "tickets updated in a window" is a bounded index range.  What a ticket looks
like depends on the world's clock: before it is solved it is open, and the
tags/rating it gains later arrive as a later update.

Planted, and recorded in ``service_truth``:
- each agent's first-reply time is lognormal(ln median, sigma) in calendar minutes;
- social customers raise tickets on their social platforms (twitter,
  facebook, instagram_dm); everyone else uses web, email, chat and voice;
- the first message's sentiment mix differs for social and non-social channels;
- problem tickets link incidents (``problem_id``); for some incident
  categories one problem raised on a social channel led to a process change
  (tag ``process_change`` once solved) after which incidents of that category
  drop to ``PROCESS_CHANGE_INCIDENT_FACTOR`` of their earlier rate (metric X7).
"""
from __future__ import annotations

import bisect
import math
from dataclasses import dataclass
from functools import lru_cache
from statistics import NormalDist
from typing import TYPE_CHECKING

from sandbox.world.draws import stable_hex, uniforms
from sandbox.world.names import BRAND
from sandbox.world.text import Message, message
from sandbox.world.timeline import DAY, iso

if TYPE_CHECKING:
    from sandbox.world.customers import Customer
    from sandbox.world.model import World

HOUR = 3600.0
MINUTE = 60.0
LIFETIME = 14 * DAY  # every event of a ticket happens within this of its creation
MAX_REPLY_MINUTES = 3 * 24 * 60.0
CLOSE_AFTER_SOLVED = 4 * DAY  # Zendesk's default automation closes solved tickets after 4 days
SURVEY_AFTER_SOLVED = 1 * DAY  # the legacy CSAT automation offers the survey 24h after solve

SOCIAL_CHANNELS = ("twitter", "facebook", "instagram_dm")
NON_SOCIAL_CHANNELS = (("web", 0.30), ("email", 0.35), ("chat", 0.20), ("voice", 0.15))
PLATFORM_CHANNEL = {"x": "twitter", "facebook": "facebook", "instagram": "instagram_dm"}
# Share of a social customer's tickets raised on a social channel (everyone
# else's go to web, email, chat or voice), and share of social tickets sent
# from a second account the CRM does not know (a realistic matching gap).
SOCIAL_CHANNEL_SHARE = 0.6
ALT_IDENTITY_SHARE = 0.08
SENTIMENT_MIX = {
    "social": {"positive": 0.15, "neutral": 0.40, "negative": 0.45},
    "non_social": {"positive": 0.10, "neutral": 0.50, "negative": 0.40},
}
TYPE_MIX = (("question", 0.42), ("incident", 0.30), ("problem", 0.06), ("task", 0.07), (None, 0.15))
INCIDENT_CATEGORIES = ("delivery_delay", "billing_double_charge", "app_crash", "damaged_package", "wrong_item")
QUESTION_CATEGORIES = ("plan_change", "promo_info", "store_hours", "shipping_cost")
# (category, fraction of history at which its social problem ticket is raised)
PROCESS_CHANGES = (("delivery_delay", 0.35), ("billing_double_charge", 0.50), ("app_crash", 0.65))
PROCESS_CHANGE_INCIDENT_FACTOR = 0.4
LINK_SCAN = 400  # how far back an incident looks for its category's open problem
PRIORITIES = (("low", 0.2), ("normal", 0.55), ("high", 0.2), ("urgent", 0.05))
# Business hours: Monday-Saturday 08:00-20:00 Asia/Jakarta (UTC+7, no DST).
SCHEDULE = {"time_zone": "Asia/Jakarta", "utc_offset_hours": 7, "days": "Mon-Sat", "open": 8, "close": 20}
_WIB = 7 * HOUR

AGENT_ID_BASE = 359_000_000_100
GROUPS = {"social": (360_100_000_001, "Social Care"), "support": (360_100_000_002, "Support")}
SUBDOMAIN = "kopiku"
SUPPORT_ADDRESS = f"support@{SUBDOMAIN}.zendesk.com"
_NORMAL = NormalDist()


def agent_id(k: int) -> int:
    return AGENT_ID_BASE + k


def _pick(table, u: float):
    acc = 0.0
    for value, share in table:
        acc += share
        if u < acc:
            return value
    return table[-1][0]


def business_seconds(start: float, end: float) -> float:
    """Seconds of ``[start, end)`` inside the business schedule (Mon-Sat 08-20 WIB)."""
    if end <= start:
        return 0.0
    total = 0.0
    local, local_end = start + _WIB, end + _WIB
    day = math.floor(local / DAY)
    while day * DAY < local_end:
        weekday = (day + 3) % 7  # 1970-01-01 was a Thursday (3 with Monday = 0)
        if weekday < 6:
            lo = max(local, day * DAY + SCHEDULE["open"] * HOUR)
            hi = min(local_end, day * DAY + SCHEDULE["close"] * HOUR)
            if hi > lo:
                total += hi - lo
        day += 1
    return total


# -- the cheap skeleton of a ticket: times, agent, kind (no customer lookup) ------------


@dataclass(frozen=True)
class Core:
    index: int
    exists: bool
    created: float
    agent: int
    reply_minutes: float
    first_reply: float
    pending_at: float | None
    solved: float
    offered: float
    rated: float | None
    good: bool
    closed: float
    priority: str
    events: tuple[float, ...]  # sorted event times


def per_day(world: "World") -> float:
    return world.profile.tickets_per_day


@lru_cache(maxsize=8)
def designated(world: "World") -> dict[int, str]:
    """Ticket index -> incident category of the social problem tickets that changed a process."""
    tl = world.timeline
    out = {}
    for category, fraction in PROCESS_CHANGES:
        at = tl.start_ts + fraction * world.profile.history_days * DAY
        out[int((at - tl.start_ts) / DAY * per_day(world))] = category
    return out


@lru_cache(maxsize=8)
def process_changes(world: "World") -> dict[str, tuple[int, float]]:
    """Category -> (problem ticket index, time the process changed = that ticket's solve time)."""
    return {cat: (i, core(world, i).solved) for i, cat in designated(world).items()}


@lru_cache(maxsize=300_000)
def core(world: "World", i: int) -> Core:
    p = world.profile
    tl = world.timeline
    created = tl.slot_time(per_day(world), i, p.seed, "ticket")
    exists = world.customers_signed_up_by(created) > 0
    u = uniforms(p.seed, "ticket-core", i)
    agents = world.agents()
    k = min(int(u[0] * len(agents)), len(agents) - 1)
    _, median, sigma = agents[k]
    z = _NORMAL.inv_cdf(min(max(u[1], 1e-12), 1 - 1e-12))
    reply_minutes = min(median * math.exp(sigma * z), MAX_REPLY_MINUTES)
    first_reply = created + reply_minutes * MINUTE
    # Resolution: lognormal hours after the first reply, median 18h, capped at 6 days.
    z2 = _NORMAL.inv_cdf(min(max(u[2], 1e-12), 1 - 1e-12))
    solve_after = min(18 * HOUR * math.exp(1.0 * z2), 6 * DAY) + 5 * MINUTE
    solved = first_reply + solve_after
    pending_at = first_reply + 0.25 * solve_after if u[3] < 0.3 else None
    offered = solved + SURVEY_AFTER_SOLVED
    rated = offered + u[5] * 2.5 * DAY if u[4] < 0.45 else None
    # Quicker first replies earn better ratings.
    good_share = 0.9 if reply_minutes < 60 else 0.75 if reply_minutes < 240 else 0.55
    good = u[6] < good_share
    closed = solved + CLOSE_AFTER_SOLVED
    events = [created, first_reply, solved, offered, closed]
    if pending_at is not None:
        events.append(pending_at)
    if rated is not None:
        events.append(rated)
    return Core(i, exists, created, k, reply_minutes, first_reply, pending_at, solved, offered, rated, good, closed,
                _pick(PRIORITIES, u[7]), tuple(sorted(events)))


@lru_cache(maxsize=300_000)
def kind(world: "World", i: int) -> tuple[str | None, str]:
    """(ticket type, category) of ticket ``i``; cheap, for problem/incident linking."""
    forced = designated(world).get(i)
    if forced is not None:
        return "problem", forced
    u = uniforms(world.profile.seed, "ticket-kind", i)
    ttype = _pick(TYPE_MIX, u[0])
    if ttype in ("incident", "problem"):
        category = INCIDENT_CATEGORIES[int(u[1] * len(INCIDENT_CATEGORIES))]
        if ttype == "incident":
            change = process_changes(world).get(category)
            if change is not None and i > change[0] and u[2] >= PROCESS_CHANGE_INCIDENT_FACTOR:
                created = world.timeline.slot_time(per_day(world), i, world.profile.seed, "ticket")
                if created > change[1]:  # the process changed: this one never became an incident
                    return "question", QUESTION_CATEGORIES[int(u[3] * len(QUESTION_CATEGORIES))]
        return ttype, category
    return ttype, QUESTION_CATEGORIES[int(u[1] * len(QUESTION_CATEGORIES))]


def problem_for(world: "World", i: int) -> int | None:
    """The latest earlier problem ticket of an incident's category (its ``problem_id``), if any."""
    ttype, category = kind(world, i)
    if ttype != "incident" or uniforms(world.profile.seed, "ticket-link", i)[0] >= 0.7:
        return None
    for j in range(i - 1, max(-1, i - LINK_SCAN), -1):
        t, c = kind(world, j)
        if t == "problem" and c == category:
            return j if core(world, j).exists else None
    return None


def has_incidents(world: "World", i: int, as_of: float) -> bool:
    ttype, category = kind(world, i)
    if ttype != "problem":
        return False
    for j in range(i + 1, i + LINK_SCAN):
        t, c = kind(world, j)
        if t == "problem" and c == category:
            return False
        if t == "incident" and c == category and core(world, j).created <= as_of and problem_for(world, j) == i:
            return True
    return False


# -- the full ticket (with its requester, channel and text) -----------------------------


@dataclass(frozen=True)
class Ticket:
    core: Core
    id: int
    type: str | None
    category: str
    requester: "Customer"
    channel: str
    rel: str | None
    social_from: dict | None  # the social identity the channel reports (via.source.from)
    first: Message
    problem_index: int | None
    follow_up: bool
    process_change: bool

    @property
    def is_social(self) -> bool:
        return self.channel in SOCIAL_CHANNELS


def _social_identity(customer: "Customer", channel: str, u_alt: float, u_rel: float) -> tuple[dict, str | None]:
    """What Zendesk's social channel puts in via.source.from, and the rel."""
    alt = u_alt < ALT_IDENTITY_SHARE  # a second account the CRM never heard of: a realistic matching gap
    if channel == "twitter":
        handle = customer.x_username or f"{customer.first_name.lower()}{customer.index}"
        handle = handle + "_" + stable_hex("alt-x", customer.index, length=3) if alt else handle
        return ({"name": customer.name, "profile_url": f"https://twitter.com/{handle}", "username": handle},
                "direct_message" if u_rel < 0.6 else "mention")
    if channel == "facebook":
        fb_id = customer.fb_user_id or str(10**15 + customer.index)
        fb_id = str(int(fb_id) + 7) if alt else fb_id
        return ({"name": customer.name, "profile_url": f"https://www.facebook.com/{fb_id}", "facebook_id": fb_id},
                "message" if u_rel < 0.7 else "post")
    handle = customer.ig_username or f"{customer.first_name.lower()}.{customer.index}"
    handle = handle + "." + stable_hex("alt-ig", customer.index, length=3) if alt else handle
    return {"name": customer.name, "profile_url": f"https://www.instagram.com/{handle}", "username": handle}, None


@lru_cache(maxsize=100_000)
def ticket(world: "World", i: int) -> Ticket | None:
    c = core(world, i)
    if not c.exists:
        return None
    p = world.profile
    u = uniforms(p.seed, "ticket", i)
    forced = i in designated(world)
    customer = None
    if forced:  # the planted process-change problem was raised by a social customer on a social channel
        customer = world.sample_customer("zendesk-social", i, at=c.created, social=True, tries=60)
    if customer is None:
        customer = world.sample_customer("zendesk", i, at=c.created)
    if customer is None:
        return None
    channel = None
    if customer.is_social and customer.social_platforms and (forced or u[0] < SOCIAL_CHANNEL_SHARE):
        platforms = customer.social_platforms
        channel = PLATFORM_CHANNEL[platforms[min(int(u[1] * len(platforms)), len(platforms) - 1)]]
    social_from, rel = None, None
    if channel is None:
        channel = _pick(NON_SOCIAL_CHANNELS, u[2])
    else:
        social_from, rel = _social_identity(customer, channel, u[3], u[4])
    mix = SENTIMENT_MIX["social" if channel in SOCIAL_CHANNELS else "non_social"]
    first = message(p.seed, "zendesk-ticket", i, sentiment_mix=mix, language_mix=p.planted.language_mix,
                    brand=BRAND["x_username"])
    ttype, category = kind(world, i)
    return Ticket(c, i + 1, ttype, category, customer, channel, rel, social_from, first, problem_for(world, i),
                  u[5] < 0.5, forced)


# -- windows by "updated at": which tickets changed when ---------------------------------


def last_event(c: Core, as_of: float) -> float:
    k = bisect.bisect_right(c.events, as_of)
    return c.events[k - 1]


@lru_cache(maxsize=64)
def _created_on_day(world: "World", day: int) -> tuple[Core, ...]:
    tl = world.timeline
    lo, hi = tl.start_ts + day * DAY, tl.start_ts + (day + 1) * DAY
    out = []
    for i in tl.index_range(per_day(world), lo, hi - 1e-6):
        c = core(world, i)
        if lo <= c.created < hi and c.exists and c.created <= tl.as_of_ts:
            out.append(c)
    return tuple(out)


@lru_cache(maxsize=64)
def updated_on_day(world: "World", day: int) -> tuple[tuple[float, int], ...]:
    """(current updated_at, index) of tickets whose latest change falls on history day ``day``, sorted."""
    tl = world.timeline
    lo, hi = tl.start_ts + day * DAY, tl.start_ts + (day + 1) * DAY
    as_of = tl.as_of_ts
    out = []
    for d in range(day - int(LIFETIME / DAY) - 1, day + 1):
        if d < 0:
            continue
        for c in _created_on_day(world, d):
            u = last_event(c, as_of)
            if lo <= u < hi:
                out.append((u, c.index))
    out.sort()
    return tuple(out)


def day_of(world: "World", ts: float) -> int:
    return max(0, math.floor((ts - world.timeline.start_ts) / DAY))


def updated_since(world: "World", after: tuple[float, int] | None, since: float | None, limit: int):
    """Up to ``limit`` (updated_at, index) in order, strictly after ``after`` or at/after ``since``.

    Returns (items, exhausted): exhausted is True when nothing later exists up to the clock.
    """
    tl = world.timeline
    start = after[0] if after else (since if since is not None else tl.start_ts)
    last_day = day_of(world, tl.as_of_ts)
    items: list[tuple[float, int]] = []
    day = day_of(world, start)
    while day <= last_day:
        bucket = updated_on_day(world, day)
        k = bisect.bisect_right(bucket, after) if after else bisect.bisect_left(bucket, (start, -1))
        take = bucket[k: k + limit - len(items)]
        items.extend(take)
        if len(items) >= limit:
            more = k + len(take) < len(bucket) or day < last_day
            return items, not more
        day += 1
    return items, True


# -- what the APIs serve, derived from the above ------------------------------------------


def status_at(t: Ticket, as_of: float) -> str:
    c = t.core
    if as_of >= c.closed:
        return "closed"
    if as_of >= c.solved:
        return "solved"
    if as_of < c.first_reply:
        return "new"
    if c.pending_at is not None and as_of >= c.pending_at:
        return "pending"
    return "open"


@dataclass(frozen=True)
class Comment:
    id: int
    author_id: int
    body: str
    public: bool
    created_at: float
    by_agent: bool


AGENT_REPLIES = {
    "id": ("Halo kak, mohon maaf atas ketidaknyamanannya. Boleh dibantu nomor pesanannya?",
           "Hai kak, terima kasih sudah menghubungi Kopiku. Kami cek dulu ya.",
           "Siap kak, sedang kami bantu proses ya."),
    "en": ("Hi, sorry for the trouble. Could you share your order number?",
           "Thanks for reaching out to Kopiku! We're looking into it.",
           "Got it, we're on it."),
}
CLOSING = {"id": "Sudah kami selesaikan ya kak. Terima kasih!", "en": "This is sorted now. Thank you!"}
FOLLOW_UP = {"id": "Baik min, ini nomor pesanannya.", "en": "Sure, here is my order number."}


def comments(world: "World", t: Ticket, as_of: float) -> list[Comment]:
    c = t.core
    lang = t.first.language
    base = 10_000_000_000 + t.id * 8
    agent = agent_id(c.agent)
    requester = t.requester.zendesk_user_id
    out = [Comment(base, requester, t.first.text, True, c.created, False)]
    replies = AGENT_REPLIES[lang]
    out.append(Comment(base + 1, agent, replies[t.id % len(replies)], True, c.first_reply, True))
    if t.follow_up:
        span = c.solved - c.first_reply
        out.append(Comment(base + 2, requester, FOLLOW_UP[lang], True, c.first_reply + 0.4 * span, False))
        out.append(Comment(base + 3, agent, "Internal: escalated to operations.", False, c.first_reply + 0.5 * span, True))
    out.append(Comment(base + 4, agent, CLOSING[lang], True, c.solved, True))
    return [x for x in out if x.created_at <= as_of]


def ticket_count(world: "World") -> int:
    """Indices of tickets created by the clock (some may not exist: see ``Core.exists``)."""
    tl = world.timeline
    return max(0, math.floor((tl.as_of_ts - tl.start_ts) / DAY * per_day(world)) + 1)


# -- ground truth -------------------------------------------------------------------------


@lru_cache(maxsize=4)
def service_truth(world: "World") -> dict:
    as_of = world.timeline.as_of_ts
    agents = world.agents()
    reply_minutes: list[list[float]] = [[] for _ in agents]
    handled = [0] * len(agents)
    sentiment = {"social": {"positive": 0, "neutral": 0, "negative": 0},
                 "non_social": {"positive": 0, "neutral": 0, "negative": 0}}
    channels: dict[str, int] = {}
    incidents_by_cat: dict[str, list[float]] = {c: [] for c in INCIDENT_CATEGORIES}
    tickets = 0
    for i in range(ticket_count(world)):
        c = core(world, i)
        if not c.exists or c.created > as_of:
            continue
        t = ticket(world, i)
        if t is None:
            continue
        tickets += 1
        handled[c.agent] += 1
        if c.first_reply <= as_of:
            reply_minutes[c.agent].append(c.reply_minutes)
        sentiment["social" if t.is_social else "non_social"][t.first.label] += 1
        channels[t.channel] = channels.get(t.channel, 0) + 1
        if t.type == "incident":
            incidents_by_cat[t.category].append(c.created)

    def median(values: list[float]) -> float | None:
        if not values:
            return None
        s = sorted(values)
        n = len(s)
        return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2

    changes = []
    start = world.timeline.start_ts
    for category, (idx, changed_at) in sorted(process_changes(world).items()):
        times = incidents_by_cat[category]
        before = [t for t in times if t <= changed_at]
        after = [t for t in times if t > changed_at]
        days_before = max((min(changed_at, as_of) - start) / DAY, 1e-9)
        days_after = (as_of - changed_at) / DAY
        changes.append({
            "category": category,
            "problem_ticket_id": idx + 1,
            "raised_at": iso(core(world, idx).created),
            "changed_at": iso(changed_at),
            "visible": changed_at <= as_of,
            "incidents_before": len(before),
            "incidents_after": len(after),
            "incidents_per_day_before": round(len(before) / days_before, 4),
            "incidents_per_day_after": round(len(after) / days_after, 4) if days_after > 0 else None,
        })
    return {
        "tickets": tickets,
        "channels": dict(sorted(channels.items())),
        "social_channels": list(SOCIAL_CHANNELS),
        "agents": [
            {
                "name": name,
                "user_id": agent_id(k),
                "median_first_reply_minutes": med,
                "sigma": sigma,
                "tickets": handled[k],
                "first_replied": len(reply_minutes[k]),
                "realised_median_first_reply_minutes": median(reply_minutes[k]),
            }
            for k, (name, med, sigma) in enumerate(agents)
        ],
        "first_message_sentiment_mix_planted": SENTIMENT_MIX,
        "first_message_sentiment_counts": sentiment,
        "type_mix": {k or "none": v for k, v in TYPE_MIX},
        "business_schedule": SCHEDULE,
        "process_change_tag": "process_change",
        "process_change_incident_factor": PROCESS_CHANGE_INCIDENT_FACTOR,
        "process_changes": changes,
        "control_categories": [c for c in INCIDENT_CATEGORIES if c not in dict(PROCESS_CHANGES)],
    }
