"""Running declared streams: fan-out, placeholders, incremental state, lineage, keys."""
from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from extractors.engine.auth import BearerToken
from extractors.engine.config import SourceConfig
from extractors.engine.declarations import ForEachRecordOf, ForEachSetting, Setting, Stream
from extractors.engine.errors import ConfigError, MalformedRecord
from extractors.engine.http import HttpClient
from extractors.engine.incremental import DayWindows, SinceParam
from extractors.engine.paginators import GraphCursor, JsonLines, SinglePage
from extractors.engine.runner import StreamRun, cursor_value, record_key

from .conftest import FakeTime, FixtureServer, Reply, make_source
from .helpers import NOW, ids, run_stream

TOKEN = "EAAGm0PX4ZCpsBAKsecret"
SETTINGS = (
    Setting("access_token", "token", secret=True),
    Setting("ig_user_id", "account"),
    Setting("competitor_usernames", "competitor handles", required=False, is_list=True),
)
ENV = {"PANTAU_INSTAGRAM_ACCESS_TOKEN": TOKEN, "PANTAU_INSTAGRAM_IG_USER_ID": "17841405822304914"}

MEDIA = Stream(
    "media",
    "/v21.0/{ig_user_id}/media",
    params={"fields": "id,caption,media_type,like_count,comments_count,timestamp"},
    cursor_field="timestamp",
    paginator=GraphCursor(limit=2),
    incremental=SinceParam("since", "unix", lookback=timedelta(days=3), until_param="until"),
)
COMMENTS = Stream(
    "comments",
    "/v21.0/{media_id}/comments",
    params={"fields": "id,text,username,timestamp"},
    paginator=GraphCursor(),
    fan_out=ForEachRecordOf("media", {"media_id": "id"}, where=lambda media: media.get("comments_count", 0) > 0),
)


def instagram(server: FixtureServer, *streams: Stream):  # noqa: ANN201 - test helper
    return make_source(server.url, *streams, name="instagram", auth=BearerToken("access_token"), settings=SETTINGS)


def test_media_stream_with_since_param(server: FixtureServer, fake_time: FakeTime) -> None:
    """GIVEN saved state 2024-05-04 WHEN media runs THEN since = state - 3 d, until = now, and state = latest timestamp seen."""
    path = "/v21.0/17841405822304914/media"
    server.route("GET", path, Reply(200, "media.page.2.json"), match=lambda r: "after" in r.query)
    server.route("GET", path, Reply(200, "media.page.1.json"))
    pages, run = run_stream(instagram(server, MEDIA), MEDIA, fake_time, env=ENV, state={"cursor": "2024-05-02T00:00:00+00:00"})
    # 2024-05-02T00:00Z - 3 d = 2024-04-29T00:00Z = 1714348800; now = 1715299200.
    first = server.received[0].query
    assert (first["since"], first["until"], first["limit"]) == ("1714348800", "1715299200", "2")
    assert run.state_after == {"cursor": "2024-05-03T08:30:00+00:00"}
    assert [p.context for p in pages] == [{}, {}]
    assert run.counters == {"requests": 2, "retries": 0, "pages": 2, "records": 3, "rejects": 0, "skipped_parents": 0}


def test_child_stream_fans_out_over_filtered_unique_parents(server: FixtureServer, fake_time: FakeTime) -> None:
    """GIVEN parent media (one without comments, one duplicate, one without id) WHEN comments run THEN one sequence per qualifying media."""
    server.route("GET", "/v21.0/m-a/comments", Reply(200, "comments.media_a.json"))
    server.route("GET", "/v21.0/m-b/comments", Reply(200, "comments.media_b.json"))
    parents = [
        {"id": "m-a", "comments_count": 8},
        {"id": "m-c", "comments_count": 0},
        {"id": "m-b", "comments_count": 3},
        {"id": "m-a", "comments_count": 9},
        {"caption": "no id", "comments_count": 2},
    ]
    pages, run = run_stream(instagram(server, MEDIA, COMMENTS), COMMENTS, fake_time, env=ENV, parents=parents)
    assert [r.path for r in server.received] == ["/v21.0/m-a/comments", "/v21.0/m-b/comments"]
    assert [p.context for p in pages] == [{"media_id": "m-a"}, {"media_id": "m-b"}]
    assert ids(pages) == [["c-a-1"], ["c-b-1", "c-b-2"]]
    assert [p.number for p in pages] == [1, 1]
    assert run.skipped_parents == 1 and run.state_after == {}


