"""Stripe API (``https://api.stripe.com/v1``) over the world's billing.

Endpoints, as the real API has them (rendered in API version
``2025-06-30.basil``: billing periods on subscription items, an invoice's
subscription under ``parent.subscription_details``, a line's price under
``pricing.price_details``):
- ``GET /v1/customers`` — ``created`` (``created[gte|gt|lte|lt]`` or an exact
  epoch), ``email`` (case-sensitive exact match), ``limit``, ``starting_after``,
  ``ending_before``.
- ``GET /v1/subscriptions`` — ``status`` (default: every status but
  ``canceled``; ``all`` includes canceled), ``customer``, ``price``, ``created``.
- ``GET /v1/invoices`` — ``customer``, ``subscription``, ``status``, ``created``;
  ``expand[]=data.payments`` includes each invoice's ``payments`` (the
  invoice payments naming the PaymentIntent that paid it: since ``basil`` the
  only link between an invoice and its money).
- ``GET /v1/payment_intents`` — ``customer``, ``created``.
- ``GET /v1/charges`` — ``customer``, ``payment_intent``, ``created``.
- ``GET /v1/checkout/sessions`` — ``customer``, ``payment_intent``,
  ``subscription``, ``status``, ``created``.
- ``GET /v1/events`` — ``type`` (``*`` wildcards, e.g. ``customer.subscription.*``)
  or ``types[]`` (up to 20), ``created``; only the last 30 days are listed.

Every list is ``{"object": "list", "url", "has_more", "data"}``, newest first
(``created`` descending); ``limit`` 1–100 (default 10); ``starting_after`` is
the id of the last object of the previous page.  Unknown parameters are a 400
``parameter_unknown``.  Auth: the secret key as HTTP basic username or as a
bearer token; errors are ``{"error": {"type", "code", "message"}}``, a rate
limit a 429 ``rate_limit`` with ``Stripe-Should-Retry``.
"""
from __future__ import annotations

import base64
import binascii
import fnmatch
import re
from functools import lru_cache
from typing import Callable, Iterator

from sandbox.api.base import Api, Request, Response, route
from sandbox.world import commerce as cm
from sandbox.world.draws import stable_hex

SECRET_KEY = "sk_test_51PantauSandboxKopikuBillingKey000"
LIST_MAX = 100
DEFAULT_LIMIT = 10
SUBSCRIPTION_STATUSES = ("active", "all", "canceled", "ended", "incomplete", "incomplete_expired", "past_due",
                         "paused", "trialing", "unpaid")
INVOICE_STATUSES = ("draft", "open", "paid", "uncollectible", "void")
_CREATED_OPS = ("gte", "gt", "lte", "lt")
_EMAIL_INDEX = re.compile(r"(\d+)@")
EVENT_TYPES = {
    cm.EV_CREATED: "customer.subscription.created",
    cm.EV_ADD_ON: "customer.subscription.updated",
    cm.EV_SAVE_REQUEST: "customer.subscription.updated",
    cm.EV_SAVED: "customer.subscription.updated",
    cm.EV_CANCEL_REQUEST: "customer.subscription.updated",
    cm.EV_DELETED: "customer.subscription.deleted",
}
CHECKOUT_STATUSES = ("complete", "expired", "open")


class StripeError(Exception):
    def __init__(self, status: int, type_: str, message: str, code: str | None = None, param: str | None = None):
        super().__init__(message)
        self.status, self.type, self.message, self.code, self.param = status, type_, message, code, param


def _error(status: int, type_: str, message: str, code: str | None = None, param: str | None = None,
           headers: dict | None = None) -> Response:
    err = {"type": type_, "message": message}
    if code:
        err["code"] = code
        err["doc_url"] = f"https://stripe.com/docs/error-codes/{code.replace('_', '-')}"
    if param:
        err["param"] = param
    return Response.json({"error": err}, status, {"Request-Id": "req_sandbox", **(headers or {})})


@lru_cache(maxsize=4)
def _customer_ids(seed: int, count: int) -> dict[str, int]:
    """Customer id -> index (Stripe customer ids are opaque; the sandbox keeps the reverse map)."""
    return {"cus_" + stable_hex("stripe-customer", i, length=14).upper(): i for i in range(count)}


