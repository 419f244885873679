"""The suite's settings: one typed structure, each field from a pytest option or else an environment variable."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from conformance.failures import ConfigError

__all__ = [
    "DEFAULT_DEADLINE",
    "DEFAULT_LISTEN",
    "PROFILES",
    "SETTINGS",
    "Setting",
    "Settings",
    "raw_setting",
    "resolve",
]

PROFILES = ("signalwire", "twilio")
# The reference endpoint's test numbers (fictional 555-01XX), the defaults interface.md names.
REFERENCE_FROM_NUMBER = "+12025550199"
REFERENCE_TO_NUMBER = "+12025550100"
DEFAULT_DEADLINE = 30.0
DEFAULT_LISTEN = ("127.0.0.1", 0)


@dataclasses.dataclass(frozen=True)
class Setting:
    """One row of interface.md's settings table."""

    field: str
    env: str
    help: str
    parse: Callable[[str], Any] = str

    @property
    def option(self) -> str:
        return "--" + self.env.lower().replace("_", "-")

    @property
    def dest(self) -> str:
        return self.env.lower()


def _non_negative_int(text: str) -> int:
    value = int(text)
    if value < 0:
        raise ValueError("must be 0 or more")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise ValueError("must be more than 0")
    return value


def _profile(text: str) -> str:
    if text not in PROFILES:
        raise ValueError(f"must be one of {', '.join(PROFILES)}")
    return text


def _flag(text: str) -> bool:
    value = text.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ValueError("must be 1 or 0")


def _numbers(text: str) -> tuple[str, ...]:
    """Comma-separated numbers (or addresses): the first is the default, the others tell calls apart."""
    numbers = tuple(part.strip() for part in text.split(","))
    if not all(numbers):
        raise ValueError("must be one or more comma-separated numbers, none of them empty")
    if len(set(numbers)) < len(numbers):
        raise ValueError("names a number twice")
    return numbers


def _listen(text: str) -> tuple[str, int]:
    """`host:port` (an IPv6 host in brackets); port 0 picks a free one."""
    host, _, port = text.strip().rpartition(":")
    host = host.strip("[]")
    if not host or not port.isdigit() or int(port) > 65535:
        raise ValueError("must be host:port, for example 0.0.0.0:8080 or 127.0.0.1:0")
    return host, int(port)


def _http_url(text: str) -> str:
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("must be an absolute http(s) URL")
    return text.rstrip("/")


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "base_url",
        "CALLS_BASE_URL",
        "endpoint base URL ending at the API version; unset: the embedded reference endpoint",
        _http_url,
    ),
    Setting("account_sid", "CALLS_ACCOUNT_SID", "account sid / project id (Basic user)"),
    Setting("auth_token", "CALLS_AUTH_TOKEN", "auth token / API token (Basic password)"),
    Setting("signing_key", "CALLS_SIGNING_KEY", "key that signs callbacks (default: the auth token)"),
    Setting(
        "from_number",
        "CALLS_FROM_NUMBER",
        "E.164 number calls are made from; more, comma-separated, let the From filter be judged",
        _numbers,
    ),
    Setting(
        "to_number",
        "CALLS_TO_NUMBER",
        "E.164 number calls are made to; more, comma-separated, let the To filter be judged",
        _numbers,
    ),
    Setting("profile", "CALLS_PROFILE", "signalwire or twilio (default signalwire)", _profile),
    Setting(
        "max_calls",
        "CALLS_MAX_CALLS",
        "most calls one run may create; 0 = read-only (default 0 external, unlimited embedded)",
        _non_negative_int,
    ),
    Setting(
        "deadline",
        "CALLS_DEADLINE",
        f"seconds a call may take to progress or end, and a callback to arrive (default {DEFAULT_DEADLINE:g})",
        _positive_float,
    ),
    Setting(
        "callback_url",
        "CALLS_CALLBACK_URL",
        "public base URL reaching the suite's callback receiver (live endpoints)",
        _http_url,
    ),
    Setting(
        "callback_listen",
        "CALLS_CALLBACK_LISTEN",
        "host:port the callback receiver binds, for a tunnel or port forward (default 127.0.0.1:0, a free port)",
        _listen,
    ),
    Setting("report_dir", "CALLS_REPORT_DIR", "where reports are written (default reports/)", Path),
    Setting(
        "waivers",
        "CALLS_WAIVERS",
        "YAML list of known deviations {id, reason, until}: a waived failure does not fail the run",
        Path,
    ),
    Setting(
        "strict",
        "CALLS_STRICT",
        "1: an applicable MUST requirement that was skipped fails the run (verdict partial exits 1)",
        _flag,
    ),
)


