"""Real Odoo client libraries, unmodified, against the embedded sandbox of each version.

Every client does what an integration does -- log in, read the server version, search_read
with a domain, create, write, read back, search_count, fields_get, unlink -- and meets the
three errors integrations trip over most: reading a missing id (no error: ``[]``), calling a
method that does not exist (AttributeError) and writing to a missing id (MissingError).

The expected values and messages are those a real Odoo of the version gives (the
recordings in ``fixtures/conformance/odoo-<version>/``: ``errors.unknown-method``,
``errors.unknown-method.jsonrpc``, ``errors.missing.write``, ``errors.missing.jsonrpc``,
``protocol.legacy.*``, ``orm.read.missing-ids-dropped``, ``orm.fields_get.attributes``,
``orm.context_get``, ``protocol.common.version``), seen through the way each client wraps
them: ``xmlrpc.client.Fault`` for ``/xmlrpc/2`` (integer fault codes) and for the legacy
``/xmlrpc`` route that erppeek and odoo-client-lib use by default (string fault codes),
``odoorpc.error.RPCError``, ``odooly.ServerError``, ``erppeek.ServerError`` and
``odoolib.tools.JsonRPCException`` for the JSON-RPC error object, and the JSON-2 error body
(19.0) inside ``odooly.ServerError`` or odoo-client-lib's ``ValueError``.
"""

from __future__ import annotations

import json
import re
import xmlrpc.client
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import erppeek
import odoolib
import odoolib.tools
import odooly
import odoorpc
import odoorpc.error
import pytest

from odoo_harness.odoo.http.server import SandboxServer

pytestmark = pytest.mark.wire

VERSIONS = ("17.0", "18.0", "19.0")
CONFORMANCE = Path(__file__).resolve().parents[2] / "fixtures" / "conformance"

ADMIN_UID = 2  # base.user_admin on a fresh database
ADMIN_CONTEXT = {"lang": "en_US", "tz": False, "uid": ADMIN_UID}  # orm.context_get
MISSING_ID = 999999999
UNKNOWN_METHOD = "cf_no_such_method"
SERVER_VERSION = {  # protocol.common.version (18.0 may be a dated nightly build)
    "17.0": r"17\.0",
    "18.0": r"18\.0(-\d{8})?",
    "19.0": r"19\.0",
}
TRACEBACK_HEAD = "Traceback (most recent call last):\n"


# -- what real Odoo raises, and how each transport carries it --------------------------
@dataclass(frozen=True)
class Failure:
    """An exception raised inside Odoo while serving the call."""

    name: str  # module-qualified class name: JSON-RPC ``data.name``
    message: str  # str(exc)
    user_error: bool  # odoo.exceptions.UserError family (fault 2) or an application error
    json2_name: str  # the JSON-2 error body's ``name`` (19.0 converts some to HTTP errors)
    json2_arguments: tuple[Any, ...]

    @property
    def short_name(self) -> str:
        """How the last traceback line names the class (builtins are unqualified)."""
        return self.name.removeprefix("builtins.")


def missing_method(method: str = UNKNOWN_METHOD) -> Failure:
    message = f"The method 'res.partner.{method}' does not exist"
    # /json/2 turns the AttributeError of get_public_method into a 404 NotFound.
    return Failure(
        "builtins.AttributeError",
        message,
        user_error=False,
        json2_name="werkzeug.exceptions.NotFound",
        json2_arguments=(message, 404),
    )


def missing_record(record_id: int = MISSING_ID) -> Failure:
    message = (
        "Record does not exist or has been deleted.\n"
        f"(Record: res.partner({record_id},), User: {ADMIN_UID})"
    )
    name = "odoo.exceptions.MissingError"
    return Failure(name, message, user_error=True, json2_name=name, json2_arguments=(message,))


def check_xmlrpc2_fault(fault: BaseException, failure: Failure) -> None:
    """``/xmlrpc/2``: fault 2 with the message for UserErrors, else 1 with the traceback."""
    assert type(fault) is xmlrpc.client.Fault
    if failure.user_error:
        assert fault.faultCode == 2
        assert fault.faultString == failure.message
    else:
        assert fault.faultCode == 1
        assert fault.faultString.startswith(TRACEBACK_HEAD)
        assert fault.faultString.endswith(f"\n{failure.short_name}: {failure.message}\n")


