"""Commerce: the CRM (contacts, deals, survey answers) and billing (Stripe) views of customers.

Everything derives from ``customers.Customer`` and its ``Subscription`` so the
churn, the cancellation requests (``cancel_at_period_end``), the saves (a
request reverted), the add-on cross-sell and the planted social retention
effect show in the data each API serves.  A one-off buyer
(``Customer.one_off``, worlds whose ``purchase_model`` is not
``subscription``) places ``Order``s instead.

Money in Stripe, as a real account shows it: every paid invoice is paid by a
PaymentIntent and its Charge (the same money three times, linked from the
invoice by its ``payments``); a one-off order is paid through Checkout (a
``payment``-mode session pointing at its PaymentIntent), a one-off invoice (no
``parent``), a PaymentIntent alone, or a legacy Charge without PaymentIntent.
A subscription sign-up goes through a ``subscription``-mode Checkout Session
pointing at the subscription and its first invoice.

Laziness: records are built when a page asks for them.  What the APIs must
*order* by a time that is not monotone in the customer index (HubSpot search
sorts on last-modified dates; Stripe lists newest first by ``created``) is
served from a per-world key index (``CommerceIndex``): sorted numpy arrays of
(time, key) pairs, one pass over the customers, built once per world on first
use.  Keys, not records: a page still generates only its own records.  The
survey answers arrive at a steady rate, so they need no index at all.
"""
from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from sandbox.world.customers import MONTH, Customer
from sandbox.world.draws import rng, stable_hex, stable_int, uniforms
from sandbox.world.names import ADD_ONS, BRAND, PLAN_PRICES_IDR
from sandbox.world.timeline import DAY, iso

if TYPE_CHECKING:
    from sandbox.world.model import World

# Stripe API version the sandbox renders (the extractor pins it with Stripe-Version).
STRIPE_API_VERSION = "2025-06-30.basil"
EVENT_RETENTION = 30 * DAY  # Stripe lists events of the last 30 days only
IDR_MINOR = 100  # IDR is a two-decimal currency in Stripe: amounts are in sen (1/100 rupiah)
COUNTRY_NAMES = {"ID": "Indonesia", "MY": "Malaysia", "SG": "Singapore", "PH": "Philippines", "US": "United States"}
CANCEL_FEEDBACK = ("too_expensive", "missing_features", "switched_service", "unused", "customer_service",
                   "too_complex", "low_quality", "other")

# Survey answers (HubSpot feedback submissions): share of customers answering per day,
# survey type mix, and the CSAT / CES answer mixes by group (planted, recorded in truth).
SURVEYS_PER_CUSTOMER_DAY = 0.25  # answers per day = customers signing up per day x this
SURVEY_TYPE_MIX = {"NPS": 0.6, "CSAT": 0.25, "CES": 0.15}
CSAT_MIX_SOCIAL = {5: 0.45, 4: 0.35, 3: 0.12, 2: 0.05, 1: 0.03}
CSAT_MIX_NON_SOCIAL = {5: 0.35, 4: 0.35, 3: 0.17, 2: 0.08, 1: 0.05}
CES_MIX_SOCIAL = {7: 0.30, 6: 0.30, 5: 0.20, 4: 0.10, 3: 0.05, 2: 0.03, 1: 0.02}
CES_MIX_NON_SOCIAL = {7: 0.20, 6: 0.25, 5: 0.25, 4: 0.15, 3: 0.08, 2: 0.04, 1: 0.03}
SURVEY_IDS = {"NPS": "101", "CSAT": "102", "CES": "103"}
SURVEY_NAMES = {"NPS": "Kopiku NPS", "CSAT": "Kopiku support satisfaction", "CES": "Kopiku ease of use"}


# -- the catalogue -------------------------------------------------------------
@dataclass(frozen=True)
class Price:
    id: str
    product: str
    product_name: str
    lookup_key: str
    amount_idr: int  # major units (rupiah)

    @property
    def unit_amount(self) -> int:  # Stripe minor units
        return self.amount_idr * IDR_MINOR


def _price(key: str, name: str, amount: int) -> Price:
    return Price("price_1" + stable_hex("price", key, length=23), "prod_" + stable_hex("product", key, length=14),
                 name, f"{key}_monthly", amount)


PRICES: dict[str, Price] = {
    **{plan: _price(plan, f"{BRAND['name']} {plan.title()}", amount) for plan, amount in PLAN_PRICES_IDR.items()},
    **{name: _price(name, f"{BRAND['name']} {name.replace('_', ' ').title()}", amount) for name, amount in ADD_ONS},
}
CATALOGUE_CREATED = 1_600_000_000


@lru_cache(maxsize=None)
def price_object(p: Price) -> dict:
    """Shared per price: callers must not mutate it."""
    return _price_object(p)


def _price_object(p: Price) -> dict:
    return {
        "id": p.id, "object": "price", "active": True, "billing_scheme": "per_unit", "created": CATALOGUE_CREATED,
        "currency": "idr", "custom_unit_amount": None, "livemode": False, "lookup_key": p.lookup_key, "metadata": {},
        "nickname": p.product_name, "product": p.product,
        "recurring": {"interval": "month", "interval_count": 1, "meter": None, "trial_period_days": None,
                      "usage_type": "licensed"},
        "tax_behavior": "unspecified", "tiers_mode": None, "transform_quantity": None, "type": "recurring",
        "unit_amount": p.unit_amount, "unit_amount_decimal": str(p.unit_amount),
    }


# -- ids: Stripe-shaped, decodable back to the entity ----------------------------
_B36 = "0123456789abcdefghijklmnopqrstuvwxyz"


def _b36(n: int) -> str:
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = _B36[r] + out
        if n == 0:
            return out


def make_id(prefix: str, key: int) -> str:
    """``sub_1`` + 10 stable chars + the key in base 36: looks like Stripe's, decodes to ``key``."""
    return f"{prefix}_1{stable_hex(prefix, key, length=10)}{_b36(key)}"


def decode_id(prefix: str, value: str) -> int | None:
    head = f"{prefix}_1"
    if not value.startswith(head) or len(value) <= len(head) + 10:
        return None
    try:
        key = int(value[len(head) + 10:], 36)
    except ValueError:
        return None
    return key if make_id(prefix, key) == value else None


def subscription_id(index: int) -> str:
    return make_id("sub", index)


