"""The call lifecycle as the suite drives it (layer 5): a `Story` (`story.py`) acts on real calls through the harness,
keeps a record of what each answer showed of each call, and has the call-history and call-action checks of
`conformance.checks` judge those records and what its actions came to; the scenarios (`scenarios.py`,
`callback_scenarios.py`, `fallback_scenarios.py`, `status_callback_update.py`) and the Hypothesis state machine
(`state_machine.py`) run over them, all started at once by `runner.py`; `receiving.py` waits for what the callback
receiver captured."""

__all__: list[str] = []
