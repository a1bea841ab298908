"""Per-API retry and throttling decisions, each reading that API's own signals.

A policy looks at one response and answers two questions:
``decide`` — for a failed response, retry or not, and after how long (None:
let the client use exponential backoff with jitter); ``throttle`` — for a
successful response, how long to pause before the next call so the budget the
API reports is not exhausted.  The client enforces attempt and wait caps.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

import requests

TRANSIENT_STATUSES = frozenset({500, 502, 503, 504})


@dataclass(frozen=True)
class RetryDecision:
    retry: bool
    wait: float | None
    reason: str


def response_json(response: requests.Response) -> Any:
    """The body as JSON, or None when it is not JSON (error pages, empty bodies)."""
    try:
        return json.loads(response.content or b"null")
    except ValueError:
        return None


def error_message(response: requests.Response) -> str:
    """The API's own description of an error, whatever its error format."""
    body = response_json(response)
    parts: list[str] = []
    if isinstance(body, dict):
        err = body.get("error")
        if isinstance(err, dict):  # Graph API, Stripe
            parts += [str(err[k]) for k in ("type", "code", "message") if err.get(k) not in (None, "")]
        elif isinstance(err, str):  # Zendesk {"error": "...", "description": "..."}
            parts.append(err)
        for key in ("title", "message", "detail", "description", "policyName"):
            if isinstance(body.get(key), (str, int)) and str(body[key]) not in parts:
                parts.append(str(body[key]))
        errors = body.get("errors")
        if isinstance(errors, list):  # X API v2
            parts += [str(e.get("message") or e.get("detail")) for e in errors[:3] if isinstance(e, dict)]
    if not parts:
        text = response.text.strip()
        parts.append(text[:200] if text else response.reason or "")
    return ": ".join(p for p in parts if p)[:500]


