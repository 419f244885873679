"""What suite tests and scenarios get from the run (layer 6). The `Harness` (`harness.py`) hands them the
run's settings, clock, receiver and plan; `client.py` is the one `CallsClient` that talks to the endpoint (every
answer it receives is judged as it arrives); `verifier.py` is the one dispatcher of checks: it runs the checks of a
kind, or one registered check, and records each outcome against its requirement."""

__all__: list[str] = []
