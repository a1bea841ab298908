"""Exports of every entity count in the marts like API data.

GIVEN the tiny sandbox world (own Instagram account 73597387156880435, history from
2025-05-26) and an import folder holding the sample export of every entity
(``fixtures/export``: a brand ``tokobatik`` the sandbox does not have - its customers,
orders, tickets, social messages, survey answers, posts, followers and email activity)
plus the small hand-written exports below (the sandbox brand's own older history)
WHEN one nightly run imports them and builds the warehouse
THEN the marts carry, for rows only the exports know, the values computed by hand in each
test; where the API knows the same thing, the API's value stands; and exports imported on a
later night reach the incremental facts as a full refresh would.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from orchestration.settings import DBT_PROJECT_DIR
from tests.files.conftest import DBT, EXPORT, query
from tests.marts.conftest import build_warehouse

OWN_INSTAGRAM = "73597387156880435"
# A post the sandbox API serves for that account (its first), published 2025-05-27.
API_POST = "17000000000000762"

# Followers of the own Instagram account before the sandbox history starts (2025-05-26),
# and on the anchor day, which the API's snapshot also covers (1 follower: must lose).
FOLLOWERS = f"""platform,account_id,date,followers,new_follows,unfollows
instagram,{OWN_INSTAGRAM},2025-05-01,4000,30,5
instagram,{OWN_INSTAGRAM},2025-05-02,4020,25,5
instagram,{OWN_INSTAGRAM},2026-06-30,1,1,
"""
# An old post only the export has, and the API's first post with made-up counts (must lose).
POSTS = f"""platform,post_id,account_id,is_own,post_type,text,permalink,published_at,likes,comments,shares,saves,reach,impressions,views,link_clicks,counted_at
instagram,IG-EXPORT-1,{OWN_INSTAGRAM},true,image,Arsip: pembukaan toko,,2025-05-02T10:00:00+07:00,500,40,10,20,3000,,,,2025-06-01T00:00:00+07:00
instagram,{API_POST},{OWN_INSTAGRAM},true,image,Known to the API,,2025-05-27T23:26:25+07:00,999999,0,0,0,1,,,,2025-06-01T00:00:00+07:00
"""
# A campaign from before Mailchimp was connected: a clicks, b opens (next day), c only
# receives it, d bounces hard (the export lists d's bounce only, no 'sent' row).
EMAIL_ACTIVITIES = "\n".join(
    '{"campaign_id": "EXP-1", "campaign_name": "Arsip promo", ' + row + "}"
    for row in (
        '"email_address": "a@example.com", "action": "sent", "occurred_at": "2025-04-10T09:00:00+07:00"',
        '"email_address": "a@example.com", "action": "open", "occurred_at": "2025-04-10T09:30:00+07:00"',
        '"email_address": "a@example.com", "action": "click", "url": "https://kopiku.example/promo", "occurred_at": "2025-04-10T09:31:00+07:00"',
        '"email_address": "b@example.com", "action": "sent", "occurred_at": "2025-04-10T09:00:00+07:00"',
        '"email_address": "b@example.com", "action": "open", "occurred_at": "2025-04-11T20:00:00+07:00"',
        '"email_address": "c@example.com", "action": "sent", "occurred_at": "2025-04-10T09:00:00+07:00"',
        '"email_address": "d@example.com", "action": "bounce", "bounce_type": "hard", "occurred_at": "2025-04-10T09:00:05+07:00"',
    )
) + "\n"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    imports = tmp_path_factory.mktemp("imports")
    for sample in EXPORT.iterdir():
        shutil.copy(sample, imports / sample.name)
    (imports / "followers_kopiku.csv").write_text(FOLLOWERS)
    (imports / "posts_kopiku.csv").write_text(POSTS)
    (imports / "email_activities_kopiku.jsonl").write_text(EMAIL_ACTIVITIES)
    return build_warehouse(tmp_path_factory.mktemp("exports_in_marts"), "tiny", {"PANTAU_IMPORT_DIR": str(imports)})


def engagement_day(warehouse: Path, account_key: str, day: str) -> dict:
    columns = ("followers", "followers_source", "followers_at_day_start", "follower_growth", "follower_growth_rate",
               "new_follows", "unfollows", "unfollow_rate", "posts", "likes", "interactions",
               "engagement_rate_by_followers", "reach_or_impressions", "engagement_rate_by_reach")
    rows = query(warehouse, f"select {', '.join(columns)} from marts.engagement_daily"
                            " where account_key = ? and account_date = ?", [account_key, day])
    assert len(rows) == 1, (account_key, day, rows)
    return dict(zip(columns, rows[0]))


def test_a_followers_history_gives_days_before_the_sandbox_history(warehouse):
    """2 May 2025: 4,020 followers, 4,000 the day before -> growth 20 (E2 20 / 4,000 =
    0.005); 25 follows, 5 unfollows (E4 5 / 4,000 = 0.00125). The exported post of that
    day: 500 likes, E7 500 + 40 + 20 + 10 = 570 -> E8 570 / (1 post x 4,000) = 0.1425,
    E9 570 / 3,000 reach = 0.19."""
    day = engagement_day(warehouse, f"instagram:{OWN_INSTAGRAM}", "2025-05-02")
    assert day == {
        "followers": 4020, "followers_source": "export", "followers_at_day_start": 4000, "follower_growth": 20,
        "follower_growth_rate": pytest.approx(0.005), "new_follows": 25, "unfollows": 5,
        "unfollow_rate": pytest.approx(0.00125), "posts": 1, "likes": 500, "interactions": 570,
        "engagement_rate_by_followers": pytest.approx(0.1425), "reach_or_impressions": 3000,
        "engagement_rate_by_reach": pytest.approx(0.19),
    }
    first = engagement_day(warehouse, f"instagram:{OWN_INSTAGRAM}", "2025-05-01")
    assert (first["followers"], first["followers_at_day_start"], first["new_follows"]) == (4000, None, 30)


def test_the_api_snapshot_wins_on_a_day_both_know(warehouse):
    day = engagement_day(warehouse, f"instagram:{OWN_INSTAGRAM}", "2026-06-30")
    assert day["followers_source"] == "snapshot"
    assert day["followers"] > 1000, day


def test_exported_posts_are_posts_and_the_api_wins_on_a_post_both_know(warehouse):
    rows = dict(query(warehouse, "select post_id, likes from marts.engagement_posts where post_id in (?, ?)",
                      ["IG-EXPORT-1", API_POST]))
    assert rows["IG-EXPORT-1"] == 500
    assert rows[API_POST] != 999999
    # The export's counts of that post are no snapshot either: its history is the API's.
    exported, total = query(warehouse, "select count(*) filter (where source = 'export'), count(*)"
                                       " from core.fct_social_post_daily_metrics where post_id = ?", [API_POST])[0]
    assert exported == 0 and total > 0


def test_the_sample_brand_exists_from_its_exports_alone(warehouse):
    """tokobatik's Instagram: 15,262 followers on 2 Nov 2025 after 15,200 -> growth 62, 8
    unfollows; its reel P-IG-2 has 3,400 likes, E7 3,400 + 120 + 560 + 410 = 4,490, E9
    4,490 / 40,210 reach."""
    day = engagement_day(warehouse, "instagram:tokobatik", "2025-11-02")
    assert (day["followers"], day["follower_growth"], day["unfollows"]) == (15262, 62, 8)
    likes, interactions, rate = query(
        warehouse, "select likes, interactions, engagement_rate_by_reach from marts.engagement_posts"
                   " where post_key = 'instagram:P-IG-2'")[0]
    assert (likes, interactions) == (3400, 4490)
    assert rate == pytest.approx(4490 / 40210)


@pytest.mark.parametrize(
    ("campaign", "expected"),
    [
        # a, b, c sent; d bounced -> 4 sent, 3 delivered; a and b opened, a clicked.
        pytest.param("EXP-1", (4, 1, 3, 2, 1, 2 / 3, 1 / 3, 1 / 4), id="hand-written"),
        # siti and budi sent, old.address bounced; siti opened and clicked.
        pytest.param("CMP-11", (3, 1, 2, 1, 1, 1 / 2, 1 / 2, 1 / 3), id="sample-with-sends"),
        # anna's open and unsubscribe only: sent at the campaign's first action, delivered.
        pytest.param("CMP-12", (1, 0, 1, 1, 0, 1.0, 0.0, 0.0), id="sample-actions-only"),
    ],
)
def test_an_exported_campaign_has_its_rates(warehouse, campaign, expected):
    rows = query(warehouse, "select emails_sent, bounced_recipients, delivered, unique_openers, unique_clickers,"
                            " open_rate, click_through_rate, bounce_rate from marts.email_campaigns"
                            " where campaign_id = ?", [campaign])
    assert len(rows) == 1, rows
    assert rows[0] == pytest.approx(expected)


def test_exported_paid_orders_are_the_customers_one_off_orders(warehouse):
    """Paid: ORD-1001 (C-001, 250,000 IDR, paid 2025-11-03 09:16 WIB), ORD-1002 (C-002,
    89,000 IDR, 2025-11-04 14:05 WIB), ORD-1005 (C-004, 42.99 USD, paid 08:01 at -05:00
    = 20:01 WIB on 2025-12-01). ORD-1003 pending, ORD-1004 refunded and ORD-1006
    canceled kept no money. Each buyer is a customer of their own (no other tool knows
    them), named after its earliest identity, and its first purchase is that order."""
    orders = query(warehouse, "select order_id, customer_id, amount, currency, order_date from core.fct_orders"
                              " where order_source = 'export' order by order_id")
    assert orders == [
        ("files:ORD-1001", "files_customer:C-001", Decimal("250000.00"), "IDR", date(2025, 11, 3)),
        ("files:ORD-1002", "files_customer:C-002", Decimal("89000.00"), "IDR", date(2025, 11, 4)),
        ("files:ORD-1005", "files_customer:C-004", Decimal("42.99"), "USD", date(2025, 12, 1)),
    ]
    firsts = query(warehouse, "select customer_id, purchase_kind, first_purchase_date, order_count from core.dim_customers"
                              " where customer_id in ('files_customer:C-001', 'files_customer:C-005') order by 1")
    assert firsts == [("files_customer:C-001", "one_off", date(2025, 11, 3), 1), ("files_customer:C-005", None, None, 0)]
    months = query(warehouse, "select month, orders_in_month, revenue_in_month from core.fct_customer_months"
                              " where customer_id = 'files_customer:C-001' and orders_in_month > 0")
    assert months == [(date(2025, 11, 1), 1, Decimal("250000.00"))]


def test_exported_survey_answers_are_scored(warehouse):
    """S-1 NPS 9 (C-001) promoter; S-2 NPS 4 (C-002, no email) detractor; S-3 CSAT 5
    (C-004) satisfied; S-4 CES 2 by rina.k@example.id, an email no customer has: not
    easy, nobody's; S-5 NPS 7 (C-005) passive."""
    rows = query(warehouse, "select response_id, customer_id, nps_category, is_satisfied, is_easy"
                            " from core.fct_survey_responses where source = 'files' order by response_id")
    assert rows == [
        ("files:S-1", "files_customer:C-001", "promoter", None, None),
        ("files:S-2", "files_customer:C-002", "detractor", None, None),
        ("files:S-3", "files_customer:C-004", None, True, None),
        ("files:S-4", None, None, None, False),
        ("files:S-5", "files_customer:C-005", "passive", None, None),
    ]


