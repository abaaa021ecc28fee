"""Liveness and readiness."""

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.engine import Engine

from kit.migrations import current_revision, head_revision


class Health(BaseModel):
    status: str
    service: str
    checks: dict[str, str] = {}


def database_checks(engine: Engine, head: str | None) -> dict[str, str]:
    """Is the database reachable, and at the migration head?"""
    checks: dict[str, str] = {}
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        checks["database"] = "ok"
        current = current_revision(engine)
        checks["migrations"] = "ok" if current == head else f"at {current}, head is {head}"
    except Exception as exc:  # noqa: BLE001 - any failure means not ready
        checks["database"] = f"unreachable: {type(exc).__name__}"
    return checks


def health_router(service: str, migrations: Path) -> APIRouter:
    """/healthz answers while the process lives; /readyz checks the database and its migrations."""
    router = APIRouter(tags=["health"])
    head = head_revision(migrations)

    @router.get("/healthz", response_model=Health, operation_id=f"{service}-health-alive")
    def alive() -> Health:
        return Health(status="ok", service=service)

    @router.get("/readyz", response_model=Health, operation_id=f"{service}-health-ready", responses={503: {"model": Health}})
    def ready(request: Request) -> JSONResponse:
        checks = database_checks(request.app.state.engine, head)
        ok = all(value == "ok" for value in checks.values())
        body = Health(status="ok" if ok else "unavailable", service=service, checks=checks)
        return JSONResponse(body.model_dump(), status_code=200 if ok else 503)

    return router
