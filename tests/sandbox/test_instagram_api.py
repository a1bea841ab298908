"""The Instagram Graph API contract served by the sandbox."""
from __future__ import annotations

import pytest
import requests

from tests.sandbox.clients import bearer_session, graph_ts, walk_graph


@pytest.fixture
def ig(sandbox_env):
    base = sandbox_env["PANTAU_INSTAGRAM_BASE_URL"]
    session = bearer_session(sandbox_env["PANTAU_INSTAGRAM_ACCESS_TOKEN"])
    return base, sandbox_env["PANTAU_INSTAGRAM_IG_USER_ID"], session


def test_media_pages_end_and_cover_every_media_once(ig):
    """GIVEN the account's media_count WHEN /media is walked 25 at a time through paging.next
    THEN the walk ends, every media comes once, newest first, and their number is media_count."""
    base, uid, s = ig
    media_count = s.get(f"{base}/{uid}", params={"fields": "media_count"}).json()["media_count"]
    pages, records = walk_graph(s, f"{base}/{uid}/media", {"fields": "id,timestamp", "limit": 25})
    ids = [r["id"] for r in records]
    assert len(ids) == len(set(ids)) == media_count
    assert pages == -(-media_count // 25)
    stamps = [graph_ts(r["timestamp"]) for r in records]
    assert stamps == sorted(stamps, reverse=True)


def test_since_until_filter_media(ig):
    """GIVEN a since/until window WHEN /media is asked for it THEN only media published inside arrive."""
    base, uid, s = ig
    since, until = 1775000000, 1779000000
    _, records = walk_graph(s, f"{base}/{uid}/media", {"fields": "id,timestamp", "since": since, "until": until})
    _, everything = walk_graph(s, f"{base}/{uid}/media", {"fields": "id,timestamp", "limit": 100})
    expected = [r["id"] for r in everything if since <= graph_ts(r["timestamp"]) <= until]
    assert 0 < len(records) < len(everything)
    assert [r["id"] for r in records] == expected


def test_only_requested_fields_are_returned(ig):
    """GIVEN fields=id,like_count WHEN /media is read THEN each record has exactly those keys."""
    base, uid, s = ig
    body = s.get(f"{base}/{uid}/media", params={"fields": "id,like_count", "limit": 5}).json()
    assert {frozenset(r) for r in body["data"]} == {frozenset({"id", "like_count"})}


@pytest.mark.parametrize(
    "how",
    [pytest.param("header", id="bearer-header"), pytest.param("query", id="access_token-param")],
)
def test_wrong_token_gets_graph_oauth_error(ig, how):
    """GIVEN a wrong token (header or access_token param) WHEN any node is read
    THEN Graph's OAuthException code 190 comes back with HTTP 400."""
    base, uid, _ = ig
    kwargs = {"headers": {"Authorization": "Bearer nope"}} if how == "header" else {"params": {"access_token": "nope"}}
    resp = requests.get(f"{base}/{uid}", timeout=10, **kwargs)
    assert resp.status_code == 400
    error = resp.json()["error"]
    assert (error["code"], error["type"]) == (190, "OAuthException")
    assert "fbtrace_id" in error


def test_access_token_query_param_is_accepted(ig, sandbox_env):
    """GIVEN the right token as access_token WHEN the account is read THEN it answers with the account."""
    base, uid, _ = ig
    resp = requests.get(f"{base}/{uid}", params={"access_token": sandbox_env["PANTAU_INSTAGRAM_ACCESS_TOKEN"],
                                                  "fields": "id,username"}, timeout=10)
    assert resp.status_code == 200
    assert resp.json() == {"id": uid, "username": "kopiku.id"}


def test_rate_limit_fault_answers_in_graph_shape(ig, sandbox):
    """GIVEN every request rate limited WHEN a node is read
    THEN HTTP 400/403 with a throttling error code and the usage headers come back."""
    base, uid, s = ig
    sandbox.set_faults(rate_limit_every=1)
    resp = s.get(f"{base}/{uid}", timeout=10)
    assert resp.status_code in (400, 403)
    assert resp.json()["error"]["code"] in (4, 17, 32, 613)
    assert "call_count" in resp.headers["X-App-Usage"]
    assert uid in resp.headers["X-Business-Use-Case-Usage"]


def test_comments_carry_the_brands_replies(ig):
    """GIVEN a media with comments WHEN its comments are walked
    THEN top-level comments plus nested replies add up to comments_count, and replies are by the brand."""
    base, uid, s = ig
    _, media = walk_graph(s, f"{base}/{uid}/media", {"fields": "id,comments_count", "limit": 100})
    target = max(media, key=lambda m: m["comments_count"])
    _, comments = walk_graph(s, f"{base}/{target['id']}/comments",
                             {"fields": "id,text,timestamp,username,replies{id,username,timestamp}", "limit": 10})
    replies = [r for c in comments for r in c["replies"]["data"]]
    assert len(comments) + len(replies) == target["comments_count"]
    assert replies and {r["username"] for r in replies} == {"kopiku.id"}
    assert all(graph_ts(r["timestamp"]) > graph_ts(c["timestamp"]) for c in comments for r in c["replies"]["data"])


@pytest.mark.parametrize(
    "since, until, status",
    [
        pytest.param("2026-06-01", "2026-06-30", 200, id="last-30-days"),
        pytest.param("2026-05-01", "2026-05-20", 400, id="older-than-30-days"),
        pytest.param("2026-05-25", "2026-06-30", 400, id="range-over-30-days"),
    ],
)
def test_follower_count_serves_only_the_last_30_days(ig, since, until, status):
    """GIVEN follower_count's 30-day limit WHEN windows are asked THEN only recent, short ones are served."""
    base, uid, s = ig
    resp = s.get(f"{base}/{uid}/insights", params={"metric": "follower_count", "period": "day",
                                                   "since": since, "until": until})
    assert resp.status_code == status
    if status == 200:
        values = resp.json()["data"][0]["values"]
        assert len(values) == 29
        assert "since=" in resp.json()["paging"]["next"]
    else:
        assert resp.json()["error"]["code"] == 100


def test_business_discovery_reads_a_competitor(ig, sandbox):
    """GIVEN a competitor username WHEN business_discovery is asked for it
    THEN its id (as recorded in the truth), followers and recent media come back."""
    base, uid, s = ig
    truth = {a["username"]: a["id"] for a in sandbox.truth()["accounts"] if a["platform"] == "instagram"}
    fields = "business_discovery.username(tehsenja){id,followers_count,media_count,media.limit(3){id,like_count}}"
    body = s.get(f"{base}/{uid}", params={"fields": fields}).json()
    bd = body["business_discovery"]
    assert body["id"] == uid
    assert bd["id"] == truth["tehsenja"]
    assert bd["followers_count"] > 0 and len(bd["media"]["data"]) == 3
