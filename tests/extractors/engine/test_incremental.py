"""Incremental strategies: first-request parameters and state, computed by hand."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from extractors.engine.config import SourceConfig
from extractors.engine.declarations import Setting, Stream
from extractors.engine.http import Request
from extractors.engine.incremental import (
    DayWindows,
    GraphInsightsWindows,
    HubSpotSearchFilter,
    ResumeToken,
    SinceLastRun,
    SinceParam,
    parse_instant,
)
from extractors.engine.errors import ConfigError

from .conftest import make_source
from .helpers import NOW

UTC = timezone.utc
CONFIG = SourceConfig.from_env(make_source("http://unused"), {})


def first_patch(strategy, state=None, now=NOW, config=CONFIG):  # noqa: ANN001, ANN201 - test helper
    return strategy.plan(state, now, config).patches()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("2024-05-09T10:00:00+0000", datetime(2024, 5, 9, 10, tzinfo=UTC), id="graph-offset-no-colon"),
        pytest.param("2024-05-09T10:00:00.000Z", datetime(2024, 5, 9, 10, tzinfo=UTC), id="iso-z-millis"),
        pytest.param("2024-05-09T17:00:00+07:00", datetime(2024, 5, 9, 10, tzinfo=UTC), id="iso-jakarta"),
        pytest.param("2024-05-09T10:00:00", datetime(2024, 5, 9, 10, tzinfo=UTC), id="naive-is-utc"),
        pytest.param("2024-05-09", datetime(2024, 5, 9, tzinfo=UTC), id="date-only"),
        pytest.param(1715248800, datetime(2024, 5, 9, 10, tzinfo=UTC), id="epoch-seconds-int"),
        pytest.param("1715248800000", datetime(2024, 5, 9, 10, tzinfo=UTC), id="epoch-ms-string"),
        pytest.param(1715248800000, datetime(2024, 5, 9, 10, tzinfo=UTC), id="epoch-ms-int"),
        pytest.param("not a time", None, id="garbage"),
        pytest.param(None, None, id="none"),
        pytest.param(True, None, id="bool"),
    ],
)
def test_cursor_values_normalise_to_aware_utc(value: object, expected: datetime | None) -> None:
    """GIVEN a cursor value in any shape the APIs use WHEN parsed THEN it is the same UTC instant."""
    assert parse_instant(value) == expected


@pytest.mark.parametrize(
    ("strategy", "state", "expected"),
    [
        # 2024-05-10T00:00Z - 400 d - 3 d = 2023-04-03T00:00Z = 1680480000; until = now = 1715299200.
        pytest.param(SinceParam("since", "unix", until_param="until"), None, {"since": "1680480000", "until": "1715299200"}, id="first-run-unix"),
        # saved 2024-05-08T12:00Z - 3 d = 2024-05-05T12:00Z.
        pytest.param(SinceParam("since", "unix_ms"), {"cursor": "2024-05-08T12:00:00+00:00"}, {"since": "1714910400000"}, id="saved-unix-ms"),
        pytest.param(SinceParam("start_time", "iso8601"), {"cursor": "2024-05-08T12:00:00+00:00"}, {"start_time": "2024-05-05T12:00:00Z"}, id="saved-iso"),
        pytest.param(SinceParam("created[gte]", "unix", lookback=timedelta(0), start=timedelta(days=10)), None, {"created[gte]": "1714435200"}, id="stripe-10-days"),
        pytest.param(SinceParam("since_last_changed", "date", lookback=timedelta(days=1)), {"cursor": "2024-05-08T12:00:00+00:00"}, {"since_last_changed": "2024-05-07"}, id="date"),
    ],
)
def test_since_param_first_request(strategy: SinceParam, state: dict | None, expected: dict) -> None:
    """GIVEN a saved cursor or none WHEN planned THEN the param is (saved or now-start) - lookback in the API's format."""
    (patch,) = first_patch(strategy, state)
    assert dict(patch.params) == expected


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        pytest.param(None, {"cursor": "2024-05-09T13:06:40+00:00"}, id="first-run-max-seen"),
        pytest.param({"cursor": "2024-05-09T12:00:00+00:00"}, {"cursor": "2024-05-09T13:06:40+00:00"}, id="seen-beats-saved"),
        pytest.param({"cursor": "2024-05-09T23:00:00+00:00"}, {"cursor": "2024-05-09T23:00:00+00:00"}, id="saved-beats-seen"),
    ],
)
def test_since_param_state_is_max_of_seen_and_saved(state: dict | None, expected: dict) -> None:
    """GIVEN cursor values as ISO, epoch s and epoch-ms text WHEN observed THEN state is the latest instant as ISO-8601."""
    run = SinceParam("since").plan(state, NOW, CONFIG)
    run.observe([{"t": "2024-05-09T10:00:00+0000"}, {"t": 1715250000}], "t")  # 10:00, 10:20
    run.observe([{"t": "1715260000000"}, {"t": None}, {"other": 1}], "t")  # 13:06:40
    assert run.state_after() == expected


