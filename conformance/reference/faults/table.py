"""The fault registry: one table of named, deliberate deviations from the contract.

Each row names the catalog requirements (``spec/requirements.yaml`` ids) it breaks, so the project
can prove that each check fails against an endpoint that breaks its requirement, and the profiles it
applies to (an endpoint of another profile refuses to switch it on: a signalwire-only field, say, is
not there to break under twilio). A fault changes one thing and leaves the rest correct, through
exactly one of three mechanisms:

- a hook (``hooks.py``) rewriting what is about to be sent: ``on_call`` a serialised Call,
  ``on_create_answer`` the Call in a create's answer, ``on_error`` an error body, ``on_envelope`` a
  list envelope, ``on_callback`` the parameters of a status or recording callback;
- ``behaviour``: a ``Behaviour`` (``behaviour.py``) whose changed fields the endpoint's logic reads at
  its decision points (``Behaviour(unknown_sid_status=400)``);
- ``on_output``: a rewrite of the finished answer (``middleware.py``), for faults that change only
  what goes out (a status code, a content type, an error body's format).

To add a fault: append a row here (with a hook, a ``Behaviour`` with the fields it changes, adding a
field and the decision point that reads it if none fits, or an output rewrite), and a probe to the
sanity table in ``tests/reference/test_faults.py``; then name a check that fails against it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from ..destinations import ANSWER_NUMBER
from ..profiles import PROFILES
from . import hooks, middleware
from .behaviour import Behaviour, changed_fields
from .hooks import CallbackHook, CallHook, DocHook
from .middleware import OutputHook

__all__ = ["FAULTS", "Fault", "validate_faults"]

# The fields of a row that carry its deviation; a row fills exactly one.
_MECHANISMS = (
    "on_call", "on_create_answer", "on_error", "on_envelope", "on_callback", "behaviour", "on_output",
)  # fmt: skip


@dataclass(frozen=True)
class Fault:
    """One deviation: its name, the requirement ids it breaks, what it does, and how it does it."""

    name: str
    breaks: tuple[str, ...]
    description: str
    profiles: tuple[str, ...] = ("signalwire", "twilio")
    on_call: CallHook | None = None
    on_create_answer: CallHook | None = None
    on_error: DocHook | None = None
    on_envelope: DocHook | None = None
    on_callback: CallbackHook | None = None
    behaviour: Behaviour | None = None
    on_output: OutputHook | None = None

    @property
    def mechanisms(self) -> tuple[str, ...]:
        """The names of the fields that carry this fault's deviation (exactly one for a well-formed row)."""
        return tuple(name for name in _MECHANISMS if getattr(self, name) is not None)


SW = ("signalwire",)
TW = ("twilio",)

