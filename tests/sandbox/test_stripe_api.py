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


@pytest.mark.parametrize("path", [pytest.param(p, id=p.strip("/")) for p in
                                  ("/customers", "/subscriptions", "/invoices", "/events")])
def test_lists_page_newest_first_to_the_end(sandbox_env, path):
    """GIVEN a Stripe list WHEN paged with starting_after = last id
    THEN pages end with has_more false, ids never repeat and created never increases."""
    records = _all(sandbox_env, path, **({"status": "all"} if path == "/subscriptions" else {}))
    assert records
    assert len({r["id"] for r in records}) == len(records)
    created = [r["created"] for r in records]
    assert created == sorted(created, reverse=True)
    assert all(r["object"] == {"/customers": "customer", "/subscriptions": "subscription",
                               "/invoices": "invoice", "/events": "event"}[path] for r in records)


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
