"""The Stripe API contract of the sandbox: lists, pagination, filters, errors."""
from __future__ import annotations

import pytest
import requests

from sandbox.api.stripe import SECRET_KEY


def _get(sandbox_env, path, key=SECRET_KEY, **params):
    return requests.get(f"{sandbox_env['PANTAU_STRIPE_BASE_URL']}{path}", params=params, auth=(key, ""), timeout=30)


def _all(sandbox_env, path, **params):
    out, after = [], None
    while True:
        page = _get(sandbox_env, path, limit=100, **params, **({"starting_after": after} if after else {})).json()
        out += page["data"]
        if not page["has_more"]:
            return out
        after = page["data"][-1]["id"]


OBJECTS = {"/customers": "customer", "/subscriptions": "subscription", "/invoices": "invoice", "/events": "event",
           "/payment_intents": "payment_intent", "/charges": "charge", "/checkout/sessions": "checkout.session"}


@pytest.mark.parametrize("path", [pytest.param(p, id=p.strip("/")) for p in OBJECTS])
def test_lists_page_newest_first_to_the_end(sandbox_env, path):
    """GIVEN a Stripe list WHEN paged with starting_after = last id
    THEN pages end with has_more false, ids never repeat and created never increases."""
    records = _all(sandbox_env, path, **({"status": "all"} if path == "/subscriptions" else {}))
    assert records
    assert len({r["id"] for r in records}) == len(records)
    created = [r["created"] for r in records]
    assert created == sorted(created, reverse=True)
    assert all(r["object"] == OBJECTS[path] for r in records)


def test_limit_above_100_is_refused(sandbox_env):
    """GIVEN limit=101 WHEN listing customers THEN Stripe's 400 invalid_request_error names the param."""
    resp = _get(sandbox_env, "/customers", limit=101)
    assert resp.status_code == 400
    assert resp.json()["error"]["type"] == "invalid_request_error" and resp.json()["error"]["param"] == "limit"


