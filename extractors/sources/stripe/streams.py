"""The Stripe API as Pantau reads it.

Auth: the secret key (a restricted read-only key is enough) as HTTP basic
username, and a pinned ``Stripe-Version`` header so the objects keep one shape
whatever the account's default version is.  Pantau reads version
``2025-06-30.basil``: billing periods live on subscription items
(``items.data[].current_period_start/end``), an invoice names its subscription
under ``parent.subscription_details.subscription`` and a line its price under
``pricing.price_details.price``.
Rate limits: ``429`` ``rate_limit`` errors and ``Stripe-Should-Retry``
(``StripeRateLimit``).

Money: integer amounts in the currency's minor unit (IDR is a two-decimal
currency in Stripe: Rp 99.000 is ``9900000``); staging divides by the
currency's minor-unit factor.

Streams (every list is newest first, paged with ``has_more`` and
``starting_after`` = id of the page's last object, ``limit`` 100):
- ``customers``: ``GET /v1/customers`` with ``created[gte]``.
- ``subscriptions``: ``GET /v1/subscriptions?status=all`` with ``created[gte]``
  — new subscriptions as they were when listed.
- ``invoices``: ``GET /v1/invoices`` with ``created[gte]`` minus a 7-day
  lookback, so an invoice paid days after it was issued comes back paid;
  ``expand[]=data.payments`` includes each invoice's payments, the only link
  (since ``basil``) from an invoice to the PaymentIntent or Charge that paid it.
  Invoices without a subscription (``parent`` null) are one-off orders.
- ``payment_intents``: ``GET /v1/payment_intents`` with ``created[gte]`` minus
  a 7-day lookback (an invoice's intent succeeds when the invoice is paid).
- ``charges``: ``GET /v1/charges`` with ``created[gte]`` minus a 1-day
  lookback (a charge is created when it is attempted: it carries its outcome);
  the only record of a legacy payment made without a PaymentIntent.
- ``checkout_sessions``: ``GET /v1/checkout/sessions`` with ``created[gte]``
  minus a 2-day lookback (a session may stay open up to 24 hours before it
  completes): ``payment``-mode sessions name their ``payment_intent``,
  ``subscription``-mode ones their ``subscription`` and ``invoice``.

Orders (the warehouse's ``int_billing__orders``) are counted once from these:
an invoice, its PaymentIntent and its Charge are the same money, and so are a
Checkout Session and its PaymentIntent.
- ``events``: ``GET /v1/events?type=customer.subscription.*`` with
  ``created[gte]``: created, updated (add-ons, cancellation requests and their
  reversal, i.e. saves: ``previous_attributes.cancel_at_period_end`` true ->
  false) and deleted subscriptions, each carrying the whole subscription as it
  stood after the change.

How the warehouse knows a subscription's current state: a subscription
changes after it is created, which ``created[gte]`` never sees again, but every
change emits an event carrying the full object.  ``stg_stripe__subscriptions``
takes, per subscription, the newest of the listed snapshot and the event
objects.  Stripe keeps events for 30 days only: run at least monthly, and
after a longer gap reset the ``subscriptions`` state once (a full relist of
``status=all``) so no change falls between the last event read and the
oldest one still retained.  Cancellation requests and saves older than 30
days before the first load are not recoverable from Stripe at all.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import requests

from extractors.engine.auth import BasicAuth
from extractors.engine.config import SourceConfig
from extractors.engine.declarations import Setting, Source, Stream
from extractors.engine.incremental import SinceParam
from extractors.engine.paginators import StripeStartingAfter
from extractors.engine.rate_limits import StripeRateLimit

API_VERSION = "2025-06-30.basil"
# A first run lists the account's whole history (no created[gte]), unless PANTAU_HISTORY_START is set.
HISTORY = None
EVENT_RETENTION = timedelta(days=30)


@dataclass(frozen=True)
class StripeSecretKey(BasicAuth):
    """Secret key as basic-auth username, empty password, plus the pinned ``Stripe-Version``."""

    version_setting: str = "api_version"

    def apply(self, session: requests.Session, config: SourceConfig) -> None:
        super().apply(session, config)
        session.headers["Stripe-Version"] = str(config.get(self.version_setting) or API_VERSION)


def _list(name: str, path: str, description: str, lookback: timedelta, start: timedelta | None = HISTORY,
          params: dict | None = None) -> Stream:
    return Stream(
        name=name,
        path=path,
        params=params or {},
        record_path=("data",),
        primary_key=("id",),
        cursor_field="created",
        paginator=StripeStartingAfter(limit=100),
        incremental=SinceParam("created[gte]", format="unix", lookback=lookback, start=start),
        description=description,
    )


SOURCE = Source(
    name="stripe",
    default_base_url="https://api.stripe.com/v1",
    description="Stripe Billing and Payments: customers, subscriptions with add-on items and cancellations, invoices, "
                "events, and the one-off payments (payment intents, charges, checkout sessions).",
    auth=StripeSecretKey(username_setting="secret_key"),
    rate_limit=StripeRateLimit(),
    settings=(
        Setting("secret_key", "Stripe secret or restricted key with read access (sk_live_… / rk_live_…).", secret=True),
        Setting("api_version", "Stripe-Version the objects are read in; the staging models expect this one.",
                required=False, default=API_VERSION),
    ),
    streams=(
        _list("customers", "/customers",
              "Billing customers (email as typed at checkout, metadata.hubspot_contact_id for some).",
              lookback=timedelta(hours=1)),
        _list("subscriptions", "/subscriptions",
              "Subscriptions of every status, with items (plan and add-ons), prices, cancel_at_period_end, "
              "canceled_at, ended_at and cancellation_details as listed; later changes arrive as events.",
              lookback=timedelta(days=1), params={"status": "all"}),
        _list("invoices", "/invoices",
              "Invoices (subscription and one-off) with amount_paid, status, status_transitions.paid_at, line items "
              "per price and payments (the PaymentIntent or Charge that paid each).",
              lookback=timedelta(days=7), params={"expand[]": "data.payments"}),
        _list("payment_intents", "/payment_intents",
              "PaymentIntents with status, amount_received and latest_charge: invoice payments, Checkout and "
              "direct payments alike.",
              lookback=timedelta(days=7)),
        _list("charges", "/charges",
              "Charges with status, paid, amount_captured, amount_refunded and payment_intent (null for a legacy "
              "charge made without a PaymentIntent).",
              lookback=timedelta(days=1)),
        _list("checkout_sessions", "/checkout/sessions",
              "Checkout Sessions with mode, status, payment_status, amount_total and the payment_intent "
              "(payment mode) or subscription and invoice (subscription mode) they produced.",
              lookback=timedelta(days=2)),
        _list("events", "/events",
              "customer.subscription.created/updated/deleted events with the subscription after the change "
              "and previous_attributes (cancel_at_period_end true -> false is a save). Retained 30 days by Stripe.",
              lookback=timedelta(minutes=10), start=EVENT_RETENTION,
              params={"type": "customer.subscription.*"}),
    ),
)
