"""The sandbox's Zendesk Support API contract: paths, pagination, incremental parameters, errors."""
from __future__ import annotations

import base64
from datetime import timedelta

import pytest
import requests

from tests.conftest import TEST_NOW

SOCIAL = {"twitter", "facebook", "instagram_dm"}


@pytest.fixture
def zd(sandbox_env):
    """A session authenticated the way Zendesk wants an API token: ``{email}/token:{token}``."""
    s = requests.Session()
    s.auth = (sandbox_env["PANTAU_ZENDESK_EMAIL"] + "/token", sandbox_env["PANTAU_ZENDESK_API_TOKEN"])
    s.base = sandbox_env["PANTAU_ZENDESK_BASE_URL"]
    yield s
    s.close()


def _get(zd, path, **params):
    return zd.get(zd.base + path, params=params, timeout=30)


def _export_all(zd, path, key, **first):
    """Follow after_cursor until end_of_stream; return the records and the final cursor."""
    records, params, pages = [], dict(first), 0
    while True:
        body = _get(zd, path, **params).json()
        records.extend(body[key])
        pages += 1
        assert pages < 100, "the export never reached end_of_stream"
        if body["end_of_stream"]:
            return records, body["after_cursor"]
        params = {"cursor": body["after_cursor"], **({"per_page": first["per_page"]} if "per_page" in first else {})}


def test_ticket_export_pages_end_and_cover_every_ticket_once(zd, sandbox):
    """GIVEN the incremental ticket export from the beginning, 250 per page
    WHEN after_cursor is followed until end_of_stream
    THEN each ticket the world created arrives once, in updated_at order."""
    tickets, _ = _export_all(zd, "/api/v2/incremental/tickets/cursor.json", "tickets", start_time=0, per_page=250)
    ids = [t["id"] for t in tickets]
    assert len(ids) == len(set(ids)) == sandbox.truth()["service"]["tickets"]
    stamps = [t["updated_at"] for t in tickets]
    assert stamps == sorted(stamps)


def test_ticket_export_start_time_filters_by_updated_at(zd):
    """GIVEN start_time = 3 days before the clock WHEN the export is read
    THEN only tickets updated at or after it are returned, and fewer than all."""
    start = TEST_NOW - timedelta(days=3)
    tickets, _ = _export_all(zd, "/api/v2/incremental/tickets/cursor.json", "tickets",
                             start_time=int(start.timestamp()))
    assert tickets
    assert min(t["updated_at"] for t in tickets) >= start.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert len(tickets) < 60


def test_resuming_from_the_last_cursor_returns_nothing_new(zd):
    """GIVEN a finished export WHEN it is resumed with its final after_cursor at the same clock
    THEN no tickets come back and end_of_stream is true."""
    _, cursor = _export_all(zd, "/api/v2/incremental/tickets/cursor.json", "tickets",
                            start_time=int((TEST_NOW - timedelta(days=10)).timestamp()))
    body = _get(zd, "/api/v2/incremental/tickets/cursor.json", cursor=cursor).json()
    assert body["tickets"] == [] and body["end_of_stream"] is True and body["after_cursor"]


def test_per_page_is_capped_at_1000(zd):
    """GIVEN per_page=5000 WHEN the export is asked THEN at most 1000 tickets come back."""
    body = _get(zd, "/api/v2/incremental/tickets/cursor.json", start_time=0, per_page=5000).json()
    assert 0 < len(body["tickets"]) <= 1000


def test_metric_sets_sideload_matches_the_tickets(zd):
    """GIVEN include=metric_sets WHEN a page is exported THEN there is one metric set per ticket,
    with calendar and business reply minutes and a whole-second calendar reply time."""
    body = _get(zd, "/api/v2/incremental/tickets/cursor.json", include="metric_sets",
                start_time=int((TEST_NOW - timedelta(days=20)).timestamp())).json()
    assert sorted(m["ticket_id"] for m in body["metric_sets"]) == sorted(t["id"] for t in body["tickets"])
    replied = [m for m in body["metric_sets"] if m["reply_time_in_minutes"]["calendar"] is not None]
    assert replied
    for m in replied:
        assert set(m["reply_time_in_minutes"]) == {"calendar", "business"}
        assert abs(m["reply_time_in_seconds"]["calendar"] / 60 - m["reply_time_in_minutes"]["calendar"]) <= 0.5
        assert m["reply_time_in_minutes"]["business"] <= m["reply_time_in_minutes"]["calendar"]


