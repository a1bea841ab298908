"""Web and app events: sessions of customers and anonymous visitors, as Mixpanel records them.

Three kinds of session, each a pure function of the world and an index:

* browsing sessions, laid out by index at ``web_sessions_per_day`` (a time
  window is an index range).  The visitor is a sampled customer (weighted by
  engagement) or an anonymous device from a returning-visitor pool; the entry
  channel (referrer + utm_*) depends on who it is: social customers arrive
  from social platforms far more often (V1), and read the help center more
  often (X3).  A share of customers' sessions happen in the mobile app.
* sign-up sessions: one per customer with a web identity, ending in the
  ``Sign Up`` event at ``Customer.signup_at`` (signups are index-monotonic, so
  a day's signups are an index range).  Events before the sign-up are
  anonymous (``distinct_id = "$device:<id>"``), as Mixpanel's simplified ID
  merge records them; the sign-up itself carries ``$user_id``.
* purchase sessions: the subscription's first purchase, the add-on
  cross-sell (X6) and every one-off order (``commerce.orders``) as
  ``Purchase`` events with amount, currency and product, for customers with a
  web identity.

Every event has ``$insert_id`` (unique), ``$device_id`` (the stitching key for
sessionisation) and ``time`` in epoch seconds (UTC).  Pages inside a session
are less than 30 minutes apart; ``time_on_page`` is the gap to the next event
of the session.  App events may be processed late (``mp_processing_time_ms``):
an event is visible once it has been processed by the world's now.
"""
from __future__ import annotations

import bisect
import hashlib
import math
import random
from functools import lru_cache
from typing import TYPE_CHECKING, Iterator

from sandbox.world.commerce import orders
from sandbox.world.draws import rng
from sandbox.world.timeline import DAY

if TYPE_CHECKING:
    from sandbox.world.model import World

SITE = "https://www.kopiku.id"
HELP_SITE = "https://bantuan.kopiku.id"
SESSION_GAP_SECONDS = 30 * 60  # inactivity that ends a session (Mixpanel's and GA's default)
MAX_SESSION_SECONDS = 6 * 3600  # sessions are shorter than this; window edges use it as margin
CUSTOMER_CHUNK = 2048

# Entry channels: name -> (referrer URL or None, referring domain, utm_source, utm_medium).
# Social entries come with or without utm tags and with or without a referrer
# (in-app browsers drop it): the imperfections V1 has to live with.
CHANNELS = {
    "direct": (None, None, None, None),
    "google_organic": ("https://www.google.com/", "www.google.com", None, None),
    "google_ads": ("https://www.google.com/", "www.google.com", "google", "cpc"),
    "referral": ("https://www.detik.com/food/kopi-kekinian", "www.detik.com", None, None),
    "email": (None, None, "mailchimp", "email"),
    "instagram": ("https://l.instagram.com/", "l.instagram.com", "instagram", "social"),
    "facebook": ("https://l.facebook.com/", "l.facebook.com", "facebook", "social"),
    "x": ("https://t.co/", "t.co", "twitter", "social"),
}
SOCIAL_CHANNELS = ("instagram", "facebook", "x")
# Planted: probability that a session enters from a social platform, by visitor group (V1, X).
SOCIAL_ENTRY_SHARE = {"social_customer": 0.45, "non_social_customer": 0.06, "anonymous": 0.15}
# Planted: probability that a browsing session includes a help-center article (X3).
HELP_CENTER_SHARE = {"social_customer": 0.32, "non_social_customer": 0.14, "anonymous": 0.05}
NON_SOCIAL_MIX = (("direct", 0.34), ("google_organic", 0.30), ("google_ads", 0.12), ("referral", 0.08), ("email", 0.16))
KNOWN_VISITOR_SHARE = 0.6  # share of browsing sessions by (sampled) customers
APP_SESSION_SHARE = 0.3  # share of identified customers' browsing sessions in the mobile app
LATE_APP_EVENT_SHARE = 0.08  # app events sent late (offline phones): up to 40 hours
MAX_LATE_SECONDS = 40 * 3600

