"""A stand-in stock endpoint (the fixed interface of docs/stock-endpoint.md, computed from
a tiny in-memory table) and its contract: a test double for the load tooling."""

from __future__ import annotations

import json
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

CONTRACT = Path(__file__).with_name("standin.openapi.yaml")


def standin_app(api_key: str, variants: int = 200, warehouses: int = 4) -> Starlette:
    codes = ["WH"] + [f"WH{n}" for n in range(2, warehouses + 1)]
    skus = [f"SKU-{n:06d}" for n in range(1, variants + 1)]

    def item(sku: str, wanted: list[str]) -> dict[str, object]:
        rows = [{"warehouse": c, "free": 1.0, "on_hand": 2.0, "incoming": 0.0} for c in wanted]
        return {"sku": sku, "warehouses": rows, "total": {"free": 1.0 * len(rows)}}

    async def availability(request: Request) -> Response:
        if request.headers.get("x-api-key") != api_key:
            return JSONResponse({"error": {"code": "unauthorized", "message": "key"}}, 401)
        asked = [s for s in request.query_params.get("sku", "").split(",") if s]
        wanted = [w for w in request.query_params.get("warehouse", "").split(",") if w] or codes
        limit = int(request.query_params.get("limit", "100"))
        start = int(request.query_params.get("page_token") or 0)
        chosen = [s for s in asked if s in skus] if asked else skus[start : start + limit]
        following = start + limit if not asked and start + limit < len(skus) else None
        body = {
            "as_of": "2026-01-01T00:00:00Z",
            "watermark": "w1",
            "items": [item(s, wanted) for s in chosen],
            "next_page_token": str(following) if following else None,
        }
        return JSONResponse(body)

    async def trivial(request: Request) -> Response:
        return Response(json.dumps({"items": ["x" * 60] * 50}), media_type="application/json")

    return Starlette(
        routes=[
            Route("/v1/stock/availability", availability),
            Route("/v1/stock/availability-naive", availability),
            Route("/v1/trivial", trivial),
        ]
    )