def test_since_param_without_records_or_state_saves_nothing() -> None:
    """GIVEN a first run that lands nothing WHEN finished THEN the state stays empty (next run starts over from now - start)."""
    assert SinceParam("since").plan(None, NOW, CONFIG).state_after() == {}


@pytest.mark.parametrize(
    ("state", "params", "removed"),
    [
        pytest.param(None, {"start_time": "1712707200"}, (), id="first-run-start-time"),
        pytest.param({"cursor": "MTU4MDc1"}, {"cursor": "MTU4MDc1"}, ("start_time",), id="saved-cursor"),
    ],
)
def test_resume_token_first_request(state: dict | None, params: dict, removed: tuple) -> None:
    """GIVEN Zendesk state WHEN planned THEN start_time (now - 30 d) first, the saved cursor afterwards."""
    (patch,) = first_patch(ResumeToken(start=timedelta(days=30)), state)
    assert (dict(patch.params), patch.remove_params) == (params, removed)


def test_resume_token_state_is_the_last_token_or_the_saved_one() -> None:
    """GIVEN a run WHEN a sequence ends with or without a token THEN state follows the latest token."""
    run = ResumeToken().plan({"cursor": "old"}, NOW, CONFIG)
    (patch,) = run.patches()
    run.sequence_done(patch, None)
    assert run.state_after() == {"cursor": "old"}
    run.sequence_done(patch, "new")
    assert run.state_after() == {"cursor": "new"}


@pytest.mark.parametrize(
    ("strategy", "state", "value"),
    [
        pytest.param(HubSpotSearchFilter("hs_lastmodifieddate"), None, "0", id="first-run-everything"),
        # 2024-05-09T13:06:40Z - 1 h = 12:06:40Z = 1715256400 s.
        pytest.param(HubSpotSearchFilter("hs_lastmodifieddate"), {"cursor": "2024-05-09T13:06:40+00:00"}, "1715256400000", id="saved-minus-hour"),
        # now - 7 d - 1 h = 1715299200 - 604800 - 3600.
        pytest.param(HubSpotSearchFilter("hs_lastmodifieddate", start=timedelta(days=7)), None, "1714690800000", id="first-run-7-days"),
    ],
)
def test_hubspot_search_filter_body(strategy: HubSpotSearchFilter, state: dict | None, value: str) -> None:
    """GIVEN a search stream with its own filter WHEN planned THEN the GTE filter is ANDed in and results sort ascending."""
    (patch,) = first_patch(strategy, state)
    own = {"properties": ["dealname"], "filterGroups": [{"filters": [{"propertyName": "pipeline", "operator": "EQ", "value": "default"}]}]}
    request = patch.apply(Request("POST", "https://api.hubapi.com/crm/v3/objects/deals/search", {}, own))
    assert request.json == {
        "properties": ["dealname"],
        "filterGroups": [
            {
                "filters": [
                    {"propertyName": "pipeline", "operator": "EQ", "value": "default"},
                    {"propertyName": "hs_lastmodifieddate", "operator": "GTE", "value": value},
                ]
            }
        ],
        "sorts": [{"propertyName": "hs_lastmodifieddate", "direction": "ASCENDING"}],
    }


TZ_SETTING = (Setting("project_timezone", "Mixpanel project time zone", required=False, default="UTC"),)


def tz_config(zone: str) -> SourceConfig:
    source = make_source("http://unused", Stream("events", "/export"), settings=TZ_SETTING)
    return SourceConfig.from_env(source, {"PANTAU_DEMO_PROJECT_TIMEZONE": zone})


def windows(strategy: DayWindows, state: dict | None, now: datetime, zone: str) -> list[tuple[str, str]]:
    return [(p.params["from_date"], p.params["to_date"]) for p in first_patch(strategy, state, now, tz_config(zone))]