def invoice_key(index: int, period: int) -> int:
    return index * 1024 + period


# -- Stripe: customers --------------------------------------------------------------
def stripe_email(c: Customer) -> str:
    """What checkout captured: sometimes capitalised as the customer typed it."""
    u = uniforms("stripe-email", c.index)[0]
    local, _, domain = c.email.partition("@")
    if u < 0.08:
        return ".".join(part.capitalize() for part in local.split(".")) + "@" + domain
    if u < 0.12:
        return local.capitalize() + "@" + domain.capitalize()
    return c.email


def stripe_customer(world: "World", c: Customer) -> dict:
    u = uniforms("stripe-customer", c.index)
    metadata = {"hubspot_contact_id": c.hubspot_id} if u[0] < 0.6 else {}
    if u[1] < 0.5:
        metadata["app_user_id"] = c.app_user_id
    return {
        "id": c.stripe_id, "object": "customer",
        "address": {"city": None, "country": c.country, "line1": None, "line2": None, "postal_code": None, "state": None},
        "balance": 0, "created": int(c.signup_at),
        "currency": ("idr" if c.first_purchase_at is not None and c.first_purchase_at <= world.timeline.as_of_ts
                     else None),
        "default_source": None, "delinquent": False, "description": None, "discount": None,
        "email": stripe_email(c), "invoice_prefix": stable_hex("inv-prefix", c.index, length=8).upper(),
        "invoice_settings": {"custom_fields": None, "default_payment_method": None, "footer": None,
                             "rendering_options": None},
        "livemode": False, "metadata": metadata, "name": c.name, "next_invoice_sequence": 1, "phone": None,
        "preferred_locales": ["id" if c.country == "ID" else "en"], "shipping": None, "tax_exempt": "none",
        "test_clock": None,
    }


# -- Stripe: subscriptions over time ---------------------------------------------------
def cancel_feedback(c: Customer) -> str:
    return CANCEL_FEEDBACK[int(uniforms("cancel-feedback", c.index)[0] * len(CANCEL_FEEDBACK))]


def period_bounds(started: float, t: float) -> tuple[float, float]:
    k = max(0, math.floor((t - started) / MONTH))
    return started + k * MONTH, started + (k + 1) * MONTH


def _item(c: Customer, key: str, created: float, started: float, t: float) -> dict:
    p = PRICES[key]
    ps, pe = period_bounds(started, t)
    return {
        "id": make_id("si", c.index * 2 + (0 if key == c.subscription.plan else 1)), "object": "subscription_item",
        "billing_thresholds": None, "created": int(created), "current_period_end": int(pe),
        "current_period_start": int(ps), "discounts": [], "metadata": {}, "price": price_object(p), "quantity": 1,
        "subscription": subscription_id(c.index), "tax_rates": [],
    }


def subscription_at(c: Customer, t: float) -> dict:
    """The Stripe subscription object of ``c`` as it stood at time ``t`` (t >= start)."""
    s = c.subscription
    assert s is not None
    sid = subscription_id(c.index)
    ended = t >= s.ends_at
    clock = min(t, s.ends_at - 1) if ended else t
    items = [_item(c, s.plan, s.started_at, s.started_at, clock)]
    if s.add_on and s.add_on_at is not None and s.add_on_at <= t:
        items.append(_item(c, s.add_on, s.add_on_at, s.started_at, clock))
    final_request = s.cancel_requested_at is not None and s.cancel_requested_at <= t
    save_pending = s.save_requested_at is not None and s.save_requested_at <= t < (s.saved_at or 0)
    cancel_at_period_end = (final_request or save_pending) and not ended
    details = {"comment": None, "feedback": None, "reason": None}
    canceled_at = cancel_at = None
    if final_request:
        details = {"comment": None, "feedback": cancel_feedback(c), "reason": "cancellation_requested"}
        canceled_at, cancel_at = int(s.cancel_requested_at), int(s.ends_at)
    elif save_pending:
        details = {"comment": None, "feedback": "too_expensive", "reason": "cancellation_requested"}
        canceled_at, cancel_at = int(s.save_requested_at), int(period_bounds(s.started_at, s.save_requested_at)[1])
    elif ended:  # churn without a request: the renewal payment failed
        details = {"comment": None, "feedback": None, "reason": "payment_failed"}
        canceled_at = int(s.ends_at)
    last_period = min(s.months_survived, max(0, math.floor((clock - s.started_at) / MONTH)))
    return {
        "id": sid, "object": "subscription", "application": None, "automatic_tax": {"enabled": False, "liability": None},
        "billing_cycle_anchor": int(s.started_at), "billing_cycle_anchor_config": None,
        "cancel_at": cancel_at if not ended else None, "cancel_at_period_end": cancel_at_period_end,
        "canceled_at": canceled_at, "cancellation_details": details, "collection_method": "charge_automatically",
        "created": int(s.started_at), "currency": "idr", "customer": c.stripe_id, "days_until_due": None,
        "default_payment_method": "pm_1" + stable_hex("pm", c.index, length=23), "description": None,
        "discounts": [], "ended_at": int(s.ends_at) if ended else None,
        "items": {"object": "list", "data": items, "has_more": False, "total_count": len(items),
                  "url": f"/v1/subscription_items?subscription={sid}"},
        "latest_invoice": make_id("in", invoice_key(c.index, last_period)), "livemode": False, "metadata": {},
        "pending_setup_intent": None, "pending_update": None, "schedule": None,
        "start_date": int(s.started_at), "status": "canceled" if ended else "active", "test_clock": None,
        "trial_end": None, "trial_start": None,
    }


# -- Stripe: invoices ---------------------------------------------------------------
def invoice_periods(c: Customer, now: float) -> range:
    """Billing periods invoiced by ``now``: one invoice at each period start before churn."""
    s = c.subscription
    if s is None or s.started_at > now:
        return range(0)
    last = min(s.months_survived, math.floor((min(now, s.ends_at) - s.started_at) / MONTH))
    while last >= 0 and s.started_at + last * MONTH >= s.ends_at:
        last -= 1
    return range(last + 1)


def invoice_created(c: Customer, k: int) -> float:
    return c.subscription.started_at + k * MONTH


