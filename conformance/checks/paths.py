"""Checks on the path forms of one request: with and without the `.json` suffix, a list and a fetch answer alike
(signalwire: both forms are valid).

Kind "path-forms": `fn(ctx, forms)` with the answers to the same request in both forms.
"""

from __future__ import annotations

from conformance.checks.context import AnswerContext
from conformance.checks.kinds import PATH_FORMS
from conformance.checks.subjects import PathForms
from conformance.core.bodies import json_object
from conformance.core.evidence import Evidence, exchange_of
from conformance.core.failures import Violation

__all__: list[str] = []


@PATH_FORMS("PATH-JSON-SUFFIX")
def both_path_forms_answer_alike(ctx: AnswerContext, forms: PathForms) -> None:
    """A list answers 2xx in both forms; a fetch shows the same call in both."""
    answers = (forms.plain, forms.suffixed)
    shown = forms.suffixed if forms.plain.is_success else forms.plain
    if forms.sid is None:
        if not all(a.is_success for a in answers):
            raise Violation(
                f"{ctx.what}: answers differ between path forms",
                received={"plain": forms.plain.status_code, ".json": forms.suffixed.status_code},
                expected="2xx both",
                evidence=Evidence(exchange_of(shown)),
            )
        return
    sids = [(json_object(a) or {}).get("sid") if a.is_success else a.status_code for a in answers]
    if sids != [forms.sid, forms.sid]:
        raise Violation(
            f"{ctx.what}: answers differ between path forms",
            received=dict(zip(("plain", ".json"), sids, strict=True)),
            expected=forms.sid,
            evidence=Evidence(exchange_of(shown)),
        )
