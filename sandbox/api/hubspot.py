"""HubSpot CRM API (``https://api.hubapi.com``) over the world's CRM.

Endpoints, as the real API has them:
- ``POST /crm/v3/objects/{contacts|deals|feedback_submissions}/search`` — body
  ``filterGroups`` (OR of groups, AND of ``filters`` with ``propertyName``,
  ``operator`` EQ/NEQ/GT/GTE/LT/LTE/BETWEEN/HAS_PROPERTY/NOT_HAS_PROPERTY,
  ``value``/``highValue``; datetimes as epoch milliseconds or ISO-8601),
  ``sorts`` (one property, ASCENDING/DESCENDING), ``properties``, ``limit``
  (at most 200) and ``after`` (an offset); answers ``total``, ``results`` and
  ``paging.next.after``.  Search never pages past 10,000 results: ``after``
  of 10,000 or more is a 400 ``VALIDATION_ERROR``, as on HubSpot.
- ``POST /crm/v4/associations/deals/contacts/batch/read`` — ``inputs`` of deal
  ids; each result is ``from.id`` with its ``to`` contacts (``toObjectId``,
  ``associationTypes``); unknown ids come back as errors with status 207.
- ``GET /crm/v4/objects/deals/{dealId}/associations/contacts`` — the same for
  one deal, paged with ``after``.

Contact properties include the brand's custom properties ``instagram_handle``
and ``app_user_id`` (internal names as created in the portal's settings).
Auth is a private-app token as a bearer token; errors are
``{"status": "error", "message", "correlationId", "category"}``, rate limits a
429 with ``errorType: RATE_LIMIT``, ``policyName`` and ``X-HubSpot-RateLimit-*``.
"""
from __future__ import annotations

import math
import uuid
from datetime import datetime
from typing import Callable, Iterator

from sandbox.api.base import Api, BadRequest, Request, Response, bearer_token, route
from sandbox.world import commerce as cm

ACCESS_TOKEN = "pat-na1-5a1d3c2e-7f4b-4c8e-9d2a-0b6e8f1c4a77"
SEARCH_MAX_LIMIT = 200
SEARCH_MAX_RESULTS = 10_000
ASSOC_MAX_LIMIT = 500
BATCH_MAX_INPUTS = 1000
DEAL_TO_CONTACT = {"category": "HUBSPOT_DEFINED", "typeId": 3, "label": None}

# Per object: the property the search index is ordered by, the properties returned by default.
OBJECTS = {
    "contacts": ("lastmodifieddate", ("createdate", "email", "firstname", "hs_object_id", "lastmodifieddate",
                                      "lastname")),
    "deals": ("hs_lastmodifieddate", ("amount", "closedate", "createdate", "dealname", "dealstage",
                                      "hs_lastmodifieddate", "hs_object_id", "pipeline")),
    "feedback_submissions": ("hs_lastmodifieddate", ("hs_createdate", "hs_lastmodifieddate", "hs_object_id")),
}
ALWAYS = {"contacts": ("createdate", "hs_object_id", "lastmodifieddate"),
          "deals": ("createdate", "hs_lastmodifieddate", "hs_object_id"),
          "feedback_submissions": ("hs_createdate", "hs_lastmodifieddate", "hs_object_id")}
CREATED_PROP = {"contacts": "createdate", "deals": "createdate", "feedback_submissions": "hs_createdate"}


class HubSpotError(Exception):
    def __init__(self, status: int, message: str, category: str = "VALIDATION_ERROR"):
        super().__init__(message)
        self.status, self.message, self.category = status, message, category


def _body(status: str, message: str, category: str, **extra) -> dict:
    return {"status": status, "message": message, "correlationId": str(uuid.uuid4()), "category": category, **extra}


def _epoch(value) -> float | None:
    """A filter value as epoch seconds: epoch milliseconds or ISO-8601, as HubSpot accepts."""
    if value is None:
        return None
    text = str(value).strip()
    if text.lstrip("-").isdigit():
        return int(text) / 1000.0
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def _rate_headers(remaining: int = 99) -> dict[str, str]:
    return {"X-HubSpot-RateLimit-Daily": "250000", "X-HubSpot-RateLimit-Daily-Remaining": "249000",
            "X-HubSpot-RateLimit-Interval-Milliseconds": "10000", "X-HubSpot-RateLimit-Max": "100",
            "X-HubSpot-RateLimit-Remaining": str(remaining), "X-HubSpot-RateLimit-Secondly": "10",
            "X-HubSpot-RateLimit-Secondly-Remaining": "9"}


