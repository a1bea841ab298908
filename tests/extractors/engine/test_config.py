"""Configuration from the environment, and the redaction of what it holds."""
from __future__ import annotations

import pytest

from extractors.engine.config import SourceConfig
from extractors.engine.declarations import Setting, Source, Stream
from extractors.engine.errors import ConfigError
from extractors.engine.paginators import SinglePage
from extractors.engine.rate_limits import GraphApiRateLimit
from extractors.engine.auth import BearerToken
from extractors.engine.redaction import Redactor

INSTAGRAM = Source(
    name="instagram",
    default_base_url="https://graph.facebook.com/v21.0",
    auth=BearerToken("access_token"),
    rate_limit=GraphApiRateLimit(),
    settings=(
        Setting("access_token", "long-lived token", secret=True),
        Setting("ig_user_id", "business account id"),
        Setting("competitor_usernames", "handles", required=False, is_list=True),
        Setting("api_version", "Graph version", required=False, default="v21.0"),
    ),
    streams=(Stream("media", "/{ig_user_id}/media", paginator=SinglePage()),),
)

TOKEN = "EAAGm0PX4ZCpsBAKsecret"


def test_settings_are_read_from_prefixed_upper_case_variables() -> None:
    """GIVEN PANTAU_INSTAGRAM_* variables WHEN the config is built THEN values, lists, defaults and base URL resolve."""
    config = SourceConfig.from_env(
        INSTAGRAM,
        {
            "PANTAU_INSTAGRAM_ACCESS_TOKEN": TOKEN,
            "PANTAU_INSTAGRAM_IG_USER_ID": "17841405822304914",
            "PANTAU_INSTAGRAM_COMPETITOR_USERNAMES": " tokoa, tokob ,,tokoc ",
            "PANTAU_INSTAGRAM_BASE_URL": "http://127.0.0.1:8750/graph/v21.0/",
        },
    )
    assert config.get("ig_user_id") == "17841405822304914"
    assert config.get("competitor_usernames") == ("tokoa", "tokob", "tokoc")
    assert config.get("api_version") == "v21.0"
    assert config.base_url == "http://127.0.0.1:8750/graph/v21.0"
    assert config.secret_values() == (TOKEN,)


def test_base_url_defaults_to_the_real_service() -> None:
    """GIVEN no PANTAU_INSTAGRAM_BASE_URL WHEN built THEN the source's default base URL is used."""
    config = SourceConfig.from_env(INSTAGRAM, {"PANTAU_INSTAGRAM_ACCESS_TOKEN": TOKEN, "PANTAU_INSTAGRAM_IG_USER_ID": "1"})
    assert config.base_url == "https://graph.facebook.com/v21.0"
    assert config.get("competitor_usernames") is None


@pytest.mark.parametrize(
    ("env", "var"),
    [
        pytest.param({"PANTAU_INSTAGRAM_IG_USER_ID": "1"}, "PANTAU_INSTAGRAM_ACCESS_TOKEN", id="missing-token"),
        pytest.param({"PANTAU_INSTAGRAM_ACCESS_TOKEN": TOKEN, "PANTAU_INSTAGRAM_IG_USER_ID": "  "}, "PANTAU_INSTAGRAM_IG_USER_ID", id="blank-id"),
    ],
)
def test_missing_required_setting_names_source_and_variable(env: dict[str, str], var: str) -> None:
    """GIVEN a required setting unset or blank WHEN built THEN ConfigError names the source and the exact variable."""
    with pytest.raises(ConfigError) as raised:
        SourceConfig.from_env(INSTAGRAM, env)
    assert "instagram" in str(raised.value)
    assert var in str(raised.value)


@pytest.mark.parametrize(
    ("env", "var"),
    [
        pytest.param({"PANTAU_HTTP_MAX_ATTEMPTS": "many"}, "PANTAU_HTTP_MAX_ATTEMPTS", id="attempts-not-int"),
        pytest.param({"PANTAU_HTTP_MAX_ATTEMPTS": "0"}, "PANTAU_HTTP_MAX_ATTEMPTS", id="attempts-zero"),
        pytest.param({"PANTAU_HTTP_MAX_WAIT_SECONDS": "-1"}, "PANTAU_HTTP_MAX_WAIT_SECONDS", id="wait-negative"),
        pytest.param({"PANTAU_HTTP_READ_TIMEOUT_SECONDS": "soon"}, "PANTAU_HTTP_READ_TIMEOUT_SECONDS", id="read-timeout-not-a-number"),
    ],
)
def test_invalid_http_settings_name_the_variable(env: dict[str, str], var: str) -> None:
    """GIVEN an invalid retry budget variable WHEN built THEN ConfigError names it."""
    base = {"PANTAU_INSTAGRAM_ACCESS_TOKEN": TOKEN, "PANTAU_INSTAGRAM_IG_USER_ID": "1"}
    with pytest.raises(ConfigError, match=var):
        SourceConfig.from_env(INSTAGRAM, {**base, **env})


