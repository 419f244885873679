"""Checks on every Call object the suite sees: fields, types, enums, formats, identifiers, aliases, media figures
(the time rules across the lifecycle are in `call_times.py`)."""

from __future__ import annotations

import functools
from typing import Any, cast

import jsonschema

from conformance.checks.context import CheckContext
from conformance.checks.kinds import CALL
from conformance.checks.registry import applicable
from conformance.checks.values import Call, is_number, parse_gmt_date, same_address, sid_pattern
from conformance.core.failures import Violation
from conformance.core.spec import component_schema
from conformance.core.statuses import STATUSES

__all__: list[str] = []


DIRECTIONS = {
    "signalwire": ("inbound", "outbound", "outbound-api", "outbound-dial"),
    "twilio": (
        "inbound",
        "outbound",
        "outbound-api",
        "outbound-dial",
        "trunking-originating",
        "trunking-terminating",
    ),
}
ANSWERED_BY = (
    "human",
    "machine",
    "machine_start",
    "machine_end_beep",
    "machine_end_silence",
    "machine_end_other",
    "fax",
    "unknown",
)
ALWAYS_NULL = ("forwarded_from", "caller_name", "annotation", "group_sid")
DATE_FIELDS = ("date_created", "date_updated", "start_time", "end_time")
SID_FIELDS = ("sid", "account_sid", "parent_call_sid", "phone_number_sid")
MEDIA_TRIPLES = (
    ("audio_rtt_min", "audio_rtt_avg", "audio_rtt_max"),
    ("audio_out_jitter_min", "audio_out_jitter_avg", "audio_out_jitter_max"),
)
# Keywords that constrain values rather than types: CALL-TYPES ignores them, other checks own them.
_VALUE_KEYWORDS = frozenset(
    {
        "enum",
        "const",
        "pattern",
        "format",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "minLength",
        "maxLength",
        "minItems",
        "maxItems",
        "required",
        "examples",
        "example",
        "default",
    }
)


@functools.cache
def _call_schema(profile: str) -> dict[str, Any]:
    return component_schema(profile, "Call")


def _types_only(schema: Any) -> Any:
    if isinstance(schema, dict):
        return {k: _types_only(v) for k, v in schema.items() if k not in _VALUE_KEYWORDS}
    if isinstance(schema, list):
        return [_types_only(item) for item in schema]
    return schema


@functools.cache
def _type_validator(profile: str, field: str) -> jsonschema.Draft202012Validator | None:
    schema = _call_schema(profile)
    prop = schema.get("properties", {}).get(field)
    if prop is None:
        return None
    return jsonschema.Draft202012Validator(
        {**_types_only(prop), "$defs": _types_only(schema.get("$defs", {}))}
    )


def _strings(call: Call, *fields: str) -> list[str]:
    return [call[f] for f in fields if isinstance(call.get(f), str)]


@CALL("CALL-FIELDS")
def call_has_every_field(ctx: CheckContext, call: Call) -> None:
    missing = [f for f in _call_schema(ctx.profile).get("required", ()) if f not in call]
    if missing:
        raise Violation(
            "Call object lacks fields of the profile's field set",
            received=sorted(missing),
            expected="present",
        )


@CALL("CALL-TYPES")
def call_field_types(ctx: CheckContext, call: Call) -> None:
    applicable(
        bool(call)
    )  # an answer that is no JSON object is judged as {}: no field to judge (CALL-FIELDS fails it)
    wrong = {}
    for field, value in call.items():
        validator = _type_validator(ctx.profile, field)
        if validator is not None and not validator.is_valid(value):
            wrong[field] = value
    if wrong:
        expected = {f: _call_schema(ctx.profile)["properties"][f].get("type", "see spec") for f in wrong}
        raise Violation("Call fields of the wrong type", received=wrong, expected=expected)