def check_legacy_fault(fault: BaseException, failure: Failure) -> None:
    """Legacy ``/xmlrpc``: string fault codes (``xmlrpc_handle_exception_string``)."""
    assert type(fault) is xmlrpc.client.Fault
    if failure.user_error:
        kind = failure.name.rsplit(".", 1)[-1]
        assert fault.faultCode == f"warning -- {kind}\n\n{failure.message}"
        assert fault.faultString == ""
    else:
        assert fault.faultCode == failure.message
        assert fault.faultString.startswith(TRACEBACK_HEAD)
        assert fault.faultString.endswith(f"\n{failure.short_name}: {failure.message}\n")


def check_jsonrpc_error(error: Any, version: str, failure: Failure) -> None:
    """The JSON-RPC ``error`` object of ``/jsonrpc`` and ``/web/dataset/call_kw``."""
    assert isinstance(error, dict)
    assert list(error) == ["code", "message", "data"]
    assert error["code"] == (0 if version == "19.0" else 200)
    assert error["message"] == "Odoo Server Error"
    data = error["data"]
    if version == "19.0":
        assert list(data) == ["name", "message", "arguments", "context", "debug"]
    else:
        assert list(data) == ["name", "debug", "message", "arguments", "context"]
    assert data["name"] == failure.name
    assert data["message"] == failure.message
    assert data["arguments"] == [failure.message]
    assert data["context"] == {}
    assert data["debug"].startswith(TRACEBACK_HEAD)
    assert data["debug"].endswith(f"\n{failure.short_name}: {failure.message}\n")


def check_json2_error(status: int, body: Any, failure: Failure) -> None:
    """The ``/json/2`` error response (19.0): HTTP 404 for both failures checked here."""
    assert status == 404
    assert isinstance(body, dict)
    assert list(body) == ["name", "message", "arguments", "context", "debug"]
    assert body["name"] == failure.json2_name
    assert body["message"] == failure.message
    assert body["arguments"] == list(failure.json2_arguments)
    assert body["context"] == {}


# -- one driver per client (and protocol): the client's own idiomatic calls -----------
class Driver:
    """Drives one client library; every method goes through the client's public API."""

    name: ClassVar[str]
    min_version: ClassVar[str] = "17.0"
    error_type: ClassVar[type[BaseException]]

    def __init__(self, server: SandboxServer, version: str) -> None:
        self.server = server
        self.version = version
        self.login, self.password = server.credentials["admin"]
        self.uid = self.connect()

    def connect(self) -> int:
        raise NotImplementedError

    def user_context(self) -> dict[str, Any] | None:
        """The user context the client fetched at login, or None if it fetches none."""
        return None

    def server_version(self) -> str | None:
        raise NotImplementedError

    def create(self, vals: dict[str, Any]) -> int:
        raise NotImplementedError

    def search_read(self, domain: list[Any], fields: list[str]) -> Any:
        raise NotImplementedError

    def read(self, ids: list[int], fields: list[str]) -> Any:
        raise NotImplementedError

    def write(self, ids: list[int], vals: dict[str, Any]) -> Any:
        raise NotImplementedError

    def search_count(self, domain: list[Any]) -> Any:
        raise NotImplementedError

    def fields_get(self, names: list[str], attributes: list[str]) -> Any:
        raise NotImplementedError

    def unlink(self, ids: list[int]) -> Any:
        raise NotImplementedError

    def call(self, method: str, ids: list[int]) -> Any:
        raise NotImplementedError

    def check_error(self, exc: BaseException, version: str, failure: Failure) -> None:
        raise NotImplementedError


class StdlibXmlrpc(Driver):
    """``xmlrpc.client`` on ``/xmlrpc/2``, as in Odoo's external API documentation."""

    name = "xmlrpc.client"
    error_type = xmlrpc.client.Fault

    def connect(self) -> int:
        url = self.server.url
        self.common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common")
        self.models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object")
        return self.common.authenticate(self.server.db, self.login, self.password, {})

    def _kw(self, method: str, args: list[Any], kwargs: dict[str, Any] | None = None) -> Any:
        db, uid, password = self.server.db, self.uid, self.password
        return self.models.execute_kw(db, uid, password, "res.partner", method, args, kwargs or {})

    def server_version(self) -> str:
        return self.common.version()["server_version"]

    def create(self, vals: dict[str, Any]) -> int:
        return self._kw("create", [vals])

    def search_read(self, domain: list[Any], fields: list[str]) -> Any:
        return self._kw("search_read", [domain], {"fields": fields})

    def read(self, ids: list[int], fields: list[str]) -> Any:
        return self._kw("read", [ids], {"fields": fields})

    def write(self, ids: list[int], vals: dict[str, Any]) -> Any:
        return self._kw("write", [ids, vals])

    def search_count(self, domain: list[Any]) -> Any:
        return self._kw("search_count", [domain])

    def fields_get(self, names: list[str], attributes: list[str]) -> Any:
        return self._kw("fields_get", [names], {"attributes": attributes})

    def unlink(self, ids: list[int]) -> Any:
        return self._kw("unlink", [ids])

    def call(self, method: str, ids: list[int]) -> Any:
        return self._kw(method, [ids])

    def check_error(self, exc: BaseException, version: str, failure: Failure) -> None:
        check_xmlrpc2_fault(exc, failure)


