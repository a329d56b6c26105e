"""The mocks' optional state file (``state_path=``): their state survives a restart over
a real socket, a restarted mock continues exactly as one that never stopped (same seed),
each request's write is one transaction, and a wrong file is refused with its name."""

from __future__ import annotations

import json
import shutil
import sqlite3
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from odoo_harness.clock import Clock
from odoo_harness.errors import ConfigError
from odoo_harness.providers.base import StateFile
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
