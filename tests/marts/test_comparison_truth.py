"""The social vs non-social comparison (METRICS.md X) recovers the sandbox's planted effects.

The demo world (``sandbox/world/customers.py``, ``commerce.py``, ``service.py``) plants:

- who is social, by plan: 22 % of Basic, 38 % of Pro, 45 % of Business customers
  (``Planted.social_share_by_plan``) - a selection the control group must correct;
- a paying customer's monthly churn hazard: 8 % / 5 % / 3 % by plan, times 0.6 for
  social customers (``Planted.social_churn_hazard_ratio``);
- NPS answer mixes by group: social 55 % promoters / 15 % detractors (NPS 40), others
  40 % / 25 % (NPS 15);
- three problems raised on social channels that led to a process change, after which
  incidents of their category drop to 0.4 of their rate (X7).

The warehouse can only call a customer social once they interacted with the brand on a
social platform and the interaction was matched to the CRM; a planted-social customer who
never did is "non-social" to the warehouse. That dilutes the non-social and control
groups with low-hazard, high-NPS customers, so the hand-reasoned expectations below
adjust the planted figures by s, the share of planted-social customers in a group, read
from the world (per-entity truth): a group with share s has churn hazard
h x (1 - 0.4 s) and NPS 15 + 25 s.

Tolerances: the churn ratio comes from about 7,700 social and 6,900 control
customer-months at risk with 260 and 360 churns - the log ratio's standard error is
sqrt(1/260 + 1/360) = 0.08, so the ratio is within about 0.1 of its expectation at two
standard errors; NPS from about 300 social answers (sd of a +100/0/-100 score about 80,
se 4.6) and 2,600 non-social ones (se 1.6): 8 points.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from tests.marts.conftest import query, truth, world

RATIO_TOLERANCE = 0.1
NPS_TOLERANCE = 8.0


@pytest.fixture(scope="module")
def warehouse(demo_warehouse) -> Path:
    return demo_warehouse


@pytest.fixture(scope="module")
def planted() -> dict:
    return truth("demo")


@pytest.fixture(scope="module")
def is_planted_social() -> dict[str, bool]:
    """customer_id (the HubSpot id of the primary contact, 1000 + 3 x index) -> planted is_social."""
    w = world("demo")
    return {w.customer(i).hubspot_id: w.customer(i).is_social for i in range(w.customer_count())}


@pytest.fixture(scope="module")
def groups(warehouse) -> list[tuple]:
    return query(warehouse, """
        select customer_id, comparison_group, is_control, first_plan
        from intermediate.int_comparison__customer_groups
    """)


def comparison(warehouse: Path, measure: str) -> dict:
    columns = ["social_size", "social_value", "non_social_size", "non_social_value", "control_size",
               "control_value", "diff_vs_control", "diff_vs_control_ci_lower", "diff_vs_control_ci_upper",
               "ratio_vs_control", "ratio_vs_control_ci_lower", "ratio_vs_control_ci_upper", "ratio_vs_non_social"]
    rows = query(warehouse, f"select {', '.join(columns)} from marts.social_comparison where measure = ?", [measure])
    assert len(rows) == 1, f"one row for {measure}"
    return dict(zip(columns, rows[0]))


def planted_social_share(groups, is_planted_social, *, control: bool | None = None, group: str | None = None) -> float:
    """Share of planted-social customers among the group's customers the world knows."""
    members = [is_planted_social[cid] for cid, g, is_control, _ in groups
               if cid in is_planted_social and (control is None or is_control == control)
               and (group is None or g == group)]
    return sum(members) / len(members)


def test_social_customers_are_planted_social(groups, is_planted_social):
    """GIVEN the demo world WHEN customers are grouped THEN every customer the warehouse
    calls social is social in the world (the matching to the CRM makes no false social),
    so the social group's planted hazard ratio is exactly 0.6."""
    social = [cid for cid, g, _, _ in groups if g == "social" and cid in is_planted_social]
    assert len(social) > 1000
    assert planted_social_share(groups, is_planted_social, group="social") == 1.0


