"""The query mix, the answer check, the contract reading and the summary's charts."""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from odoo_harness.errors import ConfigError
from odoo_harness.load.contract import StockContract, load_contract
from odoo_harness.load.run import parse_duration
from odoo_harness.load.stats import HistoryPoint
from odoo_harness.load.summary import charts, write_summary
from odoo_harness.load.workload import (
    DELTA,
    FIFTY_SKUS,
    MIX,
    ONE_SKU,
    PAGE,
    Catalogue,
    QueryMix,
    check_answer,
    light_check,
)

from .standin import CONTRACT

SKU = re.compile(r"^SKU-(\d{6})$")


@given(st.integers(1, 300_000), st.integers(1, 9), st.integers(0, 2**32))
def test_queries_name_only_skus_and_warehouses_of_the_catalogue(
    variants: int, warehouses: int, seed: int
) -> None:
    catalogue = Catalogue(variants, warehouses)
    mix = QueryMix(catalogue, seed)
    for kind in (ONE_SKU, FIFTY_SKUS, DELTA, PAGE):
        params = mix.query(kind).params
        skus = params["sku"].split(",") if "sku" in params else []
        assert (
            len(skus) == len(set(skus)) == {ONE_SKU: 1, FIFTY_SKUS: min(50, variants)}.get(kind, 0)
        )
        assert all(SKU.match(s) and 1 <= int(SKU.match(s)[1]) <= variants for s in skus)
        if kind == DELTA:
            assert params["warehouse"] in {"WH"} | {f"WH{n}" for n in range(2, warehouses + 1)}


def test_the_same_seed_draws_the_same_queries_and_the_mix_follows_its_weights() -> None:
    def draw(seed: int) -> list[object]:
        mix = QueryMix(Catalogue(20_000, 4), seed)
        return [mix.query(mix.next_kind()) for _ in range(4000)]

    first = draw(3)
    assert first == draw(3) and first != draw(4)
    counts = Counter(q.name for q in first)  # type: ignore[attr-defined]
    for kind, weight in MIX.items():
        assert abs(counts[kind] / 4000 - weight / sum(MIX.values())) < 0.05


def test_a_delta_starts_from_the_last_watermark() -> None:
    mix = QueryMix(Catalogue(10, 2), 0)
    assert "changed_since" not in mix.query(DELTA).params
    mix.watermark = "w7"
    assert mix.query(DELTA).params["changed_since"] == "w7"


CONTRACTED = StockContract(source="x", path="/v1/stock/availability")
GOOD = {"as_of": "t", "watermark": "w2", "next_page_token": "p2",
        "items": [{"sku": "SKU-000001", "warehouses": [], "total": {}}]}  # fmt: skip


@pytest.mark.parametrize(
    ("status", "body", "asked", "error"),
    [
        (200, GOOD, ["SKU-000001"], None),
        (500, GOOD, [], "status 500"),
        (200, {"items": []}, [], "missing field(s) as_of, watermark"),
        (200, {**GOOD, "items": {}}, [], "'items' is not a list"),
        (200, {**GOOD, "items": [{"sku": "a"}]}, [], "items[0] lacks warehouses, total"),
        (200, {**GOOD, "items": GOOD["items"] * 2}, ["SKU-000001"], "2 items for 1 SKUs"),
        (200, [1], [], "not a JSON object"),
    ],
)
def test_check_answer(status: int, body: object, asked: list[str], error: str | None) -> None:
    answer = check_answer(CONTRACTED, "reference", status, json.dumps(body).encode(), asked)
    if error is None:
        assert answer.error is None and answer.watermark == "w2" and answer.next_page_token == "p2"
    else:
        assert answer.error is not None and error in answer.error
    assert check_answer(CONTRACTED, "reference", 200, b"<html>", []).error == "the body is not JSON"
    assert check_answer(CONTRACTED, "trivial", 200, b"[1]", []).error is None