def test_exported_tickets_and_threads_have_response_times(warehouse):
    """T-501: Siti writes 08:00, agent A-9 answers publicly 08:20 (the 08:25 note is
    internal) -> R1 1,200 s; solved 15:30 -> 7.5 h = 27,000 s. T-503: 13:00 -> 13:10
    = 600 s, closed 13:45 -> 2,700 s. T-504 (pending) and T-502 (a social ticket from a
    handle without id or email) have no reply. Instagram comment 19:05, the brand's reply
    19:30 -> 1,500 s, by siti.rahma = C-001's Instagram handle. X mention 03:15Z answered
    03:40Z -> 1,500 s, by RinaKusuma = C-003's X handle. Budi's Facebook comment is
    unanswered, by nobody known (Facebook users are known through tickets only). Dewi's
    direct message, no conversation id, is a thread of its own by dewilestari = C-005's
    Instagram handle, unanswered."""
    rows = query(warehouse, "select conversation_id, conversation_type, customer_id, first_response_seconds,"
                            " resolution_seconds from core.fct_conversations where source = 'files' order by 1")
    assert rows == [
        ("facebook:comment:123_456", "comment_thread", None, None, None),
        ("files:ticket:T-501", "ticket", "files_customer:C-001", 1200, 27000),
        ("files:ticket:T-502", "ticket", None, None, None),
        ("files:ticket:T-503", "ticket", "files_customer:C-002", 600, 2700),
        ("files:ticket:T-504", "ticket", "files_customer:C-004", None, None),
        ("instagram:comment:17900000000000001", "comment_thread", "files_customer:C-001", 1500, None),
        ("instagram:dm:17900000000000003", "direct_message_thread", "files_customer:C-005", None, None),
        ("x:thread:1850000000000000001:44556677", "mention_thread", "files_customer:C-003", 1500, None),
    ]


