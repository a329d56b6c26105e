"""The mocks' optional state file (``state_path=``): their state survives a restart over
a real socket, a restarted mock continues exactly as one that never stopped (same seed),
each request's write is one transaction, and a wrong file is refused with its name."""

from __future__ import annotations

import asyncio
import functools
import json
import pickle
import shutil
import sqlite3
import stat
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from odoo_harness.clock import Clock
from odoo_harness.errors import ConfigError
from odoo_harness.providers.base import StateFile, persistence
from odoo_harness.providers.carrier import DEFAULT_ACCOUNTS, CarrierMock, Limit, Settings
from odoo_harness.providers.crm import CrmMock
from odoo_harness.providers.shop import TEST_TOKEN, ShopMock

pytestmark = pytest.mark.wire
START = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
KEY = DEFAULT_ACCOUNTS[0].api_key
ADDRESS = {"street1": "12 Market Street", "city": "Springfield", "zip": "62701", "country": "US"}
MANY = Settings(limits={"test": Limit(10**6, 1.0), "production": Limit(10**6, 1.0)})


def shipment(reference: str) -> dict[str, Any]:
    return {
        "reference": reference,
        "from_address": {**ADDRESS, "company": "Chairs Inc"},
        "to_address": {**ADDRESS, "name": "Ana Lopez"},
        "parcels": [{"weight": 2.5, "weight_unit": "kg"}],
    }


def carrier(path: Path | None, clock: Clock | None = None) -> CarrierMock:
    return CarrierMock(
        clock=clock or Clock(START, frozen=True), seed=7, settings=MANY, state_path=path
    )


@contextmanager
def served(mock: Any, headers: dict[str, str], base: str = "") -> Iterator[httpx.Client]:
    """The mock on loopback and a client; the state file is closed afterwards, as when
    the process stops."""
    with (
        mock.server() as server,
        httpx.Client(base_url=server.url + base, headers=headers, timeout=10) as http,
    ):
        yield http
    mock.close_state()


def carrier_client(mock: CarrierMock) -> Any:
    return served(mock, {"Authorization": f"Bearer {KEY}"})


def test_the_carrier_continues_after_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "carrier.sqlite"
    with carrier_client(carrier(path)) as http:
        created = http.post("/v1/shipments", json=shipment("WH/OUT/1")).json()
        body = {"rate_id": created["rates"][0]["id"]}
        bought = http.post(
            f"/v1/shipments/{created['id']}/buy", json=body, headers={"Idempotency-Key": "k-1"}
        )
        assert bought.status_code == 200, bought.text
        hook = http.post(
            "/v1/webhooks",
            json={
                "url": "http://127.0.0.1:9/hook",
                "secret": "s3cret-key",
                "events": ["tracker.updated"],
            },
        ).json()
        assert http.post("/_control/clock", json={"advance": 3600}).status_code == 200
    later = Clock(START, frozen=True)  # a new process starts with its own clock
    with carrier_client(carrier(path, later)) as http:
        again = http.get(f"/v1/shipments/{created['id']}")
        assert again.status_code == 200
        assert again.json() == bought.json()
        replay = http.post(
            f"/v1/shipments/{created['id']}/buy", json=body, headers={"Idempotency-Key": "k-1"}
        )
        assert replay.headers.get("Idempotent-Replayed") == "true"
        assert replay.json() == bought.json()
        assert [h["id"] for h in http.get("/v1/webhooks").json()["webhooks"]] == [hook["id"]]
        second = http.post("/v1/shipments", json=shipment("WH/OUT/2")).json()
        assert second["id"] != created["id"]
        assert {r["id"] for r in second["rates"]}.isdisjoint(r["id"] for r in created["rates"])
    assert later.now() == START.replace(hour=10)  # the mock's time did not go back


def _script(http: httpx.Client) -> list[Any]:
    """Some calls whose answers depend on the random generator and the id counters."""
    answers = []
    for n in range(2):
        created = http.post("/v1/shipments", json=shipment(f"WH/OUT/{n}")).json()
        bought = http.post(
            f"/v1/shipments/{created['id']}/buy", json={"rate_id": created["rates"][0]["id"]}
        )
        answers += [created, bought.json()]
    # label URLs name the server's port, which differs between the runs
    return json.loads(json.dumps(answers).replace(str(http.base_url).rstrip("/"), "<server>"))


