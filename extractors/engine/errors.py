"""Errors raised by the extraction engine.

Every message is built from already-redacted parts: callers pass URLs and
details through ``redaction`` first, so an error can be logged or shown as is.
"""
from __future__ import annotations


class ExtractorError(Exception):
    """Base class of everything the engine raises on purpose."""


class ConfigError(ExtractorError):
    """A source is misconfigured (missing or invalid environment variable, unknown placeholder)."""


class MalformedRecord(ExtractorError):
    """A record lacks a part of its primary key, so it cannot be identified."""

    def __init__(self, source: str, stream: str, missing: str, detail: str = "") -> None:
        self.source = source
        self.stream = stream
        self.missing = missing
        suffix = f" ({detail})" if detail else ""
        super().__init__(f"{source}/{stream}: record has no value at primary-key path {missing!r}{suffix}")


class ExtractionError(ExtractorError):
    """An HTTP exchange failed for good: retries exhausted, or an error that retrying cannot fix."""

    def __init__(
        self,
        source: str,
        stream: str,
        url_redacted: str,
        status: int | None,
        detail: str,
        *,
        method: str = "GET",
        attempts: int | None = None,
    ) -> None:
        self.source = source
        self.stream = stream
        self.url = url_redacted
        self.status = status
        self.detail = detail
        self.method = method
        self.attempts = attempts
        outcome = "failed" if attempts is None else f"failed after {attempts} attempt{'s' if attempts != 1 else ''}"
        what = f"HTTP {status}" if status is not None else "no response"
        super().__init__(f"{source}/{stream}: {method} {url_redacted} {outcome}: {what} {detail}".rstrip())
