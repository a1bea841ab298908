"""Every pagination style, walked against recorded responses on a local server."""
from __future__ import annotations

from datetime import timedelta

import pytest

from extractors.engine.declarations import Setting, Stream
from extractors.engine.auth import BearerToken
from extractors.engine.errors import ExtractionError
from extractors.engine.incremental import HubSpotSearchFilter, ResumeToken
from extractors.engine.paginators import (
    GraphCursor,
    HubSpotAfter,
    HubSpotSearch,
    JsonLines,
    MailchimpOffset,
    SinglePage,
    StripeStartingAfter,
    XNextToken,
    ZendeskCursor,
    ZendeskIncrementalCursor,
)

from .conftest import FakeTime, FixtureServer, Reply, make_source
from .helpers import ids, run_stream

LIVE_TOKEN = "EAAGm0PX4ZCpsBAKlive"
GRAPH_SETTINGS = (Setting("access_token", "token", secret=True), Setting("ig_user_id", "account"))
GRAPH_ENV = {"PANTAU_INSTAGRAM_ACCESS_TOKEN": LIVE_TOKEN, "PANTAU_INSTAGRAM_IG_USER_ID": "17841405822304914"}
MEDIA = Stream("media", "/v21.0/{ig_user_id}/media", params={"fields": "id,caption"}, paginator=GraphCursor(limit=2))


def graph_source(server: FixtureServer):  # noqa: ANN201 - test helper
    return make_source(server.url, MEDIA, name="instagram", auth=BearerToken("access_token"), settings=GRAPH_SETTINGS)


def test_graph_cursor_follows_paging_next_without_the_token_in_urls(server: FixtureServer, fake_time: FakeTime) -> None:
    """GIVEN a media page whose paging.next URL carries access_token WHEN walked THEN page 2 is fetched with the token only in the header."""
    path = "/v21.0/17841405822304914/media"
    server.route("GET", path, Reply(200, "media.page.2.json"), match=lambda r: r.query.get("after") == "QVFIUnpLd")
    server.route("GET", path, Reply(200, "media.page.1.json"))
    pages, run = run_stream(graph_source(server), MEDIA, fake_time, env=GRAPH_ENV)
    assert ids(pages) == [["17895695668004550", "17899305451014820"], ["17912345678901234"]]
    assert [p.number for p in pages] == [1, 2]
    assert server.received[0].query == {"fields": "id,caption", "limit": "2"}
    assert server.received[1].query == {"fields": "id,caption", "limit": "2", "after": "QVFIUnpLd"}
    assert all(r.header("Authorization") == f"Bearer {LIVE_TOKEN}" for r in server.received)
    assert pages[1].request == f"GET {server.url}{path}?fields=id,caption&limit=2&after=QVFIUnpLd"
    assert (run.requests, run.pages_count, run.records_count) == (2, 2, 3)


def test_graph_next_url_failure_keeps_the_token_out_of_the_error(server: FixtureServer, fake_time: FakeTime) -> None:
    """GIVEN page 2 (from a next URL with access_token) failing for good WHEN walked THEN the error has no token."""
    path = "/v21.0/17841405822304914/media"
    server.route("GET", path, Reply(400, "media.400.code100.json"), match=lambda r: "after" in r.query)
    server.route("GET", path, Reply(200, "media.page.1.json"))
    with pytest.raises(ExtractionError) as raised:
        run_stream(graph_source(server), MEDIA, fake_time, env=GRAPH_ENV)
    assert LIVE_TOKEN not in str(raised.value)
    assert "instagram/media: GET" in str(raised.value) and "after=QVFIUnpLd" in str(raised.value)


