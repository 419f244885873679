"""The call lifecycle as the suite models it: per-call records and judgments, the actions and scenarios over
real calls, the Hypothesis state machine, and the runner that starts every scenario at once."""

__all__: list[str] = []