@CALL("CALL-EXTRA-FIELDS")
def call_has_no_extra_field(ctx: CheckContext, call: Call) -> None:
    applicable(bool(call))  # as CALL-TYPES: an empty object has no field to judge, so it must not pass
    extra = sorted(set(call) - set(_call_schema(ctx.profile).get("properties", {})))
    if extra:
        raise Violation(
            "Call object has fields outside the profile's field set", received=extra, expected="none"
        )


def _enum(call: Call, field: str, allowed: tuple[str | None, ...]) -> None:
    applicable(field in call)
    if call[field] not in allowed:
        raise Violation(f"`{field}` is not an allowed value", received=call[field], expected=list(allowed))


@CALL("CALL-STATUS-ENUM")
def call_status_is_known(ctx: CheckContext, call: Call) -> None:
    _enum(call, "status", STATUSES)


@CALL("CALL-DIRECTION-ENUM")
def call_direction_is_known(ctx: CheckContext, call: Call) -> None:
    _enum(call, "direction", DIRECTIONS[ctx.profile])


@CALL("CALL-ANSWERED-BY-ENUM")
def call_answered_by_is_known(ctx: CheckContext, call: Call) -> None:
    _enum(call, "answered_by", (None, *ANSWERED_BY))


@CALL("CALL-ALWAYS-NULL")
def call_always_null_fields(ctx: CheckContext, call: Call) -> None:
    applicable(any(f in call for f in ALWAYS_NULL))
    set_fields = {f: call[f] for f in ALWAYS_NULL if call.get(f) is not None}
    if set_fields:
        raise Violation("fields documented as always null are set", received=set_fields, expected="null")


@CALL("CALL-SUBRESOURCE-URIS")
def call_subresource_uris(ctx: CheckContext, call: Call) -> None:
    applicable("subresource_uris" in call)
    uris = call["subresource_uris"]
    if not isinstance(uris, dict):
        raise Violation("`subresource_uris` is not an object", received=uris, expected="object")
    if ctx.profile == "twilio":
        bad = {k: v for k, v in uris.items() if not isinstance(v, str)}
        if bad:
            raise Violation("`subresource_uris` values are not strings", received=bad, expected="strings")
        return
    if not isinstance(uris.get("recordings"), str):
        raise Violation(
            "`subresource_uris.recordings` is not a string", received=uris, expected="recordings: string"
        )
    if "notifications" not in uris or not isinstance(uris["notifications"], str | None):
        raise Violation(
            "`subresource_uris.notifications` is not a string or null",
            received=uris,
            expected="notifications: string or null",
        )


@CALL("CALL-DATE-FORMAT")
def call_dates_are_rfc2822_gmt(ctx: CheckContext, call: Call) -> None:
    applicable(any(call.get(f) is not None for f in DATE_FIELDS))
    bad = {f: call[f] for f in DATE_FIELDS if call.get(f) is not None and parse_gmt_date(call[f]) is None}
    if bad:
        raise Violation(
            "dates are not RFC 2822 with a +0000 offset",
            received=bad,
            expected="e.g. 'Wed, 19 Sep 2018 20:00:00 +0000'",
        )


@CALL("CALL-PRICE-UNIT")
def call_price_unit_is_iso4217(ctx: CheckContext, call: Call) -> None:
    applicable("price_unit" in call)
    unit = call["price_unit"]
    applicable(unit is not None or ctx.profile != "twilio")
    if not (
        isinstance(unit, str) and len(unit) == 3 and unit.isascii() and unit.isalpha() and unit.isupper()
    ):
        raise Violation(
            "`price_unit` is not an ISO 4217 code", received=unit, expected="three upper-case letters"
        )


@CALL("CALL-SID-FORMAT")
def call_identifiers_have_profile_form(ctx: CheckContext, call: Call) -> None:
    applicable(any(isinstance(call.get(f), str) for f in SID_FIELDS))
    bad = {
        f: v for f in SID_FIELDS if isinstance(v := call.get(f), str) and not sid_pattern(ctx.profile, f, v)
    }
    if bad:
        expected = "UUIDs" if ctx.profile == "signalwire" else "CA/AC/PN + 32 hex digits"
        raise Violation("identifiers do not have the profile's form", received=bad, expected=expected)


