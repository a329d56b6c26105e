"""Version profiles: what differs between Odoo 17.0, 18.0 and 19.0 at the wire.

A profile is plain data read by the ORM and the protocol layer; nothing compares version
strings. Behaviour several layers share is a flag here; wording that differs per version
branches on ``profile.major`` in one module per layer (``orm/messages.py``,
``orm/domains.py``'s dialect, ``http/quirks.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import ConfigError


@dataclass(frozen=True)
class Profile:
    serie: str
    server_version: str
    version_info: tuple[int, int, int, str, int, str]
    # JSON-RPC error object "code" for application errors (200 up to 18, 0 from 19).
    jsonrpc_error_code: int
    # /json/2/<model>/<method>, /web/version and /json/version exist.
    json2: bool
    # name_get exists (removed in 18).
    has_name_get: bool
    # copy() returns the new id (17) or a list of ids (18+).
    copy_returns_list: bool
    # Product type field: 17 'detailed_type' with 'product'; 18+ 'type' 'consu' + is_storable.
    storable_flag: bool
    # Context key that scopes product quantities to a warehouse.
    warehouse_context_key: str
    # 18+ parses XML-RPC with use_datetime=True.
    xmlrpc_use_datetime: bool
    # 19 reports domain errors "in condition" rather than "in leaf".
    domain_errors_v19: bool

    @property
    def major(self) -> int:
        return self.version_info[0]

    def version_dict(self) -> dict[str, object]:
        """``common.version()`` / ``/web/webclient/version_info``."""
        return {
            "server_version": self.server_version,
            "server_version_info": list(self.version_info),
            "server_serie": self.serie,
            "protocol_version": 1,
        }


PROFILES: dict[str, Profile] = {
    "17.0": Profile(
        serie="17.0",
        server_version="17.0",
        version_info=(17, 0, 0, "final", 0, ""),
        jsonrpc_error_code=200,
        json2=False,
        has_name_get=True,
        copy_returns_list=False,
        storable_flag=False,
        warehouse_context_key="warehouse",
        xmlrpc_use_datetime=False,
        domain_errors_v19=False,
    ),
    "18.0": Profile(
        serie="18.0",
        server_version="18.0",
        version_info=(18, 0, 0, "final", 0, ""),
        jsonrpc_error_code=200,
        json2=False,
        has_name_get=False,
        copy_returns_list=True,
        storable_flag=True,
        warehouse_context_key="warehouse_id",
        xmlrpc_use_datetime=True,
        domain_errors_v19=False,
    ),
    "19.0": Profile(
        serie="19.0",
        server_version="19.0",
        version_info=(19, 0, 0, "final", 0, ""),
        jsonrpc_error_code=0,
        json2=True,
        has_name_get=False,
        copy_returns_list=True,
        storable_flag=True,
        warehouse_context_key="warehouse_id",
        xmlrpc_use_datetime=True,
        domain_errors_v19=True,
    ),
}

DEFAULT_VERSION = "18.0"


class UnknownVersionError(ConfigError):
    pass


def get_profile(version: str) -> Profile:
    try:
        return PROFILES[version]
    except KeyError:
        known = ", ".join(sorted(PROFILES))
        raise UnknownVersionError(
            f"unknown Odoo version {version!r}: choose one of {known}"
        ) from None
