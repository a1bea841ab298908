"""Keep credentials out of everything the engine logs, raises or lands.

Two nets: the configured secret values themselves (whatever shape they appear
in), and well-known credential names in query strings, headers and free text,
which also catch credentials the server echoes back (Graph API ``paging.next``
URLs carry ``access_token``).
"""
from __future__ import annotations

import re
from typing import Iterable, Mapping
from urllib.parse import parse_qsl, quote, quote_plus, urlencode, urlsplit, urlunsplit

MASK = "REDACTED"

CREDENTIAL_PARAMS = frozenset(
    {
        "access_token",
        "refresh_token",
        "id_token",
        "api_key",
        "apikey",
        "api-key",
        "hapikey",
        "key",
        "token",
        "auth",
        "client_secret",
        "secret",
        "password",
        "passwd",
        "sig",
        "signature",
        "x-amz-signature",
        "appsecret_proof",
    }
)

CREDENTIAL_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "api-key", "x-auth-token"}
)

_PARAM_NAMES = "|".join(sorted((re.escape(p) for p in CREDENTIAL_PARAMS), key=len, reverse=True))
# name=value in free text (query strings inside messages, form bodies); the
# lookbehind keeps e.g. "monkey=1" from matching as "key=1".
_PARAM_IN_TEXT = re.compile(rf"(?i)(?<![A-Za-z0-9_\-])({_PARAM_NAMES})=([^&\s\"'#]+)")
# "name": "value" in JSON text (a request body echoed in an error).
_PARAM_IN_JSON = re.compile(rf'(?i)("(?:{_PARAM_NAMES})"\s*:\s*)"[^"]*"')
# Case-sensitive on purpose: "basic information" or "token expired" in an API message is not a credential.
_AUTH_SCHEME = re.compile(r"\b(Bearer|Basic|bearer)\s+[A-Za-z0-9._~+/=\-]{8,}")
_URL_USERINFO = re.compile(r"(?i)(\b[a-z][a-z0-9+.\-]*://)[^/\s@]+@")


class Redactor:
    """Masks a fixed set of secret values plus well-known credential names."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        variants: set[str] = set()
        for secret in secrets:
            if secret:
                variants.update({secret, quote(secret, safe=""), quote_plus(secret)})
        # Longest first so a secret containing another is masked whole.
        self._secrets = sorted(variants, key=len, reverse=True)

    def text(self, message: str) -> str:
        """Redact any free text: log lines, error bodies, exception messages."""
        for secret in self._secrets:
            message = message.replace(secret, MASK)
        message = _URL_USERINFO.sub(rf"\1{MASK}@", message)
        message = _AUTH_SCHEME.sub(rf"\1 {MASK}", message)
        message = _PARAM_IN_JSON.sub(rf'\1"{MASK}"', message)
        return _PARAM_IN_TEXT.sub(rf"\1={MASK}", message)

    def url(self, url: str) -> str:
        """Redact a URL: credential query parameters, user info and secret values."""
        parts = urlsplit(url)
        query = urlencode(
            [
                (name, MASK if name.lower() in CREDENTIAL_PARAMS else value)
                for name, value in parse_qsl(parts.query, keep_blank_values=True)
            ],
            safe=",:[]{}()",
        )
        netloc = parts.netloc.rsplit("@", 1)[-1]
        if netloc != parts.netloc:
            netloc = f"{MASK}@{netloc}"
        return self.text(urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment)))

    def headers(self, headers: Mapping[str, str]) -> dict[str, str]:
        """Copy of a header mapping with credential headers masked."""
        return {
            name: MASK if name.lower() in CREDENTIAL_HEADERS else self.text(str(value))
            for name, value in headers.items()
        }
