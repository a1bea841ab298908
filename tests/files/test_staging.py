"""The sample exports through dbt: typed, deduplicated staging; re-imports change nothing,
a changed file replaces its rows by key."""
from __future__ import annotations

import shutil
from datetime import date, datetime
from decimal import Decimal

import pytest

from extractors.files import ENTITIES, import_entity
from tests.files.conftest import EXPORT, NOW, build_staging, drop, import_all, query
from tests.files.test_import import SAMPLE_ROWS


def test_every_entity_has_a_staging_model_with_every_sample_row(sample_warehouse):
    """GIVEN every sample export imported and staging.files built
    WHEN each stg_files__<entity> is counted
    THEN it holds every sample row (the hand counts)."""
    counts = {e.name: query(sample_warehouse, f"SELECT count(*) FROM staging.stg_files__{e.name}")[0][0]
              for e in ENTITIES}
    assert counts == SAMPLE_ROWS


@pytest.mark.parametrize(
    "sql, expected",
    [
        pytest.param(
            "SELECT total_amount, currency, is_paid, ordered_at_utc, ordered_at_local, paid_at_utc, source_line"
            " FROM staging.stg_files__orders WHERE order_id = 'ORD-1002'",
            (Decimal("89000.00"), "IDR", True, datetime(2025, 11, 4, 7, 2), datetime(2025, 11, 4, 14, 2),
             datetime(2025, 11, 4, 7, 5), 3),
            id="order-with-times-in-the-default-zone"),
        pytest.param(
            "SELECT total_amount, currency, ordered_at_utc, ordered_at_local, item_count"
            " FROM staging.stg_files__orders WHERE order_id = 'ORD-1005'",
            (Decimal("42.99"), "USD", datetime(2025, 12, 1, 13, 0), datetime(2025, 12, 1, 20, 0), 3),
            id="order-with-a-negative-offset"),
        pytest.param(
            "SELECT email_normalized, full_name, x_handle_normalized, instagram_handle_normalized, created_at_utc"
            " FROM staging.stg_files__customers WHERE customer_id = 'C-005'",
            ("dewi.lestari@example.id", "Dewi Lestari, S.E.", None, "dewilestari", datetime(2025, 2, 28, 16, 59, 59)),
            id="customer-handles-normalized"),
        pytest.param(
            "SELECT channel_group, is_social_channel, social_platform, social_username, solved_at_utc"
            " FROM staging.stg_files__tickets WHERE ticket_id = 'T-502'",
            ("social", True, "x", "rinakusuma", None),
            id="social-ticket"),
        pytest.param(
            "SELECT plain_body, is_public, is_agent, comment_sequence, source_line"
            " FROM staging.stg_files__ticket_comments WHERE ticket_comment_id = 'TC-8'",
            ("I ordered M but got XL.\nPlease advise.", True, False, 1, 9),
            id="comment-spanning-two-lines"),
        pytest.param(
            "SELECT is_public, comment_sequence FROM staging.stg_files__ticket_comments"
            " WHERE ticket_comment_id IN ('TC-3', 'TC-4') ORDER BY ticket_comment_id",
            [(False, 3), (True, 4)],
            id="internal-note-and-public-by-default"),
        pytest.param(
            "SELECT message_id, message_type, is_brand, author_handle_normalized, created_at_utc"
            " FROM staging.stg_files__social_messages WHERE message_key = 'instagram:17900000000000003'",
            ("17900000000000003", "direct_message", False, "dewilestari", datetime(2025, 12, 3, 1, 0)),
            id="json-number-id-read-as-text"),
        pytest.param(
            "SELECT is_own, post_type, likes, views, impressions, metrics_counted_at_utc"
            " FROM staging.stg_files__posts WHERE post_key = 'instagram:P-IG-2'",
            (True, "reel", 3400, 98000, None, datetime(2025, 11, 19, 17, 0)),
            id="post-counts-missing-is-null"),
        pytest.param(
            "SELECT account_key, account_date, followers_count, new_follows, unfollows"
            " FROM staging.stg_files__followers WHERE account_day_id = 'instagram:tokobatik|2025-11-02'",
            ("instagram:tokobatik", date(2025, 11, 2), 15262, 70, 8),
            id="followers-day"),
        pytest.param(
            "SELECT response_id, survey_type, response_value, nps_category FROM staging.stg_files__survey_responses"
            " WHERE response_id IN ('S-2', 'S-3', 'S-5') ORDER BY response_id",
            [("S-2", "NPS", 4, "detractor"), ("S-3", "CSAT", 5, None), ("S-5", "NPS", 7, "passive")],
            id="survey-scores"),
        pytest.param(
            "SELECT email_normalized, action, bounce_type, occurred_at_local FROM staging.stg_files__email_activities"
            " WHERE action IN ('bounce', 'sent') ORDER BY email_normalized",
            [("budi.santoso@example.com", "sent", None, datetime(2025, 12, 10, 8, 0)),
             ("old.address@example.net", "bounce", "hard", datetime(2025, 12, 10, 8, 0, 5)),
             ("siti.rahma@example.co.id", "sent", None, datetime(2025, 12, 10, 8, 0))],
            id="email-actions"),
    ],
)
def test_staging_types_hand_picked_rows(sample_warehouse, sql, expected):
    """GIVEN the sample exports in staging
    WHEN a hand-picked row is read
    THEN its values are typed as the contract says: decimals, UTC and local times, booleans, counts."""
    rows = query(sample_warehouse, sql)
    assert rows == (expected if isinstance(expected, list) else [expected])