def test_a_restarted_mock_answers_as_one_that_never_stopped(tmp_path: Path) -> None:
    with carrier_client(carrier(None)) as http:
        expected = _script(http) + _script(http)
    path = tmp_path / "carrier.sqlite"
    with carrier_client(carrier(path)) as http:
        first = _script(http)
    with carrier_client(carrier(path)) as http:
        second = _script(http)
    assert first + second == expected


def test_a_key_in_flight_when_the_mock_stopped_is_free_after_the_restart(
    tmp_path: Path,
) -> None:
    path = tmp_path / "carrier.sqlite"
    mock = carrier(path)
    with carrier_client(mock) as http:
        created = http.post("/v1/shipments", json=shipment("WH/OUT/1")).json()
        with mock.lock:  # a buy claimed the key, then the process died
            mock.idempotency.begin(DEFAULT_ACCOUNTS[0].id, "k-lost", "fingerprint")
            mock.save_state()
    with carrier_client(carrier(path)) as http:
        bought = http.post(
            f"/v1/shipments/{created['id']}/buy",
            json={"rate_id": created["rates"][0]["id"]},
            headers={"Idempotency-Key": "k-lost"},
        )
    assert bought.status_code == 200, bought.text


def test_concurrent_requests_are_all_kept(tmp_path: Path) -> None:
    path = tmp_path / "carrier.sqlite"
    created: list[str] = []
    with carrier_client(carrier(path)) as http:
        url, headers = str(http.base_url), dict(http.headers)

        def create(worker: int) -> None:
            with httpx.Client(base_url=url, headers=headers, timeout=30) as own:
                for n in range(10):
                    answer = own.post("/v1/shipments", json=shipment(f"T{worker}/{n}"))
                    assert answer.status_code == 201, answer.text
                    created.append(answer.json()["id"])

        threads = [threading.Thread(target=create, args=(w,)) for w in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert len(created) == len(set(created)) == 40
    with carrier_client(carrier(path)) as http:
        for shipment_id in created:
            assert http.get(f"/v1/shipments/{shipment_id}").status_code == 200


def test_the_shop_keeps_stock_moves_across_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "shop.sqlite"
    headers = {"X-Shopify-Access-Token": TEST_TOKEN}

    def shop() -> ShopMock:
        return ShopMock(clock=Clock(START, frozen=True), seed=3, state_path=path)

    first = shop()
    first.seed(
        {"products": [{"title": "Chair", "variants": [{"sku": "C", "stock": {"70001": 5}}]}]}
    )
    item = next(iter(first.state.items))
    move = {"location_id": 70001, "inventory_item_id": item, "available_adjustment": 2}
    with served(first, headers, "/admin/api/2024-07") as http:
        assert http.post("/inventory_levels/adjust.json", json=move).status_code == 200
    with served(shop(), headers, "/admin/api/2024-07") as http:
        assert http.post("/inventory_levels/adjust.json", json=move).status_code == 200
        levels = http.get("/inventory_levels.json", params={"inventory_item_ids": str(item)})
    assert [level["available"] for level in levels.json()["inventory_levels"]] == [9]


def test_the_crm_keeps_contacts_across_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "crm.sqlite"
    headers = {"Authorization": "Bearer pat-na1-crmock-production-0001"}
    contact = {"properties": {"email": "ana@example.com", "firstname": "Ana"}}
    with served(CrmMock(clock=Clock(START, frozen=True), state_path=path), headers) as http:
        made = http.post("/crm/v3/objects/contacts", json=contact)
        assert made.status_code == 201, made.text
    with served(CrmMock(clock=Clock(START, frozen=True), state_path=path), headers) as http:
        found = http.get(f"/crm/v3/objects/contacts/{made.json()['id']}")
        duplicate = http.post("/crm/v3/objects/contacts", json=contact)
    assert found.status_code == 200
    assert found.json()["properties"]["email"] == "ana@example.com"
    assert duplicate.status_code == 409


def test_a_failed_write_leaves_the_previous_state(tmp_path: Path) -> None:
    """One write is one transaction: when storing a document fails, none of the write's
    documents change."""
    state = StateFile(tmp_path / "state.sqlite")
    state.write({"a": b"1", "b": b"1"})
    with pytest.raises(sqlite3.Error):
        state.write({"a": b"2", "b": object()})  # type: ignore[dict-item]
    state.close()
    assert StateFile(tmp_path / "state.sqlite").read() == {"a": b"1", "b": b"1"}


@pytest.mark.parametrize(
    ("prepare", "message"),
    [
        (lambda p: p.write_bytes(b"not a database, just text" * 100), "state file"),
        (lambda p: CrmMock(state_path=p).close_state(), "holds the crm mock's state"),
    ],
)
def test_a_wrong_file_is_refused_with_its_name(
    tmp_path: Path, prepare: Callable[[Path], object], message: str
) -> None:
    path = tmp_path / "state.sqlite"
    prepare(path)
    with pytest.raises(ConfigError) as caught:
        carrier(path)
    assert str(path) in str(caught.value) and message in str(caught.value)


def test_sandbox_up_keeps_the_three_mocks_state_in_one_folder(tmp_path: Path) -> None:
    """``odoo-harness sandbox up --mock-state-dir DIR``: one file per mock in DIR."""
    from odoo_harness.cli.sandbox import serve_mocks

    contact = {"properties": {"email": "ana@example.com"}}
    with serve_mocks(0, tmp_path) as mocks:
        crm = next(m for m in mocks if m.title.startswith("CRM"))
        token = crm.credentials[0].split()[1]
        made = httpx.post(
            f"{crm.api_url}/crm/v3/objects/contacts",
            json=contact,
            headers={"Authorization": f"Bearer {token}"},
        )
        assert made.status_code == 201, made.text
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".sqlite") == [
        "carrier.sqlite",
        "crm.sqlite",
        "shop.sqlite",
    ]
    with serve_mocks(0, tmp_path) as mocks:
        crm = next(m for m in mocks if m.title.startswith("CRM"))
        found = httpx.get(
            f"{crm.api_url}/crm/v3/objects/contacts/{made.json()['id']}",
            headers={"Authorization": f"Bearer {token}"},
        )
    assert found.status_code == 200, found.text