def invoice_paid_at(c: Customer, k: int) -> float:
    """Most invoices are paid within the hour; 3% days later (the invoice shows open until then)."""
    u = stable_int("invoice-paid", c.index, k, digits=12) / 1e12
    v = (u * 1000) % 1
    created = invoice_created(c, k)
    return created + (v * 3 + 1) * DAY if u < 0.03 else created + 60 + v * 3600


def _billing_constants(c: Customer) -> tuple[str, str, str, str, str]:
    """Per-customer strings every invoice repeats: subscription id, email, invoice prefix, item ids."""
    return _billing_constants_of(c.index, c.email)


@lru_cache(maxsize=50_000)
def _billing_constants_of(index: int, email: str) -> tuple[str, str, str, str, str]:
    local, _, domain = email.partition("@")
    u = uniforms("stripe-email", index)[0]
    shown = (".".join(part.capitalize() for part in local.split(".")) + "@" + domain if u < 0.08 else
             local.capitalize() + "@" + domain.capitalize() if u < 0.12 else email)
    return (subscription_id(index), shown, stable_hex("inv-prefix", index, length=8).upper(),
            make_id("si", index * 2), make_id("si", index * 2 + 1))


def invoice(c: Customer, k: int, now: float) -> dict:
    s = c.subscription
    created = invoice_created(c, k)
    sid, email, prefix, *item_ids = _billing_constants(c)
    iid = make_id("in", invoice_key(c.index, k))
    keys = [s.plan] + ([s.add_on] if s.add_on and s.add_on_at is not None and s.add_on_at <= created else [])
    period = {"end": int(created + MONTH), "start": int(created)}
    lines = []
    for n, key in enumerate(keys):
        p = PRICES[key]
        lines.append({
            "id": f"il_{iid[3:]}{n}", "object": "line_item", "amount": p.unit_amount,
            "currency": "idr", "description": _LINE_DESCRIPTIONS[key],
            "discount_amounts": [], "discountable": True, "discounts": [], "invoice": iid, "livemode": False,
            "metadata": {},
            "parent": {"type": "subscription_item_details", "invoice_item_details": None,
                       "subscription_item_details": {"invoice_item": None, "proration": False,
                                                     "proration_details": {"credited_items": None},
                                                     "subscription": sid, "subscription_item": item_ids[n]}},
            "period": period,
            "pricing": {"type": "price_details", "price_details": {"price": p.id, "product": p.product},
                        "unit_amount_decimal": str(p.unit_amount)},
            "quantity": 1, "taxes": [],
        })
    total = sum(line["amount"] for line in lines)
    paid_at = invoice_paid_at(c, k)
    paid = paid_at <= now
    return {
        "id": iid, "object": "invoice", "account_country": "ID", "account_name": BRAND["name"],
        "amount_due": total, "amount_overpaid": 0, "amount_paid": total if paid else 0,
        "amount_remaining": 0 if paid else total, "amount_shipping": 0, "attempt_count": 1, "attempted": True,
        "auto_advance": not paid, "billing_reason": "subscription_create" if k == 0 else "subscription_cycle",
        "collection_method": "charge_automatically", "created": int(created), "currency": "idr",
        "customer": c.stripe_id, "customer_email": email, "customer_name": c.name,
        "description": None, "due_date": None, "effective_at": int(created) + 1, "ending_balance": 0,
        "lines": {"object": "list", "data": lines, "has_more": False, "total_count": len(lines),
                  "url": f"/v1/invoices/{iid}/lines"},
        "livemode": False, "metadata": {},
        "number": f"{prefix}-{k + 1:04d}",
        "parent": {"type": "subscription_details", "quote_details": None,
                   "subscription_details": {"metadata": {}, "subscription": sid}},
        "period_end": int(created), "period_start": int(created), "starting_balance": 0,
        "status": "paid" if paid else "open",
        "status_transitions": {"finalized_at": int(created) + 1, "marked_uncollectible_at": None,
                               "paid_at": int(paid_at) if paid else None, "voided_at": None},
        "subtotal": total, "subtotal_excluding_tax": total, "total": total, "total_discount_amounts": [],
        "total_excluding_tax": total, "total_taxes": [],
    }


_LINE_DESCRIPTIONS = {k: f"1 × {p.product_name} (at Rp {p.amount_idr:,} / month)".replace(",", ".")
                      for k, p in PRICES.items()}


# -- Stripe: one-off orders ------------------------------------------------------------
# Keys of the money objects (invoice, payment intent, charge, checkout session): a
# subscription invoice is customer index * 1024 + period; one-off order n is
# customer index * 1024 + ORDER_KEY_BASE + n.
ORDER_KEY_BASE = 512
ORDER_PRODUCT = ("prod_" + stable_hex("product", "order", length=14),
                 "price_1" + stable_hex("price", "order", length=23))
CHECKOUT_SECONDS = 240  # a session opens this long before its payment succeeds
DAY_SECONDS = int(DAY)  # an open Checkout Session expires after a day
INVOICE_TO_PAYMENT_SECONDS = 120  # a one-off invoice is created, finalized, then paid


@dataclass(frozen=True)
class Order:
    customer_index: int
    n: int
    placed_at: float  # the moment the payment succeeded
    amount_idr: int  # major units
    payment: str  # checkout_session | invoice | payment_intent | charge

    @property
    def key(self) -> int:
        return self.customer_index * 1024 + ORDER_KEY_BASE + self.n

    @property
    def amount(self) -> int:  # Stripe minor units
        return self.amount_idr * IDR_MINOR


def orders(world: "World", c: Customer) -> tuple[Order, ...]:
    """Every one-off order ``c`` ever places (including after the world's now: filter by time)."""
    return _orders(world, c.index) if c.one_off is not None else ()


def orders_by(world: "World", c: Customer, now: float) -> tuple[Order, ...]:
    return tuple(o for o in orders(world, c) if o.placed_at <= now)


@lru_cache(maxsize=50_000)
def _orders(world: "World", index: int) -> tuple[Order, ...]:
    c = world.customer(index)
    planted = world.profile.planted
    r = rng(world.profile.seed, "orders", index)
    rate = planted.one_off_orders_per_month_by_plan[c.plan] * (
        planted.one_off_social_order_rate_ratio if c.is_social else 1.0)
    median = planted.one_off_order_value_median_idr_by_plan[c.plan]
    out: list[Order] = []
    t = c.one_off.first_order_at
    while t < c.one_off.lapses_at and len(out) < 1024 - ORDER_KEY_BASE:
        amount = max(1, round(median * math.exp(planted.one_off_order_value_sigma * r.gauss(0.0, 1.0)) / 1000)) * 1000
        out.append(Order(index, len(out), t, amount, _pick(planted.one_off_payment_mix, r.random())))
        t += r.expovariate(rate) * MONTH
    return tuple(out)


