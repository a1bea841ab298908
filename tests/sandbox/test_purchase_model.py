"""The shape of the business (``Profile.purchase_model``) changes who subscribes, nothing else."""
from __future__ import annotations

import math
from dataclasses import replace
from datetime import date

import pytest

from sandbox.world import commerce
from sandbox.world.model import World
from sandbox.world.profiles import PROFILES, get_profile
from tests.conftest import TEST_ANCHOR


def _world(name: str) -> World:
    return World.build(get_profile(name), date.fromisoformat(TEST_ANCHOR))


def test_a_shop_is_the_subscription_world_with_orders_instead():
    """GIVEN the tiny world and its one-off variant WHEN customers are compared
    THEN they are the same people; each subscriber is a one-off buyer whose first order is
    the subscription start and who lapses at its end, and the subscription world has no orders."""
    subscribed, shop = _world("tiny"), _world("tiny_one_off")
    assert subscribed.customer_count() == shop.customer_count()
    for i in range(subscribed.customer_count()):
        a, b = subscribed.customer(i), shop.customer(i)
        assert (a.email, a.plan, a.is_social, a.signup_at) == (b.email, b.plan, b.is_social, b.signup_at)
        assert b.subscription is None and a.one_off is None and commerce.orders(subscribed, a) == ()
        if a.subscription is None:
            assert b.one_off is None
        else:
            assert (b.one_off.first_order_at, b.one_off.lapses_at) == (a.subscription.started_at, a.subscription.ends_at)
            assert commerce.orders(shop, b)[0].placed_at == a.subscription.started_at


def test_a_mix_subscribes_the_planted_share_of_payers():
    """GIVEN the mixed tiny world WHEN its paying customers are counted
    THEN the share who subscribe is the planted one within 4 standard errors."""
    w = _world("tiny_mixed")
    payers = [c for c in (w.customer(i) for i in range(w.customer_count())) if c.first_purchase_at is not None]
    share = w.profile.planted.mixed_subscription_share
    observed = sum(c.subscription is not None for c in payers) / len(payers)
    assert abs(observed - share) <= 4 * math.sqrt(share * (1 - share) / len(payers)), observed


def test_every_default_world_has_its_shop_and_mix_and_an_unknown_model_is_refused():
    """GIVEN the profiles THEN tiny and demo come as one_off and mixed too, and a typo is an error."""
    for base in ("tiny", "demo"):
        assert PROFILES[base].purchase_model == "subscription"
        for model in ("one_off", "mixed"):
            assert PROFILES[f"{base}_{model}"] == replace(PROFILES[base], name=f"{base}_{model}", purchase_model=model)
    with pytest.raises(ValueError, match="purchase_model"):
        replace(PROFILES["tiny"], purchase_model="one-off")