@dataclasses.dataclass(frozen=True)
class Settings:
    """Resolved settings. `max_calls` None means unlimited; `base_url` None means the embedded endpoint.

    `to_number` and `from_number` are the first numbers given; `to_alternates` and `from_alternates` the others.
    """

    base_url: str | None = None
    account_sid: str | None = None
    auth_token: str | None = dataclasses.field(default=None, repr=False)
    signing_key: str | None = dataclasses.field(default=None, repr=False)
    from_number: str | None = None
    to_number: str | None = None
    profile: str = "signalwire"
    max_calls: int | None = None
    deadline: float = DEFAULT_DEADLINE
    callback_url: str | None = None
    callback_listen: tuple[str, int] = DEFAULT_LISTEN
    to_alternates: tuple[str, ...] = ()
    from_alternates: tuple[str, ...] = ()
    report_dir: Path = Path("reports")
    waivers: Path | None = None
    strict: bool = False
    reference: bool = False

    @property
    def embedded(self) -> bool:
        """True when the target is (or will be) the suite's own reference endpoint."""
        return self.base_url is None or self.reference

    @property
    def mode(self) -> str:
        return "embedded" if self.embedded else "external"

    def secrets(self) -> tuple[str, ...]:
        """Every credential value a report or log must never show."""
        return tuple(value for value in (self.auth_token, self.signing_key) if value)

    def with_endpoint(self, **values: Any) -> Settings:
        """Fill the credentials of an endpoint the suite started itself, keeping what the user set."""
        filled = {key: value for key, value in values.items() if getattr(self, key) is None}
        return dataclasses.replace(self, reference=True, **filled)


def raw_setting(name: str, options: Mapping[str, Any], environ: Mapping[str, str]) -> tuple[str | None, str]:
    """The text of one setting (field `name`) as given, and where it came from: the option wins."""
    setting = next(s for s in SETTINGS if s.field == name)
    raw = options.get(setting.dest)
    if raw not in (None, ""):
        return str(raw), setting.option
    raw = environ.get(setting.env)
    return (raw if raw not in (None, "") else None), setting.env


def resolve(options: Mapping[str, Any], environ: Mapping[str, str]) -> Settings:
    """Options win over environment variables; unset and empty values fall back to the defaults."""
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        raw, origin = raw_setting(setting.field, options, environ)
        if raw is None:
            continue
        try:
            values[setting.field] = setting.parse(str(raw))
        except ValueError as exc:
            raise ConfigError(f"{origin}={raw!r}: {exc}") from None
    for field in ("to_number", "from_number"):
        numbers = values.pop(field, None)
        if numbers:
            values[field] = numbers[0]
            values[field.replace("number", "alternates")] = numbers[1:]
    values.setdefault("from_number", REFERENCE_FROM_NUMBER)
    values.setdefault("to_number", REFERENCE_TO_NUMBER)
    settings = Settings(**values)
    if not settings.embedded:
        missing = [
            s.env for s in SETTINGS if s.field in ("account_sid", "auth_token") and not values.get(s.field)
        ]
        if missing:
            raise ConfigError(f"CALLS_BASE_URL is set, so {' and '.join(missing)} must be set too")
        if settings.max_calls is None:
            settings = dataclasses.replace(settings, max_calls=0)
        if settings.signing_key is None:
            settings = dataclasses.replace(settings, signing_key=settings.auth_token)
    return settings
