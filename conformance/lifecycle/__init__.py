"""The call lifecycle as the suite models it: the allowed-transition graph, and the model-based tests' machinery."""