def order_of_key(world: "World", key: int) -> Order | None:
    index, n = divmod(key, 1024)
    if n < ORDER_KEY_BASE or index >= world.customer_count():
        return None
    found = orders(world, world.customer(index))
    return found[n - ORDER_KEY_BASE] if n - ORDER_KEY_BASE < len(found) else None


def one_off_invoice_created(o: Order) -> float:
    return o.placed_at - INVOICE_TO_PAYMENT_SECONDS


def order_intent_created(o: Order) -> float | None:
    """A one-off invoice's intent is created when it is finalized; Checkout's or the app's a minute
    before it succeeds; a legacy charge has none."""
    if o.payment == "charge":
        return None
    return one_off_invoice_created(o) + 1 if o.payment == "invoice" else o.placed_at - 60


def one_off_invoice(c: Customer, o: Order) -> dict:
    """A one-off invoice (no subscription: ``parent`` null, ``billing_reason`` manual), paid at once."""
    _, email, prefix, *_ = _billing_constants(c)
    iid = make_id("in", o.key)
    created = one_off_invoice_created(o)
    line = {
        "id": f"il_{iid[3:]}0", "object": "line_item", "amount": o.amount, "currency": "idr",
        "description": f"{BRAND['name']} order", "discount_amounts": [], "discountable": True, "discounts": [],
        "invoice": iid, "livemode": False, "metadata": {},
        "parent": {"type": "invoice_item_details", "subscription_item_details": None,
                   "invoice_item_details": {"invoice_item": make_id("ii", o.key), "proration": False,
                                            "proration_details": {"credited_items": None}, "subscription": None}},
        "period": {"end": int(created), "start": int(created)},
        "pricing": {"type": "price_details", "price_details": {"price": ORDER_PRODUCT[1], "product": ORDER_PRODUCT[0]},
                    "unit_amount_decimal": str(o.amount)},
        "quantity": 1, "taxes": [],
    }
    return {
        "id": iid, "object": "invoice", "account_country": "ID", "account_name": BRAND["name"],
        "amount_due": o.amount, "amount_overpaid": 0, "amount_paid": o.amount, "amount_remaining": 0,
        "amount_shipping": 0, "attempt_count": 1, "attempted": True, "auto_advance": False,
        "billing_reason": "manual", "collection_method": "charge_automatically", "created": int(created),
        "currency": "idr", "customer": c.stripe_id, "customer_email": email, "customer_name": c.name,
        "description": None, "due_date": None, "effective_at": int(created) + 1, "ending_balance": 0,
        "lines": {"object": "list", "data": [line], "has_more": False, "total_count": 1,
                  "url": f"/v1/invoices/{iid}/lines"},
        "livemode": False, "metadata": {}, "number": f"{prefix}-{ORDER_KEY_BASE + o.n + 1:04d}", "parent": None,
        "period_end": int(created), "period_start": int(created), "starting_balance": 0, "status": "paid",
        "status_transitions": {"finalized_at": int(created) + 1, "marked_uncollectible_at": None,
                               "paid_at": int(o.placed_at), "voided_at": None},
        "subtotal": o.amount, "subtotal_excluding_tax": o.amount, "total": o.amount, "total_discount_amounts": [],
        "total_excluding_tax": o.amount, "total_taxes": [],
    }


# -- Stripe: the money behind invoices and orders -----------------------------------------
@dataclass(frozen=True)
class Payment:
    """One payment as Stripe records it: a PaymentIntent (unless a legacy charge) and its Charge."""

    key: int
    customer: Customer
    amount: int  # minor units
    intent_created: float | None  # None: a legacy charge without a payment intent
    paid_at: float | None  # None: not (yet) paid by the world's now
    description: str
    invoice_id: str | None
    checkout_session_id: str | None


def payment_of_key(world: "World", key: int, now: float) -> Payment | None:
    index, n = divmod(key, 1024)
    if index >= world.customer_count():
        return None
    c = world.customer(index)
    if n >= ORDER_KEY_BASE:
        o = order_of_key(world, key)
        if o is None or o.placed_at > now:
            return None
        return Payment(key, c, o.amount, order_intent_created(o), o.placed_at, f"{BRAND['name']} order",
                       make_id("in", key) if o.payment == "invoice" else None,
                       make_id("cs", key) if o.payment == "checkout_session" else None)
    if n not in invoice_periods(c, now):
        return None
    paid_at = invoice_paid_at(c, n)
    return Payment(key, c, invoice_amount(c, n), invoice_created(c, n) + 1, paid_at if paid_at <= now else None,
                   "Subscription creation" if n == 0 else "Subscription update", make_id("in", key), None)


def payment_time(world: "World", key: int, now: float, of: str) -> float:
    """``intent_created`` or ``paid_at`` of payment ``key`` (NaN if absent: no list position matches it)."""
    p = payment_of_key(world, key, now)
    t = None if p is None else getattr(p, of)
    return math.nan if t is None else t


def invoice_amount(c: Customer, k: int) -> int:
    s = c.subscription
    created = invoice_created(c, k)
    extra = PRICES[s.add_on].unit_amount if s.add_on and s.add_on_at is not None and s.add_on_at <= created else 0
    return PRICES[s.plan].unit_amount + extra


def payment_intent(p: Payment) -> dict:
    paid = p.paid_at is not None
    pid = make_id("pi", p.key)
    return {
        "id": pid, "object": "payment_intent", "amount": p.amount, "amount_capturable": 0,
        "amount_details": {"tip": {}}, "amount_received": p.amount if paid else 0, "application": None,
        "application_fee_amount": None, "automatic_payment_methods": None, "canceled_at": None,
        "cancellation_reason": None, "capture_method": "automatic",
        "client_secret": f"{pid}_secret_{stable_hex('pi-secret', p.key, length=24)}",
        "confirmation_method": "automatic", "created": int(p.intent_created), "currency": "idr",
        "customer": p.customer.stripe_id, "description": p.description,
        "last_payment_error": None, "latest_charge": make_id("ch", p.key) if paid else None, "livemode": False,
        "metadata": {}, "next_action": None, "on_behalf_of": None,
        "payment_method": "pm_1" + stable_hex("pm", p.customer.index, length=23),
        "payment_method_options": {"card": {"request_three_d_secure": "automatic"}}, "payment_method_types": ["card"],
        "processing": None, "receipt_email": None, "review": None, "setup_future_usage": None, "shipping": None,
        "statement_descriptor": None, "statement_descriptor_suffix": None,
        "status": "succeeded" if paid else "requires_payment_method", "transfer_data": None, "transfer_group": None,
    }


