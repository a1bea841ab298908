"""Shops selling one-off purchases: L1, K4 and V6 marts equal hand-computed expectations.

Two shapes of the tiny world (`Profile.purchase_model`): `tiny_one_off`, a shop with no
subscription at all, and `tiny_mixed`, where half of the paying customers subscribe and
the others order one-off. A one-off order (`sandbox.world.commerce.orders`) is paid
through Checkout, a one-off invoice, a bare PaymentIntent or a legacy Charge, and every
payment - subscription invoices too - is also served as its PaymentIntent and Charge.
Every expectation below is computed here from the world's orders, subscriptions and web
sessions, not from the warehouse's SQL:

- orders (core.fct_orders): one per one-off order and per paid subscription invoice,
  exact count and revenue - each payment once whatever Stripe objects show it.
- L1 (marts.retention_cohorts): cohort = local (Asia/Jakarta) month of the first
  purchase (subscription start or first order); retained(k) = cohort customers active in
  month k - subscribed at some moment of it (start before its end, end at or after its
  start) or with an order paid in it. Exact, every cell: every Stripe customer resolves
  to one customer.
- L1 repeat purchases (marts.repeat_purchases): buyers and buyers with 2+ one-off orders
  per month of the first one-off order, exact.
- K4 (marts.customer_value), per one-off buyer: historical CLV = what their orders paid
  (exact); predictive CLV (purchase-frequency model) = average order value x orders per
  month observed (orders / local months from the first order's month to the as-of month,
  both counted) x horizon (seed clv_horizon) x gross margin (seed gross_margin: the
  buyer's plan as their first HubSpot deal names it when subscriptions show the plans'
  prices - the mixed world - else 'default'). Tolerance Rp 0.02 (the DECIMAL(18, 2)
  rounding of a float product). Subscribers keep the subscription model.
- V6 (marts.social_conversion_daily): same-session attributed revenue = the purchase
  amounts of purchase sessions that entered from a social platform, one-off orders
  included; within 1% as in the subscription world's web test (two sessions of one
  device less than 30 minutes apart merge in the warehouse), and non-zero.
- L2 (marts.churn_monthly) is a subscription measure: empty of subscribers for the shop.
"""
from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from orchestration.settings import DBT_PROJECT_DIR
from sandbox.world import commerce
from sandbox.world import web as world_web
from tests.marts.conftest import build_warehouse, query, truth, world

JAKARTA = timezone(timedelta(hours=7))  # the reporting time zone (no daylight saving)


