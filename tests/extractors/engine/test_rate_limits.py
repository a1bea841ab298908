"""Each API's own rate-limit signals, read from real HTTP responses."""
from __future__ import annotations

import json

import pytest
import requests

from extractors.engine.rate_limits import (
    GraphApiRateLimit,
    HubSpotRateLimit,
    MailchimpRateLimit,
    MixpanelRateLimit,
    RateLimitPolicy,
    RetryDecision,
    StripeRateLimit,
    XRateLimit,
    ZendeskRateLimit,
)

from .conftest import FixtureServer, Reply

NOW = 1_714_550_400.0


def respond(server: FixtureServer, reply: Reply) -> requests.Response:
    server.route("GET", "/r", reply)
    return requests.get(server.url + "/r", timeout=5)


def usage(**entry: float) -> str:
    return json.dumps(entry)


def buc(**entry: float) -> str:
    return json.dumps({"17841405822304914": [{"type": "instagram", **entry}]})


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        pytest.param(Reply(400, "media.400.code4.json"), (True, None), id="code-4-app-limit"),
        pytest.param(
            Reply(403, "media.403.code80002.json", headers={"X-Business-Use-Case-Usage": buc(call_count=100, total_cputime=20, total_time=30, estimated_time_to_regain_access=2)}),
            (True, 120.0),
            id="code-80002-buc-regain-2-minutes",
        ),
        pytest.param(Reply(400, body={"error": {"code": 17, "message": "(#17) User request limit reached"}}), (True, None), id="code-17"),
        pytest.param(Reply(400, body={"error": {"code": 32, "message": "(#32) Page request limit reached"}}), (True, None), id="code-32"),
        pytest.param(Reply(400, body={"error": {"code": 613, "message": "Calls to this api have exceeded the rate limit."}}), (True, None), id="code-613"),
        pytest.param(Reply(500, body={"error": {"code": 2, "is_transient": True, "message": "Service temporarily unavailable"}}), (True, None), id="transient-5xx"),
        pytest.param(Reply(400, "media.400.code100.json"), (False, None), id="code-100-not-retried"),
    ],
)
def test_graph_api_throttling_codes(server: FixtureServer, reply: Reply, expected: tuple[bool, float | None]) -> None:
    """GIVEN a Graph error response WHEN decided THEN codes 4/17/32/613/800xx retry, waiting the BUC estimate."""
    decision = GraphApiRateLimit().decide(respond(server, reply), NOW)
    assert (decision.retry, decision.wait) == expected