class StateFileMachine(RuleBasedStateMachine):
    """``StateFile`` against a dict: whatever writes and reopenings happen, reading the
    file gives the last value written under each name."""

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="statefile-"))
        self.file = StateFile(self.folder / "state.sqlite")
        self.model: dict[str, bytes] = {}

    @rule(documents=st.dictionaries(st.sampled_from("abcde"), st.binary(max_size=64)))
    def write(self, documents: dict[str, bytes]) -> None:
        self.file.write(documents)
        self.model.update(documents)

    @rule()
    def reopen(self) -> None:
        self.file.close()
        self.file = StateFile(self.folder / "state.sqlite")
        assert self.file.read() == self.model

    @invariant()
    def a_second_reader_sees_the_model(self) -> None:
        other = StateFile(self.folder / "state.sqlite")
        try:
            assert other.read() == self.model
        finally:
            other.close()

    def teardown(self) -> None:
        self.file.close()
        shutil.rmtree(self.folder, ignore_errors=True)


TestStateFile = StateFileMachine.TestCase
TestStateFile.settings = settings(max_examples=25, stateful_step_count=8, deadline=None)


# -- loading is restricted: a state file cannot name a callable outside the allow-list ----


def crafted(module: str, name: str, *args: object) -> bytes:
    """A pickle that calls ``module.name(*args)`` when loaded without restriction."""
    return f"c{module}\n{name}\n".encode() + pickle.dumps(args, protocol=0)[:-1] + b"R."


def planted(path: Path, mock: str, state: bytes) -> None:
    """A state file as someone might send it: a valid header and a crafted state."""
    file = StateFile(path)
    file.write({"header": persistence.header(mock), "state": state})
    file.close()


