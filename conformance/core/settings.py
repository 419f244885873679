"""The suite's settings: one typed structure, each field from a pytest option or else an environment variable."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from conformance.core.errors import ConfigError
from conformance.core.terms import PROFILES

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
    metavar: str = "VALUE"

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


# Each help fits one line of `--help` (tests/test_help.py), the variable's name aside: the option's in capitals.
SETTINGS: tuple[Setting, ...] = (
    Setting(
        "base_url",
        "CALLS_BASE_URL",
        "endpoint URL ending at the API version; unset: embedded",
        _http_url,
        "URL",
    ),
    Setting("account_sid", "CALLS_ACCOUNT_SID", "account sid / project id (Basic user)", metavar="SID"),
    Setting("auth_token", "CALLS_AUTH_TOKEN", "auth token / API token (Basic password)", metavar="TOKEN"),
    Setting(
        "signing_key",
        "CALLS_SIGNING_KEY",
        "key that signs callbacks (default: the auth token)",
        metavar="KEY",
    ),
    Setting(
        "from_number",
        "CALLS_FROM_NUMBER",
        "E.164 number(s) calls are made from, comma-separated",
        _numbers,
        "E164",
    ),
    Setting(
        "to_number", "CALLS_TO_NUMBER", "E.164 number(s) calls are made to, comma-separated", _numbers, "E164"
    ),
    Setting("profile", "CALLS_PROFILE", "signalwire (default) or twilio", _profile, "NAME"),
    Setting(
        "max_calls",
        "CALLS_MAX_CALLS",
        "most calls a run may create; 0: read-only (default 0 external)",
        _non_negative_int,
        "N",
    ),
    Setting(
        "deadline",
        "CALLS_DEADLINE",
        f"how long a call may take to progress or end (default {DEFAULT_DEADLINE:g})",
        _positive_float,
        "SECONDS",
    ),
    Setting(
        "callback_url",
        "CALLS_CALLBACK_URL",
        "public URL reaching the callback receiver (live endpoints)",
        _http_url,
        "URL",
    ),
    Setting(
        "callback_listen",
        "CALLS_CALLBACK_LISTEN",
        "host:port the callback receiver binds",
        _listen,
        "HOST:PORT",
    ),
    Setting("report_dir", "CALLS_REPORT_DIR", "where reports are written (default reports/)", Path, "DIR"),
    Setting("waivers", "CALLS_WAIVERS", "YAML list of known deviations {id, reason, until}", Path, "FILE"),
    Setting("strict", "CALLS_STRICT", "1: a skipped applicable MUST requirement fails the run", _flag, "0|1"),
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
    reference_timings: str = (
        "fast"  # the embedded endpoint's call timings: fast, or live (a call takes seconds)
    )

    @property
    def embedded(self) -> bool:
        """True when the target is (or will be) the suite's own reference endpoint."""
        return self.base_url is None or self.reference

    @property
    def quick_calls(self) -> bool:
        """True when a call goes through its whole life in a fraction of a second: the embedded endpoint's fast
        timings."""
        return self.embedded and self.reference_timings == "fast"

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