PAGES = (
    ("/", "Kopiku - Kopi langganan"), ("/produk/kopi-susu-gula-aren", "Kopi Susu Gula Aren"),
    ("/produk/cold-brew", "Cold Brew"), ("/produk/biji-kopi-arabika", "Biji Kopi Arabika"),
    ("/harga", "Paket & Harga"), ("/promo", "Promo"), ("/blog/cara-seduh-v60", "Cara Seduh V60"),
    ("/blog/kopi-dan-kesehatan", "Kopi dan Kesehatan"), ("/tentang-kami", "Tentang Kami"), ("/akun", "Akun Saya"),
)
HELP_ARTICLES = (
    (360001, "cara-mengubah-paket", "Cara mengubah paket langganan"),
    (360002, "jadwal-pengiriman", "Jadwal pengiriman"),
    (360003, "metode-pembayaran", "Metode pembayaran yang tersedia"),
    (360004, "membatalkan-langganan", "Membatalkan langganan"),
    (360005, "refund", "Kebijakan refund"),
    (360006, "reset-password", "Lupa kata sandi"),
)
APP_FEATURES = ("reorder", "brew_log", "loyalty_points", "track_delivery", "store_locator")
BROWSERS = (("Chrome", 0.62), ("Mobile Safari", 0.2), ("Samsung Internet", 0.1), ("Firefox", 0.08))


def planted(world: "World") -> dict:
    """The web domain's ground truth (appended to truth.py under "web")."""
    return {
        "sessions_per_day": world.profile.web_sessions_per_day,
        "session_gap_seconds": SESSION_GAP_SECONDS,
        "social_entry_share": dict(SOCIAL_ENTRY_SHARE),
        "help_center_share": dict(HELP_CENTER_SHARE),
        "known_visitor_share": KNOWN_VISITOR_SHARE,
        "app_session_share": APP_SESSION_SHARE,
        "late_app_event_share": LATE_APP_EVENT_SHARE,
        "max_late_hours": MAX_LATE_SECONDS / 3600,
        "channels": {k: {"referring_domain": v[1], "utm_source": v[2], "utm_medium": v[3]} for k, v in CHANNELS.items()},
        "social_utm_sources": ["instagram", "facebook", "twitter", "x"],
        "events": ["Page View", "Help Center View", "Sign Up", "Purchase", "App Open", "Feature Used"],
        "currency": "IDR",
        "notes": "Sign-up and purchase sessions exist only for customers with a web identity; "
                 "sessionise by $device_id with a 30-minute gap.",
    }


def _hex(*key: object) -> str:
    return hashlib.blake2b(repr(key).encode(), digest_size=8).hexdigest()


def _pick(table, u: float) -> str:
    acc = 0.0
    for value, share in table:
        acc += share
        if u < acc:
            return value
    return table[-1][0]


class _Session:
    """Session-level state shared by its events."""

    __slots__ = ("base", "t", "r", "insert", "n", "lag_late")

    def __init__(self, base: dict, t: float, r: random.Random, insert: str, lag_late: bool):
        self.base = base
        self.t = t
        self.r = r
        self.insert = insert
        self.n = 0
        self.lag_late = lag_late


def _group(customer) -> str:
    if customer is None:
        return "anonymous"
    return "social_customer" if customer.is_social else "non_social_customer"


def _channel(world: "World", r: random.Random, customer, group: str) -> str:
    if r.random() < SOCIAL_ENTRY_SHARE[group]:
        if customer is not None and customer.social_platforms:
            return customer.social_platforms[r.randrange(len(customer.social_platforms))]
        return SOCIAL_CHANNELS[r.randrange(3)]
    return _pick(NON_SOCIAL_MIX, r.random())


