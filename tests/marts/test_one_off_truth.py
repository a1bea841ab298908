"""A shop selling one-off purchases: L1, K4 and V6 marts equal hand-computed expectations.

The tiny world shaped as a shop (`--sandbox tiny_one_off`: `Profile.purchase_model =
"one_off"`) has no subscription at all: every paying customer places one-off orders
(`sandbox.world.commerce.orders`), paid through Checkout, one-off invoices, bare
PaymentIntents or legacy Charges, each also seen as its PaymentIntent and Charge.
Every expectation below is computed here from the world's orders and web sessions,
not from the warehouse's SQL:

- L1 (marts.retention_cohorts): cohort = local (Asia/Jakarta) month of a buyer's first
  order; retained(k) = buyers of the cohort with an order in month k. Exact, every cell:
  each order is counted once whatever Stripe objects show it, and every Stripe customer
  resolves to one customer.
- L1 repeat purchases (marts.repeat_purchases): buyers and buyers with 2+ orders per
  cohort month, exact.
- K4 (marts.customer_value), per buyer: historical CLV = what their orders paid (exact);
  predictive CLV (purchase-frequency model) = average order value x orders per month
  observed (orders / local months from the first order's month to the as-of month,
  both counted) x horizon (seed clv_horizon) x gross margin (seed gross_margin
  'default': a shop has no subscription plans). Tolerance Rp 0.02 (the DECIMAL(18, 2)
  rounding of a float product).
- V6 (marts.social_conversion_daily): same-session attributed revenue = the order
  amounts of purchase sessions that entered from a social platform; within 1% as in the
  subscription world's web test (two sessions of one device less than 30 minutes apart
  merge in the warehouse), and non-zero.
- L2 (marts.churn_monthly) is a subscription measure: no customer is ever active at a
  month start, so no month has churn.
"""
from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from orchestration.settings import DBT_PROJECT_DIR
from sandbox.world import commerce
from sandbox.world import web as world_web
from tests.marts.conftest import build_warehouse, query, truth, world

PROFILE = "tiny_one_off"
JAKARTA = timezone(timedelta(hours=7))  # the reporting time zone (no daylight saving)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    return build_warehouse(tmp_path_factory.mktemp("tiny_one_off_warehouse"), PROFILE)


def _month(ts: float) -> date:
    return datetime.fromtimestamp(ts, JAKARTA).date().replace(day=1)


def _months_between(a: date, b: date) -> int:
    return (b.year - a.year) * 12 + b.month - a.month