class OdooRPC(Driver):
    """odoorpc: JSON-RPC; detects the version at ``/web/webclient/version_info``."""

    name = "odoorpc"
    error_type = odoorpc.error.RPCError

    def connect(self) -> int:
        self.odoo = odoorpc.ODOO("127.0.0.1", port=self.server.port)
        self.odoo.login(self.server.db, self.login, self.password)
        self.partner = self.odoo.env["res.partner"]  # fetches fields_get
        return self.odoo.env.uid

    def user_context(self) -> dict[str, Any]:
        return self.odoo.env.context

    def server_version(self) -> str:
        return self.odoo.version

    def create(self, vals: dict[str, Any]) -> int:
        return self.partner.create(vals)

    def search_read(self, domain: list[Any], fields: list[str]) -> Any:
        return self.partner.search_read(domain, fields)

    def read(self, ids: list[int], fields: list[str]) -> Any:
        return self.partner.read(ids, fields)

    def write(self, ids: list[int], vals: dict[str, Any]) -> Any:
        return self.partner.write(ids, vals)

    def search_count(self, domain: list[Any]) -> Any:
        return self.partner.search_count(domain)

    def fields_get(self, names: list[str], attributes: list[str]) -> Any:
        return self.partner.fields_get(names, attributes=attributes)

    def unlink(self, ids: list[int]) -> Any:
        return self.partner.unlink(ids)

    def call(self, method: str, ids: list[int]) -> Any:
        return getattr(self.partner, method)(ids)

    def check_error(self, exc: BaseException, version: str, failure: Failure) -> None:
        assert type(exc) is odoorpc.error.RPCError
        assert str(exc) == failure.message  # odoorpc raises with error.data.message
        check_jsonrpc_error(exc.info, version, failure)


class Odooly(Driver):
    """odooly on the bare server URL: a web session, calls via ``/web/dataset/call_kw``."""

    name = "odooly"
    error_type = odooly.ServerError

    def _client(self) -> odooly.Client:
        return odooly.Client(self.server.url, self.server.db, self.login, self.password)

    def connect(self) -> int:
        # odooly caches environments per server URL in a class-level dict; start clean so
        # that two odooly clients of one server (web session, JSON-2) do not share one.
        odooly.Env._cache.clear()
        self.client = self._client()
        self.partner = self.client.env["res.partner"]
        return self.client.env.uid

    def user_context(self) -> dict[str, Any]:
        return self.client.env.context

    def server_version(self) -> str:
        return self.client.server_version

    def create(self, vals: dict[str, Any]) -> int:
        record = self.partner.create(vals)
        assert type(record) is odooly.Record  # create with a dict returns one id
        return record.id

    def search_read(self, domain: list[Any], fields: list[str]) -> Any:
        return self.partner.search_read(domain, fields)

    def read(self, ids: list[int], fields: list[str]) -> Any:
        return self.partner.read(ids, fields)

    def write(self, ids: list[int], vals: dict[str, Any]) -> Any:
        return self.partner.browse(ids).write(vals)

    def search_count(self, domain: list[Any]) -> Any:
        return self.partner.search_count(domain)

    def fields_get(self, names: list[str], attributes: list[str]) -> Any:
        return self.partner.fields(names, attributes)

    def unlink(self, ids: list[int]) -> Any:
        return self.partner.browse(ids).unlink()

    def call(self, method: str, ids: list[int]) -> Any:
        return getattr(self.partner.browse(ids), method)()

    def check_error(self, exc: BaseException, version: str, failure: Failure) -> None:
        assert type(exc) is odooly.ServerError
        check_jsonrpc_error(exc.args[0], version, failure)