def _entry(world: "World", r: random.Random, channel: str, t: float, base: dict) -> str | None:
    """Fill utm_* into the session's base properties; return the entry referrer."""
    referrer, _domain, source, medium = CHANNELS[channel]
    if channel in SOCIAL_CHANNELS:
        u = r.random()
        if u < 0.25:
            source = medium = None  # an organic link (bio, post): referrer only
        elif u < 0.45:
            referrer = None  # in-app browser dropped the referrer: utm only
        if channel == "x" and source and r.random() < 0.4:
            source = "x"
    if source:
        base["utm_source"] = source
        base["utm_medium"] = medium
        if channel == "email":
            from sandbox.world.email import campaign_slug_before

            slug = campaign_slug_before(world, t)
            if slug:
                base["utm_campaign"] = slug
        elif channel == "google_ads":
            base["utm_campaign"] = "brand_search"
        elif medium == "social":
            base["utm_campaign"] = "always_on"
    return referrer


def _device_of_customer(world: "World", customer, r: random.Random) -> str:
    # One or two devices per customer; the second one shows up now and then.
    k = 1 if r.random() < 0.2 else 0
    return _hex(world.profile.seed, "device", customer.index, k)


def _base(distinct: str, device: str, user_id: str | None, country: str, lib: str) -> dict:
    base = {"distinct_id": distinct, "$device_id": device}
    if user_id:
        base["$user_id"] = user_id
    base["mp_lib"] = lib
    base["mp_country_code"] = country
    return base


def _emit(s: _Session, name: str, t: float, extra: dict | None = None) -> tuple[float, dict]:
    props = dict(s.base)
    props["time"] = int(t)
    s.n += 1
    props["$insert_id"] = f"{s.insert}{s.n:03x}"
    lag = s.r.uniform(1800, MAX_LATE_SECONDS) if (s.lag_late and s.r.random() < 0.5) else 0.4 + (s.n % 7) * 0.9
    props["mp_processing_time_ms"] = int((t + lag) * 1000)
    if extra:
        props.update(extra)
    return t + lag, {"event": name, "properties": props}


def _page_views(s: _Session, pages: list[tuple[str, str]], t: float, referrer: str | None,
                end_at: float | None = None) -> tuple[list, float, str]:
    """Page View events for ``pages`` from ``t``; returns events, the time after, the last URL."""
    out = []
    r = s.r
    prev = referrer
    url = ""
    for k, (path, title) in enumerate(pages):
        url = path if path.startswith("http") else SITE + path
        dwell = int(min(SESSION_GAP_SECONDS - 60, 8 + r.expovariate(1 / 55.0)))
        extra = {"$current_url": url, "current_page_title": title, "time_on_page": dwell}
        if prev:
            extra["$referrer"] = prev
            extra["$referring_domain"] = prev.split("/")[2]
        out.append(_emit(s, "Page View", t, extra))
        prev = url
        t += dwell
    return out, t, url


def _retimed(events: list, t0: float, t_end: float) -> list:
    """Spread page views evenly over [t0, t_end) so the closing event lands exactly at ``t_end``."""
    step = (t_end - t0) / len(events)
    out = []
    for k, (_, ev) in enumerate(events):
        p = ev["properties"]
        p["time"] = int(t0 + k * step)
        p["time_on_page"] = int(t0 + (k + 1) * step) - p["time"]
        p["mp_processing_time_ms"] = (p["time"] + 1) * 1000
        out.append((p["time"] + 1.0, ev))
    return out


@lru_cache(maxsize=64)
def _session_rate(world: "World") -> float:
    return world.profile.web_sessions_per_day


@lru_cache(maxsize=64)
def _start(world: "World") -> float:
    return world.timeline.start_ts


@lru_cache(maxsize=64)
def _count(world: "World") -> int:
    return world.customer_count()