def test_created_gte_filters(sandbox_env):
    """GIVEN created[gte]=t WHEN listing invoices THEN only invoices created at or after t come, and fewer than all."""
    everything = _all(sandbox_env, "/invoices")
    t = sorted(r["created"] for r in everything)[len(everything) // 2]
    recent = _all(sandbox_env, "/invoices", **{"created[gte]": t})
    assert recent and all(r["created"] >= t for r in recent)
    assert len(recent) == sum(1 for r in everything if r["created"] >= t)


def test_default_status_hides_canceled_and_all_shows_them(sandbox_env):
    """GIVEN churned customers WHEN subscriptions are listed without status and with status=all
    THEN the default list has no canceled subscription and status=all adds them."""
    default = _all(sandbox_env, "/subscriptions")
    everything = _all(sandbox_env, "/subscriptions", status="all")
    assert all(s["status"] != "canceled" for s in default)
    canceled = [s for s in everything if s["status"] == "canceled"]
    assert canceled and len(default) + len(canceled) == len(everything)
    assert all(s["ended_at"] and s["canceled_at"] for s in canceled)


def test_subscriptions_carry_items_with_prices_and_periods(sandbox_env):
    """GIVEN subscriptions in API version basil WHEN listed THEN items carry the price and the billing period,
    amounts are IDR minor units (two decimals) and add-ons appear as second items."""
    subs = _all(sandbox_env, "/subscriptions", status="all")
    items = [i for s in subs for i in s["items"]["data"]]
    assert all(i["price"]["currency"] == "idr" and i["price"]["recurring"]["interval"] == "month" for i in items)
    assert all(i["current_period_start"] < i["current_period_end"] for i in items)
    assert {i["price"]["unit_amount"] for i in items} <= {9_900_000, 24_900_000, 79_900_000, 4_900_000, 14_900_000}
    assert any(s["items"]["total_count"] == 2 for s in subs)
    assert all("current_period_end" not in s for s in subs)


def test_events_show_saves_as_cancel_at_period_end_reverted(sandbox_env):
    """GIVEN the last 30 days of subscription events WHEN listed
    THEN a save is an update whose previous_attributes had cancel_at_period_end true and the object has false."""
    events = _all(sandbox_env, "/events", type="customer.subscription.*")
    assert {e["type"] for e in events} <= {"customer.subscription.created", "customer.subscription.updated",
                                           "customer.subscription.deleted"}
    requests_ = [e for e in events if e["data"].get("previous_attributes", {}).get("cancel_at_period_end") is False]
    assert requests_ and all(e["data"]["object"]["cancel_at_period_end"] is True for e in requests_)
    oldest = min(e["created"] for e in events)
    newest = max(e["created"] for e in events)
    assert newest - oldest <= 30 * 86400


def test_type_filter_selects_deleted_events(sandbox_env):
    """GIVEN type=customer.subscription.deleted WHEN listing events THEN only deletions come, each canceled."""
    events = _all(sandbox_env, "/events", type="customer.subscription.deleted")
    assert events and all(e["type"] == "customer.subscription.deleted" for e in events)
    assert all(e["data"]["object"]["status"] == "canceled" for e in events)


@pytest.mark.parametrize("key", [pytest.param("sk_test_not_the_right_key_1234", id="wrong"), pytest.param("", id="none")])
def test_wrong_key_gets_stripes_401(sandbox_env, key):
    """GIVEN a wrong or missing secret key WHEN listing THEN 401 with Stripe's invalid_request_error body."""
    resp = requests.get(f"{sandbox_env['PANTAU_STRIPE_BASE_URL']}/customers",
                        headers={"Authorization": f"Bearer {key}"} if key else {}, timeout=30)
    assert resp.status_code == 401
    error = resp.json()["error"]
    assert error["type"] == "invalid_request_error" and "api key" in error["message"].lower()
    assert key[8:-4] not in error["message"] or not key  # the key is masked


def test_rate_limit_fault_is_stripes_429(sandbox_env, sandbox):
    """GIVEN the rate-limit fault on every request WHEN listing THEN 429 rate_limit with Stripe-Should-Retry."""
    sandbox.set_faults(rate_limit_every=1)
    resp = _get(sandbox_env, "/customers")
    assert resp.status_code == 429
    assert resp.json()["error"]["code"] == "rate_limit"
    assert resp.headers["Stripe-Should-Retry"] == "true"


def test_unknown_starting_after_is_resource_missing(sandbox_env):
    """GIVEN a starting_after id that does not exist WHEN listing THEN 400 resource_missing."""
    resp = _get(sandbox_env, "/subscriptions", starting_after="sub_1doesnotexist0")
    assert resp.status_code == 400 and resp.json()["error"]["code"] == "resource_missing"


# -- one-off orders: the money objects of a mixed world ------------------------------------------
@pytest.fixture(scope="module")
def mixed_env():
    """A sandbox over the tiny world shaped as a mix of subscribers and one-off buyers."""
    from sandbox.launcher import start_sandbox
    from tests.conftest import TEST_ANCHOR

    with start_sandbox("tiny_mixed", anchor=TEST_ANCHOR) as running:
        yield running.settings()


@pytest.fixture(scope="module")
def mixed_money(mixed_env) -> dict:
    return {
        "invoices": _all(mixed_env, "/invoices", **{"expand[]": "data.payments"}),
        "intents": {p["id"]: p for p in _all(mixed_env, "/payment_intents")},
        "charges": {c["id"]: c for c in _all(mixed_env, "/charges")},
        "sessions": _all(mixed_env, "/checkout/sessions"),
    }


def test_every_paid_invoice_names_the_intent_and_charge_that_paid_it(mixed_money):
    """GIVEN invoices listed with expand[]=data.payments
    WHEN each paid invoice's payment is followed to its PaymentIntent and that intent's latest charge
    THEN the intent succeeded for the invoice's amount and the charge points back at the intent;
    one-off invoices (parent null, billing_reason manual) are among them."""
    paid = [i for i in mixed_money["invoices"] if i["status"] == "paid"]
    assert paid and any(i["parent"] is None and i["billing_reason"] == "manual" for i in paid)
    for inv in paid:
        (payment,) = inv["payments"]["data"]
        intent = mixed_money["intents"][payment["payment"]["payment_intent"]]
        assert intent["status"] == "succeeded" and intent["amount_received"] == inv["amount_paid"]
        assert mixed_money["charges"][intent["latest_charge"]]["payment_intent"] == intent["id"]


def test_invoices_include_payments_only_when_expanded(mixed_env):
    """GIVEN the basil invoice shape WHEN invoices are listed without expand THEN no payments field is shown."""
    page = _get(mixed_env, "/invoices", limit=5).json()
    assert page["data"] and all("payments" not in inv for inv in page["data"])


def test_checkout_sessions_point_at_their_payment(mixed_money):
    """GIVEN completed Checkout Sessions WHEN read
    THEN payment-mode sessions point at a succeeded intent of the same amount and carry no invoice,
    subscription-mode sessions at a subscription and its first invoice and no intent."""
    by_mode = {"payment": 0, "subscription": 0}
    for s in mixed_money["sessions"]:
        by_mode[s["mode"]] += 1
        assert s["status"] == "complete" and s["payment_status"] == "paid"
        if s["mode"] == "payment":
            intent = mixed_money["intents"][s["payment_intent"]]
            assert intent["status"] == "succeeded" and intent["amount"] == s["amount_total"]
            assert s["invoice"] is None and s["subscription"] is None
        else:
            assert s["payment_intent"] is None and s["subscription"].startswith("sub_")
            assert s["invoice"].startswith("in_")
    assert by_mode["payment"] and by_mode["subscription"]


def test_legacy_charges_have_no_intent_and_every_other_charge_has_one(mixed_money):
    """GIVEN charges WHEN read THEN a few legacy charges have no payment intent, the rest name a listed one."""
    legacy = [c for c in mixed_money["charges"].values() if c["payment_intent"] is None]
    assert legacy and len(legacy) < len(mixed_money["charges"]) / 5
    assert all(c["payment_intent"] in mixed_money["intents"]
               for c in mixed_money["charges"].values() if c["payment_intent"])


def test_charges_filter_by_payment_intent(mixed_env, mixed_money):
    """GIVEN payment_intent=pi WHEN listing charges THEN exactly that intent's charge comes."""
    intent = next(iter(mixed_money["intents"].values()))
    (only,) = _get(mixed_env, "/charges", payment_intent=intent["id"]).json()["data"]
    assert only["id"] == intent["latest_charge"]