def charge(p: Payment) -> dict:
    """The successful charge of a paid payment (``payment_intent`` null for a legacy charge)."""
    return {
        "id": make_id("ch", p.key), "object": "charge", "amount": p.amount, "amount_captured": p.amount,
        "amount_refunded": 0, "application": None, "application_fee": None, "application_fee_amount": None,
        "balance_transaction": make_id("txn", p.key),
        "billing_details": {"address": {"country": p.customer.country}, "email": None, "name": p.customer.name,
                            "phone": None},
        "calculated_statement_descriptor": BRAND["name"].upper(), "captured": True, "created": int(p.paid_at),
        "currency": "idr", "customer": p.customer.stripe_id, "description": p.description, "disputed": False,
        "failure_code": None, "failure_message": None, "fraud_details": {}, "livemode": False, "metadata": {},
        "on_behalf_of": None,
        "outcome": {"network_status": "approved_by_network", "reason": None, "risk_level": "normal",
                    "seller_message": "Payment complete.", "type": "authorized"},
        "paid": True, "payment_intent": make_id("pi", p.key) if p.intent_created is not None else None,
        "payment_method": "pm_1" + stable_hex("pm", p.customer.index, length=23),
        "receipt_email": None, "receipt_url": None, "refunded": False, "review": None, "shipping": None,
        "statement_descriptor": None, "statement_descriptor_suffix": None, "status": "succeeded",
        "transfer_data": None, "transfer_group": None,
    }


def invoice_payments(p: Payment) -> dict:
    """The invoice's ``payments`` (includable with ``expand[]=data.payments``): its payment intent."""
    paid = p.paid_at is not None
    return {
        "object": "list", "has_more": False, "url": f"/v1/invoice_payments?invoice={p.invoice_id}",
        "data": [{
            "id": make_id("inpay", p.key), "object": "invoice_payment", "amount_paid": p.amount if paid else None,
            "amount_requested": p.amount, "created": int(p.intent_created), "currency": "idr",
            "invoice": p.invoice_id, "is_default": True, "livemode": False,
            "payment": {"type": "payment_intent", "payment_intent": make_id("pi", p.key)},
            "status": "paid" if paid else "open",
            "status_transitions": {"canceled_at": None, "paid_at": int(p.paid_at) if paid else None},
        }],
    }


def checkout_session_times(world: "World", c: Customer) -> list[tuple[float, int]]:
    """(created, key) of every completed Checkout Session of ``c``: sign-up and one-off orders."""
    out = []
    if c.subscription is not None:
        out.append((c.subscription.started_at - CHECKOUT_SECONDS, invoice_key(c.index, 0)))
    out += [(o.placed_at - CHECKOUT_SECONDS, o.key) for o in orders(world, c) if o.payment == "checkout_session"]
    return out


def checkout_session_created(world: "World", key: int) -> float:
    """When session ``key`` opened (NaN if there is no such session: no list position matches it)."""
    index, n = divmod(key, 1024)
    if index >= world.customer_count():
        return math.nan
    c = world.customer(index)
    if n < ORDER_KEY_BASE:
        return c.subscription.started_at - CHECKOUT_SECONDS if c.subscription is not None and n == 0 else math.nan
    o = order_of_key(world, key)
    return o.placed_at - CHECKOUT_SECONDS if o is not None and o.payment == "checkout_session" else math.nan


def checkout_session(world: "World", key: int) -> dict:
    index, n = divmod(key, 1024)
    c = world.customer(index)
    sid = make_id("cs", key)
    created = checkout_session_created(world, key)
    if n < ORDER_KEY_BASE:  # the subscription sign-up: pays the first invoice of a new subscription
        amount = invoice_amount(c, 0)
        mode, intent, invoice, subscription = "subscription", None, make_id("in", key), subscription_id(index)
    else:
        amount = order_of_key(world, key).amount
        mode, intent, invoice, subscription = "payment", make_id("pi", key), None, None
    return {
        "id": sid, "object": "checkout.session", "after_expiration": None, "allow_promotion_codes": None,
        "amount_subtotal": amount, "amount_total": amount, "automatic_tax": {"enabled": False, "liability": None,
                                                                              "status": None},
        "billing_address_collection": None, "cancel_url": None, "client_reference_id": c.app_user_id,
        "created": int(created), "currency": "idr", "customer": c.stripe_id, "customer_creation": None,
        "customer_details": {"address": {"country": c.country}, "email": stripe_email(c), "name": c.name,
                             "phone": None, "tax_exempt": "none", "tax_ids": []},
        "customer_email": None, "expires_at": int(created) + DAY_SECONDS, "invoice": invoice,
        "invoice_creation": None, "livemode": False, "locale": None, "metadata": {}, "mode": mode,
        "payment_intent": intent, "payment_link": None, "payment_method_collection": "if_required",
        "payment_method_types": ["card"], "payment_status": "paid", "status": "complete",
        "submit_type": "pay" if mode == "payment" else None, "subscription": subscription,
        "success_url": "https://www.kopiku.id/terima-kasih", "total_details": {"amount_discount": 0,
                                                                                "amount_shipping": 0,
                                                                                "amount_tax": 0},
        "ui_mode": "hosted", "url": None,
    }


# -- Stripe: subscription events ---------------------------------------------------------
# Event kinds per subscription, each at most once: key = customer index * 8 + kind.
EV_CREATED, EV_ADD_ON, EV_SAVE_REQUEST, EV_SAVED, EV_CANCEL_REQUEST, EV_DELETED = range(6)