def _sample_customer(world: "World", r: random.Random, t: float):
    """A customer signed up by ``t`` (uniform over the index range; O(1))."""
    n = min(_count(world), math.floor((t - _start(world)) / DAY * _customers_per_day(world)))
    return world.customer(r.randrange(n)) if n > 0 else None


def browsing_session(world: "World", i: int) -> tuple[float, list[tuple[float, dict]]]:
    """Browsing session ``i``: its start and its (visible-at, event) pairs."""
    seed = world.profile.seed
    r = random.Random((seed << 36) + i * 8 + 1)
    width = DAY / _session_rate(world)
    t0 = _start(world) + (i + 0.05 + 0.9 * r.random()) * width
    customer = None
    if r.random() < KNOWN_VISITOR_SHARE:
        c = _sample_customer(world, r, t0)
        if c is not None and r.random() < 0.35 + 0.65 * c.engagement:
            customer = c
    identified = customer is not None and customer.has_web_identity
    group = _group(customer)
    insert = "%015xb" % r.getrandbits(60)
    if identified and r.random() < APP_SESSION_SHARE:
        device = _device_of_customer(world, customer, r)
        os_name = "Android" if int(device[0], 16) < 11 else "iOS"
        base = _base(customer.app_user_id, device, customer.app_user_id, customer.country,
                     "android" if os_name == "Android" else "swift")
        base["$os"] = os_name
        base["$app_version_string"] = "3.%d.0" % (2 + int(device[1], 16) % 4)
        s = _Session(base, t0, r, insert, r.random() < LATE_APP_EVENT_SHARE)
        events = [_emit(s, "App Open", t0)]
        t = t0
        for _ in range(1 + int(r.expovariate(0.6))):
            t += 5 + r.expovariate(1 / 70.0)
            events.append(_emit(s, "Feature Used", t, {"feature": APP_FEATURES[r.randrange(len(APP_FEATURES))]}))
        return t0, events
    if identified:
        device = _device_of_customer(world, customer, r)
        base = _base(customer.app_user_id, device, customer.app_user_id, customer.country, "web")
    else:
        pool = max(50, int(_session_rate(world) * 40))
        device = _hex(seed, "anon-device", r.randrange(pool))
        base = _base("$device:" + device, device, None, customer.country if customer else "ID", "web")
    base["$browser"] = _pick(BROWSERS, r.random())
    channel = _channel(world, r, customer, group)
    referrer = _entry(world, r, channel, t0, base)
    s = _Session(base, t0, r, insert, False)
    n_pages = 1 + min(11, int(r.expovariate(1 / 2.2)))
    first = PAGES[r.randrange(len(PAGES) - 1)] if channel != "email" else PAGES[6 + r.randrange(2)]
    pages = [first] + [PAGES[r.randrange(len(PAGES))] for _ in range(n_pages - 1)]
    events, t, _ = _page_views(s, pages, t0, referrer)
    if r.random() < HELP_CENTER_SHARE[group]:
        article_id, slug, title = HELP_ARTICLES[r.randrange(len(HELP_ARTICLES))]
        url = f"{HELP_SITE}/hc/id/articles/{article_id}-{slug}"
        more, t, _ = _page_views(s, [(url, title)], t, events[-1][1]["properties"]["$current_url"])
        events += more
        events.append(_emit(s, "Help Center View", more[-1][1]["properties"]["time"] + 1,
                            {"$current_url": url, "article_id": article_id, "article_title": title}))
    return t0, events