def test_child_stream_needs_its_parents(server: FixtureServer) -> None:
    """GIVEN a ForEachRecordOf stream WHEN run without parents THEN a ValueError says which parent stream is needed."""
    source = instagram(server, MEDIA, COMMENTS)
    with pytest.raises(ValueError, match="'media'"):
        StreamRun(source, COMMENTS, SourceConfig.from_env(source, ENV), None, NOW)


def test_fan_out_over_a_list_setting_keeps_graph_field_braces(server: FixtureServer, fake_time: FakeTime) -> None:
    """GIVEN two competitor handles WHEN business_discovery runs THEN each fills its placeholder and Graph's field braces stay literal."""
    stream = Stream(
        "competitors",
        "/v21.0/{ig_user_id}",
        params={"fields": "business_discovery.username({competitor_username}){followers_count,media_count}"},
        record_path=("business_discovery",),
        paginator=SinglePage(),
        fan_out=ForEachSetting("competitor_usernames", "competitor_username"),
    )
    server.route("GET", "/v21.0/17841405822304914", Reply(200, body={"business_discovery": {"id": "b1", "followers_count": 10}, "id": "x"}))
    env = {**ENV, "PANTAU_INSTAGRAM_COMPETITOR_USERNAMES": "tokoa,tokob"}
    pages, _ = run_stream(instagram(server, stream), stream, fake_time, env=env)
    assert [r.query["fields"] for r in server.received] == [
        "business_discovery.username(tokoa){followers_count,media_count}",
        "business_discovery.username(tokob){followers_count,media_count}",
    ]
    assert [p.context for p in pages] == [{"competitor_username": "tokoa"}, {"competitor_username": "tokob"}]
    assert [p.records for p in pages] == [[{"id": "b1", "followers_count": 10}]] * 2


def test_path_placeholders_are_url_quoted_and_base_url_is_filled(server: FixtureServer, fake_time: FakeTime) -> None:
    """GIVEN a base URL with {dc} and a path value with a slash WHEN run THEN both resolve and the value is quoted."""
    stream = Stream("lists", "/lists/{list_id}", record_path=(), paginator=SinglePage())
    source = make_source(server.url + "/{dc}/3.0", stream, settings=(Setting("dc", "data center"), Setting("list_id", "list")))
    server.route("GET", "/us21/3.0/lists/a%2Fb", Reply(200, body={"id": "a/b"}))
    pages, _ = run_stream(source, stream, fake_time, env={"PANTAU_DEMO_DC": "us21", "PANTAU_DEMO_LIST_ID": "a/b"})
    assert server.received[0].path == "/us21/3.0/lists/a%2Fb" and pages[0].records == [{"id": "a/b"}]


def test_unknown_path_placeholder_is_a_config_error(server: FixtureServer, fake_time: FakeTime) -> None:
    """GIVEN a path naming an undeclared placeholder WHEN run THEN ConfigError names source, stream and placeholder."""
    stream = Stream("media", "/{ig_account}/media")
    with pytest.raises(ConfigError, match=r"instagram/media: placeholder \{ig_account\}"):
        run_stream(instagram(server, stream), stream, fake_time, env=ENV)
    assert server.received == []


