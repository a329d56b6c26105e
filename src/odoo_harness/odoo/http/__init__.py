"""The embedded Odoo's protocol layer: XML-RPC, JSON-RPC, web sessions, JSON-2, control API.

``create_app(sandbox)`` builds the Starlette app; ``SandboxServer`` serves it on a loopback
port. Errors are rendered per transport from one table in ``errors``.
"""

from .app import SandboxApp, create_app
from .calls import ConnectionDropped, ModelCaller
from .errors import ERROR_TABLE, ErrorShape, HTTPException, NotFound, shape_of
from .faults import FaultBook, FaultRule, FaultSpecError
from .server import SandboxServer

__all__ = [
    "ERROR_TABLE",
    "ConnectionDropped",
    "ErrorShape",
    "FaultBook",
    "FaultRule",
    "FaultSpecError",
    "HTTPException",
    "ModelCaller",
    "NotFound",
    "SandboxApp",
    "SandboxServer",
    "create_app",
    "shape_of",
]