def event_times(c: Customer) -> list[tuple[int, float]]:
    s = c.subscription
    if s is None:
        return []
    out = [(EV_CREATED, s.started_at)]
    if s.add_on and s.add_on_at is not None:
        out.append((EV_ADD_ON, s.add_on_at))
    if s.save_requested_at is not None:
        out += [(EV_SAVE_REQUEST, s.save_requested_at), (EV_SAVED, s.saved_at)]
    if s.cancel_requested_at is not None:
        out.append((EV_CANCEL_REQUEST, s.cancel_requested_at))
    out.append((EV_DELETED, s.ends_at))
    return out


def event(c: Customer, kind: int) -> dict:
    t = dict(event_times(c))[kind]
    obj = subscription_at(c, t)
    data: dict = {"object": obj}
    if kind == EV_ADD_ON:
        before = subscription_at(c, t - 1)
        data["previous_attributes"] = {"items": before["items"]}
    elif kind in (EV_SAVE_REQUEST, EV_CANCEL_REQUEST):
        data["previous_attributes"] = {"cancel_at": None, "cancel_at_period_end": False, "canceled_at": None,
                                       "cancellation_details": {"feedback": None, "reason": None}}
    elif kind == EV_SAVED:
        before = subscription_at(c, t - 1)
        data["previous_attributes"] = {"cancel_at": before["cancel_at"], "cancel_at_period_end": True,
                                       "canceled_at": before["canceled_at"],
                                       "cancellation_details": {"feedback": before["cancellation_details"]["feedback"],
                                                                "reason": "cancellation_requested"}}
    etype = {EV_CREATED: "customer.subscription.created", EV_DELETED: "customer.subscription.deleted"}.get(
        kind, "customer.subscription.updated")
    by_customer = kind in (EV_ADD_ON, EV_SAVE_REQUEST, EV_SAVED, EV_CANCEL_REQUEST, EV_CREATED)
    key = c.index * 8 + kind
    return {
        "id": make_id("evt", key), "object": "event", "api_version": STRIPE_API_VERSION, "created": int(t),
        "data": data, "livemode": False, "pending_webhooks": 0,
        "request": {"id": "req_" + stable_hex("req", key, length=14) if by_customer else None,
                    "idempotency_key": None},
        "type": etype,
    }


# -- HubSpot: contacts ------------------------------------------------------------------
def _contact_edit_at(c: Customer) -> float | None:
    """20% of contacts get a late edit by a sales rep (handles typed in) within 30 days."""
    u = uniforms("contact-edit", c.index)
    return c.signup_at + (1 + 29 * u[1]) * DAY if u[0] < 0.2 else None


def contact_lastmodified(c: Customer, now: float) -> float:
    times = [c.signup_at]
    if c.first_purchase_at is not None and c.first_purchase_at <= now:
        times.append(c.first_purchase_at)
    edit = _contact_edit_at(c)
    if edit is not None and edit <= now:
        times.append(edit)
    return max(times)


def duplicate_created(c: Customer) -> float:
    return c.signup_at + (2 + 23 * uniforms("dup-contact", c.index)[0]) * DAY


def contact_properties(c: Customer, now: float, duplicate: bool = False) -> dict:
    if duplicate:
        u = uniforms("dup-contact", c.index)
        created = duplicate_created(c)
        local, _, domain = c.email.partition("@")
        email = None if u[1] < 0.4 else (local.title() + "@" + domain if u[1] < 0.7 else
                                         f"{c.first_name}.{c.last_name}@kantor.co.id".lower())
        x = c.crm_x_handle.upper() if c.crm_x_handle and u[2] < 0.5 else c.crm_x_handle
        return {
            "createdate": iso(created), "email": email, "firstname": c.first_name, "lastname": c.last_name,
            "hs_object_id": str(int(c.hubspot_id) + 1), "lastmodifieddate": iso(created), "lifecyclestage": "lead",
            "country": COUNTRY_NAMES.get(c.country, c.country), "twitterhandle": x, "instagram_handle": None,
            "app_user_id": None,
        }
    edit = _contact_edit_at(c)
    handles_known = edit is None or edit <= now
    customer = c.first_purchase_at is not None and c.first_purchase_at <= now
    return {
        "createdate": iso(c.signup_at), "email": c.email, "firstname": c.first_name, "lastname": c.last_name,
        "hs_object_id": c.hubspot_id, "lastmodifieddate": iso(contact_lastmodified(c, now)),
        "lifecyclestage": "customer" if customer else "lead",
        "country": COUNTRY_NAMES.get(c.country, c.country),
        "twitterhandle": c.crm_x_handle if handles_known else None,
        "instagram_handle": c.crm_ig_handle if handles_known else None,
        "app_user_id": c.app_user_id,
    }


# -- HubSpot: deals -----------------------------------------------------------------
DEAL_BASE = 9_000_000_000


def deal_ids(c: Customer) -> tuple[int, ...]:
    s = c.subscription
    base = DEAL_BASE + c.index * 2
    return (base, base + 1) if s and s.add_on and s.add_on_at is not None else (base,)


def deal_times(c: Customer, deal_id: int) -> tuple[float, float, str]:
    """(createdate, closedate, stage when closed) of a deal."""
    s = c.subscription
    u = uniforms("deal", deal_id)
    if deal_id % 2 == 0:
        created = c.signup_at + u[0] * 7200
        if c.first_purchase_at is not None:
            return created, c.first_purchase_at, "closedwon"
        return created, c.signup_at + (5 + 9 * u[1]) * DAY, "closedlost"
    return s.add_on_at - (1 + 6 * u[0]) * DAY, s.add_on_at, "closedwon"


def deal_lastmodified(c: Customer, deal_id: int, now: float) -> float | None:
    created, closed, _ = deal_times(c, deal_id)
    if created > now:
        return None
    return closed if closed <= now else created


def deal_properties(c: Customer, deal_id: int, now: float) -> dict:
    created, closed, final = deal_times(c, deal_id)
    if deal_id % 2 == 0:
        key, name = c.plan, f"{BRAND['name']} {c.plan.title()} — {c.name}"
    else:
        key, name = c.subscription.add_on, f"{PRICES[c.subscription.add_on].product_name} add-on — {c.name}"
    open_ = closed > now
    return {
        "amount": str(PRICES[key].amount_idr), "closedate": iso(closed), "createdate": iso(created),
        "deal_currency_code": "IDR", "dealname": name,
        "dealstage": ("qualifiedtobuy" if open_ else final), "hs_lastmodifieddate": iso(closed if not open_ else created),
        "hs_object_id": str(deal_id), "pipeline": "default",
        "dealtype": "newbusiness" if deal_id % 2 == 0 else "existingbusiness",
    }