def test_pages_are_lazy_and_state_waits_for_exhaustion(server: FixtureServer, fake_time: FakeTime) -> None:
    """GIVEN a two-page stream WHEN only the first page is taken THEN one request was made and state_after is refused."""
    path = "/v21.0/17841405822304914/media"
    server.route("GET", path, Reply(200, "media.page.2.json"), match=lambda r: "after" in r.query)
    server.route("GET", path, Reply(200, "media.page.1.json"))
    source = instagram(server, MEDIA)
    config = SourceConfig.from_env(source, ENV)
    run = StreamRun(source, MEDIA, config, None, NOW, client=HttpClient(source, config, sleep=fake_time.sleep, clock=fake_time.clock))
    pages = run.pages()
    next(pages)
    assert len(server.received) == 1
    with pytest.raises(RuntimeError, match="exhausted"):
        run.state_after  # noqa: B018 - the property access is the behaviour under test
    list(pages)
    assert len(server.received) == 2 and run.state_after == {"cursor": "2024-05-03T08:30:00+00:00"}


def test_mixpanel_day_windows_one_request_per_window(server: FixtureServer, fake_time: FakeTime) -> None:
    """GIVEN last day 2024-05-07 and 1-day lookback WHEN the export runs on 2024-05-10 THEN 05-07, 05-08, 05-09 are requested and state is 05-09."""
    stream = Stream(
        "events",
        "/api/2.0/export",
        primary_key=("properties.$insert_id",),
        record_path=(),
        cursor_field="properties.time",
        paginator=JsonLines(batch_size=1000),
        incremental=DayWindows(lookback_days=1, timezone_setting="project_timezone"),
    )
    source = make_source(server.url, stream, name="mixpanel", settings=(Setting("project_timezone", "tz", required=False, default="UTC"),))
    server.route("GET", stream.path, Reply(200, "export.page.1.jsonl"))
    pages, run = run_stream(source, stream, fake_time, state={"last_day": "2024-05-07"})
    assert [(r.query["from_date"], r.query["to_date"]) for r in server.received] == [
        ("2024-05-07", "2024-05-07"),
        ("2024-05-08", "2024-05-08"),
        ("2024-05-09", "2024-05-09"),
    ]
    assert [len(p.records) for p in pages] == [4, 4, 4]
    assert pages[0].request == f"GET {server.url}/api/2.0/export?from_date=2024-05-07&to_date=2024-05-07"
    assert run.state_after == {"last_day": "2024-05-09"}


STREAM = Stream("deals", "/deals", primary_key=("portal.id", "id"), cursor_field="properties.updated")


@pytest.mark.parametrize(
    ("record", "key"),
    [
        pytest.param({"id": 7, "portal": {"id": "p1"}}, "p1|7", id="composite-dotted"),
        pytest.param({"id": "0", "portal": {"id": 0}}, "0|0", id="zero-is-a-value"),
    ],
)
def test_record_key_joins_primary_key_parts(record: dict, key: str) -> None:
    """GIVEN a record WHEN keyed THEN the dotted primary-key values are joined with '|'."""
    assert record_key(STREAM, record) == key


@pytest.mark.parametrize(
    "record",
    [pytest.param({"id": 7}, id="nested-missing"), pytest.param({"id": None, "portal": {"id": "p1"}}, id="null-id")],
)
def test_record_key_missing_part_is_malformed(record: dict) -> None:
    """GIVEN a record lacking a key part WHEN keyed THEN MalformedRecord names the missing path."""
    with pytest.raises(MalformedRecord) as raised:
        record_key(STREAM, record, source="hubspot")
    assert raised.value.stream == "deals" and raised.value.missing in {"portal.id", "id"}
    assert str(raised.value).startswith("hubspot/deals: record has no value at primary-key path")


@pytest.mark.parametrize(
    ("stream", "record", "expected"),
    [
        pytest.param(STREAM, {"properties": {"updated": 1715250000}}, "1715250000", id="number-as-text"),
        pytest.param(STREAM, {"properties": {}}, None, id="missing"),
        pytest.param(Stream("x", "/x"), {"updated": "2024-05-01"}, None, id="no-cursor-field"),
    ],
)
def test_cursor_value(stream: Stream, record: dict, expected: str | None) -> None:
    """GIVEN a record WHEN its cursor is read THEN the raw value as text, or None."""
    assert cursor_value(stream, record) == expected