def test_day_windows_first_run_until_yesterday() -> None:
    """GIVEN no state, start 5 days, 2-day windows WHEN planned on 2024-05-10 THEN 05-05..05-09 in three windows, never today."""
    strategy = DayWindows(start=timedelta(days=5), window_days=2)
    assert windows(strategy, None, NOW, "Asia/Jakarta") == [
        ("2024-05-05", "2024-05-06"),
        ("2024-05-07", "2024-05-08"),
        ("2024-05-09", "2024-05-09"),
    ]


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        # 2024-05-09T20:00Z is already 05-10 03:00 in Jakarta: 05-09 is complete there, not in UTC.
        pytest.param("Asia/Jakarta", [("2024-05-06", "2024-05-06"), ("2024-05-07", "2024-05-07"), ("2024-05-08", "2024-05-08"), ("2024-05-09", "2024-05-09")], id="jakarta"),
        pytest.param("UTC", [("2024-05-06", "2024-05-06"), ("2024-05-07", "2024-05-07"), ("2024-05-08", "2024-05-08")], id="utc"),
    ],
)
def test_day_windows_use_the_project_time_zone(zone: str, expected: list[tuple[str, str]]) -> None:
    """GIVEN last day 05-07 and a 2-day lookback WHEN planned at 2024-05-09T20:00Z THEN windows re-read 05-06..05-07 and end at the project's yesterday."""
    now = datetime(2024, 5, 9, 20, tzinfo=UTC)
    assert windows(DayWindows(lookback_days=2), {"last_day": "2024-05-07"}, now, zone) == expected


def test_day_windows_state_advances_only_with_completed_windows() -> None:
    """GIVEN three windows WHEN two complete THEN the state is the end of the later completed one."""
    run = DayWindows(start=timedelta(days=5), window_days=2).plan(None, NOW, tz_config("UTC"))
    first, second, _ = run.patches()
    assert run.state_after() == {}
    run.sequence_done(second, None)
    run.sequence_done(first, None)
    assert run.state_after() == {"last_day": "2024-05-08"}


def test_day_windows_up_to_date_requests_nothing() -> None:
    """GIVEN yesterday already loaded and no lookback WHEN planned THEN no window and the state is kept."""
    run = DayWindows(lookback_days=0).plan({"last_day": "2024-05-09"}, NOW, tz_config("UTC"))
    assert run.patches() == [] and run.state_after() == {"last_day": "2024-05-09"}


def test_day_windows_reject_unknown_time_zones() -> None:
    """GIVEN a misspelt time zone WHEN planned THEN ConfigError names it."""
    with pytest.raises(ConfigError, match="Asia/Jakrta"):
        DayWindows().plan(None, NOW, tz_config("Asia/Jakrta"))


@pytest.mark.parametrize(
    ("strategy", "state", "expected"),
    [
        # No start: a first run asks for the API's whole history (no param at all).
        pytest.param(SinceLastRun("since"), None, {}, id="first-run-everything"),
        # 2024-05-10T00:00Z - 400 d = 2023-04-06T00:00Z.
        pytest.param(SinceLastRun("start_time", start=timedelta(days=400)), None, {"start_time": "2023-04-06T00:00:00Z"}, id="first-run-start"),
        # Previous run at 2024-05-09T02:00Z, minus the 1-day lookback.
        pytest.param(SinceLastRun("since"), {"cursor": "2024-05-09T02:00:00+00:00"}, {"since": "2024-05-08T02:00:00Z"}, id="since-previous-run"),
    ],
)
def test_since_last_run_asks_from_the_previous_runs_clock(strategy: SinceLastRun, state: dict | None, expected: dict) -> None:
    """GIVEN records with no time of their own WHEN planned THEN the param is the previous run's now - lookback,
    and the state saved is this run's now whatever the records say."""
    run = strategy.plan(state, NOW, CONFIG)
    (patch,) = run.patches()
    assert dict(patch.params) == expected
    run.observe([{"timestamp": "2030-01-01T00:00:00Z"}], "timestamp")
    assert run.state_after() == {"cursor": "2024-05-10T00:00:00+00:00"}


@pytest.mark.parametrize(
    ("strategy", "state", "expected"),
    [
        # First run: now - 29 d = 2024-04-11T00:00Z (1712793600), window 30 d -> 2024-05-11T00:00Z (1715385600).
        pytest.param(GraphInsightsWindows(), None, {"since": "1712793600", "until": "1715385600"}, id="first-run"),
        # Saved 2024-05-09T15:30Z - 3 d = 2024-05-06T15:30Z, aligned down to midnight 2024-05-06 (1714953600).
        pytest.param(GraphInsightsWindows(), {"cursor": "2024-05-09T15:30:00+00:00"}, {"since": "1714953600", "until": "1717545600"}, id="saved-aligned"),
        # Page insights from 2 years back, but the API serves only 93 days: 2024-05-10 - 93 d = 2024-02-07 (1707264000).
        pytest.param(
            GraphInsightsWindows(window=timedelta(days=90), start=timedelta(days=730), max_history=timedelta(days=93)),
            None, {"since": "1707264000", "until": "1715040000"}, id="clipped-to-max-history",
        ),
    ],
)
def test_graph_insights_windows_first_window(strategy: GraphInsightsWindows, state: dict | None, expected: dict) -> None:
    """GIVEN a Graph insights edge WHEN planned THEN the first since/until window starts at the saved clock - lookback
    (or now - start), at UTC midnight, never before now - max_history."""
    (patch,) = first_patch(strategy, state)
    assert dict(patch.params) == expected


