"""X accounts named by handle or id, resolved through Users lookup; threads through expansions.

Recorded responses follow the X API v2 reference: ``GET /2/users/by?usernames=``
answers 200 and lists an unknown handle in ``errors``; a timeline requested with
``expansions=referenced_tweets.id,referenced_tweets.id.author_id`` carries the
tweets replied to in ``includes.tweets`` and their authors in ``includes.users``.
"""
from __future__ import annotations

import pytest

from extractors.engine.errors import ConfigError
from extractors.sources.x.streams import SOURCE
from tests.extractors.engine.conftest import FakeTime, FixtureServer, Reply, fake_time, server  # noqa: F401 (fixtures)
from tests.extractors.engine.helpers import run_stream

MAIN, SUPPORT, RIVAL = "1400000000000000007", "1400000000000000042", "1400000000000000009"
USER = {"data": {"id": MAIN, "name": "Kopiku", "username": "KopikuID",
                 "public_metrics": {"followers_count": 10, "following_count": 1, "tweet_count": 5, "listed_count": 0}}}


def env(server: FixtureServer, **settings: str) -> dict[str, str]:
    return {"PANTAU_X_BASE_URL": server.url, "PANTAU_X_BEARER_TOKEN": "token",
            **{f"PANTAU_X_{k.upper()}": v for k, v in settings.items()}}


@pytest.mark.parametrize("settings, lookups, fetched", [
    pytest.param({"user_ids": f"@KopikuID, {SUPPORT}", "competitor_user_ids": "tehsenja_id"},
                 [{"usernames": "kopikuid"}, {"usernames": "tehsenja_id"}], [MAIN, SUPPORT], id="handles-and-ids"),
    pytest.param({"user_id": SUPPORT}, [], [SUPPORT], id="one-id-alias-no-lookup"),
    pytest.param({"user_ids": f"{SUPPORT},@kopikuid,KOPIKUID"}, [{"usernames": "kopikuid"}], [SUPPORT, MAIN],
                 id="repeats-once"),
])
def test_own_accounts_are_resolved_before_the_first_request(server: FixtureServer, fake_time: FakeTime, settings,
                                                            lookups, fetched):
    """GIVEN own accounts as handles (any case, with or without @) and/or ids
    WHEN the users stream runs
    THEN each setting's handles are looked up in one /users/by?usernames= request (ids need none), and each
    own account is read by id, in the setting's order, once."""
    server.route("GET", "/users/by", Reply(200, "users.by.page.1.json"))
    for user_id in (MAIN, SUPPORT):
        server.route("GET", f"/users/{user_id}", Reply(200, body={"data": {**USER["data"], "id": user_id}}))
    pages, _ = run_stream(SOURCE, SOURCE.stream("users"), fake_time, env=env(server, **settings))
    assert [r.query for r in server.received if r.path == "/users/by"] == lookups
    assert [r.path for r in server.received if r.path != "/users/by"] == [f"/users/{i}" for i in fetched]
    assert [p.context for p in pages] == [{"user_id": i} for i in fetched]


@pytest.mark.parametrize("settings, message", [
    pytest.param({"user_ids": "@KopikuID", "competitor_user_ids": "nosuchbrand"},
                 "PANTAU_X_COMPETITOR_USER_IDS names @nosuchbrand, which X cannot resolve to a user: "
                 "Could not find user with usernames: [nosuchbrand].", id="unknown-competitor-handle"),
    pytest.param({"user_ids": "kopiku id!"}, "PANTAU_X_USER_IDS lists 'kopiku id!', neither a numeric X user id "
                 "nor a handle", id="not-a-handle"),
    pytest.param({"user_id": "@nosuchbrand"}, "PANTAU_X_USER_ID names @nosuchbrand", id="unknown-alias-handle"),
    pytest.param({}, "required setting 'user_ids' is missing: set PANTAU_X_USER_IDS", id="no-account"),
])
def test_resolution_errors_name_the_setting_and_the_handle(server: FixtureServer, fake_time: FakeTime, settings,
                                                           message):
    """GIVEN a handle X does not know, a value that is no handle, or no own account
    WHEN a stream runs THEN it fails before reading any account, naming the variable and the value."""
    server.route("GET", "/users/by", Reply(200, "users.by.not_found.json"))
    with pytest.raises(ConfigError) as failure:
        run_stream(SOURCE, SOURCE.stream("users"), fake_time, env=env(server, **settings))
    assert message in str(failure.value)
    assert [r.path for r in server.received if r.path != "/users/by"] == []


@pytest.mark.parametrize("stream, keys", [
    pytest.param("tweets", ["1786000000000000020"], id="the-replies"),
    pytest.param("replied_tweets", ["1786000000000000010"], id="the-tweets-they-answer"),
    pytest.param("replied_authors", ["1300000000000000001"], id="their-authors"),
])
def test_own_timeline_expands_the_tweets_its_replies_answer(server: FixtureServer, fake_time: FakeTime, stream, keys):
    """GIVEN the support handle's timeline with a reply to a tweet written to the main handle
    WHEN tweets, replied_tweets and replied_authors read it
    THEN each lands its part of the page (data, includes.tweets, includes.users) and asks for both expansions."""
    server.route("GET", f"/users/{SUPPORT}/tweets", Reply(200, "tweets.expansions.page.1.json"))
    pages, _ = run_stream(SOURCE, SOURCE.stream(stream), fake_time, env=env(server, user_ids=SUPPORT))
    assert [r["id"] for p in pages for r in p.records] == keys
    assert pages[0].context == {"user_id": SUPPORT}
    [request] = server.received
    assert request.query["expansions"] == "referenced_tweets.id,referenced_tweets.id.author_id"
    assert "conversation_id" in request.query["tweet.fields"]