class OdoolyJsonrpc(Odooly):
    """odooly on ``<server>/jsonrpc``: ``common.login`` and ``object.execute_kw``."""

    name = "odooly-jsonrpc"

    def _client(self) -> odooly.Client:
        url = f"{self.server.url}/jsonrpc"
        return odooly.Client(url, self.server.db, self.login, self.password)


class OdoolyJson2(Odooly):
    """odooly with an API key on 19.0: every call goes to ``/json/2/<model>/<method>``."""

    name = "odooly-json2"
    min_version = "19.0"

    def _client(self) -> odooly.Client:
        key = self.server.api_key
        return odooly.Client(self.server.url, self.server.db, self.login, api_key=key)

    def create(self, vals: dict[str, Any]) -> int:
        records = self.partner.create(vals)
        # JSON-2 returns ``[id]`` for ``create`` with one dict, so odooly browses a list.
        assert type(records) is odooly.RecordList
        assert len(records.ids) == 1
        return records.ids[0]

    def check_error(self, exc: BaseException, version: str, failure: Failure) -> None:
        assert type(exc) is odooly.ServerError
        (payload,) = exc.args
        check_json2_error(payload["code"], payload["data"], failure)


class ERPpeek(Driver):
    """erppeek on the bare server URL: the legacy ``/xmlrpc/<service>`` routes."""

    name = "erppeek"
    error_type = xmlrpc.client.Fault

    def _url(self) -> str:
        return self.server.url

    def connect(self) -> int:
        self.client = erppeek.Client(self._url())  # asks db.server_version
        return self.client.login(self.login, self.password, database=self.server.db)

    def server_version(self) -> str:
        return self.client.server_version

    def create(self, vals: dict[str, Any]) -> int:
        return self.client.create("res.partner", vals)

    def search_read(self, domain: list[Any], fields: list[str]) -> Any:
        return self.client.search_read("res.partner", domain, fields)

    def read(self, ids: list[int], fields: list[str]) -> Any:
        return self.client.read("res.partner", ids, fields)

    def write(self, ids: list[int], vals: dict[str, Any]) -> Any:
        return self.client.write("res.partner", ids, vals)

    def search_count(self, domain: list[Any]) -> Any:
        return self.client.search_count("res.partner", domain)

    def fields_get(self, names: list[str], attributes: list[str]) -> Any:
        return self.client.execute("res.partner", "fields_get", names, attributes)

    def unlink(self, ids: list[int]) -> Any:
        return self.client.unlink("res.partner", ids)

    def call(self, method: str, ids: list[int]) -> Any:
        return self.client.execute("res.partner", method, ids)

    def check_error(self, exc: BaseException, version: str, failure: Failure) -> None:
        check_legacy_fault(exc, failure)


class ERPpeekJsonrpc(ERPpeek):
    """erppeek on ``<server>/jsonrpc``."""

    name = "erppeek-jsonrpc"
    error_type = erppeek.ServerError

    def _url(self) -> str:
        return f"{self.server.url}/jsonrpc"

    def check_error(self, exc: BaseException, version: str, failure: Failure) -> None:
        assert type(exc) is erppeek.ServerError
        check_jsonrpc_error(exc.args[0], version, failure)


class OdooClientLib(Driver):
    """odoo-client-lib (``odoolib``) with its default protocol: legacy ``/xmlrpc``."""

    name = "odoolib"
    protocol: ClassVar[str] = "xmlrpc"
    error_type = xmlrpc.client.Fault

    def connect(self) -> int:
        self.conn = odoolib.get_connection(
            hostname="127.0.0.1",
            protocol=self.protocol,
            port=self.server.port,
            database=self.server.db,
            login=self.login,
            password=self.password,
        )
        self.conn.check_login()
        self.partner = self.conn.get_model("res.partner")
        return self.conn.user_id

    def user_context(self) -> dict[str, Any]:
        return self.conn.get_user_context()

    def server_version(self) -> str:
        return self.conn.get_service("common").version()["server_version"]

    def create(self, vals: dict[str, Any]) -> int:
        return self.partner.create(vals)

    def search_read(self, domain: list[Any], fields: list[str]) -> Any:
        return self.partner.search_read(domain, fields)  # client side: search, then read

    def read(self, ids: list[int], fields: list[str]) -> Any:
        return self.partner.read(ids, fields)

    def write(self, ids: list[int], vals: dict[str, Any]) -> Any:
        return self.partner.write(ids, vals)

    def search_count(self, domain: list[Any]) -> Any:
        return self.partner.search_count(domain)

    def fields_get(self, names: list[str], attributes: list[str]) -> Any:
        return self.partner.fields_get(names, attributes=attributes)

    def unlink(self, ids: list[int]) -> Any:
        return self.partner.unlink(ids)

    def call(self, method: str, ids: list[int]) -> Any:
        return getattr(self.partner, method)(ids)

    def check_error(self, exc: BaseException, version: str, failure: Failure) -> None:
        check_legacy_fault(exc, failure)


