"""The HubSpot CRM API contract of the sandbox: search, its 10,000-result cap, associations, errors."""
from __future__ import annotations

from datetime import date

import pytest
import requests

from sandbox.api.hubspot import ACCESS_TOKEN
from sandbox.world import commerce as cm
from sandbox.world.model import World
from sandbox.world.profiles import get_profile

MODIFIED = {"contacts": "lastmodifieddate", "deals": "hs_lastmodifieddate", "feedback_submissions": "hs_lastmodifieddate"}


def _post(sandbox_env, path, body, token=ACCESS_TOKEN):
    return requests.post(f"{sandbox_env['PANTAU_HUBSPOT_BASE_URL']}{path}", json=body,
                         headers={"Authorization": f"Bearer {token}"}, timeout=30)


def _search_all(sandbox_env, kind, since_ms=0, **extra):
    prop = MODIFIED[kind]
    body = {"filterGroups": [{"filters": [{"propertyName": prop, "operator": "GTE", "value": str(since_ms)}]}],
            "sorts": [{"propertyName": prop, "direction": "ASCENDING"}], "limit": 200, **extra}
    out, total = [], None
    while True:
        page = _post(sandbox_env, f"/crm/v3/objects/{kind}/search", body).json()
        out += page["results"]
        total = page["total"]
        after = page.get("paging", {}).get("next", {}).get("after")
        if not after:
            return out, total
        body = {**body, "after": after}


@pytest.mark.parametrize("kind", [pytest.param(k, id=k) for k in MODIFIED])
def test_search_pages_ascending_to_the_end(sandbox_env, kind):
    """GIVEN a search sorted ascending on the last-modified property WHEN paged with paging.next.after
    THEN every match arrives once, in ascending order, and the count equals total."""
    records, total = _search_all(sandbox_env, kind)
    assert records and len(records) == total == len({r["id"] for r in records})
    stamps = [r["properties"][MODIFIED[kind]] for r in records]
    assert stamps == sorted(stamps)


def test_gte_filter_returns_only_later_records(sandbox_env):
    """GIVEN a GTE filter in epoch milliseconds WHEN searching deals THEN only deals modified at or after it come."""
    everything, _ = _search_all(sandbox_env, "deals")
    cut = sorted(r["properties"]["hs_lastmodifieddate"] for r in everything)[len(everything) // 2]
    from datetime import datetime

    cut_ms = int(datetime.fromisoformat(cut.replace("Z", "+00:00")).timestamp() * 1000)
    later, total = _search_all(sandbox_env, "deals", since_ms=cut_ms)
    assert later and all(r["properties"]["hs_lastmodifieddate"] >= cut for r in later)
    assert total == sum(1 for r in everything if r["properties"]["hs_lastmodifieddate"] >= cut)


def test_contacts_carry_custom_properties_and_crm_imperfections(sandbox_env, sandbox):
    """GIVEN the brand's custom contact properties WHEN contacts are searched with them
    THEN handles appear as typed (some with '@' or capitals), and duplicate contacts exist."""
    contacts, total = _search_all(sandbox_env, "contacts", properties=["email", "twitterhandle", "instagram_handle",
                                                                       "app_user_id", "lastmodifieddate"])
    handles = [c["properties"]["instagram_handle"] for c in contacts if c["properties"]["instagram_handle"]]
    assert any(h.startswith("@") for h in handles) and any(h[0].isupper() for h in handles)
    assert total > sandbox.truth()["customers"]  # duplicates of the same person
    assert all(c["properties"]["app_user_id"] is None or c["properties"]["app_user_id"].startswith("usr_")
               for c in contacts)


@pytest.mark.parametrize("body,needle", [
    pytest.param({"after": "10000"}, "10000", id="after-10000"),
    pytest.param({"after": "12345", "limit": 10}, "10000", id="after-beyond"),
    pytest.param({"limit": 201}, "200", id="limit-201"),
])
def test_search_refuses_past_its_limits_with_400(sandbox_env, body, needle):
    """GIVEN after >= 10,000 or limit > 200 WHEN searching THEN HubSpot's 400 VALIDATION_ERROR body."""
    resp = _post(sandbox_env, "/crm/v3/objects/contacts/search", body)
    assert resp.status_code == 400
    assert resp.json()["status"] == "error" and resp.json()["category"] == "VALIDATION_ERROR"
    assert needle in resp.json()["message"]


def test_batch_read_names_each_deal_and_its_contact(sandbox_env):
    """GIVEN a known deal and an unknown id WHEN reading deal->contact associations in a batch
    THEN the known deal comes back under from.id with its contact, the unknown one as an error (207)."""
    deals, _ = _search_all(sandbox_env, "deals")
    deal_id = deals[0]["id"]
    resp = _post(sandbox_env, "/crm/v4/associations/deals/contacts/batch/read", {"inputs": [{"id": deal_id}, {"id": "42"}]})
    assert resp.status_code == 207
    [result] = resp.json()["results"]
    assert result["from"]["id"] == deal_id
    assert result["to"][0]["associationTypes"][0]["typeId"] == 3
    assert resp.json()["numErrors"] == 1


def test_wrong_token_gets_hubspots_401(sandbox_env):
    """GIVEN a wrong private app token WHEN searching THEN 401 with category INVALID_AUTHENTICATION."""
    resp = _post(sandbox_env, "/crm/v3/objects/contacts/search", {}, token="pat-na1-wrong")
    assert resp.status_code == 401
    assert resp.json()["category"] == "INVALID_AUTHENTICATION" and resp.json()["status"] == "error"


def test_rate_limit_fault_is_hubspots_429(sandbox_env, sandbox):
    """GIVEN the rate-limit fault WHEN searching THEN 429 RATE_LIMIT with policyName and X-HubSpot-RateLimit headers."""
    sandbox.set_faults(rate_limit_every=1, rate_limit_wait_seconds=2)
    resp = _post(sandbox_env, "/crm/v3/objects/contacts/search", {})
    assert resp.status_code == 429
    body = resp.json()
    assert body["errorType"] == "RATE_LIMIT" and body["policyName"] == "TEN_SECONDLY_ROLLING" and body["correlationId"]
    assert resp.headers["X-HubSpot-RateLimit-Remaining"] == "0"
    assert resp.headers["X-HubSpot-RateLimit-Interval-Milliseconds"] == "2000"


def test_nps_answers_recover_the_planted_mix():
    """GIVEN the demo world's survey answers WHEN NPS is computed per group
    THEN social and non-social NPS are near the planted mixes (truth: 40 and 15) and social is higher."""
    world = World.build(get_profile("demo"), date(2026, 6, 30))
    planted = world.profile.planted
    scores = {True: [], False: []}
    for j in cm.survey_range(world, None, None):
        a = cm.survey_answer(world, j)
        if a.survey_type == "NPS":
            scores[a.customer.is_social].append(a.value)

    def nps(values):
        return 100 * (sum(v >= 9 for v in values) - sum(v <= 6 for v in values)) / len(values)

    expected = {True: planted.nps_mix_social, False: planted.nps_mix_non_social}
    for social, values in scores.items():
        mix = expected[social]
        assert abs(nps(values) - 100 * (mix["promoter"] - mix["detractor"])) < 8, (social, len(values))
    assert nps(scores[True]) > nps(scores[False])