def test_social_tickets_carry_the_social_identity_in_via_source_from(zd):
    """GIVEN the whole ticket export WHEN social-channel tickets are inspected
    THEN twitter/instagram_dm name the sender's username and facebook the sender's facebook_id."""
    tickets, _ = _export_all(zd, "/api/v2/incremental/tickets/cursor.json", "tickets", start_time=0)
    social = [t for t in tickets if t["via"]["channel"] in SOCIAL]
    assert social and len(social) < len(tickets)
    for t in social:
        sender = t["via"]["source"]["from"]
        key = "facebook_id" if t["via"]["channel"] == "facebook" else "username"
        assert sender[key] and sender["name"]


def test_problem_ids_point_to_earlier_problem_tickets(zd):
    """GIVEN incidents linked to problems WHEN the export is read
    THEN every problem_id names an earlier ticket of type problem flagged has_incidents."""
    tickets, _ = _export_all(zd, "/api/v2/incremental/tickets/cursor.json", "tickets", start_time=0)
    by_id = {t["id"]: t for t in tickets}
    linked = [t for t in tickets if t["problem_id"] is not None]
    assert linked
    for t in linked:
        problem = by_id[t["problem_id"]]
        assert t["type"] == "incident" and problem["type"] == "problem" and problem["id"] < t["id"]
        assert problem["has_incidents"] is True


def test_process_change_tag_marks_the_planted_social_problems(zd, sandbox):
    """GIVEN the planted process changes WHEN the export is read
    THEN exactly those problem tickets, raised on social channels, carry the process_change tag."""
    tickets, _ = _export_all(zd, "/api/v2/incremental/tickets/cursor.json", "tickets", start_time=0)
    tagged = {t["id"]: t for t in tickets if "process_change" in t["tags"]}
    planted = {c["problem_ticket_id"] for c in sandbox.truth()["service"]["process_changes"] if c["visible"]}
    assert set(tagged) == planted
    assert all(t["type"] == "problem" and t["via"]["channel"] in SOCIAL for t in tagged.values())


def test_a_ticket_solved_later_is_exported_again(zd, sandbox):
    """GIVEN an export finished at the clock WHEN the clock moves 3 days and the export resumes
    THEN tickets updated after the cursor come again, now further along (solved or closed)."""
    _, cursor = _export_all(zd, "/api/v2/incremental/tickets/cursor.json", "tickets",
                            start_time=int((TEST_NOW - timedelta(days=5)).timestamp()))
    before = {t["id"]: t for t in _export_all(zd, "/api/v2/incremental/tickets/cursor.json", "tickets",
                                             start_time=int((TEST_NOW - timedelta(days=14)).timestamp()))[0]}
    sandbox.set_clock((TEST_NOW + timedelta(days=3)).isoformat())
    try:
        again, _ = _export_all(zd, "/api/v2/incremental/tickets/cursor.json", "tickets", cursor=cursor)
    finally:
        sandbox.set_clock(TEST_NOW.isoformat())
    seen_before = [t for t in again if t["id"] in before]
    assert seen_before
    order = ["new", "open", "pending", "solved", "closed"]
    assert all(order.index(t["status"]) >= order.index(before[t["id"]]["status"]) for t in seen_before)
    assert any(t["status"] != before[t["id"]]["status"] for t in seen_before)


def test_users_export_holds_agents_and_end_users(zd, sandbox):
    """GIVEN the incremental user export WHEN read from the beginning
    THEN it ends, holds the six agents and every customer once as an end-user."""
    users, _ = _export_all(zd, "/api/v2/incremental/users/cursor.json", "users", start_time=0, per_page=200)
    roles = [u["role"] for u in users]
    assert roles.count("agent") == len(sandbox.truth()["planted"]["agents"])
    assert roles.count("end-user") == sandbox.truth()["customers"]
    assert len({u["id"] for u in users}) == len(users)


@pytest.mark.parametrize("path,key", [
    pytest.param("/api/v2/ticket_metrics", "ticket_metrics", id="ticket_metrics"),
    pytest.param("/api/v2/satisfaction_ratings", "satisfaction_ratings", id="satisfaction_ratings"),
])
def test_cursor_pagination_ends_and_never_repeats(zd, path, key):
    """GIVEN a list endpoint with page[size]=100 WHEN links.next is followed while meta.has_more
    THEN the walk ends and no record repeats."""
    ids, url, params, pages = [], zd.base + path, {"page[size]": 100}, 0
    while True:
        body = zd.get(url, params=params, timeout=30).json()
        ids.extend(r["id"] for r in body[key])
        assert len(body[key]) <= 100
        pages += 1
        if not body["meta"]["has_more"]:
            break
        url, params = body["links"]["next"], None
        assert pages < 50
    assert pages > 1 and len(ids) == len(set(ids))


