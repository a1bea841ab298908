"""Retention (L) and customer-score (K) marts recover the sandbox's planted levels.

The world plants: NPS answer mixes by group (expected NPS 40 for social customers,
15 for the others), CSAT and CES answer mixes by group, a monthly churn hazard per
plan multiplied by 0.6 for social customers, a share of churners who first ask to
cancel, and saves (a cancellation request reverted). The X helper tests the
social-vs-non-social EFFECT; these tests check the LEVELS.

"Social" below is the world's planted flag (``Customer.is_social``), looked up per
customer: the planted mixes and hazards are keyed on it, and the warehouse's own
social flag (identity matching over the observed history) finds only part of the
planted social customers, so blending with it would bias the expectation.

The demo world (20,000 customers) is used where the tiny one has too few answers or
churners for a stated tolerance; each tolerance is about 3 to 4 standard errors of
the quantity at the demo's sample size (worked out in each test).
"""
from __future__ import annotations

import math
from datetime import datetime, time, timedelta, timezone
from functools import cache

import numpy as np
import pytest

from sandbox.world.customers import MONTH
from sandbox.world.timeline import DAY
from tests.marts.conftest import query, truth, world


@cache
def planted_customers(profile: str) -> dict[str, object]:
    """Warehouse customer_id -> the world's Customer (customer_id is the primary
    HubSpot contact id, 1000 + 3 x the customer's index)."""
    w = world(profile)
    now = w.timeline.as_of_ts
    out = {}
    for i in range(w.customer_count()):
        c = w.customer(i)
        if c.signup_at > now:
            break
        out[c.hubspot_id] = c
    return out


def social_share_of(profile: str, customer_ids: list[str]) -> float:
    customers = planted_customers(profile)
    flags = [customers[cid].is_social for cid in customer_ids]
    return sum(flags) / len(flags)


# -- K1-K3: survey levels -------------------------------------------------------------------
def test_nps_level_is_the_planted_mix_of_the_respondents(demo_warehouse):
    """GIVEN the demo world, where social customers answer NPS with expected score 40
    and the others with 15 (truth['expected'])
    WHEN the monthly NPS of marts.customer_scores_monthly is pooled over all months
    THEN it equals the respondents' mix of the two, 40 s + 15 (1 - s) with s the share
    of NPS answers given by (planted) social customers, within 5 points.

    Tolerance: about 2,900 NPS answers; the SE of an NPS is
    100 sqrt((p + d - (p - d)^2) / n) = 100 sqrt((0.66 - 0.04) / 2900) = 1.5 points,
    so 5 points is 3.4 SE."""
    expected = truth("demo")["expected"]
    assert (expected["nps_social"], expected["nps_non_social"]) == (40.0, 15.0)
    [(promoters, detractors, responses)] = query(
        demo_warehouse,
        "select sum(nps_promoters), sum(nps_detractors), sum(nps_responses) from marts.customer_scores_monthly",
    )
    assert responses > 2000
    nps = 100 * (promoters - detractors) / responses
    respondents = [r[0] for r in query(
        demo_warehouse,
        "select customer_id from core.fct_survey_responses where survey_type = 'NPS'",
    )]
    assert len(respondents) == responses and None not in respondents
    s = social_share_of("demo", respondents)
    mix = expected["nps_social"] * s + expected["nps_non_social"] * (1 - s)
    assert abs(nps - mix) <= 5, (nps, mix, s)


def test_csat_and_ces_levels_are_the_planted_mixes(demo_warehouse):
    """GIVEN the planted CSAT (1-5) and CES (1-7) answer mixes by group (truth['surveys'])
    WHEN the HubSpot survey answers of core.fct_survey_responses are pooled (the K2/K3
    classification: satisfied = 4-5, easy = 5-7)
    THEN the satisfied share is within 0.04 of the respondents' mix of 0.80 (social) and
    0.70 (others), and the mean CES within 0.2 of the mix of the planted means.

    Tolerances: ~1,200 CSAT answers, SE sqrt(0.73 x 0.27 / 1200) = 0.013 (0.04 = 3 SE);
    ~700 CES answers with SD ~1.4, SE 0.05 (0.2 = 4 SE)."""
    surveys = truth("demo")["surveys"]
    csat = query(
        demo_warehouse,
        "select customer_id, is_satisfied from core.fct_survey_responses where survey_type = 'CSAT' and source = 'hubspot'",
    )
    ces = query(
        demo_warehouse,
        "select customer_id, score from core.fct_survey_responses where survey_type = 'CES'",
    )
    assert len(csat) > 800 and len(ces) > 400
    s_csat = social_share_of("demo", [r[0] for r in csat])
    satisfied = sum(r[1] for r in csat) / len(csat)
    expected_satisfied = (surveys["csat_satisfied_share_social"] * s_csat
                          + surveys["csat_satisfied_share_non_social"] * (1 - s_csat))
    assert abs(satisfied - expected_satisfied) <= 0.04, (satisfied, expected_satisfied)
    s_ces = social_share_of("demo", [r[0] for r in ces])
    mean_ces = sum(r[1] for r in ces) / len(ces)
    expected_ces = surveys["ces_mean_social"] * s_ces + surveys["ces_mean_non_social"] * (1 - s_ces)
    assert abs(mean_ces - expected_ces) <= 0.2, (mean_ces, expected_ces)


