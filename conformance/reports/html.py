"""report.html: the requirement matrix as one self-contained page, for a CI artefact opened in a browser.

No external asset (a few lines of inline CSS and JS): the matrix, filterable by outcome, with each failure's
occurrences in full, as the terminal shows them (the request, the answer, the curl line that repeats it, or the
callback). Every text is redacted before it is escaped, and the page as a whole again when it is written.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from conformance.core.outcomes import Outcome, Result
from conformance.core.redaction import redact
from conformance.core.verdict import Verdict

if TYPE_CHECKING:
    from conformance.reports.facts import Facts

__all__ = ["FILTERS", "html_page", "outcome_label"]

# What escapes a text for the page (redacted first).
_Text = Callable[[str], str]
# The outcomes a reader can show or hide, in the order of the filter's boxes.
FILTERS = ("failed", "warned", "waived", "skipped", "passed", "disabled")

_STYLE = """
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
h1{font-size:1.4em;margin:0 0 .3em}
.verdict{font-size:1.1em;padding:.4em .6em;border-radius:4px;display:inline-block}
.v-conformant{background:#dcf5dc}.v-partial{background:#fff4cc}
.v-not-conformant,.v-not-carried-out{background:#fbdada}
fieldset{border:1px solid #ccc;margin:1em 0;padding:.4em .8em}
label{margin-right:1.2em;white-space:nowrap}
table{border-collapse:collapse;width:100%}
th,td{border:1px solid #ddd;padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#f4f4f4}
tr.failed td.outcome{background:#fbdada;font-weight:bold}tr.warned td.outcome{background:#fff0c2}
tr.passed td.outcome{background:#e6f7e6}tr.waived td.outcome{background:#e8e4f8}
tr.skipped td.outcome,tr.disabled td.outcome{color:#777}
pre{white-space:pre-wrap;word-break:break-word;margin:.3em 0;padding:.4em;background:#f8f8f8;
border-left:3px solid #c33;font:12px/1.35 ui-monospace,monospace}
""".strip()

# Each box shows or hides the rows of its outcome; without JS every row shows.
_SCRIPT = """
document.querySelectorAll('#filters input').forEach(function (box) {
  box.addEventListener('change', function () {
    document.querySelectorAll('#matrix tbody tr.' + box.value).forEach(function (row) {
      row.hidden = !box.checked;
    });
  });
});
""".strip()


def outcome_label(result: Result) -> str:
    """The outcome a report shows: a failed SHOULD requirement is *warned*."""
    return "warned" if result.warned else result.outcome.label


def html_page(
    results: Sequence[Result],
    verdict: Verdict,
    facts: Facts,
    counts: Mapping[str, int],
    secrets: Iterable[str],
) -> str:
    """The whole page: the verdict, the target, the filter, the waivers (if any) and the matrix."""
    secrets = tuple(secrets)

    def text(value: str) -> str:
        return html.escape(redact(value, secrets))

    target = facts.target
    shown = {name: sum(outcome_label(r) == name for r in results) for name in FILTERS}
    boxes = "".join(
        f'<label><input type="checkbox" value="{name}" checked> {name} ({shown[name]})</label>'
        for name in FILTERS
    )
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Calls conformance: {text(verdict.title)}</title>",
        f"<style>{_STYLE}</style></head><body>",
        "<h1>Calls conformance report</h1>",
        f'<p class="verdict v-{text(verdict.name)}"><strong>{text(verdict.title)}</strong>: '
        f"{text(verdict.reason)} (exit status {verdict.exit_status})</p>",
        f"<p>Target <code>{text(target.get('base_url', ''))}</code> (profile {text(target.get('profile', ''))}, "
        f"{text(target.get('mode', ''))}); calls-conformance {text(facts.version)}; "
        f"{text(facts.started)} to {text(facts.finished)}</p>",
        "<p>" + text(", ".join(f"{counts.get(k, 0)} {k}" for k in counts)) + "</p>",
        f'<fieldset id="filters"><legend>Show outcomes</legend>{boxes}</fieldset>',
        *_waivers(facts, text),
        '<table id="matrix"><thead><tr><th>requirement</th><th>level</th><th>outcome</th>'
        "<th>requirement text</th><th>message</th></tr></thead><tbody>",
        *(_row(r, text) for r in results),
        "</tbody></table>",
        f"<script>{_SCRIPT}</script>",
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def _waivers(facts: Facts, text: _Text) -> list[str]:
    if not facts.waivers:
        return []
    rows = "".join(
        f"<tr><td>{text(w.waiver.id)}</td><td>{text(w.status)}</td><td>{text(w.waiver.describe())}</td>"
        f"<td>{text(w.note)}</td></tr>"
        for w in facts.waivers
    )
    return [
        '<table id="waivers"><thead><tr><th>waiver</th><th>status</th><th>reason</th><th>note</th></tr>'
        f"</thead><tbody>{rows}</tbody></table>"
    ]


def _row(result: Result, text: _Text) -> str:
    requirement = result.requirement
    label = outcome_label(result)
    return (
        f'<tr class="{label}" id="{text(requirement.id)}"><td>{text(requirement.id)}</td>'
        f'<td>{text(requirement.level)}</td><td class="outcome">{label}</td><td>{text(requirement.text)}</td>'
        f"<td>{_message(result, text)}</td></tr>"
    )


def _message(result: Result, text: _Text) -> str:
    """A failure's occurrences in full, each in its own block; another outcome's message as a line."""
    note = f"<p>{text(result.note)}</p>" if result.note else ""
    if result.outcome not in (Outcome.FAILED, Outcome.WAIVED) or not (result.messages or result.message):
        return note + text(result.message)
    messages = result.messages or [result.message]
    more = result.failures - len(messages)
    counted = f"<p>{result.failures} occurrence(s)" + (
        f", the first {len(messages)} shown" if more > 0 else ""
    )
    blocks = "".join(f"<pre>{text(message)}</pre>" for message in messages)
    return f"{note}{counted}</p>{blocks}"
