"""The HTTP client: bounded retries, waits, timeouts and secrets kept out of errors."""
from __future__ import annotations

import json
import logging
import math
import socket
from typing import Any

import pytest
import requests

from extractors.engine.auth import BasicAuth, BearerToken, QueryParam
from extractors.engine.declarations import Setting
from extractors.engine.errors import ExtractionError
from extractors.engine.http import Request, loads
from extractors.engine.rate_limits import GraphApiRateLimit, HubSpotRateLimit, XRateLimit, ZendeskRateLimit

from .conftest import FakeTime, FixtureServer, Reply, make_client, make_source

TOKEN = "EAAGm0PX4ZCpsBAKsecret"
TOKEN_SETTING = (Setting("access_token", "token", secret=True),)
TOKEN_ENV = {"PANTAU_DEMO_ACCESS_TOKEN": TOKEN}


class RecordingSession(requests.Session):
    """A real requests session that remembers the keyword arguments of every request."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[dict[str, Any]] = []

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        self.calls.append({"method": method, "url": url, **kwargs})
        return super().request(method, url, *args, **kwargs)


def get(server: FixtureServer, client: Any, path: str = "/items", stream: str = "items") -> Any:
    return client.get_json(stream, Request("GET", server.url + path))


def test_transient_errors_are_retried_then_succeed(server: FixtureServer, fake_time: FakeTime) -> None:
    """GIVEN 503, 502 then 200 WHEN fetched THEN three requests, two retries, backoff 1 s then 2 s (jitter at top)."""
    server.route("GET", "/items", Reply(503, body="busy"), Reply(502, body="bad"), Reply(200, body={"data": [1]}))
    client = make_client(make_source(server.url), fake_time)
    assert get(server, client) == {"data": [1]}
    assert (client.requests, client.retries) == (3, 2)
    assert fake_time.sleeps == [1.0, 2.0]


@pytest.mark.parametrize(("attempts", "env"), [pytest.param(5, {}, id="default-5"), pytest.param(3, {"PANTAU_HTTP_MAX_ATTEMPTS": "3"}, id="env-3")])
def test_retries_are_bounded(server: FixtureServer, fake_time: FakeTime, attempts: int, env: dict[str, str]) -> None:
    """GIVEN a server that always answers 500 WHEN fetched THEN exactly N attempts, then ExtractionError."""
    server.route("GET", "/items", Reply(500, body={"message": "boom"}))
    client = make_client(make_source(server.url), fake_time, env)
    with pytest.raises(ExtractionError) as raised:
        get(server, client)
    assert len(server.received) == attempts
    assert raised.value.status == 500 and raised.value.attempts == attempts
    assert str(raised.value) == f"demo/items: GET {server.url}/items failed after {attempts} attempts: HTTP 500 boom"


def test_backoff_is_full_jitter_capped(server: FixtureServer, fake_time: FakeTime) -> None:
    """GIVEN 8 failing attempts WHEN retried THEN each sleep draws uniform(0, min(60, 2**(n-1)))."""
    drawn: list[tuple[float, float]] = []

    def record_uniform(low: float, high: float) -> float:
        drawn.append((low, high))
        return high / 2

    server.route("GET", "/items", Reply(503, body=""))
    client = make_client(make_source(server.url), fake_time, {"PANTAU_HTTP_MAX_ATTEMPTS": "8"}, random=record_uniform)
    with pytest.raises(ExtractionError):
        get(server, client)
    assert drawn == [(0.0, 1.0), (0.0, 2.0), (0.0, 4.0), (0.0, 8.0), (0.0, 16.0), (0.0, 32.0), (0.0, 60.0)]
    assert fake_time.sleeps == [0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 30.0]


def test_server_given_wait_replaces_backoff(server: FixtureServer, fake_time: FakeTime) -> None:
    """GIVEN a Zendesk 429 with Retry-After 93 WHEN fetched THEN the client sleeps exactly 93 s once."""
    server.route("GET", "/items", Reply(429, "tickets.429.json", headers={"Retry-After": "93"}), Reply(200, body={"tickets": []}))
    client = make_client(make_source(server.url, rate_limit=ZendeskRateLimit()), fake_time)
    get(server, client)
    assert fake_time.sleeps == [93.0]


def test_x_reset_epoch_is_waited_for(server: FixtureServer, fake_time: FakeTime) -> None:
    """GIVEN an X 429 resetting 120 s from now WHEN fetched THEN the client sleeps 121 s (1 s margin) and retries."""
    reset = str(int(fake_time.now) + 120)
    server.route("GET", "/items", Reply(429, "tweets.429.json", headers={"x-rate-limit-reset": reset}), Reply(200, "tweets.page.2.json"))
    client = make_client(make_source(server.url, rate_limit=XRateLimit()), fake_time)
    get(server, client)
    assert fake_time.sleeps == [121.0]


def test_wait_beyond_the_cap_fails_instead_of_hanging(server: FixtureServer, fake_time: FakeTime) -> None:
    """GIVEN Graph asks to regain access in 19 minutes WHEN the cap is 300 s THEN fail at once, naming the cap."""
    headers = {"X-Business-Use-Case-Usage": '{"1":[{"type":"instagram","call_count":100,"total_time":1,"total_cputime":1,"estimated_time_to_regain_access":19}]}'}
    server.route("GET", "/items", Reply(403, "media.403.code80002.json", headers=headers))
    client = make_client(make_source(server.url, rate_limit=GraphApiRateLimit()), fake_time)
    with pytest.raises(ExtractionError) as raised:
        get(server, client)
    assert len(server.received) == 1 and fake_time.sleeps == []
    assert "1140 s" in str(raised.value) and "PANTAU_HTTP_MAX_WAIT_SECONDS=300" in str(raised.value)


def test_proactive_throttle_pauses_the_next_request(server: FixtureServer, fake_time: FakeTime) -> None:
    """GIVEN a HubSpot success with no calls left in a 10 s window WHEN the next call is made THEN it waits 10 s first."""
    exhausted = {"X-HubSpot-RateLimit-Remaining": "0", "X-HubSpot-RateLimit-Interval-Milliseconds": "10000"}
    server.route("GET", "/items", Reply(200, "contacts.page.2.json", headers=exhausted))
    client = make_client(make_source(server.url, rate_limit=HubSpotRateLimit()), fake_time)
    get(server, client)
    assert fake_time.sleeps == []
    get(server, client)
    assert fake_time.sleeps == [10.0]


def test_proactive_throttle_beyond_the_cap_fails_before_calling(server: FixtureServer, fake_time: FakeTime) -> None:
    """GIVEN X reports 0 calls left until an hour from now WHEN another call is due THEN fail without sending it."""
    headers = {"x-rate-limit-remaining": "0", "x-rate-limit-reset": str(int(fake_time.now) + 3600)}
    server.route("GET", "/items", Reply(200, "tweets.page.2.json", headers=headers))
    client = make_client(make_source(server.url, rate_limit=XRateLimit()), fake_time)
    get(server, client)
    with pytest.raises(ExtractionError, match="rate budget exhausted"):
        get(server, client)
    assert len(server.received) == 1


def test_hubspot_daily_limit_fails_fast(server: FixtureServer, fake_time: FakeTime) -> None:
    """GIVEN HubSpot's DAILY policy 429 WHEN fetched THEN one attempt and a clear error, no sleeping."""
    server.route("GET", "/items", Reply(429, "contacts.429.daily.json"))
    client = make_client(make_source(server.url, rate_limit=HubSpotRateLimit()), fake_time)
    with pytest.raises(ExtractionError, match="daily API limit reached") as raised:
        get(server, client)
    assert len(server.received) == 1 and fake_time.sleeps == [] and raised.value.status == 429


