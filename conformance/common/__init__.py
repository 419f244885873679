"""The small layer the suite and the reference endpoint share: the callback signature algorithm and the
loopback server. It imports nothing else of the project."""