def test_graph_error_reason_carries_the_api_message(server: FixtureServer) -> None:
    """GIVEN a Graph code 100 error WHEN decided THEN the reason quotes Graph's own message."""
    decision = GraphApiRateLimit().decide(respond(server, Reply(400, "media.400.code100.json")), NOW)
    assert "Tried accessing nonexisting field (impressionz)" in decision.reason


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        pytest.param({"X-App-Usage": usage(call_count=42, total_time=10, total_cputime=12)}, None, id="app-usage-low"),
        pytest.param({"X-App-Usage": usage(call_count=12, total_time=96, total_cputime=12)}, 60.0, id="app-usage-total-time-96"),
        pytest.param({"X-Business-Use-Case-Usage": buc(call_count=95, total_time=1, total_cputime=1, estimated_time_to_regain_access=0)}, 60.0, id="buc-call-count-95"),
        pytest.param({"X-Business-Use-Case-Usage": buc(call_count=100, total_time=1, total_cputime=1, estimated_time_to_regain_access=3)}, 180.0, id="buc-regain-3-minutes"),
        pytest.param({"X-App-Usage": "not json"}, None, id="garbled-header-ignored"),
    ],
)
def test_graph_usage_headers_slow_down_before_the_limit(server: FixtureServer, headers: dict[str, str], expected: float | None) -> None:
    """GIVEN usage headers on a success WHEN throttled THEN ≥95% pauses 60 s and a regain estimate waits it out."""
    assert GraphApiRateLimit().throttle(respond(server, Reply(200, "media.page.2.json", headers=headers)), NOW) == expected


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        pytest.param(Reply(429, "tweets.429.json", headers={"x-rate-limit-reset": str(int(NOW) + 600), "x-rate-limit-remaining": "0"}), (True, 601.0), id="429-reset-in-600s"),
        pytest.param(Reply(429, "tweets.429.json", headers={"x-rate-limit-reset": str(int(NOW) - 5)}), (True, 1.0), id="429-reset-past"),
        pytest.param(Reply(429, "tweets.429.json"), (True, None), id="429-no-reset-backoff"),
        pytest.param(Reply(400, body={"errors": [{"message": "Invalid 'start_time'"}], "title": "Invalid Request"}), (False, None), id="400-not-retried"),
    ],
)
def test_x_waits_until_the_reset_epoch(server: FixtureServer, reply: Reply, expected: tuple[bool, float | None]) -> None:
    """GIVEN an X 429 WHEN decided THEN the wait is reset epoch - now + 1 s margin."""
    decision = XRateLimit().decide(respond(server, reply), NOW)
    assert (decision.retry, decision.wait) == expected


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        pytest.param({"x-rate-limit-remaining": "0", "x-rate-limit-reset": str(int(NOW) + 30)}, 31.0, id="remaining-0"),
        pytest.param({"x-rate-limit-remaining": "14", "x-rate-limit-reset": str(int(NOW) + 30)}, None, id="remaining-14"),
    ],
)
def test_x_proactively_waits_when_no_calls_remain(server: FixtureServer, headers: dict[str, str], expected: float | None) -> None:
    """GIVEN a successful X response WHEN remaining is 0 THEN the next call waits for the reset."""
    assert XRateLimit().throttle(respond(server, Reply(200, "tweets.page.2.json", headers=headers)), NOW) == expected


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        pytest.param(Reply(429, "contacts.429.ten_secondly.json", headers={"X-HubSpot-RateLimit-Interval-Milliseconds": "10000"}), (True, 10.0), id="ten-secondly-interval"),
        pytest.param(Reply(429, "contacts.429.ten_secondly.json"), (True, None), id="ten-secondly-backoff"),
        pytest.param(Reply(429, body={"status": "error", "policyName": "SECONDLY", "message": "secondly limit"}, headers={"Retry-After": "1"}), (True, 1.0), id="secondly-retry-after"),
        pytest.param(Reply(429, "contacts.429.daily.json"), (False, None), id="daily-fails-fast"),
    ],
)
def test_hubspot_policy_name(server: FixtureServer, reply: Reply, expected: tuple[bool, float | None]) -> None:
    """GIVEN a HubSpot 429 WHEN decided THEN burst policies retry and DAILY fails at once."""
    decision = HubSpotRateLimit().decide(respond(server, reply), NOW)
    assert (decision.retry, decision.wait) == expected


def test_hubspot_daily_reason_is_clear(server: FixtureServer) -> None:
    """GIVEN the DAILY policy WHEN decided THEN the reason says the daily limit was reached."""
    decision = HubSpotRateLimit().decide(respond(server, Reply(429, "contacts.429.daily.json")), NOW)
    assert "daily API limit reached" in decision.reason and "DAILY" in decision.reason


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        pytest.param({"X-HubSpot-RateLimit-Remaining": "0", "X-HubSpot-RateLimit-Interval-Milliseconds": "10000"}, 10.0, id="interval-exhausted"),
        pytest.param({"X-HubSpot-RateLimit-Secondly-Remaining": "0"}, 1.0, id="secondly-exhausted"),
        pytest.param({"X-HubSpot-RateLimit-Remaining": "57", "X-HubSpot-RateLimit-Interval-Milliseconds": "10000"}, None, id="budget-left"),
    ],
)
def test_hubspot_headers_throttle(server: FixtureServer, headers: dict[str, str], expected: float | None) -> None:
    """GIVEN X-HubSpot-RateLimit-* headers WHEN throttled THEN an exhausted window pauses for its interval."""
    assert HubSpotRateLimit().throttle(respond(server, Reply(200, "contacts.page.2.json", headers=headers)), NOW) == expected


