"""Load testing with Locust (docs/load-testing.md).

Only ``locustfile.py`` imports locust (gevent monkey-patches the process that imports it);
it runs in Locust's own processes. Everything exported here is plain Python.
"""

from .contract import DEFAULT_CONTRACT, StockContract, load_contract
from .run import LoadResult, LoadSettings, parse_duration, run_load, serve_endpoint
from .slo import Verdict, evaluate, parse_overrides
from .stats import RequestStats, read_history, read_stats
from .workload import Catalogue, QueryMix, check_answer

__all__ = [
    "DEFAULT_CONTRACT",
    "Catalogue",
    "LoadResult",
    "LoadSettings",
    "QueryMix",
    "RequestStats",
    "StockContract",
    "Verdict",
    "check_answer",
    "evaluate",
    "load_contract",
    "parse_duration",
    "parse_overrides",
    "read_history",
    "read_stats",
    "run_load",
    "serve_endpoint",
]
