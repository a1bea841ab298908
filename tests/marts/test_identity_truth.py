"""Identity resolution recovers the sandbox's planted people and social customers.

Every sandbox customer is one person seen by every source under that source's own
id (HubSpot contact, Stripe customer, Zendesk user, Mixpanel app user, Mailchimp
member hash, social handles and ids, and the second social accounts Zendesk social
tickets come from), so each link of `int_identity__links` can be
checked against the person who planted it. The sandbox is deterministic, so the
figures below are stable, not flaky; each tolerance is stated:

- links: precision >= 0.99 (a linked identity belongs to the customer's person;
  observed on 2026-06-30: 1.00, 2,794 links) and recall >= 0.96 over the identities
  of planted people that the warehouse observed (observed 0.973 - the gap is social
  authors and email-less Zendesk users whose handle no other source recorded);
- customers: one per planted person up to the CRM's duplicate contacts under
  another email (observed 601 customers for 600 people), none mixing two people;
- social customers: precision of `is_social_customer` >= 0.95 (observed 1.00);
  recall over *observable* social customers >= 0.75 - planted-social customers whose
  identity appears in a social interaction (an Instagram comment under their
  username, an X mention by their user id, a Facebook comment by their user id, or a
  Zendesk social-channel ticket they requested) are found (observed 0.83; Facebook
  ids appear in no CRM field, and handles the CRM never recorded cannot be matched);
  overall recall >= 0.45 (observed 0.57): many planted-social customers have not
  interacted within the sandbox window at all.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections import Counter
from datetime import date
from functools import cache
from pathlib import Path

import duckdb
import pytest

from orchestration.settings import DBT_PROJECT_DIR
from sandbox.world.model import World
from sandbox.world.profiles import get_profile
from sandbox.world.service import _social_identity
from tests.conftest import TEST_ANCHOR


@pytest.fixture(scope="module")
def warehouse(tiny_warehouse) -> Path:
    return tiny_warehouse


@cache
def tiny_world() -> World:
    return World.build(get_profile("tiny"), date.fromisoformat(TEST_ANCHOR))


@cache
def planted_people() -> dict[tuple[str, str], int]:
    """(source, source identity) -> the index of the person it belongs to."""
    world = tiny_world()
    owner: dict[tuple[str, str], int] = {}
    for index in range(world.customer_count()):
        c = world.customer(index)
        owner[("hubspot_contact", c.hubspot_id)] = index
        owner[("hubspot_contact", str(int(c.hubspot_id) + 1))] = index  # the duplicate contact, when there is one
        owner[("stripe_customer", c.stripe_id)] = index
        owner[("zendesk_user", str(c.zendesk_user_id))] = index
        owner[("mixpanel_user", c.app_user_id)] = index
        owner[("mailchimp_member", c.mailchimp_hash)] = index
        if c.ig_username:
            owner[("instagram_user", c.ig_username.lower())] = index
        if c.x_user_id:
            owner[("x_user", c.x_user_id)] = index
        if c.fb_user_id:
            owner[("facebook_user", c.fb_user_id)] = index
        # A Zendesk social ticket may come from a second account of theirs the CRM never heard of.
        for u_alt in (0.0, 1.0):
            owner[("facebook_user", _social_identity(c, "facebook", u_alt, 0.0)[0]["facebook_id"])] = index
            owner[("instagram_user", _social_identity(c, "instagram_dm", u_alt, 0.0)[0]["username"].lower())] = index
    return owner


def person_of_customer(customer_id: str) -> int | None:
    """A customer is keyed by its primary contact id, else by '<source>:<identity>'."""
    source, _, identity = customer_id.rpartition(":")
    return planted_people().get((source or "hubspot_contact", identity))


def link_figures(warehouse: Path) -> dict[str, int]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        links = con.execute(
            "select source, source_identity, customer_id from intermediate.int_identity__links"
        ).fetchall()
        observed = con.execute("select distinct source, source_identity from intermediate.int_identity__candidates").fetchall()
        customers = [r[0] for r in con.execute("select customer_id from intermediate.int_identity__customers").fetchall()]
    owner = planted_people()
    right = sum(owner.get((s, i)) == person_of_customer(c) is not None for s, i, c in links)
    planted_observed = sum((s, i) in owner for s, i in observed)
    people = Counter(person_of_customer(c) for c in customers)
    return dict(
        links=len(links), right=right, planted_observed=planted_observed,
        customers=len(customers), people=len(people), unplanted_customers=people[None],
        persons_split=sum(n > 1 for p, n in people.items() if p is not None),
        linked_to_unplanted=sum(person_of_customer(c) is None for _, _, c in links),
    )


def test_links_match_the_planted_people(warehouse):
    """GIVEN the tiny sandbox, where each person holds one identity per source
    WHEN the nightly run builds customers from every source and links identities
    THEN links are right with precision >= 0.99 and recall >= 0.96 over observed
    planted identities, and every customer is one planted person."""
    f = link_figures(warehouse)
    assert f["right"] / f["links"] >= 0.99, f
    assert f["right"] / f["planted_observed"] >= 0.96, f
    assert f["unplanted_customers"] == 0, f
    assert f["customers"] - f["people"] == f["persons_split"] <= 2, f


def without_sources(warehouse: Path, workdir: Path, kept: set[str]) -> Path:
    """A copy of the warehouse whose raw tables of every other source are emptied,
    with the identity models rebuilt from it (as a brand with only `kept` would have)."""
    copy = workdir / "pantau.duckdb"
    shutil.copy(warehouse, copy)
    with duckdb.connect(str(copy)) as con:
        tables = [r[0] for r in con.execute("select table_name from information_schema.tables where table_schema = 'raw'").fetchall()]
        for table in tables:
            if table.split("__")[0] not in kept:
                con.execute(f'delete from raw."{table}"')
    proc = subprocess.run(
        [str(Path(sys.executable).with_name("dbt")), "run", "--full-refresh",
         "--select", "+int_identity__links,staging", "path:models/intermediate/identity",
         "--profiles-dir", str(DBT_PROJECT_DIR), "--project-dir", str(DBT_PROJECT_DIR),
         "--target-path", str(workdir / "target"), "--log-path", str(workdir / "logs")],
        cwd=DBT_PROJECT_DIR, env={**os.environ, "PANTAU_WAREHOUSE": str(copy)}, capture_output=True, text=True, timeout=900,
    )
    assert proc.returncode == 0, proc.stdout[-6000:]
    return copy


@pytest.mark.parametrize("kept", [
    pytest.param({"stripe"}, id="stripe-only"),
    pytest.param({"stripe", "zendesk", "mixpanel", "mailchimp", "instagram", "facebook", "x"}, id="all-but-hubspot"),
])
def test_customers_without_the_crm(warehouse, tmp_path, kept):
    """GIVEN the tiny world's data without HubSpot (and, for stripe-only, without anything else)
    WHEN the identity models are rebuilt
    THEN every planted person is exactly one customer keyed by their Stripe customer
    (600 people, all Stripe customers), and every link is right."""
    f = link_figures(without_sources(warehouse, tmp_path, kept))
    assert f["customers"] == f["people"] == 600 and f["unplanted_customers"] == 0, f
    assert f["links"] == f["right"] >= 600, f


def classify(warehouse: Path) -> dict[str, int]:
    world = tiny_world()
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
