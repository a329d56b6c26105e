"""The harness's own errors (not Odoo's: those are in ``odoo_harness.odoo.exceptions``).

HarnessError
 +-- ConfigError        a bad option, file or setting given by the user
 +-- SandboxError       a sandbox could not start or answer
"""

from __future__ import annotations


class HarnessError(Exception):
    """Root of every error odoo-harness raises about its own work."""


class ConfigError(HarnessError):
    """A user mistake in options, configuration or input files; the message says the fix."""


class SandboxError(HarnessError):
    """A sandbox could not be started, reached or reset."""


__all__ = ["ConfigError", "HarnessError", "SandboxError"]