def test_reimports_change_nothing_and_a_changed_file_replaces_its_rows_by_key(sample_warehouse, tmp_path, dbt_work):
    """GIVEN the sample exports imported and staged
    WHEN the same files are imported again and staging rebuilt
    THEN every staging model is identical;
    WHEN orders.csv is then changed (ORD-1003 paid, ORD-1006 gone, ORD-1007 new) and imported
    THEN ORD-1003 has its new values, ORD-1007 is added, ORD-1006 keeps its earlier version."""
    warehouse = tmp_path / "pantau.duckdb"
    shutil.copy(sample_warehouse, warehouse)
    staged = {e.name: query(warehouse, f"SELECT * FROM staging.stg_files__{e.name} ORDER BY ALL") for e in ENTITIES}

    outcomes = import_all(drop(tmp_path / "in", *EXPORT.iterdir()), warehouse)
    assert {o.status for files in outcomes.values() for o in files} == {"skipped"}
    build_staging(warehouse, dbt_work)
    assert {e.name: query(warehouse, f"SELECT * FROM staging.stg_files__{e.name} ORDER BY ALL")
            for e in ENTITIES} == staged

    lines = (EXPORT / "orders.csv").read_text().splitlines()
    changed = [line for line in lines if not line.startswith(("ORD-1003", "ORD-1006"))] + [
        "ORD-1003,C-003,rina.k@example.id,paid,IDR,1250000.50,5,store,2025-11-05T02:30:00Z,2025-11-06T03:00:00Z",
        "ORD-1007,C-002,budi.santoso@example.com,paid,IDR,45000,1,web shop,2025-12-20T10:00:00+07:00,"
        "2025-12-20T10:02:00+07:00",
    ]
    (tmp_path / "in" / "orders.csv").write_text("\n".join(changed) + "\n")
    (outcome,) = import_all(tmp_path / "in", warehouse)["orders"]
    assert (outcome.status, outcome.records) == ("committed", 6)
    build_staging(warehouse, dbt_work)

    rows = query(warehouse, "SELECT order_id, status, customer_email, paid_at_utc, source_line, batch_id = ?"
                            " FROM staging.stg_files__orders ORDER BY order_id", [outcome.batch_id])
    assert rows == [
        ("ORD-1001", "paid", "siti.rahma@example.co.id", datetime(2025, 11, 3, 2, 16, 30), 2, True),
        ("ORD-1002", "paid", "budi.santoso@example.com", datetime(2025, 11, 4, 7, 5), 3, True),
        ("ORD-1003", "paid", "rina.k@example.id", datetime(2025, 11, 6, 3, 0), 6, True),
        ("ORD-1004", "refunded", "siti.rahma@example.co.id", datetime(2025, 11, 10, 13, 46), 4, True),
        ("ORD-1005", "paid", "anna.lee@example.com", datetime(2025, 12, 1, 13, 1), 5, True),
        ("ORD-1006", "canceled", "dewi.lestari@example.id", None, 7, False),
        ("ORD-1007", "paid", "budi.santoso@example.com", datetime(2025, 12, 20, 3, 2), 7, True),
    ]


def test_staging_builds_empty_when_no_file_was_ever_imported(tmp_path, dbt_work):
    """GIVEN a warehouse where the file source ran without PANTAU_IMPORT_DIR (no file imported)
    WHEN staging.files is built
    THEN every model and its tests build, and every model is empty."""
    warehouse = tmp_path / "pantau.duckdb"
    assert [o for e in ENTITIES for o in import_entity(e, None, warehouse, NOW)] == []
    build_staging(warehouse, dbt_work)
    assert {e.name: query(warehouse, f"SELECT count(*) FROM staging.stg_files__{e.name}")[0][0]
            for e in ENTITIES} == {e.name: 0 for e in ENTITIES}
