"""Identity resolution recovers the sandbox's planted social customers.

The tiny sandbox plants, per customer, whether they are social (`Customer.is_social`)
and the platform identities they use. The warehouse only sees what the APIs expose,
so two numbers are checked, each with a stated tolerance (the sandbox is
deterministic, so these are stable, not flaky):

- precision of `is_social_customer` >= 0.95: a customer the warehouse calls social is
  planted social (observed on 2026-06-30: 1.00);
- recall over *observable* social customers >= 0.75: planted-social customers whose
  identity actually appears in a social interaction (an Instagram comment under their
  username, an X mention by their user id, a Facebook comment by their user id, or a
  Zendesk social-channel ticket they requested) are found (observed: 0.83). The rest
  of the gap is by design: Facebook ids appear in no CRM field, and handles the CRM
  never recorded cannot be matched.
- overall recall >= 0.45 (observed 0.57): many planted-social customers have not
  interacted within the sandbox window at all.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from sandbox.world.model import World
from sandbox.world.profiles import get_profile
from tests.conftest import TEST_ANCHOR


@pytest.fixture(scope="module")
def warehouse(tiny_warehouse) -> Path:
    return tiny_warehouse


def classify(warehouse: Path) -> dict[str, int]:
    world = World.build(get_profile("tiny"), date.fromisoformat(TEST_ANCHOR))
    with duckdb.connect(str(warehouse), read_only=True) as con:
        found = dict(con.execute(
            "select customer_id, is_social_customer from intermediate.int_identity__social_status"
        ).fetchall())
        ig = {r[0] for r in con.execute("select username from staging.stg_instagram__comments").fetchall()}
        x = {r[0] for r in con.execute("select author_id from staging.stg_x__mentions").fetchall()}
        fb = {r[0] for r in con.execute("select author_id from staging.stg_facebook__comments").fetchall()}
        tickets = {r[0] for r in con.execute(
            "select requester_id from staging.stg_zendesk__tickets where is_social_channel"
        ).fetchall()}
    counts = dict(tp=0, fp=0, fn=0, tn=0, observable=0, observable_found=0)
    for index in range(world.customer_count()):
        customer = world.customer(index)
        is_found = found.get(customer.hubspot_id)
        assert is_found is not None, f"customer {customer.hubspot_id} missing from int_identity__social_status"
        if customer.is_social:
            counts["tp" if is_found else "fn"] += 1
            observable = (
                customer.ig_username in ig or customer.x_user_id in x or customer.fb_user_id in fb
                or str(customer.zendesk_user_id) in tickets
            )
            counts["observable"] += observable
            counts["observable_found"] += observable and is_found
        else:
            counts["fp" if is_found else "tn"] += 1
    return counts


def test_social_customers_match_planted_truth_within_tolerance(warehouse):
    """GIVEN the tiny sandbox's planted social customers
    WHEN the nightly run resolves identities and social status
    THEN precision >= 0.95, recall over observable social customers >= 0.75 and overall recall >= 0.45."""
    c = classify(warehouse)
    precision = c["tp"] / (c["tp"] + c["fp"])
    recall = c["tp"] / (c["tp"] + c["fn"])
    observable_recall = c["observable_found"] / c["observable"]
    assert precision >= 0.95, c
    assert observable_recall >= 0.75, c
    assert recall >= 0.45, c


def test_every_customer_and_identity_resolves_once(warehouse):
    """GIVEN the nightly warehouse
    WHEN identities are resolved
    THEN each customer has one social-status row and each (source, identity) at most one customer."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        (customers, statuses) = con.execute(
            "select (select count(*) from intermediate.int_identity__customers),"
            " (select count(*) from intermediate.int_identity__social_status)"
        ).fetchone()
        (fanout,) = con.execute(
            "select count(*) from (select source, source_identity from intermediate.int_identity__links"
            " group by all having count(*) > 1)"
        ).fetchone()
    assert customers == statuses > 0
    assert fanout == 0
