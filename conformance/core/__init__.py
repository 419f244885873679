"""What every layer above uses (layer 9): the requirement catalog and its profiles and capabilities
(`catalog.py`), the spec (`spec.py`) and the core of invalid input drawn from it, the contract map; the call
statuses and their transitions (`statuses.py`); the typed outcomes: verdicts on the endpoint (`failures.py`),
signals that something was not judged (`signals.py`) and errors that stop the run (`errors.py`); what a failure
shows (`evidence.py`), the outcome ledger (`outcomes.py`), the verdict and the waivers; the settings, the clock
and polling, signatures, captured callbacks, bodies and redaction. Nothing here does network I/O."""

__all__: list[str] = []