def test_social_churn_hazard_ratio_recovered(warehouse, planted, groups, is_planted_social):
    """GIVEN social customers' monthly churn hazard = 0.6 x their plan's
    WHEN marts.social_comparison compares the social group's churn rate with the control's
    (same signup cohort month, plan and country)
    THEN the ratio is within 0.1 of 0.6 / (1 - 0.4 s), s the planted-social share of the
    control (unidentified social customers), and its 95% CI excludes 1."""
    ratio_planted = planted["expected"]["social_churn_hazard_ratio"]
    s = planted_social_share(groups, is_planted_social, control=True)
    expected = ratio_planted / (1 - (1 - ratio_planted) * s)
    churn = comparison(warehouse, "churn_rate")
    assert churn["social_size"] > 3000 and churn["control_size"] > 3000
    assert abs(churn["ratio_vs_control"] - expected) <= RATIO_TOLERANCE, (churn, expected)
    assert abs(churn["ratio_vs_control"] - ratio_planted) <= RATIO_TOLERANCE + 0.05, churn
    assert churn["ratio_vs_control_ci_upper"] < 1.0, churn
    assert churn["diff_vs_control_ci_upper"] < 0.0, churn


def test_control_group_corrects_plan_selection(warehouse, planted, groups):
    """GIVEN social shares that differ by plan (22 / 38 / 45 %)
    WHEN the control group is matched within plan strata (every matching level keeps the plan)
    THEN the social group is richer in Business than the non-social group, the control's plan
    mix equals the social group's exactly, and the naive social / non-social churn ratio lies
    further below 1 than the matched one (social over-represents low-churn plans)."""
    shares = planted["planted"]["social_share_by_plan"]
    assert shares["business"] > shares["pro"] > shares["basic"]
    social = Counter(plan for _, g, _, plan in groups if g == "social")
    control = Counter(plan for _, _, is_control, plan in groups if is_control)
    non_social = Counter(plan for _, g, _, plan in groups if g == "non_social")
    assert control == social
    business_share = {name: c["business"] / sum(c.values()) for name, c in
                      (("social", social), ("non_social", non_social))}
    assert business_share["social"] > business_share["non_social"] + 0.03, business_share
    churn = comparison(warehouse, "churn_rate")
    assert churn["ratio_vs_non_social"] < churn["ratio_vs_control"], churn


def test_nps_by_group_near_planted(warehouse, planted, groups, is_planted_social):
    """GIVEN NPS answer mixes planted at NPS 40 (social) and 15 (non-social)
    WHEN marts.social_comparison computes NPS by group
    THEN the social group is within 8 points of 40, the non-social group within 8 points of
    15 + 25 s (s its planted-social share), and the social - control difference's CI is
    above 0."""
    expected = planted["expected"]
    s = planted_social_share(groups, is_planted_social, group="non_social")
    nps = comparison(warehouse, "nps")
    assert nps["social_size"] > 150 and nps["non_social_size"] > 1000
    assert abs(nps["social_value"] - expected["nps_social"]) <= NPS_TOLERANCE, nps
    non_social_expected = expected["nps_non_social"] + (expected["nps_social"] - expected["nps_non_social"]) * s
    assert abs(nps["non_social_value"] - non_social_expected) <= NPS_TOLERANCE, (nps, non_social_expected)
    assert nps["diff_vs_control_ci_lower"] > 0, nps


def test_process_changes_from_social_problems(warehouse, planted):
    """GIVEN three problems raised on social channels that changed a process (X7)
    WHEN marts.social_process_improvements lists problem tickets
    THEN exactly those are social process changes, with their category's incident counts
    before and after the change equal to the world's, and incidents avoided > 0."""
    changes = {c["problem_ticket_id"]: c for c in planted["service"]["process_changes"] if c["visible"]}
    rows = query(warehouse, """
        select problem_ticket_id, category, incidents_before, incidents_after, incidents_avoided
        from marts.social_process_improvements
        where led_to_process_change and is_social_channel
    """)
    assert {int(r[0]) for r in rows} == set(changes)
    for ticket_id, category, before, after, avoided in rows:
        truth_change = changes[int(ticket_id)]
        assert category == truth_change["category"]
        assert (before, after) == (truth_change["incidents_before"], truth_change["incidents_after"])
        assert avoided > 0