def test_http_settings_come_from_the_environment() -> None:
    """GIVEN PANTAU_HTTP_* set WHEN built THEN the retry budget follows them."""
    config = SourceConfig.from_env(
        INSTAGRAM,
        {"PANTAU_INSTAGRAM_ACCESS_TOKEN": TOKEN, "PANTAU_INSTAGRAM_IG_USER_ID": "1", "PANTAU_HTTP_MAX_ATTEMPTS": "3", "PANTAU_HTTP_MAX_WAIT_SECONDS": "12.5"},
    )
    assert (config.http.max_attempts, config.http.max_wait_seconds) == (3, 12.5)
    assert config.http.read_timeout_seconds is None
    shorter = SourceConfig.from_env(
        INSTAGRAM,
        {"PANTAU_INSTAGRAM_ACCESS_TOKEN": TOKEN, "PANTAU_INSTAGRAM_IG_USER_ID": "1", "PANTAU_HTTP_READ_TIMEOUT_SECONDS": "2.5"},
    )
    assert shorter.http.read_timeout_seconds == 2.5


def test_repr_and_str_never_show_secret_values() -> None:
    """GIVEN a config holding a token WHEN printed THEN the token is masked but other values show."""
    config = SourceConfig.from_env(INSTAGRAM, {"PANTAU_INSTAGRAM_ACCESS_TOKEN": TOKEN, "PANTAU_INSTAGRAM_IG_USER_ID": "1784"})
    for text in (repr(config), str(config), f"{config}"):
        assert TOKEN not in text
        assert "1784" in text and "REDACTED" in text


def test_unknown_setting_name_is_a_config_error() -> None:
    """GIVEN a config WHEN asked for an undeclared setting THEN ConfigError says so."""
    config = SourceConfig.from_env(INSTAGRAM, {"PANTAU_INSTAGRAM_ACCESS_TOKEN": TOKEN, "PANTAU_INSTAGRAM_IG_USER_ID": "1"})
    with pytest.raises(ConfigError, match="page_id"):
        config.get("page_id")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "https://graph.facebook.com/v21.0/1/media?access_token=EAAB123&fields=id,caption&after=QVF",
            "https://graph.facebook.com/v21.0/1/media?access_token=REDACTED&fields=id,caption&after=QVF",
            id="graph-next-url",
        ),
        pytest.param("https://x.test/a?API_KEY=k1&apikey=k2&sig=s&q=1", "https://x.test/a?API_KEY=REDACTED&apikey=REDACTED&sig=REDACTED&q=1", id="many-params"),
        pytest.param("https://user:pw@host.test/p?client_secret=cs", "https://REDACTED@host.test/p?client_secret=REDACTED", id="userinfo"),
        pytest.param("https://x.test/a?monkey=1&token_type=bearer", "https://x.test/a?monkey=1&token_type=bearer", id="lookalike-names-kept"),
    ],
)
def test_url_redaction(text: str, expected: str) -> None:
    """GIVEN a URL with credentials WHEN redacted THEN only credential values are masked."""
    assert Redactor().url(text) == expected


def test_text_redaction_masks_secret_values_in_any_shape() -> None:
    """GIVEN a secret with URL-special characters WHEN it appears raw, percent-encoded or as a header THEN all are masked."""
    secret = "s3cr3t/with+chars="
    redactor = Redactor([secret])
    message = (
        f"raw {secret} encoded s3cr3t%2Fwith%2Bchars%3D plus s3cr3t%2Fwith%2Bchars%3D "
        "header Bearer abcdefghijk and body {\"password\": \"hunter22\"} and url ?password=pw1&x=1"
    )
    redacted = redactor.text(message)
    for leaked in (secret, "s3cr3t%2Fwith%2Bchars%3D", "abcdefghijk", "hunter22", "pw1"):
        assert leaked not in redacted
    assert "x=1" in redacted


def test_text_redaction_leaves_plain_words_alone() -> None:
    """GIVEN an API message using the words basic and token WHEN redacted THEN it is unchanged."""
    message = "Basic plan: token expired, refresh the access token"
    assert Redactor().text(message) == message


def test_header_redaction() -> None:
    """GIVEN request headers WHEN redacted THEN credential headers are masked and the rest kept."""
    assert Redactor().headers({"Authorization": "Bearer abc", "Accept": "application/json", "X-Api-Key": "k"}) == {
        "Authorization": "REDACTED",
        "Accept": "application/json",
        "X-Api-Key": "REDACTED",
    }
