"""SLO objectives: parsing (contract, file, --slo) and the verdict on aggregated stats."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from odoo_harness.errors import ConfigError
from odoo_harness.load.contract import SLO_KEYS, parse_slo
from odoo_harness.load.slo import evaluate, load_slo_file, parse_overrides
from odoo_harness.load.stats import RequestStats, read_stats

latency = st.floats(min_value=0, max_value=1e5, allow_nan=False)


@st.composite
def request_stats(draw: st.DrawFn) -> RequestStats:
    requests = draw(st.integers(min_value=1, max_value=10**7))
    p50 = draw(latency)
    p95 = p50 + draw(latency)
    return RequestStats(
        name="Aggregated",
        requests=requests,
        failures=draw(st.integers(min_value=0, max_value=requests)),
        p50_ms=p50,
        p95_ms=p95,
        p99_ms=p95 + draw(latency),
        rps=draw(st.floats(min_value=0, max_value=1e6)),
    )


objectives = st.dictionaries(st.sampled_from(SLO_KEYS), st.floats(0, 1), min_size=1)


@given(request_stats(), objectives)
def test_objectives_at_or_above_every_measure_are_all_met(stats: RequestStats, slo: dict) -> None:
    generous = {k: 1e9 if k.endswith("_ms") else 1.0 for k in slo}
    assert all(v.met for v in evaluate(generous, stats))
    assert [v.objective for v in evaluate(generous, stats)] == [k for k in SLO_KEYS if k in slo]


@given(request_stats(), st.sampled_from(SLO_KEYS))
def test_an_objective_below_the_measure_is_the_one_breached(stats: RequestStats, key: str) -> None:
    measured = {"p50_ms": stats.p50_ms, "p95_ms": stats.p95_ms, "p99_ms": stats.p99_ms,
                "error_rate": stats.failures / stats.requests}[key]  # fmt: skip
    if measured == 0:
        return  # nothing is below zero
    slo = {k: 1e9 if k.endswith("_ms") else 1.0 for k in SLO_KEYS}
    slo[key] = measured / 2
    verdicts = evaluate(slo, stats)
    assert [v.objective for v in verdicts if not v.met] == [key]
    breached = next(v for v in verdicts if not v.met)
    assert key in breached.describe() and "BREACHED" in breached.describe()


@given(request_stats(), objectives, st.floats(min_value=0, max_value=1e6))
def test_loosening_an_objective_never_breaks_it(
    stats: RequestStats, slo: dict, more: float
) -> None:
    before = {v.objective: v.met for v in evaluate(slo, stats)}
    after = {v.objective: v.met for v in evaluate({k: t + more for k, t in slo.items()}, stats)}
    assert all(after[k] for k, met in before.items() if met)


def test_no_request_breaches_every_objective() -> None:
    empty = RequestStats("Aggregated", 0, 0, None, None, None, 0.0)
    verdicts = evaluate({"p95_ms": 1e9, "error_rate": 1.0}, empty)
    assert [v.met for v in verdicts] == [False, False]
    assert "nothing" in verdicts[0].describe()


def test_overrides_parse_and_bad_ones_name_the_item() -> None:
    assert parse_overrides(["p95_ms=0.01", "error_rate=0"]) == {"p95_ms": 0.01, "error_rate": 0.0}
    for bad, words in (
        ("p95_ms", "OBJECTIVE=NUMBER"),
        ("p95_ms=fast", "not a number"),
        ("p42_ms=3", "unknown objective 'p42_ms'"),
        ("p95_ms=-1", ">= 0"),
        ("error_rate=2", "between 0 and 1"),
    ):
        with pytest.raises(ConfigError, match=words):
            parse_overrides([bad])


def test_slo_file_at_top_level_or_under_x_slo(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("p50_ms: 3\nerror_rate: 0.5\n")
    (tmp_path / "b.yaml").write_text("x-slo: {p99_ms: 7}\n")
    (tmp_path / "c.yaml").write_text("x-slo: [1, 2]\n")
    assert load_slo_file(tmp_path / "a.yaml") == {"p50_ms": 3.0, "error_rate": 0.5}
    assert load_slo_file(tmp_path / "b.yaml") == {"p99_ms": 7.0}
    with pytest.raises(ConfigError, match="c.yaml"):
        load_slo_file(tmp_path / "c.yaml")
    with pytest.raises(ConfigError, match="cannot read"):
        load_slo_file(tmp_path / "missing.yaml")


def test_parse_slo_refuses_booleans_and_strings() -> None:
    with pytest.raises(ConfigError, match="p50_ms must be a number"):
        parse_slo({"p50_ms": True}, "here")
    with pytest.raises(ConfigError, match="here: p95_ms"):
        parse_slo({"p95_ms": "5"}, "here")


def test_read_stats_takes_the_percentile_columns(tmp_path: Path) -> None:
    # The header of Locust 2.x's <prefix>_stats.csv, two rows typed by hand.
    path = tmp_path / "x_stats.csv"
    path.write_text(
        "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,"
        "Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,"
        "50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%\n"
        "GET,1 sku,200,4,3,3.5,1,40,900,66.7,1.3,3,4,4,5,6,9,12,15,30,40,40\n"
        ",Aggregated,0,0,0,0,0,0,0,0,0,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A\n"
    )
    rows = read_stats(path)
    one = rows["1 sku"]
    assert (one.requests, one.failures, one.p50_ms, one.p95_ms, one.p99_ms) == (200, 4, 3, 9, 15)
    assert one.error_rate == 0.02 and one.rps == 66.7
    assert rows["Aggregated"].p95_ms is None and rows["Aggregated"].error_rate is None


def test_latency_of_a_run_where_every_request_failed_is_not_measured(tmp_path: Path) -> None:
    path = tmp_path / "stats.csv"
    path.write_text(
        "Type,Name,Request Count,Failure Count,50%,95%,99%\n"
        ",Aggregated,9760,9760,0,1,1\n",  # refused connections answer in no time
        encoding="utf-8",
    )
    stats = read_stats(path)["Aggregated"]
    assert (stats.p50_ms, stats.p95_ms, stats.p99_ms) == (None, None, None)
    verdicts = {v.objective: v for v in evaluate({"p50_ms": 25.0, "error_rate": 0.01}, stats)}
    assert not verdicts["p50_ms"].met and not verdicts["error_rate"].met
    assert "nothing (no request succeeded)" in verdicts["p50_ms"].describe()
