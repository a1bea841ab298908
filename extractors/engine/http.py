"""One HTTP client per source run: session, timeouts, bounded retries, throttling.

Every request carries connect and read timeouts.  Failures are retried at most
``max_attempts`` times in total, waiting what the server asks (Retry-After,
reset epochs, usage headers) or else full-jitter exponential backoff; a wait
longer than ``max_wait_seconds`` fails at once instead of hanging the run.  A
body that breaks off or stalls mid-way is such a failure too: a JSON page is
parsed only once whole, a newline-delimited export is downloaded whole to disk
before its first line is handed out.
"""
from __future__ import annotations

import io
import json
import logging
import random as _random
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Callable, Iterator, Mapping

import orjson
import requests

from extractors.engine.config import MAX_WAIT_VAR, SourceConfig
from extractors.engine.errors import ExtractionError
from extractors.engine.rate_limits import RetryDecision
from extractors.engine.redaction import Redactor

if TYPE_CHECKING:
    from extractors.engine.declarations import Source

logger = logging.getLogger("pantau.extractors")

USER_AGENT = "pantau-extractors/0.1 (+https://github.com/pantau)"

# Failures of the exchange itself (no response, or its body broke off or stalled): worth another try.
TRANSPORT_ERRORS = (
    requests.exceptions.ConnectionError,
    requests.exceptions.Timeout,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
)


# Bytes asked of the socket per read when downloading a streamed body (requests' default is 512).
LINES_CHUNK_BYTES = 64 * 1024

# orjson reads an integer beyond 64 bits as a rounded float; text with 20 digits
# in a row may hold one, so it is read (exactly) by the standard library instead.
# (Mapping every digit to "0" and looking for 20 zeros is ~6x faster than a regex.)
_DIGITS_TO_ZERO = bytes.maketrans(b"123456789", b"000000000")
_TWENTY_DIGITS = b"0" * 20


def loads(text: str | bytes) -> Any:
    """Parse JSON text (UTF-8 when bytes) as the standard library would, but faster.

    Raises ValueError for text that is not JSON, including NaN and Infinity,
    which orjson refuses (they are not JSON).
    """
    value = orjson.loads(text)
    raw = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else bytes(text)
    if _TWENTY_DIGITS in raw.translate(_DIGITS_TO_ZERO):
        return json.loads(text)
    return value


@dataclass(frozen=True)
class Request:
    """One HTTP request as the engine plans it; ``url`` is absolute and may carry a query."""

    method: str
    url: str
    params: Mapping[str, Any] = field(default_factory=dict)
    json: Mapping[str, Any] | None = None

    def with_params(self, **changes: Any) -> Request:
        """Copy with params set (a value of None removes the param)."""
        params = {**self.params, **changes}
        return Request(self.method, self.url, {k: v for k, v in params.items() if v is not None}, self.json)