def test_credential_params_are_redacted_in_page_requests(server: FixtureServer, fake_time: FakeTime) -> None:
    """GIVEN a stream whose URL must carry access_token WHEN a page is yielded THEN Page.request shows it REDACTED."""
    stream = Stream("page", "/v21.0/me", params={"access_token": "{access_token}", "fields": "id"}, record_path=(), paginator=SinglePage())
    source = make_source(server.url, stream, name="instagram", settings=GRAPH_SETTINGS)
    server.route("GET", "/v21.0/me", Reply(200, body={"id": "1"}))
    pages, _ = run_stream(source, stream, fake_time, env=GRAPH_ENV)
    assert server.received[0].query["access_token"] == LIVE_TOKEN
    assert pages[0].request == f"GET {server.url}/v21.0/me?access_token=REDACTED&fields=id"
    assert pages[0].records == [{"id": "1"}]


def test_graph_insights_stop_at_future_windows(server: FixtureServer, fake_time: FakeTime) -> None:
    """GIVEN insights whose paging.next window starts after now WHEN walked THEN only the first window is fetched."""
    stream = Stream("insights", "/v21.0/17841405822304914/insights", primary_key=("name",), paginator=GraphCursor())
    server.route("GET", stream.path, Reply(200, "insights.page.1.json"))
    pages, _ = run_stream(make_source(server.url, stream), stream, fake_time)
    assert len(server.received) == 1 and [p.records[0]["name"] for p in pages] == ["follower_count"]


def test_hubspot_after_paging(server: FixtureServer, fake_time: FakeTime) -> None:
    """GIVEN a contacts list with paging.next.after WHEN walked THEN after=102 is sent and the walk ends without paging."""
    stream = Stream("contacts", "/crm/v3/objects/contacts", record_path=("results",), paginator=HubSpotAfter(limit=2))
    server.route("GET", stream.path, Reply(200, "contacts.page.2.json"), match=lambda r: r.query.get("after") == "102")
    server.route("GET", stream.path, Reply(200, "contacts.page.1.json"))
    pages, _ = run_stream(make_source(server.url, stream), stream, fake_time)
    assert ids(pages) == [["101", "102"], ["103"]]
    assert [r.query for r in server.received] == [{"limit": "2"}, {"limit": "2", "after": "102"}]


SEARCH = Stream(
    "contacts_search",
    "/crm/v3/objects/contacts/search",
    method="POST",
    record_path=("results",),
    cursor_field="properties.hs_lastmodifieddate",
    json_body={"properties": ["email", "hs_lastmodifieddate"]},
    paginator=HubSpotSearch(limit=2, max_results=4),
    incremental=HubSpotSearchFilter("hs_lastmodifieddate", lookback=timedelta(0)),
)


def gte_value(received) -> str:  # noqa: ANN001 - test helper
    return received.body["filterGroups"][0]["filters"][-1]["value"]


def test_hubspot_search_re_anchors_at_the_result_cap(server: FixtureServer, fake_time: FakeTime) -> None:
    """GIVEN a search whose after reaches the cap (4 here, 10,000 live) WHEN walked THEN a new search starts GTE the last value, skipping ids already yielded."""
    path = SEARCH.path
    # 2024-05-01T00:00:03Z is 1714521603000 ms: the last value seen before the cap.
    server.route("POST", path, Reply(200, "contacts.search.anchored.page.1.json"), match=lambda r: gte_value(r) == "1714521603000")
    server.route("POST", path, Reply(200, "contacts.search.page.2.json"), match=lambda r: r.body.get("after") == "2")
    server.route("POST", path, Reply(200, "contacts.search.page.1.json"), match=lambda r: gte_value(r) == "0")
    pages, run = run_stream(make_source(server.url, SEARCH, name="hubspot"), SEARCH, fake_time)
    assert ids(pages) == [["1", "2"], ["3", "4"], ["5"]]
    assert [r.body for r in server.received] == [
        {
            "properties": ["email", "hs_lastmodifieddate"],
            "filterGroups": [{"filters": [{"propertyName": "hs_lastmodifieddate", "operator": "GTE", "value": "0"}]}],
            "sorts": [{"propertyName": "hs_lastmodifieddate", "direction": "ASCENDING"}],
            "limit": 2,
        },
        {
            "properties": ["email", "hs_lastmodifieddate"],
            "filterGroups": [{"filters": [{"propertyName": "hs_lastmodifieddate", "operator": "GTE", "value": "0"}]}],
            "sorts": [{"propertyName": "hs_lastmodifieddate", "direction": "ASCENDING"}],
            "limit": 2,
            "after": "2",
        },
        {
            "properties": ["email", "hs_lastmodifieddate"],
            "filterGroups": [{"filters": [{"propertyName": "hs_lastmodifieddate", "operator": "GTE", "value": "1714521603000"}]}],
            "sorts": [{"propertyName": "hs_lastmodifieddate", "direction": "ASCENDING"}],
            "limit": 2,
        },
    ]
    assert pages[0].request.startswith(f"POST {server.url}{path} {{\"properties\":")
    assert run.state_after == {"cursor": "2024-05-01T00:00:03+00:00"}