class HubSpotApi(Api):
    name = "hubspot"
    prefix = "/hubspot"

    # -- the vendor's own shapes ---------------------------------------------------------
    def authorized(self, req: Request) -> bool:
        return bearer_token(req) == ACCESS_TOKEN

    def unauthorized(self, req: Request) -> Response:
        return Response.json(_body(
            "error", "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can "
            "find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview",
            "INVALID_AUTHENTICATION"), 401)

    def rate_limited(self, req: Request, wait_seconds: int) -> Response:
        body = {"status": "error", "message": "You have reached your ten_secondly_rolling limit.",
                "errorType": "RATE_LIMIT", "correlationId": str(uuid.uuid4()), "policyName": "TEN_SECONDLY_ROLLING",
                "groupName": "api-calls:pantau-sandbox"}
        headers = {**_rate_headers(0), "X-HubSpot-RateLimit-Interval-Milliseconds": str(max(1, wait_seconds) * 1000)}
        if wait_seconds == 0:
            headers["X-HubSpot-RateLimit-Interval-Milliseconds"] = "1"
        return Response.json(body, 429, headers)

    def server_error(self, req: Request) -> Response:
        return Response.json(_body("error", "internal error", "INTERNAL_ERROR"), 502)

    def bad_request(self, req: Request, message: str) -> Response:
        return Response.json(_body("error", message, "VALIDATION_ERROR"), 400)

    def not_found(self, req: Request) -> Response:
        return Response.json(_body("error", f"Unable to route {req.method} {req.path}", "OBJECT_NOT_FOUND"), 404)

    def extractor_settings(self, base_url: str) -> dict[str, str]:
        return {"PANTAU_HUBSPOT_BASE_URL": base_url, "PANTAU_HUBSPOT_ACCESS_TOKEN": ACCESS_TOKEN}

    def handle(self, req: Request):
        try:
            return super().handle(req)
        except HubSpotError as exc:
            return Response.json(_body("error", exc.message, exc.category), exc.status), None

    # -- records -----------------------------------------------------------------------------
    def _record(self, kind: str, key: int, wanted: tuple[str, ...]) -> dict:
        w, now = self.world, self.world.timeline.as_of_ts
        if kind == "contacts":
            index, rest = divmod(key - 1000, 3)
            props = cm.contact_properties(w.customer(index), now, duplicate=rest == 1)
        elif kind == "deals":
            c = w.customer((key - cm.DEAL_BASE) // 2)
            props = cm.deal_properties(c, key, now)
        else:
            props = cm.survey_properties(cm.survey_answer(w, key), w)
        created = props[CREATED_PROP[kind]]
        updated = props[OBJECTS[kind][0]]
        return {"id": str(props["hs_object_id"]), "properties": {p: props.get(p) for p in wanted},
                "createdAt": created, "updatedAt": updated, "archived": False}

    # -- search --------------------------------------------------------------------------------
    @route("POST", r"/crm/v3/objects/(?P<kind>contacts|deals|feedback_submissions)/search")
    def search(self, req: Request) -> Response:
        kind = req.params["kind"]
        body = req.json()
        if not isinstance(body, dict):
            raise BadRequest("Invalid input JSON on line 1, column 1: Cannot build PublicObjectSearchRequest")
        time_prop, defaults = OBJECTS[kind]
        limit = body.get("limit", 10)
        if not isinstance(limit, int) or limit < 1:
            raise BadRequest("limit must be a positive integer")
        if limit > SEARCH_MAX_LIMIT:
            raise BadRequest(f"limit must be less than or equal to {SEARCH_MAX_LIMIT}")
        try:
            after = int(body.get("after") or 0)
        except (TypeError, ValueError):
            raise BadRequest(f"after must be an integer offset, got {body.get('after')!r}") from None
        if after >= SEARCH_MAX_RESULTS:
            raise BadRequest(f"Search results are limited to {SEARCH_MAX_RESULTS} total results; "
                             f"after={after} pages beyond them. Narrow the search with a filter.")
        props = body.get("properties")
        wanted = tuple(dict.fromkeys([*(props or defaults), *ALWAYS[kind]])) if props else defaults
        descending = self._sort(body.get("sorts"), time_prop)
        groups = self._groups(body.get("filterGroups"))
        keys_in_order, total = self._matches(kind, groups, time_prop, descending)
        results = []
        for key in keys_in_order(after, limit):
            results.append(self._record(kind, key, wanted))
        out: dict = {"total": total, "results": self.with_record_faults(results, optional="archived")}
        if after + len(results) < total:
            out["paging"] = {"next": {"after": str(after + limit)}}
        return Response.json(out)

    @staticmethod
    def _sort(sorts, time_prop: str) -> bool:
        if not sorts:
            return False
        if not isinstance(sorts, list) or len(sorts) != 1:
            raise BadRequest("sorts accepts exactly one sort")
        s = sorts[0]
        name, direction = (s, "ASCENDING") if isinstance(s, str) else (s.get("propertyName"), s.get("direction",
                                                                                                       "ASCENDING"))
        if name != time_prop:
            raise BadRequest(f"The sandbox sorts searches on {time_prop} only, not {name!r}")
        if direction not in ("ASCENDING", "DESCENDING"):
            raise BadRequest(f"direction must be ASCENDING or DESCENDING, got {direction!r}")
        return direction == "DESCENDING"

    @staticmethod
    def _groups(groups) -> list[list[dict]]:
        if groups is None:
            return [[]]
        if not isinstance(groups, list) or len(groups) > 5:
            raise BadRequest("filterGroups must be a list of at most 5 groups")
        out = []
        for g in groups:
            filters = (g or {}).get("filters", [])
            if len(filters) > 10:
                raise BadRequest("a filter group holds at most 10 filters")
            for f in filters:
                if f.get("operator") not in ("EQ", "NEQ", "GT", "GTE", "LT", "LTE", "BETWEEN", "HAS_PROPERTY",
                                             "NOT_HAS_PROPERTY", "IN", "NOT_IN"):
                    raise BadRequest(f"Unsupported operator {f.get('operator')!r}")
            out.append(filters)
        return out or [[]]

    @staticmethod
    def _time_bounds(filters: list[dict], time_prop: str) -> tuple[float, float, list[dict]]:
        """[lo, hi] in epoch seconds from the filters on the index property, and the other filters."""
        lo, hi, rest = -math.inf, math.inf, []
        for f in filters:
            if f.get("propertyName") != time_prop or f.get("operator") not in ("GT", "GTE", "LT", "LTE", "EQ",
                                                                                 "BETWEEN"):
                rest.append(f)
                continue
            v = _epoch(f.get("value"))
            if v is None:
                raise BadRequest(f"{f.get('value')!r} is not a valid datetime for {time_prop}")
            op = f["operator"]
            if op in ("GTE", "BETWEEN", "EQ"):
                lo = max(lo, v)
            if op == "GT":
                lo = max(lo, v + 0.001)
            if op in ("LTE", "EQ"):
                hi = min(hi, v)
            if op == "LT":
                hi = min(hi, v - 0.001)
            if op == "BETWEEN":
                high = _epoch(f.get("highValue"))
                if high is None:
                    raise BadRequest("BETWEEN needs a highValue")
                hi = min(hi, high)
        return lo, hi, rest

    def _matches(self, kind: str, groups: list[list[dict]], time_prop: str,
                 descending: bool) -> tuple[Callable[[int, int], Iterator[int]], int]:
        """A function (offset, limit) -> keys in sort order, and the total number of matches.

        Times show as whole seconds (``…:05.000Z``), so a bound compares with the shown value.
        """
        bounds = [self._time_bounds(g, time_prop) for g in groups]
        lo = min(b[0] for b in bounds)
        hi = max(b[1] for b in bounds)
        first = -math.inf if lo == -math.inf else math.ceil(lo)
        last = math.inf if hi == math.inf else math.floor(hi) + 1  # exclusive
        if kind == "feedback_submissions":
            r = cm.survey_range(self.world, None if first == -math.inf else first,
                                None if last == math.inf else last - 1e-6)
            keys_at: Callable[[int], int] = lambda pos: r[pos]  # noqa: E731
            shown_at: Callable[[int], float] = lambda pos: math.floor(cm.survey_time(self.world, r[pos]))  # noqa: E731
            count = len(r)
        else:
            index = cm.commerce_index(self.world)
            sk = index.contacts if kind == "contacts" else index.deals
            start = 0 if first == -math.inf else sk.first_at_or_after(first)
            stop = len(sk) if last == math.inf else sk.first_at_or_after(last)
            count = max(0, stop - start)
            keys_at = lambda pos: int(sk.keys[start + pos])  # noqa: E731
            shown_at = lambda pos: math.floor(sk.times[start + pos])  # noqa: E731
        if len(bounds) == 1 and not bounds[0][2]:
            def page(offset: int, limit: int) -> Iterator[int]:
                positions = range(offset, min(count, offset + limit))
                if descending:
                    positions = range(count - 1 - offset, max(-1, count - 1 - offset - limit), -1)
                return (keys_at(p) for p in positions)

            return page, count
        ordered = []
        for pos in range(count):
            key, t, props = keys_at(pos), shown_at(pos), None
            for b_lo, b_hi, rest in bounds:
                if not b_lo <= t <= b_hi and not (math.ceil(b_lo) <= t <= math.floor(b_hi)):
                    continue
                if rest and props is None:
                    props = self._all_props(kind, key)
                if all(self._match(f, props) for f in rest):
                    ordered.append(key)
                    break
        if descending:
            ordered.reverse()
        return (lambda offset, limit: iter(ordered[offset:offset + limit])), len(ordered)

    def _all_props(self, kind: str, key: int) -> dict:
        w, now = self.world, self.world.timeline.as_of_ts
        if kind == "contacts":
            index, rest = divmod(key - 1000, 3)
            return cm.contact_properties(w.customer(index), now, duplicate=rest == 1)
        if kind == "deals":
            return cm.deal_properties(w.customer((key - cm.DEAL_BASE) // 2), key, now)
        return cm.survey_properties(cm.survey_answer(w, key), w)

    @staticmethod
    def _match(f: dict, props: dict) -> bool:
        value = props.get(f.get("propertyName"))
        op, want = f.get("operator"), f.get("value")
        if op == "HAS_PROPERTY":
            return value not in (None, "")
        if op == "NOT_HAS_PROPERTY":
            return value in (None, "")
        if op in ("IN", "NOT_IN"):
            inside = str(value).lower() in {str(v).lower() for v in f.get("values", [])}
            return inside if op == "IN" else not inside
        if value is None:
            return op == "NEQ"
        a, b = _epoch(value), _epoch(want)
        if a is None or b is None or op in ("EQ", "NEQ"):
            a, b = str(value).lower(), str(want).lower()
        return {"EQ": a == b, "NEQ": a != b, "GT": a > b, "GTE": a >= b, "LT": a < b, "LTE": a <= b,
                "BETWEEN": b <= a <= (_epoch(f.get("highValue")) or b)}[op]

    # -- associations (v4) -------------------------------------------------------------------------
    def _deal_contacts(self, deal_id: str) -> list[dict] | None:
        if not deal_id.isdigit():
            return None
        c = cm.customer_of_deal(self.world, int(deal_id))
        if c is None:
            return None
        return [{"toObjectId": int(c.hubspot_id), "associationTypes": [DEAL_TO_CONTACT]}]

    @route("POST", r"/crm/v4/associations/deals/contacts/batch/read")
    def batch_read(self, req: Request) -> Response:
        body = req.json()
        inputs = body.get("inputs") if isinstance(body, dict) else None
        if not isinstance(inputs, list) or not inputs:
            raise BadRequest("inputs must be a non-empty list of {\"id\": ...}")
        if len(inputs) > BATCH_MAX_INPUTS:
            raise BadRequest(f"Batch size {len(inputs)} exceeds the limit of {BATCH_MAX_INPUTS} inputs")
        started = self.world.timeline.as_of.isoformat().replace("+00:00", "Z")
        results, missing = [], []
        for item in inputs:
            deal_id = str((item or {}).get("id", ""))
            to = self._deal_contacts(deal_id)
            if to is None:
                missing.append(deal_id)
            else:
                results.append({"from": {"id": deal_id}, "to": to})
        out: dict = {"status": "COMPLETE", "results": self.with_record_faults(results, key="from"),
                     "startedAt": started, "completedAt": started}
        status = 200
        if missing:
            status = 207
            out["numErrors"] = len(missing)
            out["errors"] = [{"status": "error", "category": "OBJECT_NOT_FOUND", "subCategory": "crm.associations.NO_ASSOCIATIONS_FOUND",
                              "message": f"No deal is associated with id {d}", "context": {"fromObjectId": [d]}}
                             for d in missing]
        return Response.json(out, status, _rate_headers())

    @route("GET", r"/crm/v4/objects/deals/(?P<deal_id>\d+)/associations/contacts")
    def deal_associations(self, req: Request) -> Response:
        to = self._deal_contacts(req.params["deal_id"])
        if to is None:
            raise HubSpotError(404, f"Object not found. objectId are usually numeric. id={req.params['deal_id']}",
                               "OBJECT_NOT_FOUND")
        limit = req.int_arg("limit", 500, 1, ASSOC_MAX_LIMIT)
        after = req.int_arg("after", 0, 0)
        page = to[after:after + limit]
        out: dict = {"results": page}
        if after + limit < len(to):
            out["paging"] = {"next": {"after": str(after + limit),
                                      "link": f"{req.base_url}{req.path}?after={after + limit}"}}
        return Response.json(out, headers=_rate_headers())


API = HubSpotApi
