"""One TLS context per process for the HTTP clients of the suite and of the reference endpoint.

httpx builds a fresh `ssl.SSLContext` (loading every CA certificate) for each client it makes, a fifth of a
hundredth of a second each; a run makes a few clients and the project's tests make hundreds of runs in one
interpreter. The context made here is the one httpx would make (`httpx.create_ssl_context`, with the same
environment), made once per environment and shared: a context may serve any number of clients and threads.
"""

from __future__ import annotations

import functools
import os
import ssl

import httpx

__all__ = ["ssl_context"]


def ssl_context(*, trust_env: bool = True) -> ssl.SSLContext:
    """The context httpx would make for a client with `verify=True` and this `trust_env` (SSL_CERT_FILE and
    SSL_CERT_DIR as they are now), made once."""
    if not trust_env:
        return _made(False, None, None)
    return _made(True, os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))


@functools.cache
def _made(trust_env: bool, cert_file: str | None, cert_dir: str | None) -> ssl.SSLContext:
    return httpx.create_ssl_context(verify=True, trust_env=trust_env)