def signup_session(world: "World", customer) -> tuple[float, list[tuple[float, dict]]]:
    """The session ending in the customer's ``Sign Up`` (anonymous until then)."""
    seed = world.profile.seed
    r = random.Random((seed << 36) + customer.index * 8 + 2)
    device = _hex(seed, "device", customer.index, 0)  # the customer's main device
    base = _base("$device:" + device, device, None, customer.country, "web")
    base["$browser"] = _pick(BROWSERS, r.random())
    group = _group(customer)
    t_signup = customer.signup_at
    n_pages = 1 + int(r.expovariate(1 / 1.5)) % 5
    pages = [PAGES[r.randrange(len(PAGES) - 1)] for _ in range(n_pages - 1)] + [PAGES[4]]
    # Lay the pages out backwards from the sign-up so the Sign Up lands exactly at signup_at.
    dwell_total = sum(int(8 + r.expovariate(1 / 50.0)) for _ in pages)
    t0 = t_signup - min(dwell_total, 25 * 60) - 20
    channel = _channel(world, r, customer, group)
    referrer = _entry(world, r, channel, t0, base)
    s = _Session(base, t0, r, "%015xs" % r.getrandbits(60), False)
    events, _, url = _page_views(s, pages, t0, referrer)
    events = _retimed(events, t0, t_signup)
    s.base = {**base, "distinct_id": customer.app_user_id, "$user_id": customer.app_user_id}
    events.append(_emit(s, "Sign Up", t_signup, {"$current_url": SITE + "/daftar", "plan": customer.plan}))
    return t0, events


def purchase_session(world: "World", customer, kind: str, t_buy: float) -> tuple[float, list[tuple[float, dict]]]:
    """A session ending in a ``Purchase``: the plan (subscription start), the add-on (cross-sell)
    or one-off order n (kind ``order:n``)."""
    seed = world.profile.seed
    if kind.startswith("order:"):
        return _order_session(world, customer, int(kind[6:]), t_buy)
    r = random.Random((seed << 36) + customer.index * 8 + (3 if kind == "plan" else 4))
    device = _device_of_customer(world, customer, r)
    base = _base(customer.app_user_id, device, customer.app_user_id, customer.country, "web")
    base["$browser"] = _pick(BROWSERS, r.random())
    channel = _channel(world, r, customer, _group(customer))
    sub = customer.subscription
    if kind == "plan":
        pages = [PAGES[r.randrange(len(PAGES) - 1)], PAGES[4], ("/checkout", "Checkout")]
        product, amount, ptype = sub.plan, sub.monthly_amount, "subscription"
    else:
        pages = [PAGES[9], ("/akun/add-on", "Tambah Add-on"), ("/checkout", "Checkout")]
        product, amount, ptype = sub.add_on, sub.add_on_amount, "add_on"
    t0 = t_buy - 60 - 40 * len(pages)
    referrer = _entry(world, r, channel, t0, base)
    s = _Session(base, t0, r, "%015x%s" % (r.getrandbits(60), "p" if kind == "plan" else "a"), False)
    events, _, _ = _page_views(s, pages, t0, referrer)
    events = _retimed(events, t0, t_buy)
    events.append(_emit(s, "Purchase", t_buy, {
        "$current_url": SITE + "/checkout", "amount": amount, "currency": "IDR", "product": product,
        "purchase_type": ptype,
    }))
    return t0, events


def _order_session(world: "World", customer, n: int, t_buy: float) -> tuple[float, list[tuple[float, dict]]]:
    order = orders(world, customer)[n]
    r = rng(world.profile.seed, "order-session", customer.index, n)
    device = _device_of_customer(world, customer, r)
    base = _base(customer.app_user_id, device, customer.app_user_id, customer.country, "web")
    base["$browser"] = _pick(BROWSERS, r.random())
    channel = _channel(world, r, customer, _group(customer))
    pages = [PAGES[r.randrange(len(PAGES) - 1)], ("/toko", "Toko"), ("/checkout", "Checkout")]
    t0 = t_buy - 60 - 40 * len(pages)
    referrer = _entry(world, r, channel, t0, base)
    s = _Session(base, t0, r, "%015xo%d" % (r.getrandbits(60), n), False)
    events, _, _ = _page_views(s, pages, t0, referrer)
    events = _retimed(events, t0, t_buy)
    events.append(_emit(s, "Purchase", t_buy, {
        "$current_url": SITE + "/checkout", "amount": order.amount_idr, "currency": "IDR", "product": "order",
        "purchase_type": "one_off",
    }))
    return t0, events


