"""Authentication styles: each puts a source's credentials on its session once."""
from __future__ import annotations

from dataclasses import dataclass

import requests

from extractors.engine.config import SourceConfig
from extractors.engine.errors import ConfigError


class Auth:
    """Base: applies credentials to the per-source ``requests.Session``."""

    def apply(self, session: requests.Session, config: SourceConfig) -> None:
        raise NotImplementedError


def _setting(config: SourceConfig, name: str) -> str:
    value = config.get(name)
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{config.source_name}: authentication needs setting {name!r}, which is not set")
    return value


@dataclass(frozen=True)
class NoAuth(Auth):
    """For public endpoints and the tests of the engine itself."""

    def apply(self, session: requests.Session, config: SourceConfig) -> None:
        return None


@dataclass(frozen=True)
class BearerToken(Auth):
    """``Authorization: Bearer <token>``; used for the Graph API too, keeping tokens out of URLs."""

    setting: str

    def apply(self, session: requests.Session, config: SourceConfig) -> None:
        session.headers["Authorization"] = f"Bearer {_setting(config, self.setting)}"


@dataclass(frozen=True)
class BasicAuth(Auth):
    """HTTP basic auth; each half comes from a setting or is a constant.

    Zendesk API token: ``BasicAuth(username_setting="email", username_suffix="/token", password_setting="api_token")``.
    Mailchimp: ``BasicAuth(username="anystring", password_setting="api_key")``.
    Stripe secret key as username, empty password: ``BasicAuth(username_setting="secret_key")``.
    """

    username_setting: str | None = None
    password_setting: str | None = None
    username: str = ""
    password: str = ""
    username_suffix: str = ""

    def apply(self, session: requests.Session, config: SourceConfig) -> None:
        user = _setting(config, self.username_setting) if self.username_setting else self.username
        password = _setting(config, self.password_setting) if self.password_setting else self.password
        session.auth = (user + self.username_suffix, password)


@dataclass(frozen=True)
class QueryParam(Auth):
    """A credential sent as a query parameter, for APIs that accept nothing else."""

    param: str
    setting: str

    def apply(self, session: requests.Session, config: SourceConfig) -> None:
        session.params = {**(session.params or {}), self.param: _setting(config, self.setting)}


@dataclass(frozen=True)
class HeaderToken(Auth):
    """A credential in a named header (``X-Api-Key: <token>``)."""

    header: str
    setting: str
    prefix: str = ""

    def apply(self, session: requests.Session, config: SourceConfig) -> None:
        session.headers[self.header] = self.prefix + _setting(config, self.setting)