def customer_of_deal(world: "World", deal_id: int) -> Customer | None:
    index = (deal_id - DEAL_BASE) // 2
    if deal_id < DEAL_BASE or index >= world.customer_count():
        return None
    c = world.customer(index)
    return c if deal_id in deal_ids(c) and deal_lastmodified(c, deal_id, world.timeline.as_of_ts) is not None else None


# -- HubSpot: survey answers (feedback submissions) --------------------------------------
SURVEY_ID_BASE = 700_000_000
SURVEY_START_DELAY = 7 * DAY


def surveys_per_day(world: "World") -> float:
    return world.profile.customers / world.profile.history_days * SURVEYS_PER_CUSTOMER_DAY


def survey_time(world: "World", j: int) -> float:
    return world.timeline.slot_time(surveys_per_day(world), j, world.profile.seed, "survey") + SURVEY_START_DELAY


def _pick(mix: dict, u: float):
    acc = 0.0
    for k, share in mix.items():
        acc += share
        if u < acc:
            return k
    return next(reversed(mix))


def nps_group(value: int) -> str:
    return "PROMOTER" if value >= 9 else ("PASSIVE" if value >= 7 else "DETRACTOR")


@dataclass(frozen=True)
class SurveyAnswer:
    index: int
    submitted_at: float
    customer: Customer
    survey_type: str
    value: int


def survey_answer(world: "World", j: int) -> SurveyAnswer:
    t = survey_time(world, j)
    r = rng(world.profile.seed, "survey", j)
    n = max(1, world.customers_signed_up_by(t))
    c = world.customer(r.randrange(n))
    planted = world.profile.planted
    kind = _pick(SURVEY_TYPE_MIX, r.random())
    if kind == "NPS":
        group = _pick(planted.nps_mix_social if c.is_social else planted.nps_mix_non_social, r.random())
        value = {"promoter": 9 + r.randrange(2), "passive": 7 + r.randrange(2),
                 "detractor": min(6, int(7 * r.random() ** 0.5))}[group]
    elif kind == "CSAT":
        value = _pick(CSAT_MIX_SOCIAL if c.is_social else CSAT_MIX_NON_SOCIAL, r.random())
    else:
        value = _pick(CES_MIX_SOCIAL if c.is_social else CES_MIX_NON_SOCIAL, r.random())
    return SurveyAnswer(j, t, c, kind, value)


def survey_properties(a: SurveyAnswer, world: "World") -> dict:
    sentiment = {"NPS": (9, 7), "CSAT": (4, 3), "CES": (5, 4)}[a.survey_type]
    label = "POSITIVE" if a.value >= sentiment[0] else ("NEUTRAL" if a.value >= sentiment[1] else "NEGATIVE")
    msg = None
    if uniforms("survey-comment", a.index)[0] < 0.4:
        mix = {"positive": 0.8, "neutral": 0.15, "negative": 0.05} if label == "POSITIVE" else (
            {"positive": 0.1, "neutral": 0.3, "negative": 0.6} if label == "NEGATIVE" else
            {"positive": 0.3, "neutral": 0.5, "negative": 0.2})
        from sandbox.world.text import message

        msg = message(world.profile.seed, "survey", a.index, sentiment_mix=mix,
                      language_mix=world.profile.planted.language_mix, brand=BRAND["ig_username"]).text
    ts = iso(a.submitted_at)
    return {
        "hs_contact_id": a.customer.hubspot_id, "hs_content": msg, "hs_createdate": ts,
        "hs_lastmodifieddate": ts, "hs_object_id": str(SURVEY_ID_BASE + a.index),
        "hs_response_group": nps_group(a.value) if a.survey_type == "NPS" else None,
        "hs_sentiment": label, "hs_submission_timestamp": ts, "hs_survey_channel": "EMAIL",
        "hs_survey_id": SURVEY_IDS[a.survey_type], "hs_survey_name": SURVEY_NAMES[a.survey_type],
        "hs_survey_type": a.survey_type, "hs_value": str(a.value),
    }


def survey_range(world: "World", since: float | None, until: float | None) -> range:
    """Indices of answers submitted in [since, until] (until clipped to the world's now)."""
    per_day = surveys_per_day(world)
    hi_ts = world.timeline.as_of_ts if until is None else min(until, world.timeline.as_of_ts)
    candidates = world.timeline.index_range(per_day, None if since is None else since - SURVEY_START_DELAY,
                                            hi_ts - SURVEY_START_DELAY)
    lo, hi = candidates.start, candidates.stop
    while lo < hi and survey_time(world, lo) < (since if since is not None else -math.inf):
        lo += 1
    while hi > lo and survey_time(world, hi - 1) > hi_ts:
        hi -= 1
    return range(lo, hi)


# -- the per-world key index ---------------------------------------------------------------
@dataclass
class SortedKeys:
    """(time, key) pairs sorted ascending by time, then key."""

    times: np.ndarray  # float64 epoch seconds
    keys: np.ndarray  # int64

    @classmethod
    def build(cls, times: list[float], keys: list[int]) -> "SortedKeys":
        t = np.asarray(times, dtype=np.float64)
        k = np.asarray(keys, dtype=np.int64)
        order = np.lexsort((k, t))
        return cls(t[order], k[order])

    def __len__(self) -> int:
        return len(self.keys)

    def first_at_or_after(self, ts: float) -> int:
        return int(np.searchsorted(self.times, ts, side="left"))

    def first_after(self, ts: float) -> int:
        return int(np.searchsorted(self.times, ts, side="right"))

    def position(self, ts: float, key: int) -> int | None:
        i = self.first_at_or_after(ts)
        while i < len(self.keys) and self.times[i] == ts:
            if self.keys[i] == key:
                return i
            i += 1
        return None


@dataclass
class CommerceIndex:
    contacts: SortedKeys  # lastmodifieddate -> hubspot contact id
    deals: SortedKeys  # hs_lastmodifieddate -> deal id
    subscriptions: SortedKeys  # created -> customer index
    invoices: SortedKeys  # created -> invoice key (subscription periods and one-off invoices)
    events: SortedKeys  # created -> event key (last 30 days only)
    payment_intents: SortedKeys  # created -> payment key
    charges: SortedKeys  # created -> payment key
    checkout_sessions: SortedKeys  # created -> payment key


