"""Web and email marts recover the sandbox's planted web sessions and email behaviour.

The tiny sandbox generates every web/app session and every email recipient's opens and
clicks from seeded draws (`sandbox/world/web.py`, `sandbox/world/email.py`); its truth
(`truth('tiny')['web']`, `['email']`) plants the probabilities behind them. Each check
states its tolerance; the sandbox is deterministic, so observed values are stable:

- sessions: the warehouse's 30-minute sessions match the generator's sessions (count
  within 0.5%, observed 5750 of 5751 - two sessions of one device less than 30 minutes
  apart merge), and the sessions with a purchase / a sign-up and the purchase revenue
  match the generated purchase and sign-up sessions within 1% (observed: exact);
- V1: the share of identified customers' web sessions entering from a social platform is
  the planted share per group (0.45 social, 0.06 non-social) within 4 standard errors
  (observed 0.476 over 727 sessions, 0.065 over 1489);
- V2/V6: social conversions and their same-session revenue equal the generated purchase
  sessions whose entry (utm_source or referrer) is a social platform, within 1%;
- V5/V8: over campaigns whose opens are complete (sent 21+ days before the as-of), open
  rate and click-to-open rate match the planted open/click probabilities (base +
  slope x engagement of each delivered recipient) within 4 standard errors
  (observed -0.9 and -0.5 SE);
- V8: subscribers who opened in the last 7 / 30 days, on each of the last 60 days,
  equal a count from the generator's own open times (exact).
"""
from __future__ import annotations

import math
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from sandbox.world import email as world_email
from sandbox.world import web as world_web
from tests.marts.conftest import query, truth, world

PROFILE = "tiny"
ZONE = ZoneInfo("Asia/Jakarta")  # the reporting time zone the nightly job runs with


@pytest.fixture(scope="module")
def warehouse(tiny_warehouse) -> Path:
    return tiny_warehouse


@pytest.fixture(scope="module")
def generated_sessions() -> dict:
    """Every session the generator made visible by the as-of: counts by kind and social entry."""
    w = world(PROFILE)
    social_domains = {truth(PROFILE)["web"]["channels"][p]["referring_domain"] for p in world_web.SOCIAL_CHANNELS}
    social_sources = set(truth(PROFILE)["web"]["social_utm_sources"])
    out = defaultdict(float)
    for _, events in world_web.sessions(w, w.timeline.start_ts - 86400, w.timeline.as_of_ts):
        visible = [ev for visible_at, ev in events if visible_at <= w.timeline.as_of_ts]
        if not visible:
            continue
        entry = visible[0]["properties"]
        is_social = entry.get("utm_source") in social_sources or entry.get("$referring_domain") in social_domains
        purchases = [ev["properties"] for ev in visible if ev["event"] == "Purchase"]
        out["sessions"] += 1
        out["signup_sessions"] += any(ev["event"] == "Sign Up" for ev in visible)
        out["purchase_sessions"] += bool(purchases)
        out["revenue"] += sum(p["amount"] for p in purchases)
        if is_social:
            out["social_conversions"] += len(purchases)
            out["social_revenue"] += sum(p["amount"] for p in purchases)
    return dict(out)


def test_sessions_match_the_generated_sessions(warehouse, generated_sessions):
    """GIVEN the generator's sessions (browsing, sign-up and purchase sessions, app sessions)
    WHEN the nightly run sessionises Mixpanel events with a 30-minute gap
    THEN the session count is within 0.5%, and sessions with a purchase, with a sign-up and
    the purchase revenue are within 1% of the generated ones."""
    (sessions, purchase_sessions, signup_sessions, revenue) = query(warehouse, """
        select sum(sessions), sum(purchase_sessions), sum(signup_sessions), sum(purchase_revenue)
        from marts.traffic_channel_daily
    """)[0]
    g = generated_sessions
    assert abs(sessions - g["sessions"]) <= 0.005 * g["sessions"], (sessions, g)
    assert abs(purchase_sessions - g["purchase_sessions"]) <= 0.01 * g["purchase_sessions"], (purchase_sessions, g)
    assert abs(signup_sessions - g["signup_sessions"]) <= 0.01 * g["signup_sessions"], (signup_sessions, g)
    assert abs(float(revenue) - g["revenue"]) <= 0.01 * g["revenue"], (revenue, g)


def test_social_entry_share_by_customer_group_is_the_planted_one(warehouse):
    """GIVEN the planted probability that a session enters from a social platform, by group
    WHEN web sessions of identified customers are split by the generator's is_social flag
    THEN each group's share of V1 social referral sessions is within 4 standard errors."""
    w = world(PROFILE)
    planted = truth(PROFILE)["web"]["social_entry_share"]
    is_social = {w.customer(i).hubspot_id: w.customer(i).is_social for i in range(w.customer_count())}
    counts = {True: [0, 0], False: [0, 0]}
    for customer_id, social_referral in query(warehouse, """
        select customer_id, is_social_referral from core.fct_web_sessions
        where session_platform = 'web' and customer_id is not null
    """):
        group = is_social.get(customer_id)
        if group is not None:
            counts[group][0] += 1
            counts[group][1] += social_referral
    for group, key in ((True, "social_customer"), (False, "non_social_customer")):
        n, k = counts[group]
        p = planted[key]
        assert n >= 300, counts
        assert abs(k / n - p) <= 4 * math.sqrt(p * (1 - p) / n), (key, k / n, p, n)