def test_non_retryable_4xx_fails_immediately_with_the_api_message(server: FixtureServer, fake_time: FakeTime) -> None:
    """GIVEN a Graph code 100 error WHEN fetched THEN one attempt and the error carries Graph's message."""
    server.route("GET", "/items", Reply(400, "media.400.code100.json"))
    client = make_client(make_source(server.url, rate_limit=GraphApiRateLimit()), fake_time)
    with pytest.raises(ExtractionError) as raised:
        get(server, client)
    assert len(server.received) == 1
    assert str(raised.value) == (
        f"demo/items: GET {server.url}/items failed after 1 attempt: HTTP 400 "
        "OAuthException: 100: (#100) Tried accessing nonexisting field (impressionz) on node type (Media)"
    )


def test_truncated_json_body_is_retried(server: FixtureServer, fake_time: FakeTime) -> None:
    """GIVEN a 200 whose body is cut mid-JSON WHEN fetched THEN it is retried and the good body returned."""
    server.route("GET", "/items", Reply(200, body='{"data": [{"id": 1}, {"id'), Reply(200, body={"data": [{"id": 1}]}))
    client = make_client(make_source(server.url), fake_time)
    assert get(server, client) == {"data": [{"id": 1}]}
    assert client.retries == 1


LINES = '{"id":1}\n{"id":2}\n{"id":3}\n'  # 27 bytes; the first line ends at byte 9