def payloads(marker: Path) -> list[tuple[bytes, str]]:
    return [
        (crafted("os", "system", f"touch {marker}"), "os.system"),
        (crafted("posix", "system", f"touch {marker}"), "posix.system"),
        (crafted("builtins", "eval", f"open({str(marker)!r}, 'w').close()"), "builtins.eval"),
        (crafted("subprocess", "Popen", ["touch", str(marker)]), "subprocess.Popen"),
        # a dotted name through an allowed module reaches its imports: refused as well
        (
            crafted(
                "odoo_harness.providers.base.persistence",
                "pickle.loads",
                crafted("os", "system", f"touch {marker}"),
            ),
            "odoo_harness.providers.base.persistence.pickle.loads",
        ),
        (crafted("builtins", "getattr", "text", "__class__"), "builtins.getattr"),
        # a live object's method outside LIVE_METHODS
        (
            crafted("odoo_harness.providers.base.persistence", "live_method", "mock", "reset"),
            "'reset'",
        ),
    ]


def test_the_crafted_payloads_would_run_when_unpickled_without_restriction(
    tmp_path: Path,
) -> None:
    """The check below can fail: plain ``pickle.loads`` of the first payload runs it."""
    marker = tmp_path / "ran"
    pickle.loads(payloads(marker)[0][0])
    assert marker.exists()


@pytest.mark.parametrize("case", range(len(payloads(Path("x")))))
@pytest.mark.parametrize("mock", ["carrier", "shop", "crm"])
def test_a_state_file_naming_another_callable_is_refused_without_running_it(
    tmp_path: Path, case: int, mock: str
) -> None:
    marker = tmp_path / "ran"
    state, refused = payloads(marker)[case]
    path = tmp_path / f"{mock}.sqlite"
    planted(path, mock, state)
    start = {"carrier": lambda: carrier(path), "shop": lambda: ShopMock(state_path=path)}
    with pytest.raises(ConfigError) as caught:
        start.get(mock, lambda: CrmMock(state_path=path))()
    message = str(caught.value)
    assert str(path) in message and refused in message and "refused" in message
    assert "\n" not in message
    assert not marker.exists()


def test_the_cli_prints_the_refusal_on_one_line(tmp_path: Path) -> None:
    """``sandbox up --mock-state-dir``: the refusal is a ``ConfigError`` (the CLI prints
    ``HarnessError`` messages without a traceback)."""
    from odoo_harness.cli.sandbox import serve_mocks

    marker = tmp_path / "ran"
    planted(tmp_path / "carrier.sqlite", "carrier", crafted("os", "system", f"touch {marker}"))
    with pytest.raises(ConfigError, match="carrier.sqlite: refused"), serve_mocks(0, tmp_path):
        pass
    assert not marker.exists()


def test_a_bound_method_outside_the_allow_list_is_not_saved() -> None:
    clock = Clock(START, frozen=True)
    with pytest.raises(pickle.PicklingError, match="Clock.advance.*LIVE_METHODS"):
        persistence.snapshot({"callback": clock.advance}, {"clock": clock})


def test_the_state_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    """It holds the mock's credentials in clear."""
    path = tmp_path / "carrier.sqlite"
    with carrier_client(carrier(path)) as http:
        assert http.post("/v1/shipments", json=shipment("WH/OUT/1")).status_code == 201
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert KEY.encode() in path.read_bytes()  # as the docs say: the key is in clear


# -- any state the mocks' APIs make survives save and load ---------------------------------

CRM_TOKEN = "pat-na1-crmock-production-0001"
SHOP_API = "/admin/api/2024-07"
SHOP_CATALOGUE = {
    "products": [
        {"title": "Chair", "variants": [{"sku": "C", "price": "49.00", "stock": {"70001": 9}}]},
        {"title": "Desk", "variants": [{"sku": "D", "price": "120.00", "stock": {"70001": 2}}]},
    ]
}
VOLATILE = {"request_id", "requestId", "correlationId"}  # per process, not state