def test_social_conversions_are_the_purchases_of_social_entry_sessions(warehouse, generated_sessions):
    """GIVEN the generated purchase sessions whose entry is tagged or referred by a social platform
    WHEN the mart counts V2 social conversions and V6 same-session revenue
    THEN both are within 1% of the generated ones, and last-touch revenue is at least that."""
    (conversions, same_session, last_touch) = query(warehouse, """
        select sum(social_conversions), sum(same_session_revenue), sum(last_touch_revenue)
        from marts.social_conversion_daily
    """)[0]
    g = generated_sessions
    assert g["social_conversions"] >= 30, g
    assert abs(conversions - g["social_conversions"]) <= 0.01 * g["social_conversions"], (conversions, g)
    assert abs(float(same_session) - g["social_revenue"]) <= 0.01 * g["social_revenue"], (same_session, g)
    assert last_touch >= same_session


def test_email_open_and_click_rates_match_the_planted_probabilities(warehouse):
    """GIVEN open probability base + slope x engagement, and click probability given an open likewise
    WHEN campaigns sent 21+ days before the as-of (first opens come within 20 days) are measured
    THEN the open rate (V8) and click-to-open rate (V8) over their delivered recipients are
    within 4 standard errors of the planted expectation, and CTR (V5) = clickers / delivered."""
    w = world(PROFILE)
    t = truth(PROFILE)["email"]
    engagement = {w.customer(i).mailchimp_hash: w.customer(i).engagement for i in range(w.customer_count())}
    recipients = query(warehouse, """
        select activity.member_id, max((activity.opens > 0)::int) as opened, max((activity.clicks > 0)::int) as clicked
        from core.fct_email_activity as activity
        inner join marts.email_campaigns as campaigns using (campaign_id)
        where campaigns.sent_at_utc < ?::timestamp - interval 21 day
        group by activity.campaign_id, activity.member_id
        having max(activity.deliveries) = 1
    """, [w.timeline.as_of.replace(tzinfo=None)])
    (delivered, openers, clickers, ctr) = query(warehouse, """
        select sum(delivered), sum(unique_openers), sum(unique_clickers), sum(unique_clickers) / sum(delivered)
        from marts.email_campaigns where sent_at_utc < ?::timestamp - interval 21 day
    """, [w.timeline.as_of.replace(tzinfo=None)])[0]
    assert delivered == len(recipients) >= 1000
    p_open = [t["open_probability"]["base"] + t["open_probability"]["per_engagement"] * engagement[m] for m, _, _ in recipients]
    expected_opens = sum(p_open)
    assert abs(openers - expected_opens) <= 4 * math.sqrt(sum(p * (1 - p) for p in p_open)), (openers, expected_opens)
    p_click = [
        t["click_probability_given_open"]["base"] + t["click_probability_given_open"]["per_engagement"] * engagement[m]
        for m, opened, _ in recipients if opened
    ]
    expected_clicks = sum(p_click)
    assert abs(clickers - expected_clicks) <= 4 * math.sqrt(sum(p * (1 - p) for p in p_click)), (clickers, expected_clicks)
    assert ctr == pytest.approx(clickers / delivered)


def test_recent_openers_equal_the_generated_opens(warehouse):
    """GIVEN the generator's open times of every recipient and each member's subscription status
    WHEN the mart counts subscribers (at the end of a local day) who opened in the last 7 / 30 days
    THEN on each of the last 60 days before the as-of both counts equal the generator's."""
    w = world(PROFILE)
    as_of = w.timeline.as_of_ts
    last_day = datetime.fromtimestamp(as_of, ZONE).date() - timedelta(days=1)
    days = [last_day - timedelta(days=k) for k in range(60)]
    opens_by_member = defaultdict(set)  # member index -> local dates with an open
    for c in range(world_email.campaign_count(w)):
        if world_email.send_time(w, c) > as_of:
            continue
        for b in world_email.blocks_until(w, world_email.send_time(w, c)):
            act = world_email.activity(w, c, b)
            for k in range(len(act.recipient)):
                for t_open in act.opens[k]:
                    if t_open <= as_of:
                        opens_by_member[b * world_email.CHUNK + k].add(datetime.fromtimestamp(t_open, ZONE).date())
    expected = {}
    for day in days:
        end_of_day = datetime.combine(day + timedelta(days=1), datetime.min.time(), ZONE).timestamp()
        counts = [0, 0]
        for b in world_email.blocks_until(w, end_of_day):
            status = world_email.status_at(world_email.block(w, b), end_of_day)
            for k in range(len(status)):
                if status[k] != 1:
                    continue
                opened = opens_by_member.get(b * world_email.CHUNK + k, ())
                counts[0] += any(0 <= (day - o).days < 7 for o in opened)
                counts[1] += any(0 <= (day - o).days < 30 for o in opened)
        expected[day] = tuple(counts)
    observed = {
        d: (a, b) for d, a, b in query(warehouse, """
            select activity_date, subscribers_opened_last_7_days, subscribers_opened_last_30_days
            from marts.email_engagement_daily where activity_date between ? and ?
        """, [days[-1], last_day])
    }
    assert observed == expected
    assert max(v[1] for v in expected.values()) > 0