def test_exported_messages_are_comments_and_mentions_of_the_account(warehouse):
    """tokobatik's Instagram on 2025-11-01: Siti's comment on P-IG-1 (the brand's reply is
    not received). Its X on 2025-11-07 (03:15Z = 10:15 WIB): Rina's mention (comments
    received are not counted on X: NULL)."""
    rows = query(warehouse, "select account_key, comments_received, mentions from marts.engagement_daily"
                            " where (account_key, account_date) in (('instagram:tokobatik', date '2025-11-01'),"
                            " ('x:tokobatik', date '2025-11-07')) order by 1")
    assert rows == [("instagram:tokobatik", 1, 0), ("x:tokobatik", None, 1)]


EXPORTED = ("posts", "followers", "email_activities")
INCREMENTAL_AND_MARTS = (
    "core.fct_social_account_days", "core.fct_social_post_daily_metrics", "core.fct_email_activity",
    "marts.engagement_daily", "marts.engagement_posts", "marts.email_campaigns",
)


def dbt_run(warehouse: Path, now: str, work: Path, *args: str) -> None:
    proc = subprocess.run(
        [DBT, "run", "--select", "staging.files+", "--exclude", "source:enrichment+", *args,
         "--profiles-dir", str(DBT_PROJECT_DIR), "--project-dir", str(DBT_PROJECT_DIR),
         "--target-path", str(work / "target"), "--log-path", str(work / "logs")],
        cwd=DBT_PROJECT_DIR, env={**os.environ, "PANTAU_WAREHOUSE": str(warehouse), "PANTAU_NOW": now},
        capture_output=True, text=True, timeout=1200,
    )
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-2000:]