def _stable(answer: Any) -> Any:
    if isinstance(answer, dict):
        return {k: _stable(v) for k, v in answer.items() if k not in VOLATILE}
    if isinstance(answer, list | tuple):
        return [_stable(v) for v in answer]
    return answer


def _carrier_op(http: Any, op: tuple[Any, ...], made: list[dict[str, Any]]) -> Any:
    kind, n, value = op
    if kind == "create":
        body = shipment(f"R/{n}")
        body["parcels"][0]["weight"] = value
        answer = http.post("/v1/shipments", json=body)
        if answer.status_code == 201:
            made.append(answer.json())
    elif kind == "advance":
        answer = http.post("/_control/clock", json={"advance": value})
    elif not made:
        return None
    elif kind == "buy":
        target = made[n % len(made)]
        answer = http.post(
            f"/v1/shipments/{target['id']}/buy",
            json={"rate_id": target["rates"][value % len(target["rates"])]["id"]},
            headers={"Idempotency-Key": f"k-{n}"},
        )
    else:
        answer = http.post(f"/v1/shipments/{made[n % len(made)]['id']}/void")
    return answer.status_code, answer.json()


def _shop_op(http: Any, op: tuple[Any, ...], made: list[dict[str, Any]]) -> Any:
    kind, n, value = op
    if kind == "checkout":
        sale = {
            "email": f"c{n}@example.com",
            "line_items": [{"sku": "CD"[n % 2], "quantity": value}],
        }
        answer = http.post("/_control/shop/checkout", json=sale)
    elif kind == "adjust":
        products = http.get(f"{SHOP_API}/products.json").json()["products"]
        item = products[n % 2]["variants"][0]["inventory_item_id"]
        move = {"location_id": 70001, "inventory_item_id": item, "available_adjustment": value}
        answer = http.post(f"{SHOP_API}/inventory_levels/adjust.json", json=move)
    elif kind == "cancel":
        orders = http.get(f"{SHOP_API}/orders.json", params={"status": "any"}).json()["orders"]
        if not orders:
            return None
        answer = http.post(f"{SHOP_API}/orders/{orders[n % len(orders)]['id']}/cancel.json")
    else:
        answer = http.post("/_control/clock", json={"advance": value})
    return answer.status_code, answer.json()


def _crm_op(http: Any, op: tuple[Any, ...], made: list[dict[str, Any]]) -> Any:
    kind, n, value = op
    contacts = "/crm/v3/objects/contacts"
    if kind == "create":
        body = {"properties": {"email": f"p{n % 4}@example.com", "firstname": f"F{value}"}}
        answer = http.post(contacts, json=body)
        if answer.status_code == 201:
            made.append(answer.json())
    elif kind == "advance":
        answer = http.post("/_control/clock", json={"advance": value})
    elif not made:
        return None
    elif kind == "update":
        target = made[n % len(made)]["id"]
        answer = http.patch(f"{contacts}/{target}", json={"properties": {"lastname": f"L{value}"}})
    else:
        answer = http.delete(f"{contacts}/{made[n % len(made)]['id']}")
        return answer.status_code
    return answer.status_code, answer.json()


def _carrier_final(http: Any) -> Any:
    return http.get("/v1/shipments", params={"limit": 100}).json()


def _shop_final(http: Any) -> Any:
    return [
        http.get(f"{SHOP_API}/{what}.json", params={"status": "any"}).json()
        for what in ("orders", "products", "customers")
    ]


def _crm_final(http: Any) -> Any:
    return http.get("/crm/v3/objects/contacts", params={"limit": 100}).json()


def _new_shop(path: Path | None, seeded: bool) -> ShopMock:
    mock = ShopMock(clock=Clock(START, frozen=True), seed=3, state_path=path)
    if seeded:  # through the control API, which saves the state (``seed()`` alone does not)
        with _client(mock, {}) as http:
            assert http.post("/_control/seed", json=SHOP_CATALOGUE).status_code == 200
    return mock