@pytest.fixture(scope="module", params=["tiny_one_off", "tiny_mixed"])
def profile(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def warehouse(profile, tmp_path_factory) -> Path:
    return build_warehouse(tmp_path_factory.mktemp(f"{profile}_warehouse"), profile)


@dataclass
class Payer:
    plan: str
    subscription: tuple[float, float | None] | None = None  # (start, end if ended by the as-of)
    orders: list[tuple[float, int, bool]] = field(default_factory=list)  # (paid at, rupiah, one-off)

    @property
    def one_off(self) -> list[tuple[float, int, bool]]:
        return [o for o in self.orders if o[2]]


def _month(ts: float) -> date:
    return datetime.fromtimestamp(ts, JAKARTA).date().replace(day=1)


def _months_between(a: date, b: date) -> int:
    return (b.year - a.year) * 12 + b.month - a.month


def _seed(name: str) -> list[dict]:
    with open(DBT_PROJECT_DIR / "seeds" / f"{name}.csv", newline="") as f:
        return list(csv.DictReader(f))


def payers_of(profile: str) -> dict[str, Payer]:
    """Stripe customer id -> what the customer paid by the as-of moment (customers who paid)."""
    w = world(profile)
    now = w.timeline.as_of_ts
    out = {}
    for i in range(w.customers_signed_up_by(now)):
        c = w.customer(i)
        payer = Payer(c.plan)
        s = c.subscription
        if s is not None and s.started_at <= now:
            payer.subscription = (int(s.started_at), int(s.ends_at) if s.ends_at <= now else None)
            payer.orders += [(commerce.invoice_paid_at(c, k), commerce.invoice_amount(c, k) // commerce.IDR_MINOR, False)
                             for k in commerce.invoice_periods(c, now) if commerce.invoice_paid_at(c, k) <= now]
        payer.orders += [(o.placed_at, o.amount_idr, True) for o in commerce.orders_by(w, c, now)]
        payer.orders.sort()
        if payer.subscription or payer.orders:
            out[c.stripe_id] = payer
    return out


@pytest.fixture(scope="module")
def payers(profile) -> dict[str, Payer]:
    return payers_of(profile)


def test_the_world_has_repeat_buyers_paying_every_way(profile, payers):
    """GIVEN the world THEN it has one-off buyers, most of whom ordered again, through every payment route,
    and subscribers only when mixed."""
    buyers = [p for p in payers.values() if p.one_off]
    assert len(buyers) > 150 and sum(len(p.one_off) >= 2 for p in buyers) > len(buyers) / 2
    placed = truth(profile)["commerce"]["one_off_orders"]
    assert placed["orders"] == sum(len(p.one_off) for p in buyers)
    assert all(placed["orders_by_payment"].values())
    assert any(p.subscription for p in payers.values()) == (profile == "tiny_mixed")


def test_orders_are_counted_once(warehouse, payers):
    """GIVEN every payment seen as several Stripe objects WHEN core.fct_orders is built
    THEN it holds exactly the world's one-off orders and paid subscription invoices: counts and revenue."""
    [(one_off, one_off_revenue, subscription, subscription_revenue)] = query(warehouse, """
        select count(*) filter (where not is_subscription_order), sum(amount) filter (where not is_subscription_order),
            count(*) filter (where is_subscription_order), sum(amount) filter (where is_subscription_order)
        from core.fct_orders
    """)
    orders = [o for p in payers.values() for o in p.orders]
    assert (one_off, one_off_revenue) == (sum(o[2] for o in orders), sum(o[1] for o in orders if o[2]))
    assert (subscription, subscription_revenue or 0) == (sum(not o[2] for o in orders),
                                                         sum(o[1] for o in orders if not o[2]))


def test_retention_cohorts_are_the_customers_monthly_activity(profile, warehouse, payers):
    """GIVEN each customer's subscription and orders WHEN marts.retention_cohorts is built
    THEN every cell (cohort month, k) has the hand-counted cohort size and retained customers."""
    as_of_month = _month(world(profile).timeline.as_of_ts)
    sizes: dict[date, int] = defaultdict(int)
    retained: dict[tuple[date, int], int] = defaultdict(int)
    for p in payers.values():
        firsts = [p.orders[0][0]] if p.orders else []
        active = {_month(t) for t, _, _ in p.orders}
        if p.subscription:
            start, end = p.subscription
            firsts.append(start)
            month = _month(start)
            while month <= (_month(end) if end is not None else as_of_month):
                active.add(month)
                month = (month + timedelta(days=32)).replace(day=1)
        cohort = _month(min(firsts))
        sizes[cohort] += 1
        for month in active:
            retained[(cohort, _months_between(cohort, month))] += 1
    expected = {
        (cohort, k): (size, retained[(cohort, k)])
        for cohort, size in sizes.items()
        for k in range(_months_between(cohort, as_of_month) + 1)
    }
    rows = query(warehouse, "select cohort_month, month_number, cohort_size, retained_customers "
                            "from marts.retention_cohorts")
    assert {(r[0], r[1]): (r[2], r[3]) for r in rows} == expected
    assert any(k > 0 and n > 0 for (_, k), (_, n) in expected.items())


def test_repeat_purchases_by_cohort(warehouse, payers):
    """GIVEN each buyer's one-off orders WHEN marts.repeat_purchases is built
    THEN buyers, repeat buyers and orders per first-order month are the hand-counted ones."""
    expected: dict[date, list[int]] = defaultdict(lambda: [0, 0, 0])
    for p in payers.values():
        if p.one_off:
            row = expected[_month(p.one_off[0][0])]
            row[0] += 1
            row[1] += len(p.one_off) >= 2
            row[2] += len(p.one_off)
    rows = query(warehouse, "select cohort_month, buyers, repeat_buyers, orders from marts.repeat_purchases")
    assert {r[0]: list(r[1:]) for r in rows} == dict(expected)


def test_clv_follows_the_purchase_frequency_model(profile, warehouse, payers):
    """GIVEN each one-off buyer's orders, the horizon and the gross margin seeds
    WHEN marts.customer_value is built
    THEN a buyer's historical CLV is what they paid and predictive CLV is AOV x orders per
    month observed x horizon x margin, within Rp 0.02; subscribers keep the subscription model."""
    as_of_month = _month(world(profile).timeline.as_of_ts)
    horizon = next(int(r["horizon_months"]) for r in _seed("clv_horizon") if r["clv_model"] == "purchase_frequency")
    margins = {r["plan"]: float(r["gross_margin"]) for r in _seed("gross_margin")}
    plans_priced = any(p.subscription for p in payers.values())
    rows = query(warehouse, """
        select links.source_identity, value.clv_model, value.historical_clv, value.predictive_clv
        from marts.customer_value as value
        inner join intermediate.int_identity__links as links
            on links.customer_id = value.customer_id and links.source = 'stripe_customer'
        where value.clv_model is not null
    """)
    got = {r[0]: r[1:] for r in rows}
    assert set(got) == set(payers)
    for stripe_id, p in payers.items():
        model, historical, value = got[stripe_id]
        if p.subscription:
            assert model == "subscription", stripe_id
            continue
        paid = sum(amount for _, amount, _ in p.orders)
        months = _months_between(_month(p.orders[0][0]), as_of_month) + 1
        margin = margins[p.plan] if plans_priced else margins["default"]
        predictive = paid / len(p.orders) * (len(p.orders) / months) * horizon * margin
        assert (model, historical) == ("purchase_frequency", paid), stripe_id
        assert abs(float(value) - predictive) <= 0.02, (stripe_id, value, predictive)


def test_attributed_revenue_counts_one_off_orders(profile, warehouse):
    """GIVEN the purchase sessions the world generated, one-off orders included
    WHEN marts.social_conversion_daily is built
    THEN same-session attributed revenue (V6) is the purchase revenue of social-entry sessions
    within 1%, one-off orders are part of it, and last-touch revenue is at least that."""
    w = world(profile)
    web_truth = truth(profile)["web"]
    social_domains = {web_truth["channels"][p]["referring_domain"] for p in world_web.SOCIAL_CHANNELS}
    social_sources = set(web_truth["social_utm_sources"])
    expected = defaultdict(int)
    for _, events in world_web.sessions(w, w.timeline.start_ts - 86400, w.timeline.as_of_ts):
        visible = [ev for visible_at, ev in events if visible_at <= w.timeline.as_of_ts]
        if not visible:
            continue
        entry = visible[0]["properties"]
        if entry.get("utm_source") in social_sources or entry.get("$referring_domain") in social_domains:
            for ev in visible:
                if ev["event"] == "Purchase":
                    expected[ev["properties"]["purchase_type"]] += ev["properties"]["amount"]
    total = sum(expected.values())
    [(same_session, last_touch)] = query(
        warehouse, "select sum(same_session_revenue), sum(last_touch_revenue) from marts.social_conversion_daily")
    assert expected["one_off"] > 0
    assert abs(float(same_session) - total) <= 0.01 * total, (same_session, dict(expected))
    assert last_touch >= same_session


def test_subscription_churn_is_empty_without_subscribers(profile, warehouse):
    """GIVEN no subscriptions in the shop WHEN marts.churn_monthly is built
    THEN no month has a subscriber or a churn (L2/L3 are subscription measures); the mix has both."""
    [(active, churned)] = query(
        warehouse, "select coalesce(sum(customers_active_at_start), 0), coalesce(sum(churned_customers), 0) "
                   "from marts.churn_monthly")
    if profile == "tiny_one_off":
        assert (active, churned) == (0, 0)
    else:
        assert active > 0 and churned > 0