@lru_cache(maxsize=1024)
def _purchase_chunk(world: "World", chunk: int) -> tuple[list[float], list[tuple[int, str]]]:
    """Purchase moments of customers ``chunk*CHUNK ..``: sorted times and (index, kind)."""
    lo = chunk * CUSTOMER_CHUNK
    hi = min(world.customer_count(), lo + CUSTOMER_CHUNK)
    items = []
    for idx in range(lo, hi):
        c = world.customer(idx)
        sub = c.subscription
        if c.has_web_identity:
            items += [(o.placed_at, idx, f"order:{o.n}") for o in orders(world, c)]
        if sub is None or not c.has_web_identity:
            continue
        items.append((sub.started_at, idx, "plan"))
        if sub.add_on_at is not None:
            items.append((sub.add_on_at, idx, "add_on"))
    items.sort()
    return [t for t, _, _ in items], [(i, k) for _, i, k in items]


@lru_cache(maxsize=64)
def _customers_per_day(world: "World") -> float:
    return world.profile.customers / world.profile.history_days


def _signup_index_range(world: "World", since: float, until: float) -> range:
    width = DAY / _customers_per_day(world)
    start = world.timeline.start_ts
    lo = max(0, math.floor((since - start) / width) - 1)
    hi = min(world.customer_count(), math.ceil((until - start) / width) + 1)
    return range(lo, max(lo, hi))


def sessions(world: "World", since: float, until: float) -> Iterator[tuple[float, list[tuple[float, dict]]]]:
    """Every session that starts in [since, until), roughly in start order (by kind, merged)."""
    import heapq

    def browsing():
        for i in world.timeline.index_range(_session_rate(world), since, until):
            t0, events = browsing_session(world, i)
            if since <= t0 < until:
                yield t0, 0, i, events

    def signups():
        for idx in _signup_index_range(world, since, until + 30 * 60):
            c = world.customer(idx)
            if not c.has_web_identity:
                continue
            t0, events = signup_session(world, c)
            if since <= t0 < until:
                yield t0, 1, idx, events

    def purchases():
        width = DAY / _customers_per_day(world)
        # subscription purchases fall within 215 days of the sign-up; one-off buyers order as long as they stay
        first_idx = 0
        if world.profile.purchase_model == "subscription":
            first_idx = max(0, math.floor((since - 215 * DAY - world.timeline.start_ts) / width))
        last_idx = min(world.customer_count(), math.ceil((until - world.timeline.start_ts) / width) + 1)
        found = []
        for chunk in range(first_idx // CUSTOMER_CHUNK, last_idx // CUSTOMER_CHUNK + 1):
            times, who = _purchase_chunk(world, chunk)
            a = bisect.bisect_left(times, since)
            b = bisect.bisect_left(times, until + 600)
            found.extend(zip(times[a:b], who[a:b]))
        found.sort()
        for t_buy, (idx, kind) in found:
            t0, events = purchase_session(world, world.customer(idx), kind, t_buy)
            if since <= t0 < until:
                yield t0, 2, idx, events

    for t0, _, _, events in heapq.merge(browsing(), signups(), purchases(), key=lambda x: (x[0], x[1], x[2])):
        yield t0, events


def events_between(world: "World", since: float, until: float, as_of: float | None = None) -> Iterator[dict]:
    """Events with ``since <= time < until`` processed by ``as_of`` (default: the world's now)."""
    as_of = world.timeline.as_of_ts if as_of is None else as_of
    until = min(until, as_of)
    if until <= since:
        return
    for _, events in sessions(world, since - MAX_SESSION_SECONDS, until):
        for visible_at, ev in events:
            t = ev["properties"]["time"]
            if since <= t < until and visible_at <= as_of:
                yield ev