def test_hubspot_search_fails_clearly_when_it_cannot_re_anchor(server: FixtureServer, fake_time: FakeTime) -> None:
    """GIVEN more records at one timestamp than the cap WHEN re-anchoring makes no progress THEN a clear ExtractionError."""
    stuck = {
        "results": [
            {"id": "1", "properties": {"hs_lastmodifieddate": "2024-05-01T00:00:03.000Z"}},
            {"id": "2", "properties": {"hs_lastmodifieddate": "2024-05-01T00:00:03.000Z"}},
        ],
        "paging": {"next": {"after": "4"}},
    }
    server.route("POST", SEARCH.path, Reply(200, body=stuck))
    with pytest.raises(ExtractionError, match="cannot re-anchor"):
        run_stream(make_source(server.url, SEARCH, name="hubspot"), SEARCH, fake_time)
    assert len(server.received) == 2


TICKETS = Stream(
    "tickets",
    "/api/v2/incremental/tickets/cursor.json",
    record_path=("tickets",),
    cursor_field="updated_at",
    paginator=ZendeskIncrementalCursor(),
    incremental=ResumeToken(start=timedelta(days=30)),
)


def test_zendesk_incremental_cursor_runs_to_end_of_stream(server: FixtureServer, fake_time: FakeTime) -> None:
    """GIVEN a first export (start_time) over two pages WHEN walked THEN the cursor is followed until end_of_stream and saved."""
    server.route("GET", TICKETS.path, Reply(200, "tickets.cursor.2.json"), match=lambda r: r.query.get("cursor") == "MTU4MDc1Mzc5OC4wfHw0MzJ8")
    server.route("GET", TICKETS.path, Reply(200, body={"tickets": [], "end_of_stream": True}), match=lambda r: "cursor" in r.query)
    server.route("GET", TICKETS.path, Reply(200, "tickets.cursor.1.json"))
    pages, run = run_stream(make_source(server.url, TICKETS, name="zendesk"), TICKETS, fake_time)
    assert ids(pages) == [[1, 2], [3]]
    # NOW 2024-05-10T00:00Z minus 30 days = 2024-04-10T00:00Z = 1712707200.
    assert [r.query for r in server.received] == [{"start_time": "1712707200"}, {"cursor": "MTU4MDc1Mzc5OC4wfHw0MzJ8"}]
    assert run.state_after == {"cursor": "MTU4MDgyNjA4Ni4wfHw0NTB8"}


def test_zendesk_incremental_cursor_resumes_from_saved_cursor(server: FixtureServer, fake_time: FakeTime) -> None:
    """GIVEN a saved cursor WHEN the next run starts THEN it sends cursor (no start_time) and keeps the new after_cursor."""
    server.route("GET", TICKETS.path, Reply(200, "tickets.cursor.2.json"))
    pages, run = run_stream(make_source(server.url, TICKETS, name="zendesk"), TICKETS, fake_time, state={"cursor": "OLDCURSOR"})
    assert [r.query for r in server.received] == [{"cursor": "OLDCURSOR"}]
    assert run.state_after == {"cursor": "MTU4MDgyNjA4Ni4wfHw0NTB8"}


