"""Expectations for the Stripe streams (paths into the raw API records; times are epoch seconds)."""
from datetime import datetime, timezone

from data_quality.expectations import non_negative, one_of, required, timestamp

# Stripe stamps every object's created itself; its first accounts date from 2010.
EARLIEST_PLAUSIBLE = datetime(2010, 1, 1, tzinfo=timezone.utc)

SUBSCRIPTION_STATUSES = ("incomplete", "incomplete_expired", "trialing", "active", "past_due", "canceled", "unpaid",
                         "paused")
CANCELLATION_REASONS = ("cancellation_requested", "payment_disputed", "payment_failed")
CANCELLATION_FEEDBACK = ("customer_service", "low_quality", "missing_features", "other", "switched_service",
                         "too_complex", "too_expensive", "unused")
INVOICE_STATUSES = ("draft", "open", "paid", "uncollectible", "void")
PAYMENT_INTENT_STATUSES = ("requires_payment_method", "requires_confirmation", "requires_action", "processing",
                           "requires_capture", "canceled", "succeeded")
CHARGE_STATUSES = ("succeeded", "pending", "failed")
CHECKOUT_MODES = ("payment", "setup", "subscription")
CHECKOUT_STATUSES = ("open", "complete", "expired")
CHECKOUT_PAYMENT_STATUSES = ("paid", "unpaid", "no_payment_required")
SUBSCRIPTION_EVENTS = ("customer.subscription.created", "customer.subscription.updated",
                       "customer.subscription.deleted", "customer.subscription.paused",
                       "customer.subscription.resumed", "customer.subscription.pending_update_applied",
                       "customer.subscription.pending_update_expired", "customer.subscription.trial_will_end")


def _subscription(prefix: str = "") -> list:
    return [
        required(f"{prefix}customer", f"{prefix}status", f"{prefix}created", f"{prefix}cancel_at_period_end",
                 f"{prefix}items.data"),
        # cancel_at lies in the future by nature (the end of the current period): not checked as "not future".
        timestamp(f"{prefix}created", f"{prefix}start_date", f"{prefix}canceled_at", f"{prefix}ended_at",
                  epoch_unit="s"),
        one_of(f"{prefix}status", SUBSCRIPTION_STATUSES),
        one_of(f"{prefix}cancel_at_period_end", (True, False)),
        one_of(f"{prefix}cancellation_details.reason", CANCELLATION_REASONS),
        one_of(f"{prefix}cancellation_details.feedback", CANCELLATION_FEEDBACK, blocking=False),
        one_of(f"{prefix}currency", ("idr",), blocking=False),
    ]


SUITES = {
    "customers": [
        required("created", "object"),
        timestamp("created", epoch_unit="s"),
        one_of("object", ("customer",)),
        # Customers created outside checkout may lack an email; most must have one.
        required("email", mostly=0.95, blocking=False),
    ],
    "subscriptions": _subscription(),
    "invoices": [
        required("customer", "status", "created", "currency", "amount_paid", "amount_due", "total"),
        timestamp("created", "status_transitions.paid_at", "status_transitions.finalized_at", epoch_unit="s"),
        non_negative("amount_paid", "amount_due", "amount_remaining", "subtotal"),
        one_of("status", INVOICE_STATUSES),
        one_of("billing_reason", ("automatic_pending_invoice_item_invoice", "manual", "quote_accept", "subscription",
                                  "subscription_create", "subscription_cycle", "subscription_threshold",
                                  "subscription_update", "upcoming")),
    ],
    "payment_intents": [
        required("status", "created", "currency", "amount", "amount_received"),
        timestamp("created", "canceled_at", epoch_unit="s"),
        non_negative("amount", "amount_received"),
        one_of("status", PAYMENT_INTENT_STATUSES),
    ],
    "charges": [
        required("status", "created", "currency", "amount", "paid"),
        timestamp("created", epoch_unit="s"),
        non_negative("amount", "amount_captured", "amount_refunded"),
        one_of("status", CHARGE_STATUSES),
        one_of("paid", (True, False)),
    ],
    "checkout_sessions": [
        required("mode", "status", "created"),
        # expires_at lies in the future while a session is open: not checked as "not future".
        timestamp("created", epoch_unit="s"),
        non_negative("amount_total", "amount_subtotal"),
        one_of("mode", CHECKOUT_MODES),
        one_of("status", CHECKOUT_STATUSES),
        one_of("payment_status", CHECKOUT_PAYMENT_STATUSES),
    ],
    "events": [
        required("type", "created", "data.object.id", "data.object.customer"),
        timestamp("created", epoch_unit="s"),
        one_of("type", SUBSCRIPTION_EVENTS),
        *_subscription("data.object.")[1:4],
    ],
}
