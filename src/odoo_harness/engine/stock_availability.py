"""Stock availability per SKU and warehouse, served from a snapshot (issue 7).

The public names of the snapshot (``stock_snapshot``) and of the endpoint
(``stock_endpoint``), in one place; ``docs/stock-endpoint.md`` tells the story.
"""

from __future__ import annotations

from .stock_endpoint import (
    MAX_LIMIT,
    MAX_SKUS,
    StockEndpoint,
    StockEndpointServer,
    build_stock_app,
)
from .stock_snapshot import RefreshReport, SnapshotState, StockItem, StockSnapshot, Warehouse

__all__ = [
    "MAX_LIMIT",
    "MAX_SKUS",
    "RefreshReport",
    "SnapshotState",
    "StockEndpoint",
    "StockEndpointServer",
    "StockItem",
    "StockSnapshot",
    "Warehouse",
    "build_stock_app",
]