def test_zendesk_cursor_pagination(server: FixtureServer, fake_time: FakeTime) -> None:
    """GIVEN users with meta.has_more WHEN walked THEN page[after] carries meta.after_cursor until has_more is false."""
    stream = Stream("users", "/api/v2/users.json", record_path=("users",), paginator=ZendeskCursor(page_size=2))
    server.route("GET", stream.path, Reply(200, "users.page.2.json"), match=lambda r: r.query.get("page[after]") == "xXaf")
    server.route("GET", stream.path, Reply(200, "users.page.1.json"))
    pages, _ = run_stream(make_source(server.url, stream), stream, fake_time)
    assert ids(pages) == [[11, 12], [13]]
    assert [r.query for r in server.received] == [{"page[size]": "2"}, {"page[size]": "2", "page[after]": "xXaf"}]


def test_x_next_token(server: FixtureServer, fake_time: FakeTime) -> None:
    """GIVEN tweets with meta.next_token WHEN walked THEN pagination_token is sent and the walk ends without a token."""
    stream = Stream("tweets", "/2/users/42/tweets", params={"max_results": 100}, paginator=XNextToken())
    token = "7140dibdnow9c7btw3z2vwioavpvutgzrzm9icis4ndix"
    server.route("GET", stream.path, Reply(200, "tweets.page.2.json"), match=lambda r: r.query.get("pagination_token") == token)
    server.route("GET", stream.path, Reply(200, "tweets.page.1.json"))
    pages, _ = run_stream(make_source(server.url, stream), stream, fake_time)
    assert ids(pages) == [["1786000000000000002", "1786000000000000001"], ["1785000000000000000"]]
    assert [r.query for r in server.received] == [{"max_results": "100"}, {"max_results": "100", "pagination_token": token}]


def test_x_empty_result_has_no_data_key(server: FixtureServer, fake_time: FakeTime) -> None:
    """GIVEN an X response with only meta WHEN walked THEN one page with no records."""
    stream = Stream("tweets", "/2/users/42/tweets", paginator=XNextToken())
    server.route("GET", stream.path, Reply(200, "tweets.empty.json"))
    pages, _ = run_stream(make_source(server.url, stream), stream, fake_time)
    assert [p.records for p in pages] == [[]]


def test_stripe_starting_after(server: FixtureServer, fake_time: FakeTime) -> None:
    """GIVEN customers with has_more WHEN walked THEN starting_after is the last id of the previous page."""
    stream = Stream("customers", "/v1/customers", paginator=StripeStartingAfter(limit=2))
    server.route("GET", stream.path, Reply(200, "customers.page.2.json"), match=lambda r: r.query.get("starting_after") == "cus_A2")
    server.route("GET", stream.path, Reply(200, "customers.page.1.json"))
    pages, _ = run_stream(make_source(server.url, stream), stream, fake_time)
    assert ids(pages) == [["cus_A1", "cus_A2"], ["cus_A3"]]
    assert [r.query for r in server.received] == [{"limit": "2"}, {"limit": "2", "starting_after": "cus_A2"}]


def test_stripe_starting_after_skips_a_last_object_without_id(server: FixtureServer, fake_time: FakeTime) -> None:
    """GIVEN a page whose last object lost its id WHEN walked THEN the next page starts after the last
    object that has one (not from the first page again, which looped for ever)."""
    stream = Stream("customers", "/v1/customers", paginator=StripeStartingAfter(limit=2))
    server.route("GET", stream.path, Reply(200, body={"data": [{"id": "cus_A3"}], "has_more": False}),
                 match=lambda r: r.query.get("starting_after") == "cus_A1")
    server.route("GET", stream.path, Reply(200, body={"data": [{"id": "cus_A1"}, {"name": "no id"}], "has_more": True}))
    pages, _ = run_stream(make_source(server.url, stream), stream, fake_time)
    assert [len(p.records) for p in pages] == [2, 1]
    assert [r.query for r in server.received] == [{"limit": "2"}, {"limit": "2", "starting_after": "cus_A1"}]