# fmt: off
_REGISTRY: tuple[Fault, ...] = (
    Fault("call-alias-to", ("CALL-ALIAS-TO",), "to_formatted differs from formatted_to (E.164 vs national).",
          SW, on_call=hooks.alias_to),
    Fault("call-alias-from", ("CALL-ALIAS-FROM",), "from_formatted differs from formatted_from.",
          SW, on_call=hooks.alias_from),
    Fault("call-formatted-to-wrong-number", ("CALL-FORMATTED-TO-NUMBER",),
          "formatted_to and to_formatted (those the profile has) show another number: the last digit changed.",
          on_call=hooks.wrong_to),
    Fault("call-formatted-from-wrong-number", ("CALL-FORMATTED-FROM-NUMBER",),
          "formatted_from and from_formatted (those the profile has) show another number: the last digit "
          "changed.", on_call=hooks.wrong_from),
    Fault("call-missing-field", ("CALL-FIELDS", "SCHEMA-RESPONSE"), "The api_version key is absent.",
          on_call=hooks.missing_field),
    Fault("call-duration-wrong-type", ("CALL-TYPES", "SCHEMA-RESPONSE"),
          "duration has the other profile's JSON type: a string of digits (signalwire), a number (twilio).",
          on_call=hooks.duration_wrong_type),
    Fault("call-extra-field", ("CALL-EXTRA-FIELDS",), "An extra key `url` (the call's Url).",
          on_call=hooks.extra_field),
    Fault("call-status-unknown", ("CALL-STATUS-ENUM", "SCHEMA-RESPONSE"),
          'status is "active" while in progress.', on_call=hooks.status_unknown),
    Fault("call-direction-unknown", ("CALL-DIRECTION-ENUM", "SCHEMA-RESPONSE"), 'direction is "outgoing".',
          on_call=hooks.set_field("direction", "outgoing")),
    Fault("call-answered-by-unknown", ("CALL-ANSWERED-BY-ENUM", "SCHEMA-RESPONSE"),
          'answered_by is "person", always.', on_call=hooks.set_field("answered_by", "person")),
    Fault("call-forwarded-from-set", ("CALL-ALWAYS-NULL",), "forwarded_from is the From number.",
          SW, on_call=hooks.forwarded_from),
    Fault("call-subresource-no-recordings", ("CALL-SUBRESOURCE-URIS", "SCHEMA-RESPONSE"),
          "subresource_uris is {notifications: null}: no `recordings`, and a null where twilio has strings.",
          on_call=hooks.no_recordings),
    Fault("call-date-not-gmt", ("CALL-DATE-FORMAT",), "Dates carry a -0500 offset (same instant).",
          on_call=hooks.rerender_dates(hooks.to_minus_five)),
    Fault("call-date-bad-names", ("CALL-DATE-FORMAT",),
          "Dates use legacy 4-letter day and month names (Thur, Sept, ...), not RFC 2822's.",
          on_call=hooks.rerender_dates(hooks.legacy_names)),
    Fault("call-price-unit-lower", ("CALL-PRICE-UNIT",), 'price_unit is "usd".',
          on_call=hooks.set_field("price_unit", "usd")),
    Fault("call-sid-other-form", ("CALL-SID-FORMAT",),
          "Call sids have the other profile's form: CA + 32 hex (signalwire), a UUID (twilio); consistently "
          "(fetching by that sid works).", behaviour=Behaviour(sid_form="other")),
    Fault("call-account-mismatch", ("CALL-ACCOUNT-SID",), "account_sid is another account's, of the same form.",
          on_call=hooks.other_account),
    Fault("call-uri-wrong", ("CALL-URI",), "uri lacks the .json suffix.", on_call=hooks.uri_wrong),
    Fault("call-media-min-above-max", ("CALL-MEDIA-ORDER",),
          "audio_rtt_min > audio_rtt_max on ended answered calls.", SW, on_call=hooks.media_min_above_max),
    Fault("call-media-lost-negative", ("CALL-MEDIA-LOST",), "audio_out_lost is -1.",
          SW, on_call=hooks.set_field("audio_out_lost", -1)),
    Fault("call-mos-out-of-range", ("CALL-MOS-RANGE",), "audio_in_mos is 6.2.",
          SW, on_call=hooks.set_field("audio_in_mos", 6.2)),
    # Time fields across the lifecycle
    Fault("time-updated-before-created", ("TIME-UPDATED-AFTER-CREATED",),
          "date_updated is 1 hour before date_created.",
          on_call=hooks.shift_date("date_updated", "date_created", -3600)),
    Fault("time-start-before-created", ("TIME-START-AFTER-CREATED",),
          "start_time (once set) is 10 s before date_created.",
          on_call=hooks.shift_date("start_time", "date_created", -10, when=hooks.started)),
    Fault("time-start-while-queued", ("TIME-START-NULL-WHILE-QUEUED",), "start_time is set at create.",
          on_call=hooks.start_while_queued),
    Fault("time-end-while-active", ("TIME-END-NULL-WHILE-ACTIVE",),
          "end_time is set while ringing or in progress.", on_call=hooks.end_while_active),
    Fault("time-end-missing", ("TIME-END-SET-WHEN-ENDED",), "end_time stays null after the call ended.",
          on_call=hooks.set_field("end_time", None)),
    Fault("time-end-before-start", ("TIME-END-AFTER-START",), "end_time is 30 s before start_time.",
          on_call=hooks.shift_date("end_time", "start_time", -30, when=hooks.ended)),
    Fault("time-duration-unanswered", ("TIME-DURATION-UNANSWERED-ZERO",),
          "busy, failed, no-answer and canceled calls report duration 7 (twilio: \"7\").",
          on_call=hooks.duration_unanswered),
    Fault("time-duration-too-long", ("TIME-DURATION-BOUNDED",), "duration is the real one + 60 s.",
          on_call=hooks.duration_too_long),
    # The lifecycle
    Fault("life-ended-changes", ("LIFE-ENDED-FINAL",),
          "0.5 s after a call ends, its end_time grows by 2 s, and its duration too if it was answered.",
          on_call=hooks.ended_changes),
    Fault("life-illegal-path", ("LIFE-TRANSITIONS",),
          "The create answer shows a call to a number that will not answer (busy, failed, no-answer) "
          "in-progress while it is queued, so its path runs in-progress -> ringing or busy/failed/no-answer.",
          on_create_answer=hooks.claims_answered),  # the create's answer only: fetches show the truth
    Fault("life-never-ends", ("LIFE-REACHES-END",),
          "Calls to the answer number (+12025550100) ring until ended through the API.",
          behaviour=Behaviour(rings_until_ended=frozenset({ANSWER_NUMBER}))),
    # Create
    Fault("create-rejects", ("CREATE-2XX",), "Every create answers 400 (array error body).",
          behaviour=Behaviour(creates_accepted=False)),
    Fault("create-201", ("CREATE-STATUS-CODE",), "Create answers 201 instead of 200.",
          SW, on_output=middleware.create_201),
    Fault("create-200", ("CREATE-STATUS-CODE",), "Create answers 200 instead of 201.",
          TW, on_output=middleware.create_200),
    Fault("create-rejects-repeated-events", ("CREATE-FORM-ARRAYS",),
          "Create answers 400 (21626) when StatusCallbackEvent is repeated.",
          behaviour=Behaviour(repeated_keys_accepted=False)),
    # Paths, errors, auth
    Fault("json-suffix-missing", ("PATH-JSON-SUFFIX",), "Paths ending in .json answer 404 (both prefixes).",
          SW, behaviour=Behaviour(json_suffix_served=False)),
    Fault("error-plain-text", ("ERR-JSON-BODY",), '404 answers are text/plain "Not Found".',
          on_output=middleware.plain_text_404),
    Fault("error-no-more-info", ("ERR-JSON-BODY",),
          "Error bodies lack more_info (the flat shape, and each item of an errors array).",
          on_error=hooks.no_more_info),
    Fault("error-no-status-key", ("ERR-JSON-BODY",), "Flat error bodies lack status.",
          on_error=hooks.no_status_key),
    Fault("error-status-mismatch", ("ERR-BODY-STATUS",),
          "Error bodies say status 400 whatever the HTTP status.", on_error=hooks.error_status_400),
    Fault("auth-missing-accepted", ("ERR-AUTH-MISSING",),
          "No Authorization header: served as the path's account.",
          behaviour=Behaviour(credentials_required=False)),
    Fault("auth-wrong-accepted", ("ERR-AUTH-WRONG",), "Any password is accepted for a known account sid.",
          behaviour=Behaviour(password_checked=False)),
    Fault("auth-empty-password-accepted", ("ERR-AUTH-WRONG",),
          "The right account sid with an empty password is let in.",
          behaviour=Behaviour(empty_password_accepted=True)),
    Fault("auth-token-prefix-accepted", ("ERR-AUTH-WRONG",),
          "A password the auth token starts with (the token cut short) is let in.",
          behaviour=Behaviour(token_prefix_accepted=True)),
    Fault("auth-token-suffix-accepted", ("ERR-AUTH-WRONG",),
          "A password that starts with the auth token (and goes on) is let in.",
          behaviour=Behaviour(token_suffix_accepted=True)),
    Fault("auth-token-case-ignored", ("ERR-AUTH-WRONG",),
          "The auth token is compared without regard to the case of its letters.",
          behaviour=Behaviour(token_case_ignored=True)),
    Fault("auth-no-separator-accepted", ("ERR-AUTH-MALFORMED",),
          "Basic credentials of an account sid alone (no ':' and no password) let that account in.",
          behaviour=Behaviour(basic_without_separator_accepted=True)),
    Fault("auth-empty-header-served", ("ERR-AUTH-MALFORMED",),
          "An empty Authorization header is served as the path's account.",
          behaviour=Behaviour(empty_authorization_served=True)),
    Fault("auth-bearer-accepted", ("ERR-AUTH-MALFORMED",),
          "`Authorization: Bearer <auth token>` lets that token's account in.",
          behaviour=Behaviour(bearer_token_accepted=True)),
    Fault("auth-malformed-400", ("ERR-AUTH-MALFORMED-401",),
          "An Authorization header that is no Basic credential answers 400 (code 10000), not 401.",
          behaviour=Behaviour(malformed_authorization_status=400)),
    Fault("account-path-ignored", ("ERR-OTHER-ACCOUNT",),
          "The path's account is not checked against the credentials (serves the path account if it exists).",
          behaviour=Behaviour(path_account_checked=False)),
    Fault("unknown-sid-400", ("ERR-UNKNOWN-SID",), "An unknown call sid answers 400 (code 10000).",
          behaviour=Behaviour(unknown_sid_status=400)),
    Fault("invalid-params-accepted", ("ERR-INVALID-PARAMS", "ERR-INVALID-PARAMS-EXTENDED"),
          "Create and update skip all validation except To/From presence.",
          behaviour=Behaviour(params_validated=False)),
    Fault("invalid-params-extended-accepted", ("ERR-INVALID-PARAMS-EXTENDED",),
          "Create checks only the contract's core rules: it accepts RecordingChannels=quad, Timeout=601, "
          "MachineDetectionTimeout=121 and the like (as providers that clamp or ignore them do).",
          behaviour=Behaviour(extended_params_validated=False)),
    Fault("create-timeout-decimal-accepted", ("ERR-INVALID-PARAMS",),
          "A create's Timeout with decimals (12.5) is read as its whole part and accepted.",
          behaviour=Behaviour(timeout_decimals_accepted=True)),
    Fault("create-url-any-scheme-accepted", ("ERR-INVALID-PARAMS",),
          "Url, FallbackUrl and StatusCallback of any scheme with a host (ftp://…) are accepted.",
          behaviour=Behaviour(url_any_scheme_accepted=True)),
    Fault("create-from-unchecked", ("ERR-INVALID-PARAMS",),
          "A create's From is not checked to be a phone number, SIP address or client (any text is accepted).",
          behaviour=Behaviour(from_address_checked=False)),
    Fault("server-error-on-bad-input", ("ERR-NO-5XX",),
          "A non-integer Timeout on create, or a non-integer PageSize on list, answers 500 (JSON body).",
          behaviour=Behaviour(bad_integers="crash")),
    # Update
    Fault("update-bogus-status-accepted", ("UPDATE-STATUS-INVALID",),
          "An unknown update Status answers 200 and changes nothing.",
          behaviour=Behaviour(unknown_update_status="ignore")),
    Fault("update-cancel-queued-ignored", ("UPDATE-CANCEL-QUEUED",),
          "Status=canceled on a queued or ringing call answers 200 with the call as it is; the call goes on.",
          behaviour=Behaviour(cancel_unanswered="ignore")),
    Fault("update-cancel-ringing-completes", ("UPDATE-CANCEL-QUEUED",),
          "Status=canceled on a ringing call answers 200, then the call is answered and ends as completed (a queued "
          "call is canceled).", behaviour=Behaviour(cancel_ringing_completes=True)),
    Fault("update-complete-ringing-ignored", ("UPDATE-COMPLETE-NOT-ANSWERED",),
          "Status=completed on a ringing call answers 200 and changes nothing: the call rings on (a queued call "
          "ends).", behaviour=Behaviour(complete_ringing_ignored=True)),
    Fault("update-cancel-ends-in-progress", ("UPDATE-CANCEL-IN-PROGRESS",),
          "Status=canceled on an in-progress call answers 200 and ends it (as completed, a legal step).",
          behaviour=Behaviour(cancel_in_progress="end")),
    Fault("update-complete-ignored", ("UPDATE-COMPLETE-IN-PROGRESS",),
          "Status=completed on an in-progress call answers 200 and changes nothing.",
          behaviour=Behaviour(complete_in_progress="ignore")),
    Fault("update-complete-queued-ignored", ("UPDATE-COMPLETE-NOT-ANSWERED",),
          "Status=completed on a queued or ringing call answers 200 and changes nothing; "
          "the call is answered.",
          behaviour=Behaviour(complete_unanswered="ignore")),
    Fault("update-ended-accepted", ("UPDATE-ENDED-CALL",),
          "Status and Url updates of an ended call answer 200 with the call unchanged.",
          behaviour=Behaviour(ended_call_update="ignore")),
    Fault("update-redirect-ends-call", ("UPDATE-REDIRECT",),
          "A Url update of an in-progress call answers 200 and completes the call.",
          behaviour=Behaviour(redirect_in_progress="end")),
    Fault("update-redirect-not-fetched", ("UPDATE-REDIRECT-FETCH",),
          "A Url update of an in-progress call answers 200, but the new document is never fetched "
          "(the call goes on with the one it had).", behaviour=Behaviour(redirect_fetched=False)),
    Fault("update-redirect-wrong-method", ("UPDATE-REDIRECT-FETCH",),
          "After a Url update the new document is fetched with the call's former Method, not the update's.",
          behaviour=Behaviour(redirect_method_honoured=False)),
    # Delete
    Fault("delete-unfinished-accepted", ("DELETE-UNFINISHED",),
          "Deleting a call that has not ended answers 204 and removes it (its lifecycle stops).",
          behaviour=Behaviour(delete_unfinished="remove")),
    Fault("delete-ended-keeps", ("DELETE-ENDED",),
          "Deleting an ended call answers 204, but the call stays (fetch and list still show it).",
          behaviour=Behaviour(delete_ended="keep")),
    # Callbacks
    Fault("cb-bad-signature", ("CB-SIGNATURE",),
          "Status and recording callbacks are signed with another key (Url fetches keep the right one).",
          behaviour=Behaviour(callbacks_signed_with="another-key")),
    Fault("cb-signature-foreign-header", ("CB-SIGNATURE",),
          "The (right) signature travels only in X-SignalWire-Signature, a header the twilio profile does not "
          "read.", TW, behaviour=Behaviour(signature_header="other")),
    Fault("cb-sequence-gap", ("CB-SEQUENCE",), "SequenceNumber skips 1: 0, 2, 3, ...",
          on_callback=hooks.rewrite_param("status", "SequenceNumber", hooks.skip_one)),
    Fault("cb-no-duration", ("CB-DURATION-FINAL",), "The final status callback lacks CallDuration.",
          on_callback=hooks.drop_params("status", hooks.named("CallDuration"), when=hooks.is_final)),
    Fault("cb-get-as-post", ("CB-METHOD",),
          "Status callbacks are POSTed (form body) even when StatusCallbackMethod=GET.",
          behaviour=Behaviour(status_callback_method_honoured=False)),
    Fault("cb-unrequested-events", ("CB-INTERMEDIATE-EVENTS",),
          "All four events (initiated, ringing, answered, completed) are sent whatever was requested.",
          behaviour=Behaviour(status_events_sent="all")),
    Fault("cb-no-final", ("CB-FINAL-EVENT",), "The final (completed) status callback is never sent.",
          behaviour=Behaviour(final_status_callback_sent=False)),
    Fault("cb-timestamp-iso", ("CB-TIMESTAMP", "CB-PARAMS"),
          "Timestamp is ISO 8601 (2024-04-04T18:32:15Z); the statusCallback schema's pattern rejects it too.",
          on_callback=hooks.rewrite_param("status", "Timestamp", hooks.iso_timestamp)),
    Fault("cb-timestamp-not-gmt", ("CB-TIMESTAMP-GMT",),
          "Timestamp carries a -0500 offset (the same instant, still RFC 2822).",
          on_callback=hooks.rewrite_param("status", "Timestamp", hooks.minus_five_timestamp)),
    Fault("cb-status-path", ("CB-STATUS-PATH",),
          "The final status callback's CallStatus is always completed "
          "(wrong for busy, failed, no-answer, canceled).",
          on_callback=hooks.rewrite_param("status", "CallStatus", hooks.final_completed)),
    Fault("cb-no-media-final", ("CB-MEDIA-FINAL",), "The final status callback lacks the Audio* counters.",
          SW, on_callback=hooks.drop_params("status", hooks.audio_counter, when=hooks.is_final)),
    Fault("cb-no-media-early", ("CB-MEDIA-EARLY",),
          "Status callbacks before the final one lack the Audio* counters.",
          SW, on_callback=hooks.drop_params("status", hooks.audio_counter, when=hooks.not_final)),
    Fault("cb-recording-missing-field", ("CB-RECORDING-PARAMS",),
          "Recording callbacks lack RecordingChannels.",
          on_callback=hooks.drop_params("recording", hooks.named("RecordingChannels"))),
    Fault("cb-bad-params", ("CB-PARAMS",), "Status callbacks lack CallbackSource.",
          on_callback=hooks.drop_params("status", hooks.named("CallbackSource"))),
    Fault("cb-query-dropped", ("CB-URL-AS-GIVEN",),
          "Status callbacks are sent to the StatusCallback URL without its query string (signed over that URL).",
          behaviour=Behaviour(status_callback_query_kept=False)),
    Fault("cb-to-differs", ("CB-AGREES-WITH-CALL",),
          "Status callbacks name another To number (its last digit changed) than the Call object's.",
          on_callback=hooks.rewrite_param("status", "To", hooks.other_number)),
    Fault("cb-duration-differs", ("CB-DURATION-MATCHES",),
          "A completed call's final status callback says CallDuration 5 s more than the Call's duration.",
          on_callback=hooks.rewrite_param("status", "CallDuration", hooks.later_if_answered)),
    Fault("cb-timestamp-wrong-instant", ("CB-TIMESTAMP-INSTANT",),
          "Timestamp is the wall-clock time of UTC-5 labelled +0000 (valid RFC 2822 GMT, 5 hours early).",
          on_callback=hooks.rewrite_param("status", "Timestamp", hooks.local_time_as_gmt)),
    # The rest of the Update page: FallbackUrl and StatusCallback updates
    Fault("fallback-create-ignored", ("CREATE-FALLBACK",),
          "When fetching a created call's Url fails, its FallbackUrl is not requested (the call talks, then "
          "completes).", behaviour=Behaviour(fallback_on_create=False)),
    Fault("fallback-update-ignored", ("UPDATE-FALLBACK",),
          "When fetching the Url a Url update gave fails, the FallbackUrl is not requested.",
          behaviour=Behaviour(fallback_after_update=False)),
    Fault("fallback-wrong-method", ("CREATE-FALLBACK", "UPDATE-FALLBACK"),
          "The FallbackUrl is requested with POST whatever FallbackMethod says.",
          behaviour=Behaviour(fallback_method_honoured=False)),
    Fault("fallback-not-on-bad-document", ("CREATE-FALLBACK", "UPDATE-FALLBACK"),
          "A 2xx answer that is no LaML document is run as an empty one (the call completes) instead of "
          "falling back.", behaviour=Behaviour(fallback_on_bad_document=False)),
    Fault("cb-update-ignored", ("UPDATE-STATUS-CALLBACK", "UPDATE-STATUS-CALLBACK-OLD"),
          "An update's StatusCallback and StatusCallbackMethod are accepted (200) but ignored: callbacks go on "
          "to the create's URL.", behaviour=Behaviour(updated_status_callback_used=False)),
    Fault("cb-update-method-ignored", ("UPDATE-STATUS-CALLBACK",),
          "An update's StatusCallback takes effect, its StatusCallbackMethod does not (the create's is kept).",
          behaviour=Behaviour(updated_status_callback_method_used=False)),
    Fault("cb-update-old-url-too", ("UPDATE-STATUS-CALLBACK-OLD",),
          "After an update gave another StatusCallback, the final callback goes to the new URL and the old one.",
          behaviour=Behaviour(replaced_status_callback_kept=True)),
    # Listing
    Fault("list-page-size-ignored", ("LIST-PAGE-SIZE",),
          "PageSize is ignored (pages of 50) but page_size echoes it.",
          behaviour=Behaviour(list_page_size_honoured=False)),
    Fault("list-pages-overlap", ("LIST-PAGING",),
          "Each next page starts with the last item of the previous page.",
          behaviour=Behaviour(pages_overlap=True)),
    Fault("list-next-on-last-page", ("LIST-PAGING",),
          "next_page_uri is never null (the last page links to an empty one).",
          behaviour=Behaviour(last_page_links_next=True)),
    Fault("list-envelope-missing-key", ("LIST-ENVELOPE", "SCHEMA-RESPONSE"), "first_page_uri is absent.",
          on_envelope=hooks.no_first_page_uri),
    Fault("list-no-positions", ("LIST-ENVELOPE", "SCHEMA-RESPONSE"),
          "The list envelope lacks twilio's start and end.", TW, on_envelope=hooks.no_positions),
    Fault("list-filter-to-ignored", ("LIST-FILTER-TO",), "The To filter is ignored.",
          behaviour=Behaviour(to_filter_honoured=False)),
    Fault("list-filter-from-ignored", ("LIST-FILTER-FROM",), "The From filter is ignored.",
          behaviour=Behaviour(from_filter_honoured=False)),
    Fault("list-filter-status-ignored", ("LIST-FILTER-STATUS",), "The Status filter is ignored.",
          behaviour=Behaviour(status_filter_honoured=False)),
    Fault("list-oldest-first", ("LIST-NEWEST-FIRST",), "Lists are oldest first.",
          behaviour=Behaviour(list_order="oldest-first")),
    Fault("list-next-page-drops-filter", ("LIST-FILTER-TO", "LIST-FILTER-FROM", "LIST-FILTER-STATUS"),
          "next_page_uri (and previous_page_uri) lose the request's filters: from page 2 on, the list is the "
          "unfiltered one.", behaviour=Behaviour(next_page_keeps_filters=False)),
    Fault("list-page-size-out-of-range-crashes", ("ERR-NO-5XX", "LIST-PARAMS-INVALID"),
          "PageSize 0, negative or above 1000 answers 500 (JSON body).",
          behaviour=Behaviour(page_size_out_of_range_crashes=True)),
    Fault("list-page-size-out-of-range-accepted", ("LIST-PARAMS-INVALID",),
          "PageSize 0, negative or above 1000 is read as the default, 50.",
          behaviour=Behaviour(page_size_out_of_range_defaulted=True)),
    Fault("list-page-size-maximum-refused", ("LIST-PAGE-SIZE-LIMITS",),
          "PageSize 1000 is refused (400): the largest accepted is 999.",
          behaviour=Behaviour(page_size_maximum=999)),
    Fault("list-negative-page-crashes", ("ERR-NO-5XX", "LIST-PARAMS-INVALID"),
          "A negative Page answers 500 (JSON body).", behaviour=Behaviour(negative_page_crashes=True)),
    Fault("list-foreign-token-crashes", ("ERR-NO-5XX", "LIST-PARAMS-INVALID"),
          "A PageToken this endpoint never issued answers 500 (JSON body).",
          behaviour=Behaviour(foreign_page_token_crashes=True)),
    Fault("list-foreign-token-ignored", ("LIST-PARAMS-INVALID",),
          "A PageToken this endpoint never issued is ignored: the first page is answered.",
          behaviour=Behaviour(foreign_page_token_ignored=True)),
    Fault("list-page-without-token-accepted", ("LIST-PAGE-TOKEN",),
          "Page=1 without a PageToken answers 200 with the first page.",
          SW, behaviour=Behaviour(page_without_token_accepted=True)),
    # Schema-level
    Fault("content-type-html", ("SCHEMA-CONTENT-TYPE",), "JSON answers are labelled text/html.",
          on_output=middleware.content_type_html),
    Fault("undocumented-status", ("SCHEMA-STATUS-CODE",), "Fetch answers 203 instead of 200.",
          on_output=middleware.fetch_203),
)
# fmt: on