class OdooClientLibJsonrpc(OdooClientLib):
    """odoo-client-lib on ``/jsonrpc``."""

    name = "odoolib-jsonrpc"
    protocol = "jsonrpc"
    error_type = odoolib.tools.JsonRPCException

    def check_error(self, exc: BaseException, version: str, failure: Failure) -> None:
        assert type(exc) is odoolib.tools.JsonRPCException
        assert str(exc) == repr(exc.error)
        check_jsonrpc_error(exc.error, version, failure)


class OdooClientLibJson2(Driver):
    """odoo-client-lib's JSON-2 connection (19.0), an API key, named arguments only.

    (Positional arguments make it fetch ``/doc-bearer/<model>.json`` first; see
    ``test_odoolib_json2_positional_arguments_are_mapped_with_doc_bearer``.)
    """

    name = "odoolib-json2"
    min_version = "19.0"
    error_type = ValueError

    def connect(self) -> int:
        self.conn = odoolib.get_connection(
            hostname="127.0.0.1",
            protocol="json2",
            port=self.server.port,
            database=self.server.db,
            password=self.server.api_key,
        )
        assert self.conn.check_login() is True
        self.partner = self.conn.get_model("res.partner")
        return self.conn.get_user_context()["uid"]

    def user_context(self) -> dict[str, Any]:
        return self.conn.get_user_context()

    def server_version(self) -> str | None:
        return None  # the JSON-2 connection has no version call

    def create(self, vals: dict[str, Any]) -> int:
        ids = self.partner.create(vals_list=vals)
        assert isinstance(ids, list) and len(ids) == 1  # JSON-2: ``[id]``
        return ids[0]

    def search_read(self, domain: list[Any], fields: list[str]) -> Any:
        return self.partner.search_read(domain=domain, fields=fields)

    def read(self, ids: list[int], fields: list[str]) -> Any:
        result = self.partner.read(ids=ids, fields=fields)
        # odoolib's JSON-2 ``read`` returns the lone dict when one record is read.
        return [result] if isinstance(result, dict) else result

    def write(self, ids: list[int], vals: dict[str, Any]) -> Any:
        return self.partner.write(ids=ids, vals=vals)

    def search_count(self, domain: list[Any]) -> Any:
        return self.partner.search_count(domain=domain)

    def fields_get(self, names: list[str], attributes: list[str]) -> Any:
        return self.partner.fields_get(allfields=names, attributes=attributes)

    def unlink(self, ids: list[int]) -> Any:
        return self.partner.unlink(ids=ids)

    def call(self, method: str, ids: list[int]) -> Any:
        return getattr(self.partner, method)(ids=ids)

    def check_error(self, exc: BaseException, version: str, failure: Failure) -> None:
        assert type(exc) is ValueError
        prefix = "Unexpected status code 404: "
        assert str(exc).startswith(prefix)
        check_json2_error(404, json.loads(str(exc).removeprefix(prefix)), failure)


DRIVERS: tuple[type[Driver], ...] = (
    StdlibXmlrpc,
    OdooRPC,
    Odooly,
    OdoolyJsonrpc,
    OdoolyJson2,
    ERPpeek,
    ERPpeekJsonrpc,
    OdooClientLib,
    OdooClientLibJsonrpc,
    OdooClientLibJson2,
)
CASES = [
    pytest.param((version, cls), id=f"{version}-{cls.name}")
    for version in VERSIONS
    for cls in DRIVERS
    if float(version) >= float(cls.min_version)
]


@pytest.fixture(scope="session")
def connected() -> dict[tuple[str, str], Driver]:
    """Logged-in drivers, one per (version, client), reused by every test."""
    return {}


@pytest.fixture(params=CASES)
def driver(request: pytest.FixtureRequest, sandbox_server, connected) -> Driver:
    version, cls = request.param
    key = (version, cls.name)
    if key not in connected:
        connected[key] = cls(sandbox_server(version), version)
    return connected[key]