def _deal_contacts(batch_size: int, child_fields: dict[str, str] | None = {"deal_id": "from.id"}) -> Stream:  # noqa: B006
    return Stream(
        "deal_contacts",
        "/crm/v4/associations/deals/contacts/batch/read",
        method="POST",
        json_body={"inputs": [{"id": "{deal_id}"}], "portal": "{portal}"},
        record_path=("results",),
        primary_key=("from.id",),
        paginator=SinglePage(),
        fan_out=ForEachRecordOf(
            "deals", {"deal_id": "id"}, where=lambda deal: deal.get("open", True), batch_size=batch_size,
            child_fields=child_fields,
        ),
    )


def _batch_read_reply(server: FixtureServer) -> None:
    """Answers one result per requested id, plus one naming a deal nobody asked for when d3 is asked."""

    def ids_in(received) -> list[str]:  # noqa: ANN001 - test helper
        return [i["id"] for i in received.body["inputs"]]

    for ids_asked in (["d1"], ["d2"], ["d3"], ["d4"], ["d5"], ["d1", "d2"], ["d3", "d4"], ["d1", "d2", "d3"], ["d4", "d5"]):
        results = [{"from": {"id": i}, "to": [{"toObjectId": 100 + int(i[1])}]} for i in ids_asked]
        if "d3" in ids_asked:
            results.append({"from": {"id": "d9"}, "to": []})
        server.route("POST", "/crm/v4/associations/deals/contacts/batch/read", Reply(200, body={"results": results}),
                     match=lambda r, want=ids_asked: ids_in(r) == want)


PARENT_DEALS = [
    {"id": "d1"}, {"id": "d2"}, {"id": "d1"}, {"id": "closed", "open": False}, {"name": "no id"},
    {"id": "d3"}, {"id": "d4"}, {"id": "d5"},
]


@pytest.mark.parametrize(
    ("batch_size", "requested"),
    [
        pytest.param(1, [["d1"], ["d2"], ["d3"], ["d4"], ["d5"]], id="default-one-parent-a-request"),
        pytest.param(2, [["d1", "d2"], ["d3", "d4"], ["d5"]], id="two-a-request"),
        pytest.param(3, [["d1", "d2", "d3"], ["d4", "d5"]], id="three-a-request"),
    ],
)
def test_batched_fan_out_puts_up_to_batch_size_parents_in_one_request(
    server: FixtureServer, fake_time: FakeTime, batch_size: int, requested: list[list[str]]
) -> None:
    """GIVEN 5 qualifying unique deals (plus a duplicate, a filtered one and one without id)
    WHEN deal_contacts fans out with batch_size 1, 2 or 3
    THEN each request's inputs list holds its parents in order (the list item repeated per parent,
    the other body values filled once) and every record comes back once."""
    _batch_read_reply(server)
    source = make_source(server.url, _deal_contacts(batch_size), name="hubspot", settings=(Setting("portal", "portal"),))
    pages, run = run_stream(source, source.streams[0], fake_time, env={"PANTAU_HUBSPOT_PORTAL": "p7"}, parents=PARENT_DEALS)
    assert [[i["id"] for i in r.body["inputs"]] for r in server.received] == requested
    assert {r.body["portal"] for r in server.received} == {"p7"}
    assert sorted(r["from"]["id"] for p in pages for r in p.records) == ["d1", "d2", "d3", "d4", "d5", "d9"]
    assert (run.requests, run.pages_count, run.skipped_parents) == (len(requested), len(requested), 1)


