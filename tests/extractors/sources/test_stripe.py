"""Every Stripe stream extracted from the tiny sandbox through the real engine and loader, then staged."""
from __future__ import annotations

from datetime import timedelta

import pytest

from extractors.sources import get_source
from tests.conftest import TEST_NOW
from tests.extractors.sources.harness import assert_landed_once, dbt_build, load_all, load_one, query, sandbox_clock

SOURCE = get_source("stripe")
STREAMS = ("customers", "subscriptions", "invoices", "events", "payment_intents", "charges", "checkout_sessions")


@pytest.fixture
def first_load(sandbox_env, warehouse_path):
    """A fresh first load of every stream in each test."""
    return load_all(SOURCE, STREAMS, warehouse_path)


@pytest.mark.parametrize("stream", [pytest.param(s, id=s) for s in STREAMS])
def test_every_stream_lands_records_with_unique_keys(first_load, warehouse_path, stream):
    """GIVEN the tiny sandbox WHEN every Stripe stream is loaded once
    THEN each committed batch is non-empty and its record keys are unique in raw."""
    assert_landed_once(first_load[stream], warehouse_path, f"stripe__{stream}")


def test_customers_match_the_worlds_customer_count(first_load, sandbox):
    """GIVEN the world's truth WHEN customers load from the beginning THEN every customer arrives once."""
    assert first_load["customers"].records == sandbox.truth()["customers"]


def test_second_run_fetches_only_new_and_lookback_data(first_load, sandbox, warehouse_path):
    """GIVEN a completed first load WHEN the clock moves two days and everything loads again
    THEN each stream fetches only objects created since its cursor (minus its lookback)."""
    with sandbox_clock(sandbox, TEST_NOW + timedelta(days=2)) as later:
        second = load_all(SOURCE, STREAMS, warehouse_path, later)
    for stream in STREAMS:
        assert second[stream].status == "committed"
        assert second[stream].records < first_load[stream].records / 3, stream
    assert second["customers"].records > 0 and second["invoices"].records > 0
    first_cursor = first_load["invoices"].cursor_after["cursor"]
    [(older,)] = query(
        warehouse_path,
        f"select count(*) from raw.stripe__invoices where batch_id = {second['invoices'].batch_id} "
        f"and to_timestamp(cast(json_extract_string(record, '$.created') as bigint)) "
        f"< cast('{first_cursor}' as timestamptz) - interval 7 day - interval 1 second",
    )
    assert older == 0


def test_rate_limited_pages_are_retried(sandbox_env, sandbox, warehouse_path):
    """GIVEN every 2nd Stripe request answered 429 rate_limit WHEN customers load THEN the load commits after retries."""
    sandbox.set_faults(rate_limit_every=2, rate_limit_wait_seconds=0)
    result = load_one(SOURCE, "customers", warehouse_path)
    assert result.status == "committed" and result.records > 0 and result.retries >= 1


def test_staging_builds_with_unique_keys_and_major_units(first_load, warehouse_path):
    """GIVEN the first load WHEN the Stripe staging models build with their tests
    THEN dbt passes, keys are unique and IDR amounts are rupiah (list prices), not sen."""
    proc = dbt_build(warehouse_path, "staging.stripe")
    assert proc.returncode == 0, proc.stdout[-3000:]
    [(rows, keys)] = query(warehouse_path, "select count(*), count(distinct subscription_id) from staging.stg_stripe__subscriptions")
    assert rows == keys == first_load["subscriptions"].records
    prices = {p for (p,) in query(warehouse_path, "select distinct unit_amount from staging.stg_stripe__subscription_items")}
    assert prices <= {99000, 249000, 799000, 49000, 149000}


def test_every_paid_invoice_names_its_payment_intent(first_load, warehouse_path):
    """GIVEN invoices read with expand[]=data.payments and the payment intents
    WHEN the Stripe staging models build
    THEN every paid invoice has one paid invoice payment naming a listed, succeeded intent of its amount."""
    proc = dbt_build(warehouse_path, "staging.stripe")
    assert proc.returncode == 0, proc.stdout[-3000:]
    [(paid, linked)] = query(warehouse_path, """
        select count(*), count(intents.payment_intent_id)
        from staging.stg_stripe__invoices as invoices
        left join staging.stg_stripe__invoice_payments as payments
            on payments.invoice_id = invoices.invoice_id and payments.status = 'paid'
        left join staging.stg_stripe__payment_intents as intents
            on intents.payment_intent_id = payments.payment_intent_id
            and intents.is_succeeded and intents.amount_received = invoices.amount_paid
        where invoices.status = 'paid'
    """)
    assert paid > 0 and linked == paid
