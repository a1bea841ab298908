"""World sizes and planted effects.

``tiny`` feeds the tests, ``demo`` the README run, ``large`` the benchmarks.
Rates are per day unless named otherwise; the planted effects are what the
marts must recover, so they are recorded as ground truth (see ``truth.py``).

The shape of the business is ``Profile.purchase_model``: ``subscription`` (every
paying customer subscribes: the default worlds), ``one_off`` (a shop: paying
customers place one-off orders and come back to order again) or ``mixed`` (a
planted share of paying customers subscribes, the others order).  Each default
world has ``_one_off`` and ``_mixed`` variants with the same seed and sizes
(``--sandbox tiny_one_off``).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace


PURCHASE_MODELS = ("subscription", "one_off", "mixed")


@dataclass(frozen=True)
class Planted:
    """The effects and distributions the generator plants, recorded as ground truth."""

    # Who is social: share by plan (selection the control group must correct for).
    social_share_by_plan: dict[str, float] = field(
        default_factory=lambda: {"basic": 0.22, "pro": 0.38, "business": 0.45}
    )
    # Monthly churn hazard of paying customers by plan; social customers' hazard
    # is multiplied by ``social_churn_hazard_ratio`` (the retention effect).
    monthly_churn_by_plan: dict[str, float] = field(
        default_factory=lambda: {"basic": 0.08, "pro": 0.05, "business": 0.03}
    )
    social_churn_hazard_ratio: float = 0.6
    # Share of churners who first ask to cancel, and share of those saved.
    cancel_request_share: float = 0.5
    save_share: float = 0.3
    # Sentiment mix of customer-written social text and its language mix.
    sentiment_mix: dict[str, float] = field(
        default_factory=lambda: {"positive": 0.45, "neutral": 0.35, "negative": 0.20}
    )
    language_mix: dict[str, float] = field(default_factory=lambda: {"id": 0.65, "en": 0.35})
    # NPS answer mix (promoter 9-10, passive 7-8, detractor 0-6) by group.
    nps_mix_social: dict[str, float] = field(
        default_factory=lambda: {"promoter": 0.55, "passive": 0.30, "detractor": 0.15}
    )
    nps_mix_non_social: dict[str, float] = field(
        default_factory=lambda: {"promoter": 0.40, "passive": 0.35, "detractor": 0.25}
    )
    # One-off orders (purchase_model one_off / mixed): a buyer orders first where a
    # subscriber would have started, then again after exponential gaps at this monthly
    # rate by plan (social buyers' rate x the ratio) until they lapse where the
    # subscription would have churned.  Order values are lognormal around the plan's
    # median (rupiah, rounded to Rp 1.000).
    one_off_orders_per_month_by_plan: dict[str, float] = field(
        default_factory=lambda: {"basic": 0.5, "pro": 0.8, "business": 1.2}
    )
    one_off_social_order_rate_ratio: float = 1.25
    one_off_order_value_median_idr_by_plan: dict[str, int] = field(
        default_factory=lambda: {"basic": 75_000, "pro": 140_000, "business": 300_000}
    )
    one_off_order_value_sigma: float = 0.45
    # How a one-off order is paid in Stripe: Checkout (session -> payment intent -> charge),
    # a one-off invoice (invoice -> payment intent -> charge), a payment intent alone, or
    # a legacy charge with no payment intent.
    one_off_payment_mix: dict[str, float] = field(
        default_factory=lambda: {"checkout_session": 0.5, "invoice": 0.3, "payment_intent": 0.15, "charge": 0.05}
    )
    # In a mixed world: share of paying customers who subscribe (the others order one-off).
    mixed_subscription_share: float = 0.5
    # Agents' first-reply times: lognormal, median minutes and sigma.
    agents: tuple[tuple[str, float, float], ...] = (
        ("Sari Wijaya", 12.0, 0.6),
        ("Budi Santoso", 25.0, 0.7),
        ("Dewi Lestari", 45.0, 0.8),
        ("Andi Pratama", 90.0, 0.9),
        ("Rina Kusuma", 20.0, 0.5),
        ("Joko Susilo", 180.0, 1.0),
    )


@dataclass(frozen=True)
class Profile:
    name: str
    seed: int
    customers: int  # customers signed up by the anchor date
    history_days: int
    own_posts_per_day: float  # per own account
    competitor_posts_per_day: float  # per competitor account
    comments_per_post: float  # mean, heavy-tailed
    mentions_per_day: float  # per own X account, from customers and the public
    web_sessions_per_day: float
    tickets_per_day: float
    email_campaigns_per_month: float
    competitors: int = 3
    page_size_cap: int = 1000
    planted: Planted = field(default_factory=Planted)
    purchase_model: str = "subscription"

    def __post_init__(self) -> None:
        if self.purchase_model not in PURCHASE_MODELS:
            raise ValueError(f"purchase_model {self.purchase_model!r}: choose one of {PURCHASE_MODELS}")

    def with_seed(self, seed: int) -> "Profile":
        return replace(self, seed=seed)


PROFILES: dict[str, Profile] = {
    "tiny": Profile(
        name="tiny",
        seed=7,
        customers=600,
        history_days=400,
        own_posts_per_day=0.4,
        competitor_posts_per_day=0.3,
        comments_per_post=4.0,
        mentions_per_day=1.0,
        web_sessions_per_day=12.0,
        tickets_per_day=2.0,
        email_campaigns_per_month=2.0,
        competitors=2,
    ),
    "demo": Profile(
        name="demo",
        seed=2024,
        customers=20_000,
        history_days=430,
        own_posts_per_day=1.5,
        competitor_posts_per_day=1.0,
        comments_per_post=12.0,
        mentions_per_day=8.0,
        web_sessions_per_day=450.0,
        tickets_per_day=25.0,
        email_campaigns_per_month=4.0,
        competitors=3,
    ),
    "large": Profile(
        name="large",
        seed=1_000_003,
        customers=1_000_000,
        history_days=730,
        own_posts_per_day=6.0,
        competitor_posts_per_day=4.0,
        comments_per_post=900.0,
        mentions_per_day=1500.0,
        web_sessions_per_day=22_000.0,  # ~72k events a day: 52M over 730 days
        tickets_per_day=700.0,
        email_campaigns_per_month=8.0,
        competitors=4,
    ),
}

# The same worlds shaped as a shop (one-off orders only) and as a mix of both.
PROFILES.update({
    f"{base}_{model}": replace(PROFILES[base], name=f"{base}_{model}", purchase_model=model)
    for base in ("tiny", "demo") for model in ("one_off", "mixed")
})


def get_profile(name: str) -> Profile:
    try:
        return PROFILES[name]
    except KeyError:
        raise ValueError(f"unknown sandbox profile {name!r}; choose one of {sorted(PROFILES)}") from None
