"""The suite as a pytest plugin (layer 2 of 10). `plugin.py` only wires: the `--calls-*` options, the
`requirements` and `needs` markers, the `calls_harness` fixture suite tests get, and the hooks. `outcomes.py` is
the one place where the suite's outcomes become pytest's: a test's MUST failures become one *failure*, what could
not be judged a *skip* (recorded with its reason), a harness error the end of the run (exit status 2); anything
else a test raises is a bug of the suite and stays an *error*. `terminal.py` says what the terminal shows: the
start, progress while scenarios run, the plan, and the verdict last."""

__all__: list[str] = []