def read_lines(server: FixtureServer, client: Any, handed_out: list[str] | None = None) -> list[str]:
    handed_out = [] if handed_out is None else handed_out
    with client.lines("items", Request("GET", server.url + "/lines")) as lines:
        handed_out.extend(lines)
    return handed_out


@pytest.mark.parametrize(
    "broken",
    [
        pytest.param(Reply(200, body=LINES, cut_at=12), id="dropped-after-a-whole-line"),
        pytest.param(Reply(200, body=LINES, delay=0.6, delay_at=12), id="stalled-beyond-the-read-timeout"),
    ],
)
def test_a_streamed_body_broken_mid_way_is_fetched_again(server: FixtureServer, fake_time: FakeTime, broken: Reply) -> None:
    """GIVEN a streamed response that breaks off (or stalls past the 0.2 s read timeout) after its first line
    WHEN read line by line THEN the request is repeated once, after 1 s backoff, and each line is handed out once."""
    server.route("GET", "/lines", broken, Reply(200, body=LINES))
    client = make_client(make_source(server.url, read_timeout=0.2), fake_time)
    assert read_lines(server, client) == ['{"id":1}', '{"id":2}', '{"id":3}']
    assert (len(server.received), client.requests, client.retries) == (2, 2, 1)
    assert fake_time.sleeps == [1.0]


def test_a_stream_broken_on_every_attempt_fails_naming_the_attempts(
    server: FixtureServer, fake_time: FakeTime, caplog: pytest.LogCaptureFixture
) -> None:
    """GIVEN a streamed response cut after 12 of its 27 bytes every time, and a token in the query
    WHEN read with 3 attempts THEN no line is handed out, and the error names source, stream, redacted URL,
    the 3 attempts and the cut; the token is in neither the error nor the logs."""
    server.route("GET", "/lines", Reply(200, body=LINES, cut_at=12))
    source = make_source(server.url, auth=QueryParam("api_key", "access_token"), settings=TOKEN_SETTING)
    client = make_client(source, fake_time, {**TOKEN_ENV, "PANTAU_HTTP_MAX_ATTEMPTS": "3"})
    handed_out: list[str] = []
    with caplog.at_level(logging.WARNING, logger="pantau.extractors"), pytest.raises(ExtractionError) as raised:
        read_lines(server, client, handed_out)
    assert handed_out == [] and len(server.received) == 3
    assert server.received[0].query["api_key"] == TOKEN
    assert (raised.value.source, raised.value.stream, raised.value.status, raised.value.attempts) == ("demo", "items", 200, 3)
    cut = "IncompleteRead(12 bytes read, 15 more expected)"
    assert str(raised.value) == (
        f"demo/items: GET {server.url}/lines failed after 3 attempts: HTTP 200 body broke off: "
        f"ChunkedEncodingError: ('Connection broken: {cut}', {cut})"
    )
    assert caplog.text.count("failed (HTTP 200 body broke off: ChunkedEncodingError") == 2
    assert TOKEN not in str(raised.value) and TOKEN not in caplog.text


def test_a_streamed_body_is_read_whole_and_its_file_removed(server: FixtureServer, fake_time: FakeTime, tmp_path: Any) -> None:
    """GIVEN a body with \\r\\n, \\r and blank-line endings and a multi-byte character WHEN read through a scratch
    directory THEN the non-blank lines come out decoded, and nothing is left in the directory."""
    server.route("GET", "/lines", Reply(200, body='{"a":"é"}\r\n\r\n{"b":2}\r{"c":3}\n\n{"d":4}'))
    client = make_client(make_source(server.url), fake_time, scratch_dir=tmp_path)
    assert read_lines(server, client) == ['{"a":"é"}', '{"b":2}', '{"c":3}', '{"d":4}']
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "broken",
    [
        pytest.param(Reply(200, body={"data": [{"id": 1}, {"id": 2}]}, cut_at=20), id="cut-mid-json"),
        # The first 13 bytes are JSON by themselves: only the short body gives the cut away.
        pytest.param(Reply(200, body='{"data": [1]}          ', cut_at=13), id="cut-after-a-json-prefix"),
        pytest.param(Reply(200, body={"data": [{"id": 1}, {"id": 2}]}, delay=0.6, delay_at=20), id="stalled"),
    ],
)
def test_a_json_body_broken_mid_way_is_fetched_again(
    server: FixtureServer, fake_time: FakeTime, caplog: pytest.LogCaptureFixture, broken: Reply
) -> None:
    """GIVEN a page whose body breaks off or stalls past the read timeout once WHEN fetched
    THEN it is requested again, only the whole second body is returned, and the log says the 200's body broke off."""
    server.route("GET", "/items", broken, Reply(200, body={"data": [{"id": 1}, {"id": 2}, {"id": 3}]}))
    client = make_client(make_source(server.url, read_timeout=0.2), fake_time)
    with caplog.at_level(logging.WARNING, logger="pantau.extractors"):
        assert get(server, client) == {"data": [{"id": 1}, {"id": 2}, {"id": 3}]}
    assert (len(server.received), client.retries, fake_time.sleeps) == (2, 1, [1.0])
    assert "attempt 1/5 failed (HTTP 200 body broke off: " in caplog.text


