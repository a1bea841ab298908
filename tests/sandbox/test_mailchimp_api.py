"""The sandbox's Mailchimp Marketing API contract: paging, incremental filters, problem+json errors, 429."""
from __future__ import annotations

import pytest
import requests

from sandbox.api.mailchimp import API_KEY

AUTH = ("pantau", API_KEY)


def _get(sandbox, path, auth=AUTH, **params):
    return requests.get(f"{sandbox.base_url}/mailchimp/3.0{path}", params=params, auth=auth, timeout=30)


def _list_id(sandbox) -> str:
    return _get(sandbox, "/lists").json()["lists"][0]["id"]


def _all(sandbox, path, key, count=100, **params):
    out, offset = [], 0
    while True:
        body = _get(sandbox, path, count=count, offset=offset, **params).json()
        out += body[key]
        offset += count
        if offset >= body["total_items"]:
            return out, body["total_items"]


def test_member_pages_cover_the_audience_exactly_once(sandbox):
    """GIVEN count/offset paging WHEN every page of members is read THEN total_items members arrive, each once."""
    members, total = _all(sandbox, f"/lists/{_list_id(sandbox)}/members", "members", count=100)
    assert total > 100 and len(members) == total == len({m["id"] for m in members})


def test_count_is_capped_at_1000(sandbox):
    """GIVEN count=5000 WHEN members are listed THEN at most 1000 come back."""
    body = _get(sandbox, f"/lists/{_list_id(sandbox)}/members", count=5000).json()
    assert len(body["members"]) == min(1000, body["total_items"])


def test_since_last_changed_filters_and_sorts_members(sandbox):
    """GIVEN since_last_changed and sort_field=last_changed WHEN members are listed
    THEN only members changed after that time come back, in ascending last_changed order."""
    members, _ = _all(sandbox, f"/lists/{_list_id(sandbox)}/members", "members",
                      since_last_changed="2026-05-01T00:00:00+00:00", sort_field="last_changed", sort_dir="ASC")
    stamps = [m["last_changed"] for m in members]
    assert stamps and stamps == sorted(stamps) and min(stamps) > "2026-05-01T00:00:00+00:00"


@pytest.mark.parametrize("status", [pytest.param(s, id=s) for s in ("subscribed", "unsubscribed", "cleaned")])
def test_status_filter_returns_only_that_status(sandbox, status):
    """GIVEN a status filter WHEN members are listed THEN every member has that status."""
    members, total = _all(sandbox, f"/lists/{_list_id(sandbox)}/members", "members", count=1000, status=status)
    assert total > 0 and {m["status"] for m in members} == {status}


def test_member_id_is_the_md5_of_the_lowercased_email(sandbox):
    """GIVEN members whose addresses carry capitals WHEN listed THEN id is still the MD5 of the lower-cased address."""
    import hashlib

    members, _ = _all(sandbox, f"/lists/{_list_id(sandbox)}/members", "members", count=1000)
    assert any(m["email_address"] != m["email_address"].lower() for m in members)
    assert all(m["id"] == hashlib.md5(m["email_address"].lower().encode()).hexdigest() for m in members)


def test_since_send_time_filters_campaigns_and_reports(sandbox):
    """GIVEN since_send_time WHEN campaigns (status=sent) and reports are listed
    THEN both hold exactly the sends after that time, with the same ids."""
    since = "2026-04-01T00:00:00+00:00"
    campaigns, _ = _all(sandbox, "/campaigns", "campaigns", status="sent", since_send_time=since)
    reports, _ = _all(sandbox, "/reports", "reports", since_send_time=since)
    assert campaigns and all(c["send_time"] > since and c["status"] == "sent" for c in campaigns)
    assert [c["id"] for c in campaigns] == [r["id"] for r in reports]
    assert all(c["emails_sent"] == r["emails_sent"] for c, r in zip(campaigns, reports))


def test_email_activity_agrees_with_the_report(sandbox):
    """GIVEN a sent campaign WHEN all its recipients' activity is read
    THEN recipients = emails_sent and the opens, clicks and bounces add up to the report's totals."""
    report = _get(sandbox, "/reports", count=1, offset=3).json()["reports"][0]
    emails, total = _all(sandbox, f"/reports/{report['id']}/email-activity", "emails", count=200)
    actions = [a for e in emails for a in e["activity"]]
    assert total == len(emails) == report["emails_sent"]
    assert sum(a["action"] == "open" for a in actions) == report["opens"]["opens_total"]
    assert sum(a["action"] == "click" for a in actions) == report["clicks"]["clicks_total"]
    assert sum(a["action"] == "bounce" for a in actions) == (
        report["bounces"]["hard_bounces"] + report["bounces"]["soft_bounces"])


def test_email_activity_since_keeps_only_later_actions(sandbox):
    """GIVEN since WHEN a campaign's email activity is read THEN every returned action is after since,
    and recipients without such actions are left out."""
    report = _get(sandbox, "/reports", count=1, offset=3).json()["reports"][0]
    since = report["send_time"].replace("T02", "T20")
    emails, total = _all(sandbox, f"/reports/{report['id']}/email-activity", "emails", since=since)
    assert 0 < total < report["emails_sent"]
    assert all(e["activity"] and all(a["timestamp"] > since for a in e["activity"]) for e in emails)


@pytest.mark.parametrize(
    "path, auth, status, title",
    [
        pytest.param("/lists", ("pantau", "wrong-us21"), 401, "API Key Invalid", id="wrong-key"),
        pytest.param("/reports/nope/email-activity", AUTH, 404, "Resource Not Found", id="unknown-campaign"),
        pytest.param("/campaigns?since_send_time=yesterday", AUTH, 400, "Invalid Resource", id="bad-time"),
    ],
)
def test_errors_are_problem_json(sandbox, path, auth, status, title):
    """GIVEN a bad key, id or parameter WHEN requested THEN Mailchimp's problem+json body comes back."""
    resp = requests.get(f"{sandbox.base_url}/mailchimp/3.0{path}", auth=auth, timeout=10)
    assert resp.status_code == status
    assert resp.headers["Content-Type"].startswith("application/problem+json")
    body = resp.json()
    assert set(body) == {"type", "title", "status", "detail", "instance"}
    assert body["title"] == title and body["status"] == status


def test_rate_limit_fault_answers_429_problem(sandbox_env, sandbox):
    """GIVEN the rate-limit fault WHEN lists are requested THEN 429 Too Many Requests as problem+json."""
    sandbox.set_faults(rate_limit_every=1)
    resp = _get(sandbox, "/lists")
    assert resp.status_code == 429
    assert resp.json()["title"] == "Too Many Requests"