FAULTS: Mapping[str, Fault] = MappingProxyType({fault.name: fault for fault in _REGISTRY})


def _check_registry() -> None:
    """Unique names, known profiles, one mechanism a row, and each Behaviour row changes fields no other row
    changes."""
    if len(FAULTS) != len(_REGISTRY):
        raise RuntimeError("fault names must be unique")
    owner: dict[str, str] = {}
    for fault in _REGISTRY:
        if not fault.profiles or not set(fault.profiles) <= set(PROFILES):
            raise RuntimeError(f"fault {fault.name} names profiles outside {sorted(PROFILES)}")
        if len(fault.mechanisms) != 1:
            raise RuntimeError(f"fault {fault.name} must have exactly one mechanism, not {fault.mechanisms}")
        changed = changed_fields(fault.behaviour) if fault.behaviour is not None else {}
        if fault.behaviour is not None and not changed:
            raise RuntimeError(f"fault {fault.name}: its Behaviour is the correct one")
        for name in changed:
            if name in owner:
                raise RuntimeError(f"faults {owner[name]} and {fault.name} both change Behaviour.{name}")
            owner[name] = fault.name


_check_registry()


def validate_faults(names: Iterable[str], profile: str | None = None) -> frozenset[str]:
    """The names as a set; ValueError naming the valid ones if any is unknown, or (given a profile) if any
    does not apply to it."""
    chosen = frozenset(names)
    unknown = sorted(chosen - FAULTS.keys())
    if unknown:
        raise ValueError(f"unknown fault(s) {', '.join(unknown)}; valid names: {', '.join(sorted(FAULTS))}")
    foreign = sorted(name for name in chosen if profile is not None and profile not in FAULTS[name].profiles)
    if foreign:
        applies = "; ".join(f"{name} applies to {', '.join(FAULTS[name].profiles)}" for name in foreign)
        raise ValueError(f"fault(s) {', '.join(foreign)} do not apply to the {profile} profile ({applies})")
    return chosen