def test_satisfaction_ratings_filter_by_score_and_start_time(zd):
    """GIVEN score=bad and start_time 60 days back WHEN the ratings are listed
    THEN only bad ratings created since then come back."""
    start = TEST_NOW - timedelta(days=60)
    body = _get(zd, "/api/v2/satisfaction_ratings", score="bad", start_time=int(start.timestamp()),
                **{"page[size]": 100}).json()
    ratings = body["satisfaction_ratings"]
    assert ratings
    assert {r["score"] for r in ratings} == {"bad"}
    assert min(r["created_at"] for r in ratings) >= start.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_comments_start_with_the_customers_message(zd):
    """GIVEN a social ticket WHEN its comments are listed
    THEN the first is the requester's public message (the description) and an agent replies publicly."""
    tickets, _ = _export_all(zd, "/api/v2/incremental/tickets/cursor.json", "tickets", start_time=0)
    t = next(t for t in tickets if t["via"]["channel"] in SOCIAL and t["status"] == "closed")
    comments = _get(zd, f"/api/v2/tickets/{t['id']}/comments", **{"page[size]": 100}).json()["comments"]
    assert comments[0]["author_id"] == t["requester_id"] and comments[0]["body"] == t["description"]
    assert any(c["public"] and c["author_id"] == t["assignee_id"] for c in comments[1:])


def test_unknown_ticket_comments_are_404_record_not_found(zd):
    """GIVEN a ticket id that does not exist WHEN its comments are asked THEN Zendesk's 404 body."""
    resp = _get(zd, "/api/v2/tickets/99999999/comments")
    assert resp.status_code == 404 and resp.json() == {"error": "RecordNotFound", "description": "Not found"}


@pytest.mark.parametrize("auth", [
    pytest.param(("sandbox-agent@kopiku.example/token", "wrong"), id="wrong-token"),
    pytest.param(("sandbox-agent@kopiku.example", "zd-sandbox-token-6f1c2a"), id="missing-token-suffix"),
    pytest.param(None, id="no-credentials"),
])
def test_wrong_credentials_get_zendesks_401(sandbox_env, auth):
    """GIVEN wrong or missing basic-auth credentials WHEN any endpoint is called
    THEN 401 with Zendesk's body {"error": "Couldn't authenticate you"}."""
    resp = requests.get(sandbox_env["PANTAU_ZENDESK_BASE_URL"] + "/api/v2/incremental/users/cursor.json",
                        params={"start_time": 0}, auth=auth, timeout=30)
    assert resp.status_code == 401
    assert resp.json() == {"error": "Couldn't authenticate you"}


def test_rate_limit_is_429_with_retry_after(zd, sandbox):
    """GIVEN the rate-limit fault on every request WHEN an endpoint is called
    THEN 429 with Retry-After seconds and Zendesk's APIRateLimitExceeded body."""
    sandbox.set_faults(rate_limit_every=1, rate_limit_wait_seconds=7)
    resp = _get(zd, "/api/v2/incremental/tickets/cursor.json", start_time=0)
    assert resp.status_code == 429
    assert resp.headers["Retry-After"] == "7"
    assert resp.json()["error"] == "APIRateLimitExceeded"


def test_export_without_start_time_or_cursor_is_refused(zd):
    """GIVEN neither start_time nor cursor WHEN the export is called THEN 400 with an error body."""
    resp = _get(zd, "/api/v2/incremental/tickets/cursor.json")
    assert resp.status_code == 400 and resp.json()["error"]


def test_basic_auth_header_is_the_api_token_form(sandbox_env):
    """GIVEN the settings the sandbox hands out WHEN the header is built by hand
    THEN ``Basic base64({email}/token:{token})`` is accepted."""
    raw = f"{sandbox_env['PANTAU_ZENDESK_EMAIL']}/token:{sandbox_env['PANTAU_ZENDESK_API_TOKEN']}"
    header = "Basic " + base64.b64encode(raw.encode()).decode()
    resp = requests.get(sandbox_env["PANTAU_ZENDESK_BASE_URL"] + "/api/v2/satisfaction_ratings",
                        headers={"Authorization": header}, timeout=30)
    assert resp.status_code == 200 and "satisfaction_ratings" in resp.json()