def test_exports_imported_on_a_later_night_equal_a_full_refresh(warehouse, tmp_path):
    """GIVEN the warehouse as it was before the exports came (their raw rows held back,
    everything downstream of them rebuilt)
    WHEN the same exports are imported 12 hours later and the night builds incrementally
    THEN the incremental facts and the marts equal a full refresh row for row: the old days
    the exports describe (2025) were re-read, far outside the lookback window."""
    incremental, full = tmp_path / "incremental.duckdb", tmp_path / "full.duckdb"
    shutil.copy(warehouse, incremental)
    with duckdb.connect(str(incremental)) as con:
        for entity in EXPORTED:
            con.execute(f"create table main.held_{entity} as select * from raw.files__{entity}")
            con.execute(f"delete from raw.files__{entity}")
    dbt_run(incremental, "2026-06-30T00:00:00+00:00", tmp_path, "--full-refresh")
    with duckdb.connect(str(incremental)) as con:
        for entity in EXPORTED:
            con.execute(f"insert into raw.files__{entity}"
                        f" select * replace (extracted_at + interval 12 hour as extracted_at) from main.held_{entity}")
            con.execute(f"drop table main.held_{entity}")
    dbt_run(incremental, "2026-06-30T12:00:00+00:00", tmp_path)
    shutil.copy(incremental, full)
    dbt_run(full, "2026-06-30T12:00:00+00:00", tmp_path, "--full-refresh")
    with duckdb.connect(str(full)) as con:
        con.execute(f"attach '{incremental}' as incremental (read_only)")
        assert con.execute("select count(*) from core.fct_email_activity where imported_at_utc is not null").fetchone()[0] > 0
        for table in INCREMENTAL_AND_MARTS:
            missing = con.execute(f"select count(*) from (from {table} except all from incremental.{table})").fetchone()[0]
            extra = con.execute(f"select count(*) from (from incremental.{table} except all from {table})").fetchone()[0]
            assert (missing, extra) == (0, 0), f"{table}: {missing} rows only in the full refresh, {extra} only incremental"
