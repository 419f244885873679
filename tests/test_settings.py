"""Settings: option over variable, safe defaults, one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from conformance.core.errors import ConfigError
from conformance.core.settings import DEFAULT_DEADLINE, SETTINGS, Settings, resolve

EXTERNAL = {
    "CALLS_BASE_URL": "https://example.invalid/api/laml/2010-04-01",
    "CALLS_ACCOUNT_SID": "acct",
    "CALLS_AUTH_TOKEN": "secret-token",
}


def test_defaults_are_the_embedded_endpoint() -> None:
    settings = resolve({}, {})
    assert settings == Settings(from_number="+12025550199", to_number="+12025550100")
    assert settings.embedded and settings.max_calls is None
    assert settings.deadline == DEFAULT_DEADLINE and settings.report_dir == Path("reports")


def test_option_wins_over_variable() -> None:
    settings = resolve({"calls_profile": "twilio"}, {"CALLS_PROFILE": "signalwire"})
    assert settings.profile == "twilio"


def test_empty_option_falls_back_to_variable() -> None:
    assert resolve({"calls_deadline": ""}, {"CALLS_DEADLINE": "12.5"}).deadline == 12.5


def test_external_endpoint_is_read_only_unless_opted_in() -> None:
    settings = resolve({}, EXTERNAL)
    assert settings.max_calls == 0 and not settings.embedded
    assert resolve({}, {**EXTERNAL, "CALLS_MAX_CALLS": "3"}).max_calls == 3


def test_signing_key_defaults_to_the_token_for_external_endpoints() -> None:
    assert resolve({}, EXTERNAL).signing_key == "secret-token"
    assert resolve({}, {**EXTERNAL, "CALLS_SIGNING_KEY": "PSK_x"}).signing_key == "PSK_x"


@pytest.mark.parametrize("missing", ["CALLS_ACCOUNT_SID", "CALLS_AUTH_TOKEN"])
def test_external_endpoint_needs_credentials(missing: str) -> None:
    environ = {k: v for k, v in EXTERNAL.items() if k != missing}
    with pytest.raises(ConfigError, match=missing):
        resolve({}, environ)


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("CALLS_PROFILE", "plivo", "signalwire, twilio"),
        ("CALLS_MAX_CALLS", "-1", "0 or more"),
        ("CALLS_MAX_CALLS", "many", "invalid literal"),
        ("CALLS_DEADLINE", "0", "more than 0"),
        ("CALLS_BASE_URL", "ftp://host/x", "http"),
        ("CALLS_STRICT", "maybe", "1 or 0"),
    ],
)
def test_bad_values_are_one_line_config_errors(variable: str, value: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as info:
        resolve({}, {variable: value})
    assert "\n" not in str(info.value) and variable in str(info.value)


def test_every_interface_variable_has_an_option() -> None:
    variables = {s.env for s in SETTINGS}
    assert variables == {
        "CALLS_BASE_URL",
        "CALLS_ACCOUNT_SID",
        "CALLS_AUTH_TOKEN",
        "CALLS_SIGNING_KEY",
        "CALLS_FROM_NUMBER",
        "CALLS_TO_NUMBER",
        "CALLS_PROFILE",
        "CALLS_MAX_CALLS",
        "CALLS_DEADLINE",
        "CALLS_CALLBACK_URL",
        "CALLS_REPORT_DIR",
        "CALLS_WAIVERS",
        "CALLS_STRICT",
        "CALLS_CALLBACK_LISTEN",
    }
    assert all(s.option == "--" + s.env.lower().replace("_", "-") for s in SETTINGS)


def test_secrets_are_not_in_the_repr() -> None:
    settings = resolve({}, {**EXTERNAL, "CALLS_SIGNING_KEY": "PSK_signing"})
    assert "secret-token" not in repr(settings) and "PSK_signing" not in repr(settings)
    assert set(settings.secrets()) == {"secret-token", "PSK_signing"}


def test_comma_separated_numbers_give_a_default_and_alternates() -> None:
    settings = resolve(
        {}, {**EXTERNAL, "CALLS_TO_NUMBER": "+15550100, +15550101", "CALLS_FROM_NUMBER": "+15550199"}
    )
    assert (settings.to_number, settings.to_alternates) == ("+15550100", ("+15550101",))
    assert (settings.from_number, settings.from_alternates) == ("+15550199", ())


@pytest.mark.parametrize("value", ["+15550100,", "+15550100,+15550100"])
def test_numbers_may_not_be_empty_or_repeated(value: str) -> None:
    with pytest.raises(ConfigError, match="CALLS_TO_NUMBER"):
        resolve({}, {**EXTERNAL, "CALLS_TO_NUMBER": value})


def test_callback_listen_is_host_and_port() -> None:
    assert resolve({}, {}).callback_listen == ("127.0.0.1", 0)
    assert resolve({}, {"CALLS_CALLBACK_LISTEN": "0.0.0.0:8080"}).callback_listen == ("0.0.0.0", 8080)
    assert resolve({"calls_callback_listen": "[::1]:0"}, {}).callback_listen == ("::1", 0)
    with pytest.raises(ConfigError, match="host:port"):
        resolve({}, {"CALLS_CALLBACK_LISTEN": "8080"})