MOCKS: dict[str, Any] = {
    "carrier": (
        lambda path, seeded: carrier(path),
        {"Authorization": f"Bearer {KEY}"},
        _carrier_op,
        _carrier_final,
        st.one_of(
            st.tuples(
                st.just("create"),
                st.integers(0, 9),
                st.floats(0.1, 40.0).map(lambda w: round(w, 1)),
            ),
            st.tuples(st.sampled_from(["buy", "void"]), st.integers(0, 9), st.integers(0, 3)),
            st.tuples(st.just("advance"), st.just(0), st.integers(1, 200_000)),
        ),
    ),
    "shop": (
        _new_shop,
        {"X-Shopify-Access-Token": TEST_TOKEN},
        _shop_op,
        _shop_final,
        st.one_of(
            st.tuples(st.just("checkout"), st.integers(0, 9), st.integers(1, 3)),
            st.tuples(st.just("adjust"), st.integers(0, 1), st.integers(-3, 3)),
            st.tuples(st.just("cancel"), st.integers(0, 9), st.just(0)),
            st.tuples(st.just("advance"), st.just(0), st.integers(1, 200_000)),
        ),
    ),
    "crm": (
        lambda path, seeded: CrmMock(clock=Clock(START, frozen=True), state_path=path),
        {"Authorization": f"Bearer {CRM_TOKEN}"},
        _crm_op,
        _crm_final,
        st.one_of(
            st.tuples(st.just("create"), st.integers(0, 9), st.integers(0, 99)),
            st.tuples(
                st.sampled_from(["update", "archive"]), st.integers(0, 9), st.integers(0, 99)
            ),
            st.tuples(st.just("advance"), st.just(0), st.integers(1, 200_000)),
        ),
    ),
}


class _InProcess:
    """A synchronous client of a mock's app in this process (no socket: the property
    test makes hundreds of mocks; the tests above cover the wire)."""

    def __init__(self, mock: Any, headers: dict[str, str]) -> None:
        self.loop = asyncio.new_event_loop()
        transport = httpx.ASGITransport(app=mock.app())
        self.http = httpx.AsyncClient(transport=transport, base_url="http://mock", headers=headers)

    def request(self, method: str, url: str, **options: Any) -> httpx.Response:
        return self.loop.run_until_complete(self.http.request(method, url, **options))

    get = functools.partialmethod(request, "GET")
    post = functools.partialmethod(request, "POST")
    patch = functools.partialmethod(request, "PATCH")
    delete = functools.partialmethod(request, "DELETE")

    def close(self) -> None:
        self.loop.run_until_complete(self.http.aclose())
        self.loop.close()


@contextmanager
def _client(mock: Any, headers: dict[str, str]) -> Iterator[_InProcess]:
    http = _InProcess(mock, headers)
    try:
        yield http
    finally:
        http.close()


def _run(mock: Any, headers: dict[str, str], do: Any, ops: list[Any], made: list[Any]) -> Any:
    with _client(mock, headers) as http:
        answers = [do(http, op, made) for op in ops]
    mock.close_state()
    return answers


def _final(mock: Any, headers: dict[str, str], final: Any) -> Any:
    with _client(mock, headers) as http:
        return final(http)


@pytest.mark.parametrize("name", list(MOCKS))
def test_a_mock_restarted_at_any_point_answers_as_one_that_never_stopped(name: str) -> None:
    """Random calls through a mock's API, a restart on its state file after the first
    ``cut`` of them: every answer, and the final listing, equal those of a mock that
    never stopped (same seed, same calls)."""
    new, headers, do, final, op = MOCKS[name]

    @settings(max_examples=40, deadline=None)
    @given(ops=st.lists(op, max_size=8), cut=st.integers(0, 8))
    def check(ops: list[Any], cut: int) -> None:
        cut = min(cut, len(ops))
        reference = new(None, True)
        made: list[Any] = []
        expected = _run(reference, headers, do, ops, made)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"{name}.sqlite"
            made = []
            got = _run(new(path, True), headers, do, ops[:cut], made)
            restarted = new(path, False)
            got += _run(restarted, headers, do, ops[cut:], made)
            assert _stable(got) == _stable(expected)
            assert _stable(_final(restarted, headers, final)) == _stable(
                _final(reference, headers, final)
            )

    check()