@pytest.mark.parametrize(
    ("policy", "reply", "expected"),
    [
        pytest.param(ZendeskRateLimit(), Reply(429, "tickets.429.json", headers={"Retry-After": "93"}), (True, 93.0), id="zendesk-retry-after"),
        pytest.param(ZendeskRateLimit(), Reply(503, body="maintenance", headers={"Retry-After": "Wed, 01 May 2024 08:01:00 GMT"}), (True, 60.0), id="zendesk-503-http-date"),
        pytest.param(ZendeskRateLimit(), Reply(404, body={"error": "RecordNotFound", "description": "Not found"}), (False, None), id="zendesk-404"),
        pytest.param(MixpanelRateLimit(), Reply(429, body={"error": "rate limit exceeded"}), (True, None), id="mixpanel-429-backoff"),
        pytest.param(MixpanelRateLimit(), Reply(429, body="", headers={"Retry-After": "7"}), (True, 7.0), id="mixpanel-429-retry-after"),
        pytest.param(MailchimpRateLimit(), Reply(429, "members.429.json", headers={"Content-Type": "application/problem+json"}), (True, None), id="mailchimp-429"),
        pytest.param(MailchimpRateLimit(), Reply(401, "members.401.json", headers={"Content-Type": "application/problem+json"}), (False, None), id="mailchimp-401"),
        pytest.param(StripeRateLimit(), Reply(429, "customers.429.json"), (True, None), id="stripe-429"),
        pytest.param(StripeRateLimit(), Reply(429, "customers.429.json", headers={"Stripe-Should-Retry": "false"}), (False, None), id="stripe-429-should-retry-false"),
        pytest.param(StripeRateLimit(), Reply(400, "customers.400.json", headers={"Stripe-Should-Retry": "true"}), (True, None), id="stripe-400-should-retry-true"),
        pytest.param(StripeRateLimit(), Reply(400, "customers.400.json"), (False, None), id="stripe-400"),
        pytest.param(StripeRateLimit(), Reply(409, body={"error": {"type": "invalid_request_error", "code": "lock_timeout"}}), (True, None), id="stripe-409-lock"),
        pytest.param(RateLimitPolicy(), Reply(502, body="<html>Bad Gateway</html>"), (True, None), id="generic-502"),
        pytest.param(RateLimitPolicy(), Reply(504, body=""), (True, None), id="generic-504"),
        pytest.param(RateLimitPolicy(), Reply(501, body=""), (False, None), id="generic-501-not-transient"),
        pytest.param(RateLimitPolicy(), Reply(403, body={"message": "forbidden"}), (False, None), id="generic-403"),
    ],
)
def test_other_api_signals(server: FixtureServer, policy: RateLimitPolicy, reply: Reply, expected: tuple[bool, float | None]) -> None:
    """GIVEN an error response in an API's own style WHEN decided THEN retry and wait follow that API's rules."""
    decision = policy.decide(respond(server, reply), NOW)
    assert (decision.retry, decision.wait) == expected


@pytest.mark.parametrize(
    ("policy", "reply", "fragment"),
    [
        pytest.param(MailchimpRateLimit(), Reply(429, "members.429.json"), "limit of 10 simultaneous connections", id="mailchimp-problem-detail"),
        pytest.param(StripeRateLimit(), Reply(400, "customers.400.json"), "invalid_request_error: parameter_unknown: Received unknown parameter: foo", id="stripe-error-type"),
        pytest.param(ZendeskRateLimit(), Reply(404, body={"error": "RecordNotFound", "description": "Not found"}), "RecordNotFound: Not found", id="zendesk-description"),
        pytest.param(XRateLimit(), Reply(400, body={"errors": [{"message": "Invalid 'start_time'"}], "title": "Invalid Request"}), "Invalid Request: Invalid 'start_time'", id="x-errors"),
    ],
)
def test_reasons_quote_the_api(server: FixtureServer, policy: RateLimitPolicy, reply: Reply, fragment: str) -> None:
    """GIVEN an API error body WHEN decided THEN the reason quotes the API's own words."""
    assert fragment in policy.decide(respond(server, reply), NOW).reason


def test_zendesk_throttles_on_exhausted_ratelimit_headers(server: FixtureServer) -> None:
    """GIVEN ratelimit-remaining 0 and ratelimit-reset 12 WHEN throttled THEN pause 12 s."""
    reply = Reply(200, "users.page.2.json", headers={"ratelimit-remaining": "0", "ratelimit-reset": "12"})
    assert ZendeskRateLimit().throttle(respond(server, reply), NOW) == 12.0


def test_retry_decision_is_a_plain_value() -> None:
    """GIVEN two equal decisions WHEN compared THEN they are equal (policies are pure)."""
    assert RetryDecision(True, 1.0, "x") == RetryDecision(True, 1.0, "x")
