"""The catalogue generator: SPEC grammar, invariants over RPC, determinism."""

from __future__ import annotations

import xmlrpc.client
from pathlib import Path

import pytest

from odoo_harness.odoo.catalogue import (
    CatalogueSpec,
    CatalogueSpecError,
    parse_spec,
    seed_catalogue,
)
from odoo_harness.odoo.http import SandboxServer
from odoo_harness.odoo.sandbox import Sandbox


def test_compact_spec() -> None:
    assert parse_spec("20000x4") == CatalogueSpec(variants=20000, warehouses=4)


def test_yaml_spec(tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text("variants: 30\nwarehouses: 2\nseed: 7\nout_of_stock: 0.5\n")
    assert parse_spec(path) == CatalogueSpec(variants=30, warehouses=2, seed=7, out_of_stock=0.5)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("colour: red\n", "unknown key 'colour'"),
        ("variants: many\n", "key 'variants' must be a number"),
        ("variants: 0\n", "variants must be at least 1"),
        ("out_of_stock: 2\n", "out_of_stock is a share"),
    ],
)
def test_bad_yaml_spec_names_file_and_key(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(CatalogueSpecError, match=message) as info:
        parse_spec(path)
    assert str(path) in str(info.value)


def test_neither_size_nor_file() -> None:
    with pytest.raises(CatalogueSpecError, match="not a size like 20000x4"):
        parse_spec("lots")


def _counts(sandbox: Sandbox) -> dict[str, int]:
    uid = sandbox.admin_uid
    return {
        model: sandbox.execute_kw(uid, model, "search_count", [[]], {})
        for model in (
            "product.template",
            "product.product",
            "stock.warehouse",
            "stock.quant",
            "sale.order",
        )
    }


@pytest.mark.parametrize("version", ["17.0", "18.0", "19.0"])
def test_catalogue_is_real_over_xmlrpc(version: str) -> None:
    spec = CatalogueSpec(
        variants=41, warehouses=3, variants_per_template=4, partners=5, open_orders=4, seed=3
    )
    sandbox = Sandbox(version)
    before = _counts(sandbox)
    summary = seed_catalogue(sandbox, spec)
    after = _counts(sandbox)
    assert after["product.product"] - before["product.product"] == 41
    assert after["product.template"] - before["product.template"] == 11
    assert after["stock.warehouse"] == 3
    assert after["sale.order"] == 4
    key = "warehouse" if version == "17.0" else "warehouse_id"
    with SandboxServer(sandbox=sandbox, port=0) as server:
        models = xmlrpc.client.ServerProxy(f"{server.url}/xmlrpc/2/object", allow_none=True)
        db, uid = server.db, sandbox.admin_uid
        for warehouse in summary.warehouses:
            stock = models.execute_kw(
                db, uid, "admin", "stock.warehouse", "read", [[warehouse], ["lot_stock_id"]]
            )[0]["lot_stock_id"][0]
            rows = models.execute_kw(
                db,
                uid,
                "admin",
                "product.product",
                "search_read",
                [[["default_code", "like", "SKU-"]]],
                {"fields": ["qty_available", "free_qty"], "context": {key: warehouse}},
            )
            quants = models.execute_kw(
                db,
                uid,
                "admin",
                "stock.quant",
                "search_read",
                [[["location_id", "=", stock]]],
                {"fields": ["product_id", "quantity", "reserved_quantity"]},
            )
            on_hand: dict[int, float] = {}
            free: dict[int, float] = {}
            for quant in quants:
                pid = quant["product_id"][0]
                on_hand[pid] = on_hand.get(pid, 0.0) + quant["quantity"]
                free[pid] = free.get(pid, 0.0) + quant["quantity"] - quant["reserved_quantity"]
            for row in rows:
                assert row["qty_available"] == on_hand.get(row["id"], 0.0)
                assert row["free_qty"] == free.get(row["id"], 0.0)
        names = models.execute_kw(
            db,
            uid,
            "admin",
            "product.product",
            "search_read",
            [[["default_code", "in", ["SKU-000001", "SKU-000002"]]]],
            {"fields": ["display_name"], "order": "default_code"},
        )
    assert [n["display_name"] for n in names] == [
        "[SKU-000001] Catalogue Product 000001 (S)",
        "[SKU-000002] Catalogue Product 000001 (M)",
    ]
    reserved = sandbox.execute_kw(
        sandbox.admin_uid, "stock.quant", "search_count", [[["reserved_quantity", ">", 0]]], {}
    )
    assert reserved > 0


def _snapshot(spec: CatalogueSpec) -> list[tuple[object, ...]]:
    sandbox = Sandbox("18.0")
    seed_catalogue(sandbox, spec)
    return [
        tuple(row.values())
        for row in sandbox.execute_kw(
            sandbox.admin_uid,
            "stock.quant",
            "search_read",
            [[]],
            {
                "fields": ["product_id", "location_id", "quantity", "reserved_quantity"],
                "order": "id",
            },
        )
    ]


def test_same_seed_same_catalogue() -> None:
    spec = CatalogueSpec(variants=20, warehouses=2, seed=11)
    assert _snapshot(spec) == _snapshot(spec)
    assert _snapshot(spec) != _snapshot(CatalogueSpec(variants=20, warehouses=2, seed=12))