def test_every_request_carries_connect_and_read_timeouts(server: FixtureServer, fake_time: FakeTime) -> None:
    """GIVEN a source with 2 s connect / 5 s read timeouts WHEN requests (including retries and streams) are made THEN each passes both."""
    server.route("GET", "/items", Reply(503, body=""), Reply(200, body={"data": []}))
    server.route("GET", "/lines", Reply(200, body='{"a": 1}\n'))
    session = RecordingSession()
    client = make_client(make_source(server.url), fake_time, session=session)
    get(server, client)
    with client.lines("items", Request("GET", server.url + "/lines")) as lines:
        list(lines)
    assert [call["timeout"] for call in session.calls] == [(2.0, 5.0)] * 3
    assert [call["stream"] for call in session.calls] == [True, True, True]


def test_real_read_timeout_against_a_slow_server(server: FixtureServer, fake_time: FakeTime) -> None:
    """GIVEN a server slower than the 0.2 s read timeout WHEN fetched with 2 attempts THEN both time out and the error says so."""
    server.route("GET", "/items", Reply(200, body={"data": []}, delay=0.6))
    source = make_source(server.url, read_timeout=0.2)
    client = make_client(source, fake_time, {"PANTAU_HTTP_MAX_ATTEMPTS": "2"})
    with pytest.raises(ExtractionError) as raised:
        get(server, client)
    assert raised.value.status is None and raised.value.attempts == 2
    assert "ReadTimeout" in str(raised.value)


def test_the_read_timeout_variable_replaces_the_declared_one(server: FixtureServer, fake_time: FakeTime) -> None:
    """GIVEN a source declaring a 60 s read timeout and PANTAU_HTTP_READ_TIMEOUT_SECONDS=0.2 WHEN a
    server stalls 0.6 s on every attempt THEN each attempt gives up after 0.2 s, not 60 s."""
    server.route("GET", "/items", Reply(200, body={"data": []}, delay=0.6))
    source = make_source(server.url, read_timeout=60.0)
    client = make_client(source, fake_time, {"PANTAU_HTTP_MAX_ATTEMPTS": "2", "PANTAU_HTTP_READ_TIMEOUT_SECONDS": "0.2"})
    with pytest.raises(ExtractionError) as raised:
        get(server, client)
    assert raised.value.attempts == 2 and "ReadTimeout" in str(raised.value)


