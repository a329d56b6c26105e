"""HTTP clients for the harness's own calls (control APIs, the people a scenario plays,
the reference engine's adapters), sharing one TLS context per process.

Every ``httpx.Client`` made with the defaults loads the CA bundle (tens of milliseconds);
a scenario makes a dozen of them, so they all take the one context made here. The calls
themselves go to plain-HTTP loopback servers; the context is there for a system under test
that a team points at HTTPS.
"""

from __future__ import annotations

import ssl
from functools import cache
from typing import Any

import httpx


@cache
def tls_context() -> ssl.SSLContext:
    return ssl.create_default_context()


def new_client(**kwargs: Any) -> httpx.Client:
    """An ``httpx.Client`` on the shared TLS context (the caller closes it)."""
    kwargs.setdefault("timeout", 30.0)
    return httpx.Client(verify=tls_context(), **kwargs)


@cache
def shared_client() -> httpx.Client:
    """One client for the harness's control calls, for the whole process."""
    return new_client()


__all__ = ["new_client", "shared_client", "tls_context"]