@CALL("CALL-ACCOUNT-SID")
def call_account_matches_path(ctx: CheckContext, call: Call) -> None:
    applicable(ctx.account_sid and "account_sid" in call)
    if call["account_sid"] != ctx.account_sid:
        raise Violation(
            "`account_sid` differs from the account in the request path",
            received=call["account_sid"],
            expected=ctx.account_sid,
        )


@CALL("CALL-URI")
def call_uri_names_the_call(ctx: CheckContext, call: Call) -> None:
    applicable(all(isinstance(call.get(f), str) for f in ("uri", "account_sid", "sid")))
    tail = f"/Accounts/{call['account_sid']}/Calls/{call['sid']}.json"
    if not call["uri"].split("?")[0].endswith(tail):
        raise Violation(
            "`uri` does not end with the call's own path", received=call["uri"], expected=f"…{tail}"
        )


def _alias(call: Call, name: str, alias: str) -> None:
    applicable(name in call and alias in call)
    if call[name] != call[alias]:
        raise Violation(
            f"`{alias}` differs from `{name}`",
            received={alias: call[alias], name: call[name]},
            expected="equal values",
        )


@CALL("CALL-ALIAS-TO")
def call_to_alias(ctx: CheckContext, call: Call) -> None:
    _alias(call, "formatted_to", "to_formatted")


@CALL("CALL-ALIAS-FROM")
def call_from_alias(ctx: CheckContext, call: Call) -> None:
    _alias(call, "formatted_from", "from_formatted")


def _same_number(call: Call, field: str, formatted_fields: tuple[str, ...]) -> None:
    address = call.get(field)
    applicable(
        isinstance(address, str) and address and any(isinstance(call.get(n), str) for n in formatted_fields)
    )
    for name in formatted_fields:
        shown = call.get(name)
        if isinstance(shown, str) and same_address(cast("str", address), shown) is False:
            raise Violation(
                f"`{name}` denotes another number than `{field}`",
                received={field: address, name: shown},
                expected="the same number",
            )


@CALL("CALL-FORMATTED-TO-NUMBER")
def call_formatted_to_is_same_number(ctx: CheckContext, call: Call) -> None:
    _same_number(call, "to", ("formatted_to", "to_formatted"))


@CALL("CALL-FORMATTED-FROM-NUMBER")
def call_formatted_from_is_same_number(ctx: CheckContext, call: Call) -> None:
    _same_number(call, "from", ("formatted_from", "from_formatted"))


@CALL("CALL-MEDIA-ORDER")
def call_media_triples_ordered(ctx: CheckContext, call: Call) -> None:
    applicable(any(is_number(call.get(f)) for triple in MEDIA_TRIPLES for f in triple))
    for triple in MEDIA_TRIPLES:
        present = [(f, call[f]) for f in triple if is_number(call.get(f))]
        values = [v for _, v in present]
        if any(v < 0 for v in values) or values != sorted(values):
            raise Violation(
                "media metrics break min <= avg <= max or are negative",
                received=dict(present),
                expected="0 <= min <= avg <= max",
            )


@CALL("CALL-MEDIA-LOST")
def call_media_lost_non_negative(ctx: CheckContext, call: Call) -> None:
    lost = call.get("audio_out_lost")
    applicable(is_number(lost))
    if cast("float", lost) < 0:
        raise Violation("`audio_out_lost` is negative", received=lost, expected=">= 0")


@CALL("CALL-MOS-RANGE")
def call_mos_in_range(ctx: CheckContext, call: Call) -> None:
    mos = call.get("audio_in_mos")
    applicable(is_number(mos))
    if not 1.0 <= cast("float", mos) <= 5.0:
        raise Violation("`audio_in_mos` outside 1.0 to 5.0", received=mos, expected="1.0 <= mos <= 5.0")