def retry_after_seconds(response: requests.Response, now: float) -> float | None:
    """``Retry-After`` as seconds to wait: delta-seconds or an HTTP date."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - now)
    except (TypeError, ValueError):
        return None


def _header_float(response: requests.Response, name: str) -> float | None:
    try:
        return float(response.headers[name])
    except (KeyError, ValueError):
        return None


@dataclass(frozen=True)
class RateLimitPolicy:
    """Generic HTTP: 429 and 500/502/503/504 are retried, honouring ``Retry-After``."""

    def decide(self, response: requests.Response, now: float | None = None) -> RetryDecision:
        now = time.time() if now is None else now
        status = response.status_code
        if status == 429 or status in TRANSIENT_STATUSES:
            return RetryDecision(True, retry_after_seconds(response, now), error_message(response))
        return RetryDecision(False, None, error_message(response))

    def throttle(self, response: requests.Response, now: float | None = None) -> float | None:
        return None


GenericRateLimit = RateLimitPolicy

GRAPH_THROTTLE_CODES = frozenset({4, 17, 32, 613}) | frozenset(range(80001, 80015))


@dataclass(frozen=True)
class GraphApiRateLimit(RateLimitPolicy):
    """Meta Graph API (Instagram, Facebook Pages).

    Throttling comes as HTTP 400/403 with ``error.code`` 4 (app), 17 (user),
    32 (page), 613 (custom) or 80001-80014 (business use case).  Usage headers
    report percentages of the rolling budget; BUC entries add
    ``estimated_time_to_regain_access`` in minutes.
    """

    slow_down_at_percent: float = 95.0
    slow_down_seconds: float = 60.0

    def decide(self, response: requests.Response, now: float | None = None) -> RetryDecision:
        body = response_json(response)
        error = body.get("error") if isinstance(body, dict) else None
        if isinstance(error, dict):
            code = error.get("code")
            if code in GRAPH_THROTTLE_CODES:
                return RetryDecision(
                    True, self._regain_seconds(response), f"Graph API throttled (error code {code}): {error_message(response)}"
                )
            if error.get("is_transient") is True:
                return RetryDecision(True, None, f"Graph API transient error: {error_message(response)}")
        return super().decide(response, now)

    def throttle(self, response: requests.Response, now: float | None = None) -> float | None:
        regain = self._regain_seconds(response)
        if regain:
            return regain
        if self._peak_usage(response) >= self.slow_down_at_percent:
            return self.slow_down_seconds
        return None

    @staticmethod
    def _usage_entries(response: requests.Response) -> list[dict[str, Any]]:
        entries: list[dict[str, Any]] = []
        for header in ("X-App-Usage", "X-Page-Usage"):
            value = _json_header(response, header)
            if isinstance(value, dict):
                entries.append(value)
        buc = _json_header(response, "X-Business-Use-Case-Usage")
        if isinstance(buc, dict):  # {"<business id>": [{"type": ..., "call_count": ...}, ...]}
            for items in buc.values():
                entries += [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []
        return entries

    def _peak_usage(self, response: requests.Response) -> float:
        return max(
            (
                float(entry[key])
                for entry in self._usage_entries(response)
                for key in ("call_count", "total_time", "total_cputime")
                if isinstance(entry.get(key), (int, float))
            ),
            default=0.0,
        )

    def _regain_seconds(self, response: requests.Response) -> float | None:
        minutes = max(
            (
                float(entry["estimated_time_to_regain_access"])
                for entry in self._usage_entries(response)
                if isinstance(entry.get("estimated_time_to_regain_access"), (int, float))
            ),
            default=0.0,
        )
        return minutes * 60 if minutes > 0 else None


def _json_header(response: requests.Response, name: str) -> Any:
    raw = response.headers.get(name)
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return None


@dataclass(frozen=True)
class XRateLimit(RateLimitPolicy):
    """X API v2: 429 with ``x-rate-limit-reset`` (epoch seconds when the window reopens).

    ``margin_seconds`` absorbs clock skew between us and X.
    """

    margin_seconds: float = 1.0

    def decide(self, response: requests.Response, now: float | None = None) -> RetryDecision:
        now = time.time() if now is None else now
        if response.status_code == 429:
            return RetryDecision(True, self._until_reset(response, now), f"X rate limit: {error_message(response)}")
        return super().decide(response, now)

    def throttle(self, response: requests.Response, now: float | None = None) -> float | None:
        now = time.time() if now is None else now
        if _header_float(response, "x-rate-limit-remaining") == 0:
            return self._until_reset(response, now)
        return None

    def _until_reset(self, response: requests.Response, now: float) -> float | None:
        reset = _header_float(response, "x-rate-limit-reset")
        return None if reset is None else max(0.0, reset - now) + self.margin_seconds


@dataclass(frozen=True)
class HubSpotRateLimit(RateLimitPolicy):
    """HubSpot: 429 whose JSON ``policyName`` says which limit was hit.

    Burst limits (TEN_SECONDLY_ROLLING, SECONDLY) clear within seconds: retry.
    DAILY resets at midnight in the account's time zone: waiting is not a
    retry, so fail at once with a clear error.
    """

    def decide(self, response: requests.Response, now: float | None = None) -> RetryDecision:
        now = time.time() if now is None else now
        if response.status_code == 429:
            body = response_json(response)
            policy = str(body.get("policyName", "")) if isinstance(body, dict) else ""
            if policy.upper() == "DAILY":
                return RetryDecision(
                    False,
                    None,
                    "HubSpot daily API limit reached (policyName DAILY); it resets at midnight in the "
                    f"account's time zone: {error_message(response)}",
                )
            wait = retry_after_seconds(response, now) or self._interval(response)
            return RetryDecision(True, wait, f"HubSpot rate limit {policy or 'unknown policy'}: {error_message(response)}")
        return super().decide(response, now)

    def throttle(self, response: requests.Response, now: float | None = None) -> float | None:
        if _header_float(response, "X-HubSpot-RateLimit-Remaining") == 0:
            return self._interval(response)
        if _header_float(response, "X-HubSpot-RateLimit-Secondly-Remaining") == 0:
            return 1.0
        return None

    @staticmethod
    def _interval(response: requests.Response) -> float | None:
        ms = _header_float(response, "X-HubSpot-RateLimit-Interval-Milliseconds")
        return ms / 1000 if ms else None


@dataclass(frozen=True)
class ZendeskRateLimit(RateLimitPolicy):
    """Zendesk: 429 with ``Retry-After`` seconds; ``ratelimit-remaining``/``ratelimit-reset`` on success."""

    def throttle(self, response: requests.Response, now: float | None = None) -> float | None:
        if _header_float(response, "ratelimit-remaining") == 0:
            return _header_float(response, "ratelimit-reset")
        return None


@dataclass(frozen=True)
class MixpanelRateLimit(RateLimitPolicy):
    """Mixpanel export: plain 429 (``Retry-After`` when sent, else backoff)."""


@dataclass(frozen=True)
class MailchimpRateLimit(RateLimitPolicy):
    """Mailchimp: 429 with an ``application/problem+json`` body (too many simultaneous connections)."""

    def decide(self, response: requests.Response, now: float | None = None) -> RetryDecision:
        decision = super().decide(response, now)
        if response.status_code == 429:
            return RetryDecision(True, decision.wait, f"Mailchimp rate limit: {error_message(response)}")
        return decision


@dataclass(frozen=True)
class StripeRateLimit(RateLimitPolicy):
    """Stripe: ``Stripe-Should-Retry`` overrides the status-based decision either way.

    Without it, 429 (rate or lock limits), 409 (conflicting concurrent
    request) and 5xx are retried, as Stripe's own client libraries do.
    """

    def decide(self, response: requests.Response, now: float | None = None) -> RetryDecision:
        now = time.time() if now is None else now
        reason = error_message(response)
        wait = retry_after_seconds(response, now)
        should = response.headers.get("Stripe-Should-Retry", "").strip().lower()
        if should in ("true", "false"):
            return RetryDecision(should == "true", wait, f"{reason} (Stripe-Should-Retry: {should})")
        if response.status_code in (409, 429) or response.status_code in TRANSIENT_STATUSES:
            return RetryDecision(True, wait, reason)
        return RetryDecision(False, None, reason)