X_EARLIEST = datetime(2010, 11, 6, 0, 0, 1, tzinfo=UTC)
HISTORY_2015 = SourceConfig.from_env(make_source("http://unused"), {"PANTAU_HISTORY_START": "2015-03-01"})


@pytest.mark.parametrize(
    ("strategy", "config", "expected"),
    [
        pytest.param(SinceParam("created[gte]", "unix", lookback=timedelta(0), start=None), CONFIG, {},
                     id="whole-history-sends-no-param"),
        # 2015-03-01T00:00Z = 1425168000; the lookback applies to a first start as to a saved cursor.
        pytest.param(SinceParam("created[gte]", "unix", lookback=timedelta(0), start=None), HISTORY_2015,
                     {"created[gte]": "1425168000"}, id="history-start-configured"),
        pytest.param(SinceParam("start_time", "iso8601", lookback=timedelta(days=7), start=None, earliest=X_EARLIEST),
                     CONFIG, {"start_time": "2010-11-06T00:00:01Z"}, id="x-whole-history-from-its-earliest"),
        pytest.param(SinceParam("start_time", "iso8601", lookback=timedelta(0), start=None, earliest=X_EARLIEST),
                     SourceConfig.from_env(make_source("http://unused"), {"PANTAU_HISTORY_START": "2009-01-01"}),
                     {"start_time": "2010-11-06T00:00:01Z"}, id="x-history-start-clamped"),
        pytest.param(SinceLastRun("start_time", start=None), HISTORY_2015, {"start_time": "2015-03-01T00:00:00Z"},
                     id="since-last-run-history-start"),
        pytest.param(ResumeToken(start=None), CONFIG, {"start_time": "0"}, id="zendesk-whole-history-epoch"),
        pytest.param(ResumeToken(start=timedelta(days=30)), HISTORY_2015, {"start_time": "1425168000"},
                     id="zendesk-history-start-wins"),
    ],
)
def test_first_run_reaches_back_to_the_history_start(strategy, config, expected) -> None:
    """GIVEN no saved state WHEN planned THEN the first request reaches the account's whole history,
    or PANTAU_HISTORY_START, never before the API's earliest accepted instant."""
    (patch,) = first_patch(strategy, None, config=config)
    assert dict(patch.params) == expected


def test_history_start_per_source_wins_over_the_global_one() -> None:
    """GIVEN PANTAU_HISTORY_START and PANTAU_<SOURCE>_HISTORY_START WHEN configured THEN the source's own wins."""
    source = make_source("http://unused")
    var = f"PANTAU_{source.name.upper()}_HISTORY_START"
    config = SourceConfig.from_env(source, {"PANTAU_HISTORY_START": "2015-03-01", var: "2018-01-01T07:00:00+07:00"})
    assert config.history_start == datetime(2018, 1, 1, tzinfo=UTC)


def test_a_malformed_history_start_names_its_variable() -> None:
    with pytest.raises(ConfigError, match=r"PANTAU_HISTORY_START='since forever' is not an ISO-8601 date"):
        SourceConfig.from_env(make_source("http://unused"), {"PANTAU_HISTORY_START": "since forever"})


def test_day_windows_start_at_the_history_start_day() -> None:
    """GIVEN PANTAU_HISTORY_START = 2024-05-06 and now 2024-05-10 (UTC) WHEN Mixpanel-style windows of 2 days
    are planned THEN they cover 05-06..05-07 and 05-08..05-09 (today is never requested)."""
    config = SourceConfig.from_env(make_source("http://unused"), {"PANTAU_HISTORY_START": "2024-05-06"})
    patches = DayWindows(start=timedelta(days=400), window_days=2, timezone_setting=None).plan(None, NOW, config).patches()
    assert [dict(p.params) for p in patches] == [
        {"from_date": "2024-05-06", "to_date": "2024-05-07"},
        {"from_date": "2024-05-08", "to_date": "2024-05-09"},
    ]
