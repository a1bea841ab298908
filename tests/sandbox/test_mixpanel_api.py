"""The sandbox's Mixpanel raw export contract: auth, parameters, day filtering, streaming, 429."""
from __future__ import annotations

import json
from datetime import date, datetime, timezone

import pytest
import requests

from sandbox.api.mixpanel import PROJECT_ID, SERVICE_ACCOUNT, SERVICE_SECRET
from sandbox.world import web
from sandbox.world.model import World
from sandbox.world.profiles import get_profile
from tests.conftest import TEST_ANCHOR, TEST_NOW

AUTH = (SERVICE_ACCOUNT, SERVICE_SECRET)


def _export(sandbox, auth=AUTH, **params):
    params.setdefault("project_id", PROJECT_ID)
    return requests.get(f"{sandbox.base_url}/mixpanel/api/2.0/export", params=params, auth=auth, timeout=30)


def _lines(resp) -> list[dict]:
    return [json.loads(line) for line in resp.text.splitlines() if line]


def _world_day(day: str) -> list[dict]:
    world = World.build(get_profile("tiny"), date.fromisoformat(TEST_ANCHOR), TEST_NOW)
    lo = datetime.fromisoformat(day).replace(tzinfo=timezone.utc).timestamp()
    return list(web.events_between(world, lo, lo + 86_400))


def test_a_day_is_exported_whole_and_streamed(sandbox):
    """GIVEN one UTC day WHEN it is exported THEN the chunked JSONL body holds exactly the world's events of that day."""
    resp = _export(sandbox, from_date="2026-05-10", to_date="2026-05-10")
    assert resp.status_code == 200
    assert resp.headers.get("Transfer-Encoding") == "chunked"
    events = _lines(resp)
    lo = datetime(2026, 5, 10, tzinfo=timezone.utc).timestamp()
    assert events and all(lo <= e["properties"]["time"] < lo + 86_400 for e in events)
    assert [e["properties"]["$insert_id"] for e in events] == [e["properties"]["$insert_id"] for e in _world_day("2026-05-10")]


def test_a_range_is_the_union_of_its_days(sandbox):
    """GIVEN two adjacent days WHEN exported as one range THEN the lines are those of both single days."""
    both = _lines(_export(sandbox, from_date="2026-05-10", to_date="2026-05-11"))
    one = _lines(_export(sandbox, from_date="2026-05-10", to_date="2026-05-10"))
    two = _lines(_export(sandbox, from_date="2026-05-11", to_date="2026-05-11"))
    assert both == one + two


@pytest.mark.parametrize(
    "params, kept",
    [
        pytest.param({"limit": "5"}, lambda evs: evs[:5], id="limit"),
        pytest.param({"event": '["Purchase", "Sign Up"]'},
                     lambda evs: [e for e in evs if e["event"] in ("Purchase", "Sign Up")], id="event-filter"),
    ],
)
def test_optional_parameters_narrow_the_export(sandbox, params, kept):
    """GIVEN a month WHEN limit or event is given THEN only the matching events come back, in order."""
    full = _lines(_export(sandbox, from_date="2026-05-01", to_date="2026-05-31"))
    narrowed = _lines(_export(sandbox, from_date="2026-05-01", to_date="2026-05-31", **params))
    assert narrowed == kept(full) and narrowed


def test_time_in_ms_exports_milliseconds(sandbox):
    """GIVEN time_in_ms=true WHEN a day is exported THEN each time is the second-precision time × 1000."""
    s = _lines(_export(sandbox, from_date="2026-05-10", to_date="2026-05-10"))
    ms = _lines(_export(sandbox, from_date="2026-05-10", to_date="2026-05-10", time_in_ms="true"))
    assert [e["properties"]["time"] * 1000 for e in s] == [e["properties"]["time"] for e in ms]


@pytest.mark.parametrize(
    "auth, params, status, message",
    [
        pytest.param(("someone", "wrong"), {"from_date": "2026-05-10", "to_date": "2026-05-10"}, 401,
                     "Unable to authenticate request", id="wrong-secret"),
        pytest.param(AUTH, {"from_date": "2026-05-10", "to_date": "2026-07-01"}, 400,
                     "to_date cannot be later than today", id="future-to-date"),
        pytest.param(AUTH, {"to_date": "2026-05-10"}, 400, "from_date is a required parameter", id="missing-from"),
        pytest.param(AUTH, {"from_date": "10/05/2026", "to_date": "2026-05-10"}, 400, "yyyy-mm-dd", id="bad-date"),
    ],
)
def test_errors_come_in_mixpanels_shape(sandbox, auth, params, status, message):
    """GIVEN a bad credential or parameter WHEN exporting THEN Mixpanel's {"request", "error"} body and status come back."""
    resp = _export(sandbox, auth=auth, **params)
    assert resp.status_code == status
    body = resp.json()
    assert set(body) == {"request", "error"} and message in body["error"]
    assert body["request"].startswith("/api/2.0/export?")


def test_service_accounts_must_name_the_project(sandbox):
    """GIVEN a service account WHEN project_id is missing THEN the export is refused with 400."""
    resp = requests.get(f"{sandbox.base_url}/mixpanel/api/2.0/export", auth=AUTH, timeout=10,
                        params={"from_date": "2026-05-10", "to_date": "2026-05-10"})
    assert resp.status_code == 400 and "project_id" in resp.json()["error"]


def test_rate_limit_fault_answers_429(sandbox_env, sandbox):
    """GIVEN the rate-limit fault on every request WHEN exporting THEN HTTP 429 with Mixpanel's error body."""
    sandbox.set_faults(rate_limit_every=1)
    resp = _export(sandbox, from_date="2026-05-10", to_date="2026-05-10")
    assert resp.status_code == 429
    assert "rate limit" in resp.json()["error"].lower()


def test_malformed_fault_drops_the_dedupe_key(sandbox_env, sandbox):
    """GIVEN every 3rd record malformed WHEN a day is exported THEN exactly those lines lack $insert_id."""
    sandbox.set_faults(malformed_every=3)
    events = _lines(_export(sandbox, from_date="2026-05-10", to_date="2026-05-10"))
    missing = [k for k, e in enumerate(events, start=1) if "$insert_id" not in e["properties"]]
    assert missing == [k for k in range(1, len(events) + 1) if k % 3 == 0]
