"""The generator's ground truth: what the marts must recover, within tolerances."""
from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING

from sandbox.world.social import support_account

if TYPE_CHECKING:
    from sandbox.world.model import World


def expected_nps(mix: dict[str, float]) -> float:
    return round(100 * (mix["promoter"] - mix["detractor"]), 2)


def ground_truth(world: "World") -> dict:
    p = world.profile
    planted = asdict(p.planted)
    planted["agents"] = [
        {"name": name, "median_first_reply_minutes": median, "sigma": sigma} for name, median, sigma in p.planted.agents
    ]
    return {
        "profile": p.name,
        "seed": p.seed,
        "anchor": world.timeline.anchor.isoformat(),
        "history_start": world.timeline.start.isoformat(),
        "as_of": world.timeline.as_of.isoformat(),
        "customers": world.customer_count(),
        "planted": planted,
        "expected": {
            "nps_social": expected_nps(p.planted.nps_mix_social),
            "nps_non_social": expected_nps(p.planted.nps_mix_non_social),
            "social_churn_hazard_ratio": p.planted.social_churn_hazard_ratio,
        },
        "service": _service_truth(world),
        "social": _social_truth(world),
        "accounts": [
            {"platform": a.platform, "key": a.key, "username": a.username, "id": a.id, "is_own": a.is_own}
            for a in world.accounts + (support_account(world),)
        ],
        **_domain_truth(world),
        **_web_email_truth(world),
    }


def _domain_truth(world: "World") -> dict:
    """Planted facts of each domain, under a key named after the domain."""
    from sandbox.world import commerce

    return {"commerce": commerce.commerce_truth(world), "surveys": commerce.surveys_truth(world)}


def _service_truth(world: "World") -> dict:
    """Zendesk domain: agents' reply-time distributions, channel and sentiment mixes, process changes."""
    from sandbox.world.service import service_truth

    return service_truth(world)


def _social_truth(world: "World") -> dict:
    """Social domain (instagram, facebook, x): engagement, follower, reply-time and mention parameters."""
    from sandbox.world.social import social_truth

    return social_truth(world)


def _web_email_truth(world: "World") -> dict:
    """Web/app events (Mixpanel) and email marketing (Mailchimp): planted rates and shapes."""
    from sandbox.world import email, web

    return {"web": web.planted(world), "email": email.planted(world)}
