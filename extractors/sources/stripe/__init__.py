"""Stripe: customers, subscriptions (with items, prices, cancellations), invoices, subscription events."""
from extractors.sources.stripe.streams import SOURCE

__all__ = ["SOURCE"]
