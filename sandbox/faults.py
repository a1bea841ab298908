"""Faults the sandbox injects on request, each in the shape the real API shows it.

Counters are per API and deterministic (every Nth request), so a test can say
exactly which request fails.  Set from ``PANTAU_SANDBOX_FAULTS``
("rate_limit_every=5,error_5xx_every=7", "fail_source=zendesk") or ``POST /_sandbox/faults``.
"""
from __future__ import annotations

import threading
from dataclasses import asdict, dataclass, fields


@dataclass
class Faults:
    rate_limit_every: int = 0  # every Nth request answers with the API's own rate-limit response
    rate_limit_wait_seconds: int = 1  # the wait the rate-limit response announces
    error_5xx_every: int = 0  # every Nth request answers 503
    slow_every: int = 0  # every Nth request sleeps ``slow_seconds`` before answering
    slow_seconds: float = 0.0
    drop_every: int = 0  # every Nth request has its connection dropped mid-body
    malformed_every: int = 0  # every Nth record loses its primary key
    corrupt_every: int = 0  # every Nth record gets negative counts and unparseable timestamps
    duplicate_across_pages: bool = False  # each page repeats the previous page's last record
    schema_drift: bool = False  # records gain an unknown field and lose an optional one
    fail_after_requests: int = 0  # after N requests, every request answers 500 (an outage)
    # APIs whose every request gets their server error, one source down for good: "zendesk", or "zendesk+stripe"
    # ("+" because the fault list itself is comma-separated)
    fail_source: str = ""

    @classmethod
    def parse(cls, text: str | None) -> "Faults":
        faults = cls()
        for part in filter(None, (p.strip() for p in (text or "").split(","))):
            name, _, value = part.partition("=")
            faults.update({name.strip(): value.strip()})
        return faults

    def update(self, values: dict) -> None:
        known = {f.name: f.type for f in fields(self)}
        for name, value in values.items():
            if name not in known:
                raise ValueError(f"unknown sandbox fault {name!r}; known: {sorted(known)}")
            current = getattr(self, name)
            if isinstance(current, bool):
                value = value if isinstance(value, bool) else str(value).lower() in ("1", "true", "yes")
            else:
                value = type(current)(value)
            setattr(self, name, value)

    def as_dict(self) -> dict:
        return asdict(self)


class FaultCounter:
    """Counts requests per API and says which fault, if any, this request gets."""

    def __init__(self, faults: Faults):
        self.faults = faults
        self._lock = threading.Lock()
        self._requests: dict[str, int] = {}
        self._records: dict[str, int] = {}

    def reset(self) -> None:
        with self._lock:
            self._requests.clear()
            self._records.clear()

    def next_request(self, api: str) -> int:
        with self._lock:
            n = self._requests.get(api, 0) + 1
            self._requests[api] = n
            return n

    def next_record(self, api: str) -> int:
        with self._lock:
            n = self._records.get(api, 0) + 1
            self._records[api] = n
            return n

    def fault_for(self, n: int, api: str) -> str | None:
        f = self.faults

        def hits(every: int) -> bool:
            return every > 0 and n % every == 0

        if api in f.fail_source.split("+"):
            return "outage"
        if f.fail_after_requests and n > f.fail_after_requests:
            return "outage"
        if hits(f.rate_limit_every):
            return "rate_limit"
        if hits(f.error_5xx_every):
            return "error_5xx"
        if hits(f.drop_every):
            return "drop"
        if hits(f.slow_every):
            return "slow"
        return None