# -- the tests ---------------------------------------------------------------------------
def test_login_gives_the_admin_uid_and_context(driver: Driver) -> None:
    assert driver.uid == ADMIN_UID
    context = driver.user_context()
    if context is not None:
        assert context == ADMIN_CONTEXT


def test_server_version(driver: Driver) -> None:
    version = driver.server_version()
    if version is None:
        pytest.skip(f"{driver.name} has no call that reports the server version")
    assert re.fullmatch(SERVER_VERSION[driver.version], version)


def test_create_search_read_write_read_back_count_unlink(driver: Driver) -> None:
    name = f"CF clients {driver.version} {driver.name}"
    email = f"{driver.name}-{driver.version}@example.com"

    partner_id = driver.create({"name": name, "email": email})
    assert isinstance(partner_id, int) and partner_id > 0

    found = driver.search_read([("name", "=", name)], ["name", "email", "is_company"])
    assert found == [{"id": partner_id, "name": name, "email": email, "is_company": False}]

    assert driver.write([partner_id], {"name": f"{name} v2", "is_company": True}) is True
    assert driver.read([partner_id], ["name", "is_company"]) == [
        {"id": partner_id, "name": f"{name} v2", "is_company": True}
    ]
    assert driver.search_count([("name", "=like", f"{name}%"), ("is_company", "=", True)]) == 1

    assert driver.unlink([partner_id]) is True
    assert driver.read([partner_id], ["name"]) == []
    assert driver.search_count([("id", "=", partner_id)]) == 0


def test_fields_get_attributes(driver: Driver) -> None:
    recorded = _recorded_case(driver.version, "orm", "orm.fields_get.attributes")
    (step,) = recorded["steps"]
    _model, _method, (names,), kwargs = step["call"]
    assert driver.fields_get(names, kwargs["attributes"]) == step["result"]


def test_read_of_a_missing_id_returns_an_empty_list(driver: Driver) -> None:
    partner_id = driver.create({"name": f"CF clients missing read {driver.name}"})
    assert driver.read([MISSING_ID], ["name"]) == []
    assert driver.read([partner_id, MISSING_ID], ["name"]) == [
        {"id": partner_id, "name": f"CF clients missing read {driver.name}"}
    ]


def test_calling_a_missing_method_raises_attribute_error(driver: Driver) -> None:
    partner_id = driver.create({"name": f"CF clients missing method {driver.name}"})
    with pytest.raises(driver.error_type) as raised:
        driver.call(UNKNOWN_METHOD, [partner_id])
    driver.check_error(raised.value, driver.version, missing_method())


def test_writing_a_missing_id_raises_missing_error(driver: Driver) -> None:
    with pytest.raises(driver.error_type) as raised:
        driver.write([MISSING_ID], {"name": "x"})
    driver.check_error(raised.value, driver.version, missing_record())


# -- 19.0: the clients that read Odoo's API documentation (the auto-installed api_doc) --
def test_odoolib_json2_positional_arguments_are_mapped_with_doc_bearer(sandbox_server) -> None:
    """odoolib maps positional arguments to names from ``GET /doc-bearer/<model>.json``.

    On 19.0, ``api_doc`` (auto_install, depends on ``web``) serves that document to any
    user in ``api_doc.group_allow_doc``, which ``base.group_system`` implies: admin is in it.
    """
    server = sandbox_server("19.0")
    conn = odoolib.get_connection(
        hostname="127.0.0.1",
        protocol="json2",
        port=server.port,
        database=server.db,
        password=server.api_key,
    )
    name = "CF clients doc-bearer odoolib"
    partner_id, display_name = conn.get_model("res.partner").name_create(name)
    assert isinstance(partner_id, int)
    assert display_name == name


def test_odooly_json2_maps_other_methods_with_doc_bearer(sandbox_server) -> None:
    """odooly knows the parameter names of a few base methods; for any other method
    called with positional arguments it reads them from ``/doc-bearer/<model>.json``."""
    server = sandbox_server("19.0")
    odooly.Env._cache.clear()
    client = odooly.Client(server.url, server.db, "admin", api_key=server.api_key)
    name = "CF clients doc-bearer odooly"
    partner_id, display_name = client.env["res.partner"].name_create(name)
    assert isinstance(partner_id, int)
    assert display_name == name


def _recorded_case(version: str, topic: str, case_id: str) -> dict[str, Any]:
    cases = json.loads((CONFORMANCE / f"odoo-{version}" / f"{topic}.json").read_text())["cases"]
    return next(case for case in cases if case["id"] == case_id)