def _seed(name: str) -> list[dict]:
    with open(DBT_PROJECT_DIR / "seeds" / f"{name}.csv", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def buyers() -> dict[str, tuple]:
    return orders_by_buyer()


def orders_by_buyer() -> dict[str, tuple]:
    """Stripe customer id -> the buyer's orders placed by the as-of moment."""
    w = world(PROFILE)
    now = w.timeline.as_of_ts
    out = {}
    for i in range(w.customers_signed_up_by(now)):
        c = w.customer(i)
        assert c.subscription is None
        placed = commerce.orders_by(w, c, now)
        if placed:
            out[c.stripe_id] = placed
    return out


def test_the_world_is_a_shop_with_repeat_buyers(buyers):
    """GIVEN the one-off world THEN it has buyers, many of whom ordered again, and every payment route."""
    assert len(buyers) > 300
    assert sum(len(o) >= 2 for o in buyers.values()) > 150
    assert {o.payment for placed in buyers.values() for o in placed} == set(commerce_truth()["payment_mix"])


def commerce_truth() -> dict:
    return truth(PROFILE)["commerce"]["one_off_orders"]


def test_orders_are_counted_once(warehouse, buyers):
    """GIVEN every order paid through several Stripe objects WHEN core.fct_orders is built
    THEN it holds exactly the world's orders: count and revenue, none a subscription order."""
    [(orders, revenue, subscription_orders)] = query(
        warehouse, "select count(*), sum(amount), count(*) filter (where is_subscription_order) from core.fct_orders")
    assert orders == sum(len(o) for o in buyers.values()) == commerce_truth()["orders"]
    assert revenue == sum(o.amount_idr for placed in buyers.values() for o in placed)
    assert subscription_orders == 0


def test_retention_cohorts_are_the_buyers_monthly_orders(warehouse, buyers):
    """GIVEN each buyer's orders WHEN marts.retention_cohorts is built
    THEN every cell (cohort month, k) has the hand-counted cohort size and retained buyers."""
    as_of_month = _month(world(PROFILE).timeline.as_of_ts)
    sizes: dict[date, int] = defaultdict(int)
    retained: dict[tuple[date, int], int] = defaultdict(int)
    for placed in buyers.values():
        cohort = _month(placed[0].placed_at)
        sizes[cohort] += 1
        for k in {_months_between(cohort, _month(o.placed_at)) for o in placed}:
            retained[(cohort, k)] += 1
    expected = {
        (cohort, k): (size, retained[(cohort, k)])
        for cohort, size in sizes.items()
        for k in range(_months_between(cohort, as_of_month) + 1)
    }
    rows = query(warehouse, "select cohort_month, month_number, cohort_size, retained_customers "
                            "from marts.retention_cohorts")
    assert {(r[0], r[1]): (r[2], r[3]) for r in rows} == expected
    assert any(k > 0 and n > 0 for (_, k), (_, n) in expected.items())


def test_repeat_purchases_by_cohort(warehouse, buyers):
    """GIVEN each buyer's orders WHEN marts.repeat_purchases is built
    THEN buyers, repeat buyers and orders per first-order month are the hand-counted ones."""
    expected: dict[date, list[int]] = defaultdict(lambda: [0, 0, 0])
    for placed in buyers.values():
        row = expected[_month(placed[0].placed_at)]
        row[0] += 1
        row[1] += len(placed) >= 2
        row[2] += len(placed)
    rows = query(warehouse, "select cohort_month, buyers, repeat_buyers, orders from marts.repeat_purchases")
    assert {r[0]: list(r[1:]) for r in rows} == dict(expected)


def test_clv_follows_the_purchase_frequency_model(warehouse, buyers):
    """GIVEN each buyer's orders, the horizon and the default gross margin seeds
    WHEN marts.customer_value is built
    THEN historical CLV is what they paid and predictive CLV is AOV x orders per month
    observed x horizon x margin, for every buyer, within Rp 0.02."""
    as_of_month = _month(world(PROFILE).timeline.as_of_ts)
    horizon = next(int(r["horizon_months"]) for r in _seed("clv_horizon") if r["clv_model"] == "purchase_frequency")
    margin = next(float(r["gross_margin"]) for r in _seed("gross_margin") if r["plan"] == "default")
    rows = query(warehouse, """
        select links.source_identity, value.clv_model, value.historical_clv, value.predictive_clv
        from marts.customer_value as value
        inner join intermediate.int_identity__links as links
            on links.customer_id = value.customer_id and links.source = 'stripe_customer'
        where value.historical_clv > 0
    """)
    got = {r[0]: r[1:] for r in rows}
    assert set(got) == set(buyers)
    for stripe_id, placed in buyers.items():
        paid = sum(o.amount_idr for o in placed)
        months = _months_between(_month(placed[0].placed_at), as_of_month) + 1
        predictive = paid / len(placed) * (len(placed) / months) * horizon * margin
        model, historical, value = got[stripe_id]
        assert (model, historical) == ("purchase_frequency", paid), stripe_id
        assert abs(float(value) - predictive) <= 0.02, (stripe_id, value, predictive)


def test_attributed_revenue_counts_one_off_orders(warehouse):
    """GIVEN the purchase sessions the world generated for one-off orders
    WHEN marts.social_conversion_daily is built
    THEN same-session attributed revenue (V6) is the order revenue of social-entry sessions
    within 1%, non-zero, and last-touch revenue is at least that."""
    w = world(PROFILE)
    web_truth = truth(PROFILE)["web"]
    social_domains = {web_truth["channels"][p]["referring_domain"] for p in world_web.SOCIAL_CHANNELS}
    social_sources = set(web_truth["social_utm_sources"])
    expected = 0
    for _, events in world_web.sessions(w, w.timeline.start_ts - 86400, w.timeline.as_of_ts):
        visible = [ev for visible_at, ev in events if visible_at <= w.timeline.as_of_ts]
        if not visible:
            continue
        entry = visible[0]["properties"]
        if entry.get("utm_source") in social_sources or entry.get("$referring_domain") in social_domains:
            expected += sum(ev["properties"]["amount"] for ev in visible
                            if ev["event"] == "Purchase" and ev["properties"]["purchase_type"] == "one_off")
    [(same_session, last_touch)] = query(
        warehouse, "select sum(same_session_revenue), sum(last_touch_revenue) from marts.social_conversion_daily")
    assert expected > 0
    assert abs(float(same_session) - expected) <= 0.01 * expected, (same_session, expected)
    assert last_touch >= same_session


def test_subscription_churn_is_empty_for_a_shop(warehouse):
    """GIVEN no subscriptions WHEN marts.churn_monthly is built THEN no month has a subscriber or a churn."""
    [(active, churned)] = query(
        warehouse, "select coalesce(sum(customers_active_at_start), 0), coalesce(sum(churned_customers), 0) "
                   "from marts.churn_monthly")
    assert (active, churned) == (0, 0)
