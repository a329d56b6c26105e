"""``CrmAdapter``: the CRM's API (HubSpot v3 flavour) for the engine's flows.

Writes go through ``batch/upsert`` by a unique property (``odoo_partner_id`` for contacts
and companies, ``odoo_sale_order_id`` for deals), so a retry after an answer lost *after*
the CRM committed updates the record instead of creating a second one. ``OAuthRefresher``
is the token refresher for OAuth apps (a private-app token needs none).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import httpx

from .errors import CredentialsError, PermanentError
from .rest_adapter import RestAdapter

PARTNER_KEY = "odoo_partner_id"
ORDER_KEY = "odoo_sale_order_id"
OBJECTS = "/crm/v3/objects"


class CrmAdapter(RestAdapter):
    system = "crm"
    label = "The CRM"

    def error_message(self, body: Any) -> str:
        """HubSpot's envelope: ``message``, plus the first ``errors[].message`` when the
        message is generic."""
        message = super().error_message(body)
        if isinstance(body, Mapping) and isinstance(body.get("errors"), list) and body["errors"]:
            first = body["errors"][0]
            if (
                isinstance(first, Mapping)
                and first.get("message")
                and first["message"] not in (message)
            ):
                return f"{message} ({first['message']})" if message else str(first["message"])
        return message

    # -- records --------------------------------------------------------------------------
    def upsert(
        self,
        object_type: str,
        id_property: str,
        key: str,
        properties: Mapping[str, Any],
    ) -> dict[str, Any]:
        """Create or update the record whose ``id_property`` is ``key``; the record
        (``id``, ``properties``, ``new``). A per-record refusal is a PermanentError."""
        body = {
            "inputs": [
                {"idProperty": id_property, "id": str(key), "properties": _strings(properties)}
            ]
        }
        result = self.call("POST", f"{OBJECTS}/{object_type}/batch/upsert", json=body)
        errors = result.get("errors") or []
        if errors or not result.get("results"):
            message = errors[0].get("message", "refused") if errors else "no result"
            raise PermanentError(
                f"upsert {object_type} {id_property}={key}: {message}",
                user_message=f"The CRM refused the change: {message}",
            )
        record: dict[str, Any] = result["results"][0]
        return record

    def upsert_contact(self, partner_id: int, properties: Mapping[str, Any]) -> dict[str, Any]:
        return self.upsert("contacts", PARTNER_KEY, str(partner_id), properties)

    def upsert_company(self, partner_id: int, properties: Mapping[str, Any]) -> dict[str, Any]:
        return self.upsert("companies", PARTNER_KEY, str(partner_id), properties)

    def upsert_deal(self, order_id: int, properties: Mapping[str, Any]) -> dict[str, Any]:
        return self.upsert("deals", ORDER_KEY, str(order_id), properties)

    def create(
        self,
        object_type: str,
        properties: Mapping[str, Any],
        associations: Iterable[tuple[str | int, int]] = (),
    ) -> tuple[dict[str, Any] | None, str | None]:
        """A plain create (not idempotent) with inline default associations
        ``(to_id, association_type_id)``: ``(record, None)``, or ``(None, existing_id)`` when
        the CRM refuses a duplicate unique value (409 naming the existing record)."""
        body: dict[str, Any] = {"properties": _strings(properties)}
        if associations:
            body["associations"] = [
                {
                    "to": {"id": str(to_id)},
                    "types": [
                        {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": type_id}
                    ],
                }
                for to_id, type_id in associations
            ]
        response = self.request("POST", f"{OBJECTS}/{object_type}", json=body, ok=(409,))
        if response.status_code == 409:
            existing = ((response.json().get("context") or {}).get("existingId") or [None])[0]
            return None, str(existing) if existing else None
        record: dict[str, Any] = response.json()
        return record, None

    def update(
        self, object_type: str, object_id: str | int, properties: Mapping[str, Any]
    ) -> dict[str, Any]:
        """``PATCH`` the given properties of one record."""
        body = {"properties": _strings(properties)}
        record: dict[str, Any] = self.call(
            "PATCH", f"{OBJECTS}/{object_type}/{object_id}", json=body
        )
        return record

    def get(
        self,
        object_type: str,
        object_id: str | int,
        *,
        properties: Iterable[str] = (),
        id_property: str | None = None,
    ) -> dict[str, Any] | None:
        """One record (None if the CRM does not have it)."""
        params: dict[str, Any] = {}
        if properties:
            params["properties"] = ",".join(properties)
        if id_property:
            params["idProperty"] = id_property
        response = self.request(
            "GET", f"{OBJECTS}/{object_type}/{object_id}", params=params, ok=(404,)
        )
        if response.status_code == 404:
            return None
        record: dict[str, Any] = response.json()
        return record

    def search(
        self,
        object_type: str,
        filters: Mapping[str, Any],
        *,
        properties: Iterable[str] = (),
        limit: int = 100,
    ) -> list[dict[str, Any]]:
        """Records whose properties equal ``filters`` (one AND group of EQ filters)."""
        body: dict[str, Any] = {
            "filterGroups": [
                {
                    "filters": [
                        {"propertyName": k, "operator": "EQ", "value": str(v)}
                        for k, v in filters.items()
                    ]
                }
            ],
            "limit": limit,
        }
        if properties:
            body["properties"] = list(properties)
        result = self.call("POST", f"{OBJECTS}/{object_type}/search", json=body)
        return list(result.get("results", []))

    def associate(self, from_type: str, from_id: str | int, to_type: str, to_id: str | int) -> None:
        """The default (unlabeled) association, both directions; idempotent."""
        self.request(
            "PUT",
            f"/crm/v4/objects/{from_type}/{from_id}/associations/default/{to_type}/{to_id}",
        )

    def associations(self, object_type: str, object_id: str | int, to_type: str) -> list[str]:
        result = self.call(
            "GET", f"/crm/v4/objects/{object_type}/{object_id}/associations/{to_type}"
        )
        return [str(item.get("toObjectId")) for item in result.get("results", [])]


class OAuthRefresher:
    """A token refresher for OAuth apps: the refresh-token grant on ``/oauth/v1/token``."""

    def __init__(
        self,
        base_url: str,
        client_id: str,
        client_secret: str,
        refresh_token: str,
        *,
        timeout: float = 10.0,
    ) -> None:
        self.url = base_url.rstrip("/") + "/oauth/v1/token"
        self.form = {
            "grant_type": "refresh_token",
            "client_id": client_id,
            "client_secret": client_secret,
            "refresh_token": refresh_token,
        }
        self.timeout = timeout

    def __call__(self) -> str:
        response = httpx.post(self.url, data=self.form, timeout=self.timeout)
        if response.status_code != 200:
            raise CredentialsError(
                f"token refresh: HTTP {response.status_code}",
                user_message="The CRM refused the integration's refresh token",
            )
        return str(response.json()["access_token"])


def _strings(properties: Mapping[str, Any]) -> dict[str, str]:
    """CRM property values are strings; None clears one (``""``)."""
    return {k: "" if v is None or v is False else str(v) for k, v in properties.items()}


__all__ = ["ORDER_KEY", "PARTNER_KEY", "CrmAdapter", "OAuthRefresher"]
