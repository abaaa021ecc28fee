"""Health, the combined OpenAPI document and its interactive docs (not part of the schema themselves)."""

import asyncio
import base64
import hashlib
import re
from typing import Any

import httpx
from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.concurrency import run_in_threadpool

from gateway.core.config import MIGRATIONS
from gateway.openapi import SpecCache, merge_specs
from kit.health import Health, database_checks
from kit.migrations import head_revision

router = APIRouter(tags=["health"])
HEAD = head_revision(MIGRATIONS)


@router.get("/healthz", response_model=Health, operation_id="gateway-health-alive")
def alive() -> Health:
    return Health(status="ok", service="gateway")


def _database_checks(request: Request) -> dict[str, str]:
    checks: dict[str, str] = database_checks(request.app.state.engine, HEAD)
    return checks


async def _upstream_check(client: httpx.AsyncClient, name: str, base: str) -> tuple[str, str]:
    try:
        response = await client.get(f"{base.rstrip('/')}/readyz")
        return name, "ok" if response.status_code == 200 else f"not ready ({response.status_code})"
    except httpx.HTTPError as exc:
        return name, f"unreachable: {type(exc).__name__}"


@router.get("/readyz", response_model=Health, operation_id="gateway-health-ready", responses={503: {"model": Health}})
async def ready(request: Request) -> JSONResponse:
    """Ready when the gateway's own database is; upstream states are reported (`upstream.<svc>`) but do not count."""
    checks = await run_in_threadpool(_database_checks, request)
    own_ok = all(value == "ok" for value in checks.values())
    async with httpx.AsyncClient(timeout=1.0) as client:
        results = await asyncio.gather(*(_upstream_check(client, n, b) for n, b in request.app.state.settings.upstreams.items()))
    checks.update({f"upstream.{name}": state for name, state in results})
    body = Health(status="ok" if own_ok else "unavailable", service="gateway", checks=checks)
    return JSONResponse(body.model_dump(), status_code=200 if own_ok else 503)


@router.get("/api/openapi.json", include_in_schema=False)
async def combined_openapi(request: Request) -> JSONResponse:
    """The gateway's own paths plus each reachable service's; `info.x-missing-services` names the others."""
    cache: SpecCache = request.app.state.spec_cache
    specs = await cache.fetch_all()
    combined: dict[str, Any] = merge_specs(request.app.openapi(), specs, order=tuple(cache.upstreams))
    return JSONResponse(combined, headers={"Cache-Control": "no-cache"})


CDN = "https://cdn.jsdelivr.net"


def _docs_page() -> tuple[str, str]:
    """Swagger UI and a policy of its own: its bundle from the CDN, its one inline script pinned by hash."""
    html = bytes(get_swagger_ui_html(openapi_url="/api/openapi.json", title="NearPeer API").body).decode()
    inline = re.findall(r"<script>(.*?)</script>", html, flags=re.S)
    hashes = " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'" for s in inline)
    policy = (
        f"default-src 'none'; script-src {CDN} {hashes}; style-src {CDN} 'unsafe-inline'; img-src 'self' data: https://fastapi.tiangolo.com; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    )
    return html, policy


DOCS_HTML, DOCS_POLICY = _docs_page()


@router.get("/api/docs", include_in_schema=False)
def docs() -> HTMLResponse:
    return HTMLResponse(DOCS_HTML, headers={"Content-Security-Policy": DOCS_POLICY})