@pytest.mark.parametrize(
    ("page", "reason"),
    [
        pytest.param({"data": [{"name": "no id"}], "has_more": True}, "no object id", id="no-id-on-the-page"),
        pytest.param({"data": [{"id": "cus_A1"}], "has_more": True}, r"same object \(cus_A1\) again", id="cursor-stuck"),
    ],
)
def test_stripe_starting_after_fails_rather_than_loop(page, reason, server: FixtureServer, fake_time: FakeTime) -> None:
    """GIVEN has_more with no id to continue after, or a page that ends where the last one did
    WHEN walked THEN the stream fails naming why, after at most two requests."""
    stream = Stream("customers", "/v1/customers", paginator=StripeStartingAfter(limit=2))
    server.route("GET", stream.path, Reply(200, body=page))
    with pytest.raises(ExtractionError, match=reason):
        run_stream(make_source(server.url, stream), stream, fake_time)
    assert len(server.received) <= 2


@pytest.mark.parametrize(
    ("replies", "expected_offsets"),
    [
        pytest.param(["members.page.1.json", "members.page.2.json"], ["0", "2"], id="short-last-page"),
        pytest.param(
            [
                {"members": [{"id": "m1"}, {"id": "m2"}], "total_items": 10},
                {"members": [{"id": "m3"}], "total_items": 10},
            ],
            ["0", "2"],
            id="short-page-before-total",
        ),
        pytest.param(
            [
                {"members": [{"id": "m1"}, {"id": "m2"}], "total_items": 4},
                {"members": [{"id": "m3"}, {"id": "m4"}], "total_items": 4},
            ],
            ["0", "2"],
            id="offset-reaches-total",
        ),
    ],
)
def test_mailchimp_offset(server: FixtureServer, fake_time: FakeTime, replies: list, expected_offsets: list[str]) -> None:
    """GIVEN list members WHEN walked with count 2 THEN offsets advance by 2 and stop at total_items or a short page."""
    stream = Stream("members", "/3.0/lists/57afe96172/members", record_path=("members",), paginator=MailchimpOffset(count=2))
    for offset, reply in zip(expected_offsets, replies):
        as_reply = Reply(200, reply) if isinstance(reply, str) else Reply(200, body=reply)
        server.route("GET", stream.path, as_reply, match=lambda r, o=offset: r.query.get("offset") == o)
    run_stream(make_source(server.url, stream), stream, fake_time)
    assert [r.query for r in server.received] == [{"count": "2", "offset": o} for o in expected_offsets]


def test_json_lines_are_batched_and_bad_lines_kept(server: FixtureServer, fake_time: FakeTime) -> None:
    """GIVEN 5 export lines, the third malformed WHEN walked in batches of 2 lines THEN pages of 2, 1(+1 reject), 1."""
    stream = Stream("events", "/api/2.0/export", primary_key=("properties.$insert_id",), record_path=(), paginator=JsonLines(batch_size=2))
    server.route("GET", stream.path, Reply(200, "export.page.1.jsonl", headers={"Content-Type": "text/plain"}))
    pages, run = run_stream(make_source(server.url, stream), stream, fake_time)
    assert [[r["properties"]["$insert_id"] for r in p.records] for p in pages] == [["a1", "a2"], ["a4"], ["a5"]]
    assert [len(p.rejects) for p in pages] == [0, 1, 0]
    assert '"$insert_id":"a3"' in pages[1].rejects[0].raw
    assert (run.records_count, run.rejects_count, run.requests) == (4, 1, 1)
