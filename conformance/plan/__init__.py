"""What a run will do before it acts (layer 7, beside the receiver, the cassettes and the reports).
`conditions.py` says what the run works with (capabilities, budget, numbers) and what one suite test or scenario
needs of it (`Needs`); `plan.py` decides from them which parts run, each part's call allowance and each
requirement's fate (`calls-conformance plan` prints it, and the run admits parts by it); `selection.py` reads the
`--calls-only` patterns; `progress.py` shows which scenarios run and what they wait on."""

__all__: list[str] = []