def test_batched_fan_out_contexts_name_each_records_own_parent(server: FixtureServer, fake_time: FakeTime) -> None:
    """GIVEN batch_size 2 and child_fields {"deal_id": "from.id"}
    WHEN deal_contacts runs
    THEN a page's context lists the request's deal ids, each record's context is its own deal,
    and a record naming a deal the request did not ask for (d9) gets none (the page's list stands)."""
    _batch_read_reply(server)
    source = make_source(server.url, _deal_contacts(2), name="hubspot", settings=(Setting("portal", "portal"),))
    pages, _ = run_stream(source, source.streams[0], fake_time, env={"PANTAU_HUBSPOT_PORTAL": "p7"}, parents=PARENT_DEALS)
    assert [p.context for p in pages] == [{"deal_id": ["d1", "d2"]}, {"deal_id": ["d3", "d4"]}, {"deal_id": ["d5"]}]
    assert [p.record_contexts for p in pages] == [
        [{"deal_id": "d1"}, {"deal_id": "d2"}],
        [{"deal_id": "d3"}, {"deal_id": "d4"}, None],
        [{"deal_id": "d5"}],
    ]
    assert '"inputs":[{"id":"d1"},{"id":"d2"}]' in pages[0].request


def test_one_parent_a_request_keeps_the_page_context(server: FixtureServer, fake_time: FakeTime) -> None:
    """GIVEN the default batch_size 1 WHEN deal_contacts runs THEN pages carry their parent as context and no per-record contexts."""
    _batch_read_reply(server)
    source = make_source(server.url, _deal_contacts(1), name="hubspot", settings=(Setting("portal", "portal"),))
    pages, _ = run_stream(source, source.streams[0], fake_time, env={"PANTAU_HUBSPOT_PORTAL": "p7"}, parents=PARENT_DEALS[:2])
    assert [(p.context, p.record_contexts) for p in pages] == [({"deal_id": "d1"}, None), ({"deal_id": "d2"}, None)]


def test_batched_fan_out_without_child_fields_lists_the_requests_parents(server: FixtureServer, fake_time: FakeTime) -> None:
    """GIVEN batch_size 2 and no child_fields WHEN run THEN records have no context of their own; the page's list stands."""
    _batch_read_reply(server)
    source = make_source(server.url, _deal_contacts(2, None), name="hubspot", settings=(Setting("portal", "portal"),))
    pages, _ = run_stream(source, source.streams[0], fake_time, env={"PANTAU_HUBSPOT_PORTAL": "p7"}, parents=PARENT_DEALS[:2])
    assert [(p.context, p.record_contexts) for p in pages] == [({"deal_id": ["d1", "d2"]}, [None, None])]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        pytest.param({"json_body": {"inputs": [{"id": "x"}], "first": "{deal_id}"}},
                     r"hubspot/deal_contacts: placeholder \{deal_id\} in '\{deal_id\}' is filled per parent", id="body-scalar"),
        pytest.param({"params": {"id": "{deal_id}"}}, r"placeholder \{deal_id\} in '\{deal_id\}' is filled per parent", id="param"),
        pytest.param({"path": "/deals/{deal_id}/contacts"}, r"names a fan-out placeholder", id="path"),
    ],
)
def test_batched_fan_out_refuses_a_placeholder_with_no_single_value(
    server: FixtureServer, fake_time: FakeTime, changes: dict, message: str
) -> None:
    """GIVEN batch_size 2 and a fan-out placeholder outside a list item WHEN run THEN ConfigError, before any request."""
    stream = dataclasses.replace(_deal_contacts(2), **changes)
    source = make_source(server.url, stream, name="hubspot")
    with pytest.raises(ConfigError, match=message):
        run_stream(source, stream, fake_time, parents=PARENT_DEALS)
    assert server.received == []


@pytest.mark.parametrize("batch_size", [pytest.param(0, id="zero"), pytest.param(2.5, id="fraction")])
def test_batch_size_must_be_a_whole_number_of_at_least_one(server: FixtureServer, batch_size: object) -> None:
    """GIVEN an invalid batch_size WHEN a run is created THEN ConfigError names the stream."""
    stream = dataclasses.replace(_deal_contacts(1), fan_out=ForEachRecordOf("deals", {"deal_id": "id"}, batch_size=batch_size))
    source = make_source(server.url, stream, name="hubspot")
    with pytest.raises(ConfigError, match="hubspot/deal_contacts: batch_size"):
        StreamRun(source, stream, SourceConfig.from_env(source, {}), None, NOW, parents=[])