_lock = threading.Lock()


def commerce_index(world: "World") -> CommerceIndex:
    with _lock:
        return _build_index(world)


@lru_cache(maxsize=2)
def _build_index(world: "World") -> CommerceIndex:
    now = world.timeline.as_of_ts
    event_floor = now - EVENT_RETENTION
    ct, ck, dt, dk, st, sk, it, ik, et, ek, pt, pk, cht, chk, cst, csk = ([] for _ in range(16))
    for i in range(world.customer_count()):
        c = world.customer(i)
        if c.signup_at > now:
            break
        ct.append(contact_lastmodified(c, now))
        ck.append(int(c.hubspot_id))
        if c.duplicate_contact and duplicate_created(c) <= now:
            ct.append(duplicate_created(c))
            ck.append(int(c.hubspot_id) + 1)
        for d in deal_ids(c):
            lm = deal_lastmodified(c, d, now)
            if lm is not None:
                dt.append(lm)
                dk.append(d)
        for o in orders_by(world, c, now):
            if o.payment == "invoice":
                it.append(one_off_invoice_created(o))
                ik.append(o.key)
            if o.payment != "charge":
                pt.append(order_intent_created(o))
                pk.append(o.key)
            cht.append(o.placed_at)
            chk.append(o.key)
            if o.payment == "checkout_session":
                cst.append(o.placed_at - CHECKOUT_SECONDS)
                csk.append(o.key)
        s = c.subscription
        if s is None or s.started_at > now:
            continue
        st.append(s.started_at)
        sk.append(i)
        cst.append(s.started_at - CHECKOUT_SECONDS)
        csk.append(invoice_key(i, 0))
        for k in invoice_periods(c, now):
            it.append(invoice_created(c, k))
            ik.append(invoice_key(i, k))
            pt.append(invoice_created(c, k) + 1)
            pk.append(invoice_key(i, k))
            if invoice_paid_at(c, k) <= now:
                cht.append(invoice_paid_at(c, k))
                chk.append(invoice_key(i, k))
        for kind, t in event_times(c):
            if event_floor <= t <= now:
                et.append(t)
                ek.append(i * 8 + kind)
    return CommerceIndex(SortedKeys.build(ct, ck), SortedKeys.build(dt, dk), SortedKeys.build(st, sk),
                         SortedKeys.build(it, ik), SortedKeys.build(et, ek), SortedKeys.build(pt, pk),
                         SortedKeys.build(cht, chk), SortedKeys.build(cst, csk))


def invoice_time(world: "World", key: int) -> float:
    index, n = divmod(key, 1024)
    if n >= ORDER_KEY_BASE:
        return one_off_invoice_created(order_of_key(world, key))
    return invoice_created(world.customer(index), n)


def invoice_of_key(world: "World", key: int, now: float, with_payments: bool = False) -> dict | None:
    """The invoice ``key`` as it stands at ``now`` (None if it does not exist by then)."""
    p = payment_of_key(world, key, now)
    if p is None or p.invoice_id is None:
        return None
    index, n = divmod(key, 1024)
    c = world.customer(index)
    inv = one_off_invoice(c, order_of_key(world, key)) if n >= ORDER_KEY_BASE else invoice(c, n, now)
    if with_payments:
        inv["payments"] = invoice_payments(p)
    return inv


# -- ground truth of this domain ----------------------------------------------------------
def commerce_truth(world: "World") -> dict:
    return {
        "stripe_api_version": STRIPE_API_VERSION,
        "currency": "idr",
        "currency_minor_units_per_major": IDR_MINOR,
        "prices_idr": {k: p.amount_idr for k, p in PRICES.items()},
        "event_retention_days": EVENT_RETENTION / DAY,
        "cancellation_reasons": {"requested": "cancellation_requested", "involuntary": "payment_failed"},
        "add_on_share": {"social": 0.30, "non_social": 0.18},
        "hubspot_custom_contact_properties": ["instagram_handle", "app_user_id"],
        "purchase_model": world.profile.purchase_model,
        "one_off_orders": _one_off_truth(world),
    }


def _one_off_truth(world: "World") -> dict:
    """What the one-off buyers did by the world's now: the figures L1/K4/V6 must rebuild."""
    now = world.timeline.as_of_ts
    placed = [o for i in range(world.customers_signed_up_by(now)) for o in orders_by(world, world.customer(i), now)]
    planted = world.profile.planted
    return {
        "orders_per_month_by_plan": planted.one_off_orders_per_month_by_plan,
        "social_order_rate_ratio": planted.one_off_social_order_rate_ratio,
        "order_value_median_idr_by_plan": planted.one_off_order_value_median_idr_by_plan,
        "order_value_sigma": planted.one_off_order_value_sigma,
        "payment_mix": planted.one_off_payment_mix,
        "orders": len(placed),
        "buyers": len({o.customer_index for o in placed}),
        "revenue_idr": sum(o.amount_idr for o in placed),
        "orders_by_payment": {kind: sum(o.payment == kind for o in placed) for kind in planted.one_off_payment_mix},
    }


def surveys_truth(world: "World") -> dict:
    def mean(mix: dict) -> float:
        return round(sum(k * v for k, v in mix.items()), 4)

    return {
        "answers_per_day": surveys_per_day(world),
        "type_mix": SURVEY_TYPE_MIX,
        "csat_mix_social": CSAT_MIX_SOCIAL,
        "csat_mix_non_social": CSAT_MIX_NON_SOCIAL,
        "csat_satisfied_share_social": round(CSAT_MIX_SOCIAL[5] + CSAT_MIX_SOCIAL[4], 4),
        "csat_satisfied_share_non_social": round(CSAT_MIX_NON_SOCIAL[5] + CSAT_MIX_NON_SOCIAL[4], 4),
        "ces_mix_social": CES_MIX_SOCIAL,
        "ces_mix_non_social": CES_MIX_NON_SOCIAL,
        "ces_mean_social": mean(CES_MIX_SOCIAL),
        "ces_mean_non_social": mean(CES_MIX_NON_SOCIAL),
        "nps_scale": [0, 10], "csat_scale": [1, 5], "ces_scale": [1, 7],
    }

