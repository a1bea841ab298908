"""Customers: one person seen by every source, with the imperfections real data has.

A customer is a pure function of the world and an index; signup time grows
with the index, so "customers who had signed up by t" is ``range(count_at(t))``.
"""
from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from sandbox.world.draws import rng, stable_hex, stable_int, uniforms
from sandbox.world.names import ADD_ONS, COUNTRIES, EMAIL_DOMAINS, FIRST_NAMES, LAST_NAMES, PLAN_PRICES_IDR, PLANS, pick
from sandbox.world.timeline import DAY

if TYPE_CHECKING:
    from sandbox.world.model import World

SOCIAL_PLATFORMS = ("instagram", "x", "facebook")
MONTH = 30.4375 * DAY


@dataclass(frozen=True)
class Subscription:
    """The customer's paid plan over time (one subscription per paying customer)."""

    started_at: float
    plan: str
    monthly_amount: int  # IDR, the plan's list price
    add_on: str | None  # bought after the first purchase: the cross-sell
    add_on_amount: int
    add_on_at: float | None
    months_survived: int  # full months paid before churn (geometric draw)
    ends_at: float  # churn time (may lie past the world's now)
    cancel_requested_at: float | None  # the final cancel_at_period_end before churn
    save_requested_at: float | None  # an earlier request to cancel ...
    saved_at: float | None  # ... reverted: the customer was saved


@dataclass(frozen=True)
class OneOffBuying:
    """A customer who orders one-off (a shop's customer): from the first order until they lapse."""

    first_order_at: float
    lapses_at: float  # no order at or after this time (may lie past the world's now)


@dataclass(frozen=True)
class Customer:
    index: int
    first_name: str
    last_name: str
    email: str  # canonical, lower-case
    country: str
    plan: str
    signup_at: float
    is_social: bool  # planted: interacts with the brand on social platforms
    social_platforms: tuple[str, ...]
    ig_username: str | None
    x_username: str | None
    x_user_id: str | None
    fb_user_id: str | None
    crm_ig_handle: str | None  # what the CRM holds: missing or differently written
    crm_x_handle: str | None
    has_web_identity: bool
    app_user_id: str
    engagement: float  # latent activity level in (0, 1]
    subscription: Subscription | None
    newsletter: bool
    duplicate_contact: bool  # the CRM holds a second contact for the same person
    one_off: OneOffBuying | None = None  # orders one-off instead of subscribing (never both)

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def hubspot_id(self) -> str:
        return str(1000 + self.index * 3)

    @property
    def stripe_id(self) -> str:
        return "cus_" + stable_hex("stripe-customer", self.index, length=14).upper()

    @property
    def zendesk_user_id(self) -> int:
        return 360_000_000_000 + self.index * 7

    @property
    def mailchimp_hash(self) -> str:
        # Mailchimp's subscriber hash: MD5 of the lower-cased email.
        return hashlib.md5(self.email.lower().encode()).hexdigest()

    @property
    def first_purchase_at(self) -> float | None:
        """The subscription start or the first one-off order."""
        if self.subscription is not None:
            return self.subscription.started_at
        return self.one_off.first_order_at if self.one_off is not None else None

    def churned_by(self, ts: float) -> bool:
        return self.subscription is not None and self.subscription.ends_at <= ts

    def paying_at(self, ts: float) -> bool:
        s = self.subscription
        return s is not None and s.started_at <= ts < s.ends_at


def customers_per_day(world: "World") -> float:
    return world.profile.customers / world.profile.history_days


def count_at(world: "World", ts: float) -> int:
    """How many customers had signed up by ``ts`` (an index bound)."""
    per_day = customers_per_day(world)
    return max(0, min(world.customer_count(), math.floor((ts - world.timeline.start_ts) / DAY * per_day)))


def _handle(first: str, last: str, r) -> str:
    style = r.randrange(4)
    base = [f"{first}{last}", f"{first}.{last}", f"{first}_{last[:3]}", f"{first}{r.randrange(10, 99)}"][style]
    return (base + str(r.randrange(1, 999))).lower()


def _as_written_in_crm(handle: str | None, r) -> str | None:
    """How a sales rep typed the handle: often missing, sometimes with @ or capitals."""
    if handle is None or r.random() < 0.25:
        return None
    variant = r.random()
    if variant < 0.2:
        return "@" + handle
    if variant < 0.35:
        return handle.capitalize()
    return handle


