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
    return sandbox_env["PANTAU_X_BASE_URL"], sandbox_env["PANTAU_X_USER_IDS"].split(",")[0], session


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


def _support(sandbox_env) -> str:
    """The support handle, as the sandbox hands it to the extractor ('@kopiku_id_care')."""
    return sandbox_env["PANTAU_X_USER_IDS"].split(",")[1].lstrip("@")


@pytest.mark.parametrize("names", [pytest.param("kopiku_id,KOPIKU_ID_CARE", id="two-handles-any-case"),
                                   pytest.param("kopiku_id,nosuchbrand", id="one-unknown")])
def test_users_by_usernames_resolves_handles(x, sandbox_env, names):
    """GIVEN handles WHEN /users/by?usernames= is read
    THEN known ones come back in data with their ids, and an unknown one in errors (still 200), as X does."""
    base, uid, s = x
    resp = s.get(f"{base}/users/by", params={"usernames": names}, timeout=10)
    body = resp.json()
    assert resp.status_code == 200
    found = {u["username"]: u["id"] for u in body["data"]}
    assert found["kopiku_id"] == uid
    if "nosuchbrand" in names:
        assert [(e["value"], e["title"], e["resource_type"]) for e in body["errors"]] == [
            ("nosuchbrand", "Not Found Error", "user")]
    else:
        assert found[_support(sandbox_env)] != uid and "errors" not in body


def test_users_by_username_reads_one_handle(x, sandbox_env):
    """GIVEN the support handle WHEN /users/by/username/:username is read THEN its user, with public_metrics."""
    base, _, s = x
    body = s.get(f"{base}/users/by/username/{_support(sandbox_env)}", params={"user.fields": "public_metrics"},
                 timeout=10).json()
    assert body["data"]["username"] == _support(sandbox_env)
    assert body["data"]["public_metrics"]["followers_count"] > 0


def _threads(x, sandbox_env):
    base, uid, s = x
    support = s.get(f"{base}/users/by/username/{_support(sandbox_env)}", timeout=10).json()["data"]["id"]
    params = {"tweet.fields": TWEET_FIELDS, "max_results": 100}
    tweets = {u: _walk(s, f"{base}/users/{u}/tweets", params)[1] for u in (uid, support)}
    mentions = {u: _walk(s, f"{base}/users/{u}/mentions", params)[1] for u in (uid, support)}
    return uid, support, tweets, mentions


def test_threads_hold_follow_ups_and_answers_from_both_handles(x, sandbox_env):
    """GIVEN the brand's main and support handles WHEN both timelines and mention timelines are read
    THEN every tweet carries the conversation_id of the mention that opened its thread; some threads have
    a customer follow-up before the first reply and after it; the support handle answers threads written
    to the main handle (its replies point at mentions of the main handle), and has no posts of its own."""
    uid, support, tweets, mentions = _threads(x, sandbox_env)
    openers = {m["id"]: m for m in mentions[uid] if m["conversation_id"] == m["id"]}
    every = [t for group in (*tweets.values(), *mentions.values()) for t in group]
    assert all(t["conversation_id"] for t in every)
    thread_tweets = [t for t in every if t["conversation_id"] != t["id"] and "referenced_tweets" in t]
    assert all(t["conversation_id"] in openers for t in thread_tweets)
    first_reply = {}
    for t in tweets[uid] + tweets[support]:
        if t.get("referenced_tweets") and t["referenced_tweets"][0]["id"] in openers:
            first_reply[t["conversation_id"]] = min(first_reply.get(t["conversation_id"], t["created_at"]), t["created_at"])
    customer = [t for t in mentions[uid] + mentions[support] if t["id"] not in openers]
    before = [t for t in customer if t["conversation_id"] not in first_reply or t["created_at"] < first_reply[t["conversation_id"]]]
    after = [t for t in customer if t not in before]
    assert before and after
    assert all(t["author_id"] == openers[t["conversation_id"]]["author_id"] for t in customer)
    support_answers = [t for t in tweets[support] if t["referenced_tweets"][0]["id"] in openers]
    assert support_answers and all(t["author_id"] == support for t in tweets[support])
    assert all("referenced_tweets" in t for t in tweets[support])  # replies only


def test_timeline_expansions_include_the_tweets_replied_to(x, sandbox_env):
    """GIVEN the support handle's timeline WHEN read with expansions=referenced_tweets.id,referenced_tweets.id.author_id
    THEN includes.tweets holds exactly the tweets its replies answer (with conversation_id and author_id), and
    includes.users their authors."""
    base, _, s = x
    support = s.get(f"{base}/users/by/username/{_support(sandbox_env)}", timeout=10).json()["data"]["id"]
    body = s.get(f"{base}/users/{support}/tweets", params={
        "tweet.fields": TWEET_FIELDS, "max_results": 100, "user.fields": "username",
        "expansions": "referenced_tweets.id,referenced_tweets.id.author_id"}, timeout=10).json()
    replied = {t["referenced_tweets"][0]["id"] for t in body["data"]}
    included = body["includes"]["tweets"]
    assert {t["id"] for t in included} == replied
    assert all(t["conversation_id"] and t["author_id"] != support for t in included)
    assert {u["id"] for u in body["includes"]["users"]} == {t["author_id"] for t in included}
    assert all(u["username"] for u in body["includes"]["users"])
