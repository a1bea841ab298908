"""X account settings given as handles or ids, resolved to the numeric ids the endpoints need.

A setting lists accounts as ``@brand``, ``brand`` or a numeric user id.  Handles
are looked up with ``GET /2/users/by?usernames=`` (up to 100 a request, per the
X API v2 Users lookup reference); X answers 200 and lists a handle it does not
know in the body's ``errors`` (``resource_type`` user, ``value`` the handle),
so every handle is checked against ``data`` before any stream runs.
"""
from __future__ import annotations

import re
from typing import Any, Callable

from extractors.engine.config import SourceConfig, env_var
from extractors.engine.errors import ConfigError
from extractors.engine.http import Request

# X usernames: 1-15 letters, digits or underscores; a number alone is taken for an id.
_HANDLE = re.compile(r"@?([A-Za-z0-9_]{1,15})")
_LOOKUP_BATCH = 100


def resolve_accounts(config: SourceConfig, get_json: Callable[[Request], Any]) -> SourceConfig:
    """``user_ids`` (or its one-account alias ``user_id``) and ``competitor_user_ids`` as numeric ids."""
    own_setting = "user_ids" if config.get("user_ids") else "user_id"
    own = config.get(own_setting)
    if not own:
        raise ConfigError(
            f"x: required setting 'user_ids' is missing: set {env_var('x', 'user_ids')} to the brand's X accounts "
            f"(ids or handles, comma-separated; {env_var('x', 'user_id')} still names a single one)"
        )
    return config.with_values(
        user_ids=_resolve(config, own_setting, own, get_json),
        competitor_user_ids=_resolve(config, "competitor_user_ids", config.get("competitor_user_ids"), get_json),
    )


def _resolve(
    config: SourceConfig, setting: str, values: str | tuple[str, ...] | None, get_json: Callable[[Request], Any]
) -> tuple[str, ...]:
    """Each value's user id, in the setting's order, without repeats."""
    var = env_var("x", setting)
    entries = (values,) if isinstance(values, str) else values or ()
    handles = []
    for value in entries:
        if not value.isdigit():
            match = _HANDLE.fullmatch(value)
            if match is None:
                raise ConfigError(f"x: {var} lists {value!r}, neither a numeric X user id nor a handle (@name: 1-15 letters, digits or _)")
            handles.append(match.group(1))
    ids = _lookup(config, var, handles, get_json)
    resolved = [value if value.isdigit() else ids[_HANDLE.fullmatch(value).group(1).lower()] for value in entries]
    return tuple(dict.fromkeys(resolved))


def _lookup(config: SourceConfig, var: str, handles: list[str], get_json: Callable[[Request], Any]) -> dict[str, str]:
    """Lower-cased handle -> user id; a handle X does not know is an error naming the setting."""
    found: dict[str, str] = {}
    unique = list(dict.fromkeys(h.lower() for h in handles))
    for start in range(0, len(unique), _LOOKUP_BATCH):
        batch = unique[start:start + _LOOKUP_BATCH]
        body = get_json(Request("GET", f"{config.base_url}/users/by", {"usernames": ",".join(batch)}))
        for user in body.get("data") or ():
            found[str(user["username"]).lower()] = str(user["id"])
        for handle in batch:
            if handle not in found:
                detail = next((e.get("detail") for e in body.get("errors") or () if str(e.get("value", "")).lower() == handle), None)
                raise ConfigError(f"x: {var} names @{handle}, which X cannot resolve to a user: {detail or 'not in the lookup answer'}")
    return found