class StripeApi(Api):
    name = "stripe"
    prefix = "/stripe/v1"

    # -- the vendor's own shapes ---------------------------------------------------
    def _key(self, req: Request) -> str | None:
        auth = req.headers.get("Authorization") or req.headers.get("authorization") or ""
        if auth.lower().startswith("bearer "):
            return auth[7:].strip()
        if auth.lower().startswith("basic "):
            try:
                user = base64.b64decode(auth[6:].strip()).decode().partition(":")[0]
            except (binascii.Error, UnicodeDecodeError):
                return ""
            return user
        return None

    def authorized(self, req: Request) -> bool:
        return self._key(req) == SECRET_KEY

    def unauthorized(self, req: Request) -> Response:
        key = self._key(req)
        if not key:
            return _error(401, "invalid_request_error",
                          "You did not provide an API key. You need to provide your API key in the Authorization "
                          "header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See "
                          "https://stripe.com/docs/api#authentication for details, or we can help at "
                          "https://support.stripe.com/.", headers={"WWW-Authenticate": 'Basic realm="Stripe"'})
        shown = key[:8] + "*" * 12 + key[-4:] if len(key) > 12 else "*" * len(key)
        return _error(401, "invalid_request_error", f"Invalid API Key provided: {shown}",
                      headers={"WWW-Authenticate": 'Basic realm="Stripe"'})

    def rate_limited(self, req: Request, wait_seconds: int) -> Response:
        return _error(429, "invalid_request_error",
                      "Too many requests hit the API too quickly. We recommend an exponential backoff of your "
                      "requests.", code="rate_limit", headers={"Stripe-Should-Retry": "true"})

    def server_error(self, req: Request) -> Response:
        return _error(500, "api_error", "An unknown error occurred", headers={"Stripe-Should-Retry": "true"})

    def bad_request(self, req: Request, message: str) -> Response:
        return _error(400, "invalid_request_error", message)

    def not_found(self, req: Request) -> Response:
        return _error(404, "invalid_request_error", f"Unrecognized request URL ({req.method}: /v1{req.path}). "
                      "Please see https://stripe.com/docs or we can help at https://support.stripe.com/.")

    def extractor_settings(self, base_url: str) -> dict[str, str]:
        return {"PANTAU_STRIPE_BASE_URL": base_url, "PANTAU_STRIPE_SECRET_KEY": SECRET_KEY}

    def handle(self, req: Request):
        try:
            return super().handle(req)
        except StripeError as exc:
            return _error(exc.status, exc.type, exc.message, exc.code, exc.param), None

    # -- parameters ----------------------------------------------------------------------
    @staticmethod
    def _check_params(req: Request, allowed: set[str]) -> None:
        for name in req.query:
            base = name.split("[", 1)[0]
            if base not in allowed and name not in allowed:
                raise StripeError(400, "invalid_request_error", f"Received unknown parameter: {name}",
                                  "parameter_unknown", name)

    @staticmethod
    def _limit(req: Request) -> int:
        raw = req.arg("limit")
        if raw is None:
            return DEFAULT_LIMIT
        if not raw.isdigit() or not 1 <= int(raw) <= LIST_MAX:
            raise StripeError(400, "invalid_request_error",
                              f"Invalid integer: {raw}; must be between 1 and {LIST_MAX}", "parameter_invalid_integer",
                              "limit")
        return int(raw)

    @staticmethod
    def _created(req: Request) -> tuple[float, float]:
        """``created`` filters as a half-open epoch interval [lo, hi) on the float time (int() is what shows)."""
        lo, hi = float("-inf"), float("inf")

        def num(name: str, raw: str) -> int:
            if not raw.lstrip("-").isdigit():
                raise StripeError(400, "invalid_request_error", f"Invalid integer: {raw}",
                                  "parameter_invalid_integer", name)
            return int(raw)

        exact = req.arg("created")
        if exact is not None:
            v = num("created", exact)
            lo, hi = v, v + 1
        for op in _CREATED_OPS:
            raw = req.arg(f"created[{op}]")
            if raw is None:
                continue
            v = num(f"created[{op}]", raw)
            if op == "gte":
                lo = max(lo, v)
            elif op == "gt":
                lo = max(lo, v + 1)
            elif op == "lte":
                hi = min(hi, v + 1)
            else:
                hi = min(hi, v)
        return lo, hi

    def _list(self, url: str, records: Iterator[dict], limit: int, key: str = "id",
              reverse: bool = False) -> Response:
        page = []
        has_more = False
        for rec in records:
            if len(page) == limit:
                has_more = True
                break
            page.append(rec)
        if reverse:
            page.reverse()
        data = self.with_record_faults(page, key=key, optional="metadata")
        return Response.json({"object": "list", "data": data, "has_more": has_more, "url": url},
                             headers={"Request-Id": "req_" + stable_hex("req", url, len(page), length=14),
                                      "Stripe-Version": cm.STRIPE_API_VERSION})

    def _no_such(self, kind: str, value: str, param: str) -> StripeError:
        return StripeError(400 if param in ("starting_after", "ending_before") else 404, "invalid_request_error",
                           f"No such {kind}: '{value}'", "resource_missing", param)

    # -- sorted-key walking (newest first) -------------------------------------------------
    @staticmethod
    def _positions(keys: cm.SortedKeys, lo: float, hi: float, req: Request, decode: Callable[[str], int | None],
                   time_of: Callable[[int], float], kind: str, self_: "StripeApi") -> Iterator[int]:
        start = keys.first_at_or_after(lo) if lo != float("-inf") else 0
        stop = keys.first_at_or_after(hi) if hi != float("inf") else len(keys)
        after, before = req.arg("starting_after"), req.arg("ending_before")
        if after:
            key = decode(after)
            pos = None if key is None else keys.position(time_of(key), key)
            if pos is None:
                raise self_._no_such(kind, after, "starting_after")
            stop = min(stop, pos)
        if before:
            key = decode(before)
            pos = None if key is None else keys.position(time_of(key), key)
            if pos is None:
                raise self_._no_such(kind, before, "ending_before")
            start = max(start, pos + 1)
            # ending_before pages toward newer objects: the ones just newer than the cursor
            # (``_list`` shows the page newest first again).
            return iter(range(start, stop))
        return iter(range(stop - 1, start - 1, -1))

    def _customer_index(self, value: str, param: str) -> int:
        index = _customer_ids(self.world.profile.seed, self.world.customer_count()).get(value)
        if index is None:
            raise self._no_such("customer", value, param)
        return index

    # -- customers ----------------------------------------------------------------------
    @route("GET", r"/customers")
    def customers(self, req: Request) -> Response:
        self._check_params(req, {"created", "email", "limit", "starting_after", "ending_before", "expand", "test_clock"})
        limit = self._limit(req)
        lo, hi = self._created(req)
        w = self.world
        n = w.customer_count()
        signup = lambda i: w.customer(i).signup_at  # noqa: E731

        def first_at_or_after(ts: float) -> int:
            if ts == float("-inf"):
                return 0
            if ts == float("inf"):
                return n
            i = min(n, max(0, w.customers_signed_up_by(ts) - 1))
            while i > 0 and signup(i - 1) >= ts:
                i -= 1
            while i < n and signup(i) < ts:
                i += 1
            return i

        start, stop = first_at_or_after(lo), first_at_or_after(hi)
        after, before = req.arg("starting_after"), req.arg("ending_before")
        email = req.arg("email")
        if after:
            stop = min(stop, self._customer_index(after, "starting_after"))
        if before:
            start = max(start, self._customer_index(before, "ending_before") + 1)
            if email is None:
                return self._list("/v1/customers", (cm.stripe_customer(w, w.customer(i)) for i in range(start, stop)),
                                  limit, reverse=True)
        if email is not None:
            m = _EMAIL_INDEX.search(email)
            idx = int(m.group(1)) if m else -1
            candidates = [idx] if start <= idx < stop and cm.stripe_email(w.customer(idx)) == email else []
        else:
            candidates = range(stop - 1, start - 1, -1)
        return self._list("/v1/customers", (cm.stripe_customer(w, w.customer(i)) for i in candidates), limit)

    # -- subscriptions ---------------------------------------------------------------------
    @route("GET", r"/subscriptions")
    def subscriptions(self, req: Request) -> Response:
        self._check_params(req, {"status", "customer", "price", "created", "limit", "starting_after", "ending_before",
                                 "expand", "collection_method", "current_period_end", "current_period_start",
                                 "test_clock", "automatic_tax"})
        limit = self._limit(req)
        status = req.arg("status")
        if status is not None and status not in SUBSCRIPTION_STATUSES:
            raise StripeError(400, "invalid_request_error",
                              f"Invalid status: must be one of {', '.join(SUBSCRIPTION_STATUSES)}", "parameter_invalid_string",
                              "status")
        lo, hi = self._created(req)
        w, now = self.world, self.world.timeline.as_of_ts
        keys = cm.commerce_index(w).subscriptions
        customer = req.arg("customer")
        price = req.arg("price")
        only = self._customer_index(customer, "customer") if customer else None

        def subs() -> Iterator[dict]:
            for pos in self._positions(keys, lo, hi, req, lambda v: cm.decode_id("sub", v),
                                       lambda i: w.customer(i).subscription.started_at, "subscription", self):
                i = int(keys.keys[pos])
                if only is not None and i != only:
                    continue
                sub = cm.subscription_at(w.customer(i), now)
                if status in (None,) and sub["status"] == "canceled":
                    continue
                if status not in (None, "all") and sub["status"] != status:
                    continue
                if price and all(it["price"]["id"] != price for it in sub["items"]["data"]):
                    continue
                yield sub

        return self._list("/v1/subscriptions", subs(), limit, reverse=bool(req.arg("ending_before")))

    # -- invoices -------------------------------------------------------------------------------
    @route("GET", r"/invoices")
    def invoices(self, req: Request) -> Response:
        self._check_params(req, {"customer", "subscription", "status", "created", "limit", "starting_after",
                                 "ending_before", "expand", "collection_method", "due_date", "customer_account"})
        limit = self._limit(req)
        status = req.arg("status")
        if status is not None and status not in INVOICE_STATUSES:
            raise StripeError(400, "invalid_request_error",
                              f"Invalid status: must be one of {', '.join(INVOICE_STATUSES)}", "parameter_invalid_string",
                              "status")
        lo, hi = self._created(req)
        w, now = self.world, self.world.timeline.as_of_ts
        keys = cm.commerce_index(w).invoices
        customer = req.arg("customer")
        only = self._customer_index(customer, "customer") if customer else None
        sub = req.arg("subscription")
        if sub:
            only_sub = cm.decode_id("sub", sub)
            if only_sub is None:
                raise self._no_such("subscription", sub, "subscription")
            only = only_sub if only is None or only == only_sub else -1

        with_payments = "data.payments" in req.query.get("expand[]", [])

        def invs() -> Iterator[dict]:
            for pos in self._positions(keys, lo, hi, req, lambda v: cm.decode_id("in", v),
                                       lambda k: cm.invoice_time(w, k), "invoice", self):
                k = int(keys.keys[pos])
                if only is not None and k // 1024 != only:
                    continue
                if sub and k % 1024 >= cm.ORDER_KEY_BASE:
                    continue
                inv = cm.invoice_of_key(w, k, now, with_payments)
                if status and inv["status"] != status:
                    continue
                yield inv

        return self._list("/v1/invoices", invs(), limit, reverse=bool(req.arg("ending_before")))

    # -- payment intents, charges, checkout sessions ------------------------------------------
    def _payments(self, req: Request, url: str, keys: cm.SortedKeys, prefix: str, kind: str,
                  time_of: Callable[[int], float], render: Callable[[int], dict | None],
                  keep: Callable[[dict], bool] = lambda obj: True) -> Response:
        limit = self._limit(req)
        lo, hi = self._created(req)
        customer = req.arg("customer")
        only = self._customer_index(customer, "customer") if customer else None

        def objs() -> Iterator[dict]:
            for pos in self._positions(keys, lo, hi, req, lambda v: cm.decode_id(prefix, v), time_of, kind, self):
                k = int(keys.keys[pos])
                if only is not None and k // 1024 != only:
                    continue
                obj = render(k)
                if obj is not None and keep(obj):
                    yield obj

        return self._list(url, objs(), limit, reverse=bool(req.arg("ending_before")))

    def _payment(self, key: int) -> cm.Payment:
        return cm.payment_of_key(self.world, key, self.world.timeline.as_of_ts)

    def _payment_time(self, key: int, of: str) -> float:
        return cm.payment_time(self.world, key, self.world.timeline.as_of_ts, of)

    @route("GET", r"/payment_intents")
    def payment_intents(self, req: Request) -> Response:
        self._check_params(req, {"customer", "created", "limit", "starting_after", "ending_before", "expand",
                                 "customer_account"})
        return self._payments(req, "/v1/payment_intents", cm.commerce_index(self.world).payment_intents, "pi",
                              "payment_intent", lambda k: self._payment_time(k, "intent_created"),
                              lambda k: cm.payment_intent(self._payment(k)))

    @route("GET", r"/charges")
    def charges(self, req: Request) -> Response:
        self._check_params(req, {"customer", "payment_intent", "created", "limit", "starting_after", "ending_before",
                                 "expand", "transfer_group"})
        intent = req.arg("payment_intent")
        return self._payments(req, "/v1/charges", cm.commerce_index(self.world).charges, "ch", "charge",
                              lambda k: self._payment_time(k, "paid_at"),
                              lambda k: cm.charge(self._payment(k)),
                              lambda obj: intent is None or obj["payment_intent"] == intent)

    @route("GET", r"/checkout/sessions")
    def checkout_sessions(self, req: Request) -> Response:
        self._check_params(req, {"customer", "customer_details", "payment_intent", "payment_link", "subscription",
                                 "status", "created", "limit", "starting_after", "ending_before", "expand",
                                 "customer_account"})
        status = req.arg("status")
        if status is not None and status not in CHECKOUT_STATUSES:
            raise StripeError(400, "invalid_request_error",
                              f"Invalid status: must be one of {', '.join(CHECKOUT_STATUSES)}",
                              "parameter_invalid_string", "status")
        intent, sub = req.arg("payment_intent"), req.arg("subscription")
        w = self.world
        return self._payments(req, "/v1/checkout/sessions", cm.commerce_index(w).checkout_sessions, "cs",
                              "checkout session", lambda k: cm.checkout_session_created(w, k),
                              lambda k: cm.checkout_session(w, k),
                              lambda obj: (status in (None, obj["status"]) and intent in (None, obj["payment_intent"])
                                           and sub in (None, obj["subscription"])))

    # -- events ------------------------------------------------------------------------------------
    @route("GET", r"/events")
    def events(self, req: Request) -> Response:
        self._check_params(req, {"type", "types", "created", "limit", "starting_after", "ending_before",
                                 "delivery_success"})
        limit = self._limit(req)
        types = [v for name, values in req.query.items() if name.startswith("types[") for v in values]
        etype = req.arg("type")
        if etype and types:
            raise StripeError(400, "invalid_request_error", "You may only specify one of these parameters: type, types.",
                              "parameter_invalid_string", "types")
        if len(types) > 20:
            raise StripeError(400, "invalid_request_error", "You may pass at most 20 types.", "parameter_invalid_array",
                              "types")
        patterns = [etype] if etype else types

        def wanted(name: str) -> bool:
            return not patterns or any(fnmatch.fnmatchcase(name, p) for p in patterns)

        lo, hi = self._created(req)
        w = self.world
        keys = cm.commerce_index(w).events

        def time_of(key: int) -> float:
            return dict(cm.event_times(w.customer(key // 8)))[key % 8]

        def evs() -> Iterator[dict]:
            for pos in self._positions(keys, lo, hi, req, lambda v: cm.decode_id("evt", v), time_of, "event", self):
                key = int(keys.keys[pos])
                if wanted(EVENT_TYPES[key % 8]):
                    yield cm.event(w.customer(key // 8), key % 8)

        return self._list("/v1/events", evs(), limit, reverse=bool(req.arg("ending_before")))

    @route("GET", r"/(?P<kind>customers|subscriptions|invoices|events|payment_intents|charges)/(?P<id>[A-Za-z0-9_]+)")
    def retrieve(self, req: Request) -> Response:
        w, now = self.world, self.world.timeline.as_of_ts
        kind, value = req.params["kind"], req.params["id"]
        try:
            if kind == "customers":
                return Response.json(cm.stripe_customer(w, w.customer(self._customer_index(value, "id"))))
            if kind == "subscriptions":
                i = cm.decode_id("sub", value)
                c = w.customer(i) if i is not None and i < w.customer_count() else None
                if c and c.subscription and c.subscription.started_at <= now:
                    return Response.json(cm.subscription_at(c, now))
            if kind == "invoices":
                k = cm.decode_id("in", value)
                inv = None if k is None else cm.invoice_of_key(w, k, now)
                if inv is not None:
                    return Response.json(inv)
            if kind in ("payment_intents", "charges"):
                k = cm.decode_id("pi" if kind == "payment_intents" else "ch", value)
                p = None if k is None else cm.payment_of_key(w, k, now)
                if p is not None and kind == "payment_intents" and p.intent_created is not None:
                    return Response.json(cm.payment_intent(p))
                if p is not None and kind == "charges" and p.paid_at is not None:
                    return Response.json(cm.charge(p))
        except StripeError:
            pass
        raise StripeError(404, "invalid_request_error", f"No such {kind[:-1]}: '{value}'", "resource_missing", "id")


API = StripeApi
