"""The X API v2 contract served by the sandbox."""
from __future__ import annotations

import time

import pytest
import requests

from tests.sandbox.clients import bearer_session

TWEET_FIELDS = "created_at,public_metrics,author_id,in_reply_to_user_id,referenced_tweets,conversation_id"


@pytest.fixture
def x(sandbox_env):
    session = bearer_session(sandbox_env["PANTAU_X_BEARER_TOKEN"])
    return sandbox_env["PANTAU_X_BASE_URL"], sandbox_env["PANTAU_X_USER_ID"], session


def _walk(session, url, params):
    pages, records, bodies = 0, [], []
    token = None
    while True:
        body = session.get(url, params={**params, **({"pagination_token": token} if token else {})}, timeout=10).json()
        pages += 1
        bodies.append(body)
        records += body.get("data", [])
        token = body["meta"].get("next_token")
        if not token:
            return pages, records, bodies


@pytest.mark.parametrize("edge", [pytest.param("tweets", id="user-tweets"), pytest.param("mentions", id="mentions")])
def test_timelines_page_to_the_end_newest_first(x, edge):
    """GIVEN a timeline WHEN it is walked 100 at a time with next_token -> pagination_token
    THEN the walk ends, ids are unique and strictly decreasing, and meta counts match each page."""
    base, uid, s = x
    pages, records, bodies = _walk(s, f"{base}/users/{uid}/{edge}", {"tweet.fields": TWEET_FIELDS, "max_results": 100})
    ids = [int(r["id"]) for r in records]
    assert len(ids) > 100 and ids == sorted(set(ids), reverse=True)
    assert all(b["meta"]["result_count"] == len(b.get("data", [])) for b in bodies)
    assert pages == len(bodies) >= 2


def test_start_time_and_since_id_filter(x):
    """GIVEN start_time or since_id WHEN mentions are read THEN only later mentions arrive, the same set either way."""
    base, uid, s = x
    _, everything, _ = _walk(s, f"{base}/users/{uid}/mentions", {"tweet.fields": "created_at", "max_results": 100})
    pivot = everything[50]
    _, by_time, _ = _walk(s, f"{base}/users/{uid}/mentions",
                          {"tweet.fields": "created_at", "max_results": 100, "start_time": pivot["created_at"]})
    _, by_id, _ = _walk(s, f"{base}/users/{uid}/mentions", {"max_results": 100, "since_id": pivot["id"]})
    assert [r["id"] for r in by_time] == [r["id"] for r in everything[:51]]
    assert [r["id"] for r in by_id] == [r["id"] for r in everything[:50]]


def test_mentions_expand_their_authors(x):
    """GIVEN expansions=author_id WHEN a page of mentions is read
    THEN includes.users holds exactly the page's authors with their usernames, and each text names the brand."""
    base, uid, s = x
    body = s.get(f"{base}/users/{uid}/mentions", params={"tweet.fields": "author_id", "expansions": "author_id",
                                                          "user.fields": "username", "max_results": 50}).json()
    authors = {t["author_id"] for t in body["data"]}
    assert {u["id"] for u in body["includes"]["users"]} == authors
    assert all(u["username"] for u in body["includes"]["users"])
    assert all("@kopiku_id" in t["text"] for t in body["data"])


def test_brand_replies_answer_mentions(x):
    """GIVEN the brand's timeline and its mentions WHEN both are read
    THEN every reply references a mention of the brand, replies to its author, and comes after it."""
    base, uid, s = x
    _, tweets, _ = _walk(s, f"{base}/users/{uid}/tweets", {"tweet.fields": TWEET_FIELDS, "max_results": 100})
    _, mentions, _ = _walk(s, f"{base}/users/{uid}/mentions", {"tweet.fields": TWEET_FIELDS, "max_results": 100})
    by_id = {m["id"]: m for m in mentions}
    replies = [t for t in tweets if t.get("referenced_tweets")]
    assert replies
    answered = [r for r in replies if r["referenced_tweets"][0]["id"] in by_id]
    assert len(answered) >= 0.9 * len(replies)  # the oldest replies may answer mentions past the 800 cap
    for r in answered:
        m = by_id[r["referenced_tweets"][0]["id"]]
        assert r["referenced_tweets"][0]["type"] == "replied_to"
        assert r["in_reply_to_user_id"] == m["author_id"]
        assert r["created_at"] > m["created_at"]


def test_wrong_token_gets_problem_401(x):
    """GIVEN a wrong bearer token WHEN a user is read THEN X's 401 problem body comes back."""
    base, uid, _ = x
    resp = requests.get(f"{base}/users/{uid}", headers={"Authorization": "Bearer nope"}, timeout=10)
    assert resp.status_code == 401
    assert resp.json() == {"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"}


def test_rate_limit_fault_answers_429_with_reset(x, sandbox):
    """GIVEN every request rate limited WHEN a timeline is read
    THEN 429 Too Many Requests with x-rate-limit-remaining 0 and a reset epoch in the near future."""
    base, uid, s = x
    sandbox.set_faults(rate_limit_every=1, rate_limit_wait_seconds=5)
    try:
        resp = s.get(f"{base}/users/{uid}/tweets", timeout=10)
    finally:
        sandbox.set_faults(rate_limit_wait_seconds=1)  # the default, which the shared fixture does not reset
    assert resp.status_code == 429
    assert resp.json()["title"] == "Too Many Requests"
    assert resp.headers["x-rate-limit-remaining"] == "0"
    assert 0 < int(resp.headers["x-rate-limit-reset"]) - time.time() <= 6


@pytest.mark.parametrize("value", [pytest.param("4", id="below-5"), pytest.param("101", id="above-100")])
def test_max_results_out_of_range_is_invalid_request(x, value):
    """GIVEN max_results outside 5..100 WHEN a timeline is read THEN 400 Invalid Request names the parameter."""
    base, uid, s = x
    resp = s.get(f"{base}/users/{uid}/tweets", params={"max_results": value}, timeout=10)
    assert resp.status_code == 400
    assert resp.json()["title"] == "Invalid Request"
    assert resp.json()["errors"][0]["parameters"] == {"max_results": [value]}
