"""``Behaviour``: every decision the endpoint's logic leaves open, as one frozen, typed object.

The correct endpoint is ``Behaviour()``, its defaults, with the few decisions its profile takes
otherwise (``Profile.behaviour``: a twilio-mode endpoint answers ``Status=canceled`` on an answered
call with 200 and leaves it up). A behavioural fault is a row of the registry that changes one or more
fields (``behaviour=Behaviour(field=value)``); the set of faults switched on is merged over the
profile's behaviour once, when the endpoint is built, and the handlers, the paging, the lifecycle and
the callbacks read its fields at their decision points.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["Behaviour", "changed_fields", "merge"]

StatusUpdate = Literal["refuse", "end", "ignore"]


@dataclass(frozen=True)
class Behaviour:
    """How the endpoint decides; the defaults are the contract."""

    # Paths and access
    json_suffix_served: bool = True  # paths ending in .json answer like the bare ones
    credentials_required: bool = True  # no Authorization header: 401
    password_checked: bool = True  # a wrong password: 401
    path_account_checked: bool = True  # another account's path: 401
    empty_password_accepted: bool = False  # the right account sid with an empty password is let in
    token_prefix_accepted: bool = False  # a password the token starts with (the token cut short) is let in
    token_suffix_accepted: bool = False  # a password that starts with the token (and goes on) is let in
    token_case_ignored: bool = False  # the token compared without regard to case
    basic_without_separator_accepted: bool = False  # Basic base64(sid), no ":": the account, unchecked
    empty_authorization_served: bool = False  # an empty Authorization header: served as the path's account
    bearer_token_accepted: bool = False  # "Bearer <an account's token>": that account
    malformed_authorization_status: Literal[401, 400] = 401  # a malformed Authorization header
    unknown_sid_status: Literal[404, 400] = 404
    # Reading input
    params_validated: bool = True  # create and update check every parameter, not only To/From presence
    extended_params_validated: bool = True  # create checks the spec's constraints beyond the contract's core
    bad_integers: Literal["refuse", "crash"] = "refuse"  # a non-integer Timeout (create) or PageSize (list)
    timeout_decimals_accepted: bool = False  # Timeout=12.5 read as 12
    url_any_scheme_accepted: bool = False  # Url, FallbackUrl, StatusCallback: any scheme with a host
    from_address_checked: bool = True  # From must be a phone number, SIP address or client
    # Create
    creates_accepted: bool = True
    repeated_keys_accepted: bool = True  # StatusCallbackEvent given more than once
    sid_form: Literal["profile", "other"] = "profile"  # "other": the other profile's sid form
    # Update of a live call; "refuse" answers 400, "ignore" answers 200 and changes nothing
    unknown_update_status: Literal["refuse", "ignore"] = "refuse"
    cancel_unanswered: Literal["end", "ignore"] = "end"  # Status=canceled while queued or ringing
    cancel_in_progress: Literal["refuse", "ignore", "end"] = "refuse"  # Status=canceled once answered
    complete_unanswered: Literal["end", "ignore"] = "end"  # Status=completed while queued or ringing
    cancel_ringing_completes: bool = False  # Status=canceled while ringing: answered, then completed
    complete_ringing_ignored: bool = False  # Status=completed while ringing: 200, and the call rings on
    complete_in_progress: Literal["end", "ignore"] = "end"  # Status=completed once answered
    redirect_in_progress: Literal["redirect", "end"] = "redirect"  # a Url update once answered
    redirect_fetched: bool = True  # after a Url update, the new document is fetched
    redirect_method_honoured: bool = True  # ... with the update's Method (else the call's former one)
    # Update and delete of an ended call, delete of a live one
    ended_call_update: Literal["refuse", "ignore"] = "refuse"
    delete_unfinished: Literal["refuse", "remove"] = "refuse"
    delete_ended: Literal["remove", "keep"] = "remove"
    # Listing
    list_order: Literal["newest-first", "oldest-first"] = "newest-first"
    list_page_size_honoured: bool = True
    pages_overlap: bool = False  # a next page starts with the previous page's last item
    last_page_links_next: bool = False
    to_filter_honoured: bool = True
    next_page_keeps_filters: bool = True  # next_page_uri (and previous_page_uri) carry the request's filters
    page_size_out_of_range_crashes: bool = False  # PageSize < 1 or > the maximum: 500 (else 400)
    page_size_out_of_range_defaulted: bool = False  # ... read as the default page size (else 400)
    page_size_maximum: int = 1000  # the largest PageSize accepted
    negative_page_crashes: bool = False  # a negative Page: 500 (else 400)
    foreign_page_token_crashes: bool = False  # a PageToken this endpoint never issued: 500 (else 400)
    foreign_page_token_ignored: bool = False  # ... ignored: the first page (else 400)
    page_without_token_accepted: bool = False  # Page > 0 and no PageToken: the first page (else 400)
    from_filter_honoured: bool = True
    status_filter_honoured: bool = True
    # The lifecycle and its callbacks
    rings_until_ended: frozenset[str] = frozenset()  # To numbers that ring until ended through the API
    callbacks_signed_with: Literal["profile-key", "another-key"] = "profile-key"
    signature_header: Literal["profile", "other"] = "profile"  # "other": the other profile's header only
    status_callback_method_honoured: bool = True  # StatusCallbackMethod=GET is sent as GET
    status_events_sent: Literal["requested", "all"] = "requested"
    final_status_callback_sent: bool = True
    status_callback_query_kept: bool = True  # callbacks go to the StatusCallback URL with its query string
    # FallbackUrl, when fetching the Url fails, and StatusCallback updates of an active call
    fallback_on_create: bool = True  # the first document (the create's Url) falls back
    fallback_after_update: bool = True  # a Url update's document falls back
    fallback_method_honoured: bool = True  # the FallbackUrl is fetched with FallbackMethod (else POST)
    fallback_on_bad_document: bool = (
        True  # a 2xx answer that is no LaML document is a failure (else: nothing runs)
    )
    updated_status_callback_used: bool = True  # an update's StatusCallback (and its method) take effect
    updated_status_callback_method_used: bool = True  # an update's StatusCallbackMethod takes effect
    replaced_status_callback_kept: bool = False  # the final callback also goes to the URL an update replaced

    def setting_updated(self, name: str) -> bool:
        """Whether an update's value for the call setting `name` (a CallParams field) takes effect."""
        if name in ("status_callback", "status_callback_method") and not self.updated_status_callback_used:
            return False
        return name != "status_callback_method" or self.updated_status_callback_method_used

    def status_update(self, status: str, *, answered: bool) -> StatusUpdate:
        """What ``Status=status`` (canceled or completed) does to a live call, answered or not."""
        if status == "canceled":
            return self.cancel_in_progress if answered else self.cancel_unanswered
        return self.complete_in_progress if answered else self.complete_unanswered


_CORRECT = Behaviour()


def changed_fields(behaviour: Behaviour) -> dict[str, Any]:
    """The fields where ``behaviour`` departs from the correct endpoint, by name."""
    return {
        field.name: getattr(behaviour, field.name)
        for field in dataclasses.fields(Behaviour)
        if getattr(behaviour, field.name) != getattr(_CORRECT, field.name)
    }


def merge(deviations: Iterable[Behaviour], base: Behaviour = _CORRECT) -> Behaviour:
    """`base` (a profile's correct behaviour) with every deviation's changed fields applied (later ones win)."""
    changes: dict[str, Any] = {}
    for deviation in deviations:
        changes.update(changed_fields(deviation))
    return dataclasses.replace(base, **changes)