@lru_cache(maxsize=200_000)
def build_customer(world: "World", index: int) -> Customer:
    p = world.profile
    planted = p.planted
    r = rng(p.seed, "customer", index)
    first = FIRST_NAMES[r.randrange(len(FIRST_NAMES))]
    last = LAST_NAMES[r.randrange(len(LAST_NAMES))]
    email = f"{first}.{last}{index}@{EMAIL_DOMAINS[r.randrange(len(EMAIL_DOMAINS))]}".lower()
    country = pick(COUNTRIES, r.random())
    plan = pick(PLANS, r.random())
    signup_at = world.timeline.slot_time(customers_per_day(world), index, p.seed, "signup")
    is_social = r.random() < planted.social_share_by_plan[plan]
    platforms: tuple[str, ...] = ()
    if is_social:
        platforms = tuple(pl for pl in SOCIAL_PLATFORMS if r.random() < 0.55) or (SOCIAL_PLATFORMS[r.randrange(3)],)
    # Everyone may hold handles; only social customers use them with the brand.
    ig = _handle(first, last, r) if ("instagram" in platforms or r.random() < 0.3) else None
    xu = _handle(first, last, r) if ("x" in platforms or r.random() < 0.2) else None
    x_id = str(stable_int(p.seed, "x-user", index, digits=18)) if xu else None
    fb = str(stable_int(p.seed, "fb-user", index, digits=16)) if ("facebook" in platforms or r.random() < 0.3) else None
    engagement = 0.15 + 0.85 * r.random() ** 1.5
    if is_social:
        engagement = min(1.0, engagement * 1.3)
    subscription = _subscription(world, r, index, plan, signup_at, is_social)
    one_off = None
    if subscription is not None and not _subscribes(world, index):
        # The same draws shape the buyer: first order at the would-be start, lapse at the would-be churn.
        one_off = OneOffBuying(subscription.started_at, subscription.ends_at)
        subscription = None
    return Customer(
        index=index,
        first_name=first,
        last_name=last,
        email=email,
        country=country,
        plan=plan,
        signup_at=signup_at,
        is_social=is_social,
        social_platforms=platforms,
        ig_username=ig,
        x_username=xu,
        x_user_id=x_id,
        fb_user_id=fb,
        crm_ig_handle=_as_written_in_crm(ig, r),
        crm_x_handle=_as_written_in_crm(xu, r),
        has_web_identity=r.random() < 0.85,
        app_user_id="usr_" + stable_hex(p.seed, "app-user", index, length=12),
        engagement=engagement,
        subscription=subscription,
        newsletter=r.random() < 0.6,
        duplicate_contact=r.random() < 0.02,
        one_off=one_off,
    )


def _subscribes(world: "World", index: int) -> bool:
    """Whether a paying customer subscribes (else orders one-off), by the world's purchase model."""
    model = world.profile.purchase_model
    if model == "mixed":
        return uniforms(world.profile.seed, "subscribes", index)[0] < world.profile.planted.mixed_subscription_share
    return model == "subscription"


def _subscription(world: "World", r, index: int, plan: str, signup_at: float, is_social: bool) -> Subscription | None:
    planted = world.profile.planted
    if r.random() >= 0.75:  # a quarter never pay
        return None
    started = signup_at + r.uniform(0, 14) * DAY
    hazard = planted.monthly_churn_by_plan[plan] * (planted.social_churn_hazard_ratio if is_social else 1.0)
    # Geometric number of full months paid: P(churn in each month) = hazard.
    months = int(math.log(1.0 - r.random()) / math.log(1.0 - hazard))
    ends_at = started + (months + 1) * MONTH - r.uniform(0, 3) * DAY
    cancel_requested_at = ends_at - r.uniform(3, 25) * DAY if r.random() < planted.cancel_request_share else None
    save_requested_at = saved_at = None
    lifetime = ends_at - started
    if lifetime > 2 * MONTH and r.random() < planted.cancel_request_share * planted.save_share:
        save_requested_at = started + r.uniform(0.2, 0.7) * lifetime
        saved_at = save_requested_at + r.uniform(1, 6) * DAY
    add_on, add_on_amount, add_on_at = None, 0, None
    if r.random() < (0.30 if is_social else 0.18):
        add_on, add_on_amount = ADD_ONS[r.randrange(len(ADD_ONS))]
        add_on_at = started + r.uniform(20, 200) * DAY
        if add_on_at >= ends_at:
            add_on, add_on_amount, add_on_at = None, 0, None
    return Subscription(
        started_at=started,
        plan=plan,
        monthly_amount=PLAN_PRICES_IDR[plan],
        add_on=add_on,
        add_on_amount=add_on_amount,
        add_on_at=add_on_at,
        months_survived=months,
        ends_at=ends_at,
        cancel_requested_at=cancel_requested_at,
        save_requested_at=save_requested_at,
        saved_at=saved_at,
    )
