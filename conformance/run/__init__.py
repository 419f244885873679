"""One run of the suite from its start to its end (layer 3). `run.py` holds the session's `Run`: what it judges
(the selection, the waivers), starting and stopping, the harness errors that stop it, keeping or discarding a
recording, and its end. `setup.py` resolves its settings and starts the callback receiver (with the pre-flight
proving the endpoint reaches it); `embedded.py` starts the embedded reference endpoint when `CALLS_BASE_URL` is
unset, the one module that imports `conformance.reference`; `conclusion.py` turns the results into the verdict,
the reports and the exit status, in every case, a run never started included."""

__all__: list[str] = []