class HttpClient:
    """Sends a source's requests; counts requests and retries for the run report."""

    def __init__(
        self,
        source: Source,
        config: SourceConfig,
        *,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        random: Callable[[float, float], float] = _random.uniform,
        scratch_dir: Path | None = None,
    ) -> None:
        self.source = source
        # Where streamed bodies are downloaded; None: the system's temporary directory.
        self.scratch_dir = scratch_dir
        self.config = config
        self.redactor = Redactor(config.secret_values())
        self.session = session or requests.Session()
        self.session.headers.setdefault("User-Agent", USER_AGENT)
        source.auth.apply(self.session, config)
        self._sleep = sleep
        self._clock = clock
        self._random = random
        self._timeout = (source.connect_timeout, config.http.read_timeout_seconds or source.read_timeout)
        self._not_before = 0.0
        self.requests = 0
        self.retries = 0

    def close(self) -> None:
        self.session.close()

    def describe(self, request: Request) -> str:
        """``METHOD <redacted absolute URL>`` plus a compact redacted JSON body, for lineage and messages."""
        url = requests.Request(request.method, request.url, params=dict(request.params)).prepare().url or request.url
        text = f"{request.method} {self.redactor.url(url)}"
        if request.json is not None:
            text += " " + self.redactor.text(json.dumps(request.json, separators=(",", ":"), default=str))
        return text

    def get_json(self, stream: str, request: Request) -> Any:
        """Send and parse a JSON response; a truncated or non-JSON success body is retried too."""
        return self._exchange(stream, request)

    @contextmanager
    def lines(self, stream: str, request: Request) -> Iterator[Iterator[str]]:
        """Download a newline-delimited response to a temporary file, then hand out its lines.

        The body is whole on disk before the first line is handed out, so a
        connection dropped or stalled mid-body is retried like any transient
        failure and no line of a broken attempt ever reaches the caller.
        Memory holds one chunk, not the body; the file is gone when the block exits.
        """
        with tempfile.TemporaryFile(prefix="pantau-lines-", dir=self.scratch_dir) as body:
            self._exchange(stream, request, sink=body)
            body.seek(0)
            yield _iter_lines(body)

    def _exchange(self, stream: str, request: Request, *, sink: IO[bytes] | None = None) -> Any:
        """One request, retried: the parsed JSON body, or (with ``sink``) None once the body is in ``sink``."""
        policy = self.source.rate_limit
        max_attempts = self.config.http.max_attempts
        for attempt in range(1, max_attempts + 1):
            self._pause_for_throttle(stream, request)
            status: int | None = None
            self.requests += 1
            try:
                # Streamed even for JSON, so the body is read below, after the status is known: a body
                # that breaks off or stalls is reported as such, not as "no response".
                response = self.session.request(
                    request.method,
                    request.url,
                    params=dict(request.params) or None,
                    json=request.json,
                    timeout=self._timeout,
                    stream=True,
                )
                with response:
                    status = response.status_code
                    if response.ok:
                        decision, body = self._accept(response, sink)
                        if decision is None:
                            return body
                    else:
                        decision = policy.decide(response, self._clock())
                        if not decision.retry:
                            raise self._error(stream, request, status, self.redactor.text(decision.reason), attempt)
            except TRANSPORT_ERRORS as exc:
                cut = "" if status is None else "body broke off: "
                decision = RetryDecision(True, None, cut + self._exc_text(exc))
            if attempt == max_attempts:
                raise self._error(stream, request, status, self.redactor.text(decision.reason), attempt)
            wait = decision.wait if decision.wait is not None else self._backoff(attempt)
            if wait > self.config.http.max_wait_seconds:
                raise self._error(stream, request, status, self._too_long(wait, decision.reason), attempt)
            self.retries += 1
            logger.warning(
                "%s/%s: %s attempt %d/%d failed (%s %s); retrying in %.1f s",
                self.source.name,
                stream,
                self.describe(request),
                attempt,
                max_attempts,
                f"HTTP {status}" if status is not None else "no response:",
                self.redactor.text(decision.reason),
                wait,
            )
            self._sleep(wait)
        raise AssertionError("unreachable: the loop returns or raises")

    def _accept(self, response: requests.Response, sink: IO[bytes] | None) -> tuple[RetryDecision | None, Any]:
        """Record the throttle a success asks for; parse JSON or fill ``sink`` (None decision = accepted)."""
        pause = self.source.rate_limit.throttle(response, self._clock())
        if pause:
            self._not_before = max(self._not_before, self._clock() + pause)
        if sink is not None:
            # Starting over: whatever a broken attempt wrote is discarded.
            sink.seek(0)
            sink.truncate()
            for chunk in response.iter_content(LINES_CHUNK_BYTES):
                sink.write(chunk)
            return None, None
        encoding = (response.encoding or "utf-8").lower()
        if encoding in ("utf-8", "utf8"):
            try:
                return None, loads(response.content)
            except ValueError:
                pass  # a BOM, NaN, another encoding...: the standard parser decides, as it always did
        try:
            return None, response.json()
        except ValueError as exc:
            return RetryDecision(True, None, f"unreadable JSON body ({exc})"), None

    def _pause_for_throttle(self, stream: str, request: Request) -> None:
        pause = self._not_before - self._clock()
        if pause <= 0:
            return
        if pause > self.config.http.max_wait_seconds:
            raise self._error(stream, request, None, self._too_long(pause, "the API reported its rate budget exhausted"))
        logger.info("%s/%s: pausing %.1f s for the API's rate budget", self.source.name, stream, pause)
        self._sleep(pause)

    def _backoff(self, attempt: int) -> float:
        http = self.config.http
        return self._random(0.0, min(http.backoff_cap, http.backoff_base * 2 ** (attempt - 1)))

    def _too_long(self, wait: float, reason: str) -> str:
        return (
            f"{self.redactor.text(reason)}; the API asks to wait {wait:.0f} s, more than "
            f"{MAX_WAIT_VAR}={self.config.http.max_wait_seconds:g}"
        )

    def _exc_text(self, exc: Exception) -> str:
        return self.redactor.text(f"{type(exc).__name__}: {exc}")

    def _error(
        self, stream: str, request: Request, status: int | None, detail: str, attempts: int | None = None
    ) -> ExtractionError:
        url = self.describe(Request(request.method, request.url, request.params)).split(" ", 1)[1]
        return ExtractionError(self.source.name, stream, url, status, detail, method=request.method, attempts=attempts)


def _iter_lines(body: IO[bytes]) -> Iterator[str]:
    """The non-empty lines of a downloaded body; \\n, \\r\\n and \\r each end a line, as with requests' ``iter_lines``."""
    text = io.TextIOWrapper(body, encoding="utf-8", errors="replace", newline=None)
    for line in text:
        line = line.rstrip("\n")
        if line:
            yield line