# -- L2: churn by plan --------------------------------------------------------------------------
@pytest.mark.parametrize("plan", ["basic", "pro", "business"])
def test_monthly_churn_by_plan_is_the_planted_hazard(demo_warehouse, plan):
    """GIVEN the planted monthly churn hazard of the plan (Planted.monthly_churn_by_plan),
    times the social hazard ratio 0.6 for social customers
    WHEN L2 (churned among customers active at month start / active at month start) is
    pooled over the complete months for customers whose first plan is this one
    THEN it is within 4 SE (and at least 0.004) of the hazard expected for exactly those
    customer-months: the mean over them of hazard x (0.6 if social else 1).

    Sample: basic ~35,000 customer-months (SE 0.0014), pro ~24,000 (0.0013), business
    ~8,000 (0.0018). A churned subscription ends at the end of a 30.44-day billing
    period, so a calendar month holds about one period end per subscriber."""
    planted = truth("demo")["planted"]
    hazard = planted["monthly_churn_by_plan"][plan]
    ratio = planted["social_churn_hazard_ratio"]
    rows = query(
        demo_warehouse,
        """
        select m.customer_id, m.churned_in_month
        from core.fct_customer_months as m
        inner join core.dim_customers as c on c.customer_id = m.customer_id
        where m.is_active_at_month_start and not m.is_partial_month and c.first_plan = ?
        """,
        [plan],
    )
    n = len(rows)
    assert n > 5000, n
    observed = sum(r[1] for r in rows) / n
    customers = planted_customers("demo")
    expected = sum(hazard * (ratio if customers[r[0]].is_social else 1.0) for r in rows) / n
    se = math.sqrt(expected * (1 - expected) / n)
    assert abs(observed - expected) <= max(4 * se, 0.004), (plan, observed, expected, se)


def test_churn_mart_pools_to_the_customer_months(demo_warehouse):
    """GIVEN the churn of the complete months in marts.churn_monthly
    THEN its pooled rate (sum churned / sum active at start) lies between the planted
    hazards of the cheapest and the most expensive plan, and every month with active
    customers has a rate."""
    rows = query(
        demo_warehouse,
        "select customers_active_at_start, churned_customers, churn_rate from marts.churn_monthly where not is_partial_month",
    )
    active = sum(r[0] for r in rows)
    pooled = sum(r[1] for r in rows) / active
    by_plan = truth("demo")["planted"]["monthly_churn_by_plan"]
    assert min(by_plan.values()) * 0.6 < pooled < max(by_plan.values()), pooled
    assert all(r[2] is not None for r in rows if r[0] > 0)


# -- L4: cancellation requests and saves ------------------------------------------------------
def test_share_of_churners_who_asked_to_cancel_is_planted(demo_warehouse):
    """GIVEN Planted.cancel_request_share = 0.5 of churners set cancel_at_period_end first
    WHEN the ended subscriptions are split by how they ended (a final request stays on
    the Stripe subscription object, so this is seen at any age, unlike saves)
    THEN the voluntary share is within 0.03 of 0.5 (~4,300 churners: SE 0.008)."""
    share = truth("demo")["planted"]["cancel_request_share"]
    [(ended, voluntary)] = query(
        demo_warehouse,
        """
        select count(*), count(*) filter (where end_kind = 'voluntary')
        from intermediate.int_billing__subscriptions where ended_at_utc is not null
        """,
    )
    assert ended > 3000
    assert abs(voluntary / ended - share) <= 0.03, (voluntary, ended)