def test_connection_refused_is_retried_then_reported(fake_time: FakeTime) -> None:
    """GIVEN nothing listening on the port WHEN fetched THEN every attempt is made and the error has no status."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    client = make_client(make_source(url), fake_time, {"PANTAU_HTTP_MAX_ATTEMPTS": "3"})
    with pytest.raises(ExtractionError) as raised:
        client.get_json("items", Request("GET", url + "/items"))
    assert raised.value.attempts == 3 and raised.value.status is None
    assert "ConnectionError" in str(raised.value)


def test_bearer_token_never_appears_in_errors_or_logs(server: FixtureServer, fake_time: FakeTime, caplog: pytest.LogCaptureFixture) -> None:
    """GIVEN a bearer token echoed back by a failing server WHEN retries run out THEN neither error nor logs contain it."""
    server.route("GET", "/items", Reply(500, body={"message": f"bad header Authorization: Bearer {TOKEN} rejected"}))
    source = make_source(server.url, auth=BearerToken("access_token"), settings=TOKEN_SETTING)
    client = make_client(source, fake_time, {**TOKEN_ENV, "PANTAU_HTTP_MAX_ATTEMPTS": "2"})
    with caplog.at_level(logging.WARNING, logger="pantau.extractors"), pytest.raises(ExtractionError) as raised:
        client.get_json("items", Request("GET", server.url + "/items", {"access_token": TOKEN, "q": "x"}))
    assert server.received[0].header("Authorization") == f"Bearer {TOKEN}"
    assert TOKEN not in str(raised.value) and TOKEN not in caplog.text
    assert "access_token=REDACTED&q=x" in str(raised.value)
    assert "attempt 1/2 failed (HTTP 500" in caplog.text


@pytest.mark.parametrize(
    ("auth", "env", "expected"),
    [
        pytest.param(
            BasicAuth(username_setting="email", username_suffix="/token", password_setting="api_token"),
            {"PANTAU_DEMO_EMAIL": "ops@example.com", "PANTAU_DEMO_API_TOKEN": "zd-tok"},
            ("Authorization", "Basic b3BzQGV4YW1wbGUuY29tL3Rva2VuOnpkLXRvaw=="),
            id="zendesk-email-token",
        ),
        pytest.param(
            BasicAuth(username="anystring", password_setting="api_key"),
            {"PANTAU_DEMO_API_KEY": "mc-key-us21"},
            ("Authorization", "Basic YW55c3RyaW5nOm1jLWtleS11czIx"),
            id="mailchimp-anystring",
        ),
        pytest.param(
            BasicAuth(username_setting="secret_key"),
            {"PANTAU_DEMO_SECRET_KEY": "sk_test_123"},
            ("Authorization", "Basic c2tfdGVzdF8xMjM6"),
            id="stripe-key-empty-password",
        ),
        pytest.param(BearerToken("access_token"), TOKEN_ENV, ("Authorization", f"Bearer {TOKEN}"), id="bearer"),
    ],
)
def test_auth_styles_reach_the_server(server: FixtureServer, fake_time: FakeTime, auth: Any, env: dict[str, str], expected: tuple[str, str]) -> None:
    """GIVEN an auth style WHEN a request is sent THEN the server sees the exact credential header."""
    settings = tuple(Setting(k.removeprefix("PANTAU_DEMO_").lower(), "", secret=True) for k in env)
    server.route("GET", "/items", Reply(200, body={}))
    get(server, make_client(make_source(server.url, auth=auth, settings=settings), fake_time, env))
    assert server.received[0].header(expected[0]) == expected[1]


def test_query_param_auth_is_sent_but_redacted_in_descriptions(server: FixtureServer, fake_time: FakeTime) -> None:
    """GIVEN QueryParam auth WHEN a request is sent THEN the server gets the key and the description does not show it."""
    source = make_source(server.url, auth=QueryParam("api_key", "access_token"), settings=TOKEN_SETTING)
    server.route("GET", "/items", Reply(200, body={}))
    client = make_client(source, fake_time, TOKEN_ENV)
    get(server, client)
    assert server.received[0].query["api_key"] == TOKEN
    assert TOKEN not in client.describe(Request("GET", server.url + "/items", {"api_key": TOKEN}))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param('{"id": 18446744073709551615, "n": -9223372036854775808}', {"id": 2**64 - 1, "n": -(2**63)}, id="64-bit-edges"),
        pytest.param('{"id": 123456789012345678901234567890}', {"id": 123456789012345678901234567890}, id="beyond-64-bits"),
        pytest.param(b'{"id": "123456789012345678901234567890", "x": 0.1}', {"id": "123456789012345678901234567890", "x": 0.1}, id="long-digits-in-a-string"),
        pytest.param('{"name": "Sinta \\u00d1and\\u00fa \\ud83c\\udf0f", "ok": true, "none": null}', {"name": "Sinta Ñandú 🌏", "ok": True, "none": None}, id="escapes"),
    ],
)
def test_loads_reads_json_exactly(text: str | bytes, expected: Any) -> None:
    """GIVEN JSON text WHEN parsed THEN the values are exactly the standard library's, big integers included."""
    value = loads(text)
    assert value == expected and value == json.loads(text)
    assert [type(v) for v in value.values()] == [type(v) for v in expected.values()]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param('{"x": NaN}', id="nan"),
        pytest.param('{"x": Infinity}', id="infinity"),
        pytest.param('{"x": 1e400}', id="overflowing-float"),
        pytest.param('{"x": 1', id="truncated"),
    ],
)
def test_loads_refuses_what_is_not_json(text: str) -> None:
    """GIVEN text that is not JSON (NaN and Infinity are not) WHEN parsed THEN ValueError."""
    with pytest.raises(ValueError):
        loads(text)


def test_a_success_body_with_nan_is_still_read(server: FixtureServer, fake_time: FakeTime) -> None:
    """GIVEN a 200 whose JSON holds NaN (a sloppy encoder) WHEN fetched THEN the standard parser reads it,
    so the spool can quarantine that one record instead of the page failing."""
    server.route("GET", "/items", Reply(200, body='{"data": [{"id": 1, "x": NaN}, {"id": 2}]}'))
    body = get(server, make_client(make_source(server.url), fake_time))
    assert body["data"][1] == {"id": 2} and math.isnan(body["data"][0]["x"])
