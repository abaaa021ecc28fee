"""A second small kit app for the request-level mechanisms (inputs, body limits, unexpected errors, error docs)."""

from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Body, FastAPI, Form, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel

from kit.app import create_service_app
from kit.auth import SignedInUser
from kit.config import ServiceSettings
from kit.limits import BULK_BODY

MIGRATIONS = Path(__file__).parent / "sample" / "migrations"
router = APIRouter(prefix="/api/probe", tags=["probe"])


class Slot(BaseModel):
    title: str
    seats: int
    starts_at: datetime
    tags: list[str] = []


@router.get("/items/{item_id}", response_model=dict[str, Any])
def get_item(item_id: int, code: str = "", limit: int = 10, when: datetime | None = None) -> dict[str, Any]:
    return {"item_id": item_id, "code": code, "limit": limit}


@router.get("/codes/{code}", response_model=dict[str, str])
def get_code(code: str) -> dict[str, str]:
    return {"code": code}


@router.post("/slots", response_model=dict[str, Any])
def post_slot(slot: Slot) -> dict[str, Any]:
    return {"seats": slot.seats}


@router.put("/bulk", response_model=dict[str, int], openapi_extra=BULK_BODY)
def put_bulk(body: Annotated[dict[str, Any], Body()]) -> dict[str, int]:
    return {"keys": len(body)}


@router.post("/raw", response_model=dict[str, int])
async def post_raw(request: Request) -> dict[str, int]:
    return {"size": len(await request.body())}


@router.post("/form", response_model=dict[str, str])
def post_form(name: Annotated[str, Form()]) -> dict[str, str]:
    return {"name": name}


@router.get("/boom", response_model=dict[str, str])
def boom() -> dict[str, str]:
    raise RuntimeError("unexpected")


@router.get("/page", response_class=HTMLResponse, response_model=None)
def page(_: SignedInUser) -> HTMLResponse:
    return HTMLResponse("<p>hello</p>")


def create_probe(jwks: str, **overrides: Any) -> FastAPI:
    settings = ServiceSettings(
        environment="test", service_name="probe", database_url="sqlite://", auth_jwks_json=jwks, **overrides
    )
    return create_service_app(
        settings, title="probe", description="kit probe", migrations=MIGRATIONS, routers=[router], run_workers=False
    )