def test_saves_are_seen_exactly_in_stripes_event_window(demo_warehouse):
    """GIVEN Stripe lists the events of the last 30 days only, and a saved subscription
    looks like any active one afterwards
    WHEN the warehouse is built from one extraction at the anchor
    THEN the saves it finds are exactly the world's saves of the last 30 days (same
    customers, same saved MRR), none is dated earlier, and churn_monthly flags only
    the months after the first event seen as having a complete save history."""
    w = world("demo")
    now = w.timeline.as_of_ts
    window_start = now - 30 * DAY
    planted = {}
    for cid, c in planted_customers("demo").items():
        s = c.subscription
        if s is not None and s.saved_at is not None and window_start <= s.saved_at <= now:
            add_on = s.add_on_amount if s.add_on_at is not None and s.add_on_at <= s.saved_at else 0
            planted[cid] = s.monthly_amount + add_on
    rows = query(
        demo_warehouse,
        """
        select customer_id, mrr_after, epoch(occurred_at_utc)
        from core.fct_subscription_events where event_type = 'save'
        """,
    )
    found = {r[0]: float(r[1]) for r in rows}
    assert len(rows) == len(found)
    assert set(found) == set(planted)
    assert found == pytest.approx(planted)
    assert min(r[2] for r in rows) >= window_start - 1
    first_event = query(
        demo_warehouse,
        "select min(occurred_at_utc) from core.fct_subscription_events where evidence_source = 'event'",
    )[0][0]
    assert first_event.timestamp() >= window_start - 1
    flags = query(
        demo_warehouse,
        "select month, is_save_history_complete, saved_customers, events_observed_from_local from marts.churn_monthly",
    )
    for month, complete, saved, observed_from in flags:
        # a month's save history is complete only when it starts after the first event seen
        assert complete == (datetime.combine(month, time()) >= observed_from), (month, complete, observed_from)
        if month < observed_from.date().replace(day=1):
            assert saved == 0, month
    assert sum(f[2] for f in flags) == len(planted)


def test_saves_in_the_window_recover_the_planted_save_share(demo_warehouse):
    """GIVEN saves are planted on a share cancel_request_share x save_share = 0.5 x 0.3
    of subscriptions living longer than two months, the save request at a uniform
    point of 20-70% of the lifetime and the save 1-6 days later
    WHEN the number of saves in the 30-day event window is compared with the number
    those rules predict for the world's subscriptions (their start and end times)
    THEN the implied save share, 0.3 x observed / expected, is within 0.1 of 0.3.

    Tolerance: ~105 saves expected, Poisson SE ~10 (10%), so 0.1 of 0.3 is 3.3 SE."""
    planted = truth("demo")["planted"]
    w = world("demo")
    now = w.timeline.as_of_ts
    window_start = now - 30 * DAY
    u = (np.arange(200) + 0.5) / 200
    d = (np.arange(50) + 0.5) / 50
    expected = 0.0
    for c in planted_customers("demo").values():
        s = c.subscription
        if s is None or s.started_at > now:
            continue
        lifetime = s.ends_at - s.started_at
        if lifetime <= 2 * MONTH:
            continue
        saved_at = s.started_at + (0.2 + 0.5 * u[:, None]) * lifetime + (1 + 5 * d[None, :]) * DAY
        expected += planted["cancel_request_share"] * planted["save_share"] * np.mean(
            (saved_at >= window_start) & (saved_at <= now)
        )
    [(observed,)] = query(
        demo_warehouse,
        "select sum(saved_customers) from marts.churn_monthly",
    )
    implied = planted["save_share"] * observed / expected
    assert abs(implied - planted["save_share"]) <= 0.1, (observed, expected, implied)


# -- L1: cohorts on the tiny world ----------------------------------------------------------------
def test_cohort_sizes_are_the_worlds_first_purchases(tiny_warehouse):
    """GIVEN the tiny world's subscriptions (one per paying customer)
    WHEN marts.retention_cohorts is built
    THEN each cohort's size is the number of subscriptions the world started in that
    local (Asia/Jakarta) month, and month 0 retains the whole cohort."""
    w = world("tiny")
    now = w.timeline.as_of_ts
    jakarta = timezone(timedelta(hours=7))
    sizes: dict = {}
    for c in planted_customers("tiny").values():
        s = c.subscription
        if s is None or s.started_at > now:
            continue
        month = datetime.fromtimestamp(s.started_at, jakarta).date().replace(day=1)
        sizes[month] = sizes.get(month, 0) + 1
    rows = query(
        tiny_warehouse,
        "select cohort_month, cohort_size, retention_rate from marts.retention_cohorts where month_number = 0",
    )
    assert {r[0]: r[1] for r in rows} == sizes
    assert all(r[2] == 1.0 for r in rows)
