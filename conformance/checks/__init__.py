"""The checks: pure functions, each judging one requirement of the catalog on one kind of subject, registered under
that requirement's id and a typed kind (`registry.py`, `kinds.py`). Importing this package registers every check;
`REGISTRY` holds them by name. Checks do no I/O: the harness hands them what the endpoint answered or sent.

By subject: `call_object.py` and `call_times.py` (every Call object), `listing.py` (every list answer),
`responses.py` and `spec_conformance.py` (every HTTP answer), `callbacks.py` (each callback request),
`callback_sets.py` (each call's callbacks), `callback_agreement.py` (callbacks against the Call object),
`documents.py` (the requests for a redirect's or a fallback's document), `moved_callbacks.py` (callbacks after an
update moved the StatusCallback), `answers.py` (a valid create's answer, the refusals the error contract requires),
`walks.py` (every page of a walk through `next_page_uri`), `paths.py` (the `.json` path forms), `generated.py`
(Schemathesis's requests).

The lifecycle's: `call_history.py` (what the suite saw of one call over time, a `CallRecord` of `call_records.py`),
`call_actions.py` (what an update or a delete of a call came to, an `ActionOutcome` of `action_outcomes.py`).
"""

from __future__ import annotations

from conformance.checks import (  # noqa: F401  (importing a module registers its checks)
    answers,
    call_actions,
    call_history,
    call_object,
    call_times,
    callback_agreement,
    callback_sets,
    callbacks,
    documents,
    generated,
    listing,
    moved_callbacks,
    paths,
    responses,
    spec_conformance,
    walks,
)
from conformance.checks.registry import REGISTRY, Check, Kind, check_of, checks_of

__all__ = ["REGISTRY", "Check", "Kind", "check_of", "checks_of"]