def test_contract_gives_paths_header_fields_and_slo() -> None:
    contract = load_contract(CONTRACT)
    assert contract.path == "/v1/stock/availability"
    assert contract.route_path("naive") == "/v1/stock/availability-naive"
    assert contract.api_key_header == "X-API-Key"
    assert contract.required_fields == ("as_of", "watermark", "items")
    assert contract.slo == {"p50_ms": 2000, "p95_ms": 5000, "p99_ms": 10000, "error_rate": 0.01}


def test_contract_errors_name_the_file_and_what_is_missing(tmp_path: Path) -> None:
    text = CONTRACT.read_text()
    bad = tmp_path / "c.yaml"
    bad.write_text(text.replace("- {name: page_token, in: query, schema: {type: string}}", ""))
    with pytest.raises(
        ConfigError, match=r"c\.yaml: paths\./v1/stock/availability\.get lacks .*page_token"
    ):
        load_contract(bad)
    bad.write_text(text.replace("p95_ms: 5000", "p95_ms: soon"))
    with pytest.raises(ConfigError, match=r"c\.yaml: x-slo: p95_ms must be a number"):
        load_contract(bad)
    bad.write_text("openapi: 3.1.0\npaths: {/other: {get: {}}}\n")
    with pytest.raises(ConfigError, match="no 'get' operation"):
        load_contract(bad)
    with pytest.raises(ConfigError, match="cannot read"):
        load_contract(tmp_path / "none.yaml")


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("15", 15), ("15s", 15), ("2m", 120), ("1m30s", 90), ("1h", 3600), ("2.5", 2.5)],
)
def test_durations(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "15x", "-3", "1m-2s"])
def test_bad_durations_say_what_is_expected(text: str) -> None:
    with pytest.raises(ConfigError, match="--duration"):
        parse_duration(text)


def test_charts_are_inline_svg_with_one_line_per_series(tmp_path: Path) -> None:
    history = [
        HistoryPoint(100 + t, 5, 50.0 * t, 0.0, 2.0 + t, None if t == 2 else 5.0 + t, 9.0)
        for t in range(5)
    ]
    drawn = charts(history)
    assert drawn["latency"].startswith("<svg") and drawn["latency"].count("<polyline") >= 3
    assert drawn["throughput"].count("<polyline") == 2
    write_summary(tmp_path, {"target": "<x>", "requests": [], "slo": {"verdicts": []}}, history)
    html = (tmp_path / "summary.html").read_text()
    assert (
        "&lt;x&gt;" in html
        and "<script" not in html
        and "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    )
    assert json.loads((tmp_path / "summary.json").read_text())["target"] == "<x>"


def test_seeded_sampling_never_repeats_a_sku_in_one_question() -> None:
    rng = random.Random(1)
    skus = Catalogue(60, 1).sample_skus(rng, 50)
    assert len(set(skus)) == 50


def test_the_cli_and_the_load_package_never_import_locust() -> None:
    import subprocess
    import sys

    code = (
        "import sys, odoo_harness.cli.main, odoo_harness.load; "
        "sys.exit(1 if {'locust', 'gevent'} & set(sys.modules) else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], timeout=60).returncode == 0


_ITEM = {"sku": "SKU-000001", "warehouses": [], "total": {"free": 1, "on_hand": 1, "incoming": 0}}
_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@given(token=st.one_of(st.none(), _TEXT), watermark=_TEXT, items=st.integers(0, 2000))
def test_the_light_check_reads_the_paging_fields_as_a_full_parse_does(
    token: str | None, watermark: str, items: int
) -> None:
    body = json.dumps(
        {
            "as_of": "2026-03-02T09:00:00Z",
            "watermark": watermark,
            "items": [_ITEM] * items,
            "unknown_skus": [],
            "next_page_token": token,
        }
    ).encode()
    full = check_answer(CONTRACTED, "reference", 200, body, [])
    light = light_check(200, body)
    assert light is not None  # our envelope: watermark in the head, the token in the tail
    assert light == full


def test_the_light_check_still_refuses_what_is_plainly_wrong() -> None:
    assert light_check(503, b"{}") == check_answer(CONTRACTED, "reference", 503, b"{}", [])
    assert light_check(200, b"<html></html>").error == "the body is not a JSON object"
    assert light_check(200, b'{"items": []}') is None  # no paging fields: parse in full
