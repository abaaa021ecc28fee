"""A minimal service built with the kit, to test the kit the way services use it."""

import uuid
from pathlib import Path

from fastapi import APIRouter, Depends, FastAPI, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlmodel import Session

from kit.app import create_service_app
from kit.auth import AdminUser, SignedInUser, require
from kit.config import ServiceSettings
from kit.db import get_session
from kit.errors import Conflict
from kit.idempotency import IdempotencyKey, OptionalIdempotencyKey, idempotency_model, request_hash, run_idempotent
from kit.notifications import notification_model, notifications_router
from kit.outbox import enqueue
from kit.outbox_admin import outbox_admin_router

MIGRATIONS = Path(__file__).parent / "migrations"
router = APIRouter(prefix="/api/sample/things", tags=["things"])
Notification = notification_model(kind_length=50, title_length=200)
IdempotencyRecord = idempotency_model()


class ThingCreate(BaseModel):
    name: str = Field(min_length=2)
    size: int = Field(ge=1)


class ThingPublic(BaseModel):
    name: str
    size: int


@router.post("", response_model=ThingPublic, status_code=status.HTTP_201_CREATED)
def create_thing(data: ThingCreate, user: SignedInUser) -> ThingPublic:
    if data.name == "taken":
        raise Conflict("That name is taken", code="name_taken", field="body.name")
    return ThingPublic(name=data.name, size=data.size)


@router.get("/admin", response_model=ThingPublic)
def admin_thing(_: AdminUser) -> ThingPublic:
    return ThingPublic(name="secret", size=1)


@router.get("/scoped", response_model=ThingPublic)
def scoped_thing(_: object = Depends(require(roles=("supervisor",), scopes=("things:read",)))) -> ThingPublic:
    return ThingPublic(name="scoped", size=2)


@router.post("/events", response_model=ThingPublic, status_code=status.HTTP_202_ACCEPTED)
def queue_event(data: ThingCreate, user: SignedInUser, session: Session = Depends(get_session)) -> ThingPublic:
    enqueue(session, topic="thing.created", key=f"thing-{data.name}", payload=data.model_dump())
    session.commit()
    return ThingPublic(name=data.name, size=data.size)


def _order(data: ThingCreate, user_sub: str, key: str | None, session: Session) -> JSONResponse:
    def action() -> tuple[int, object]:
        enqueue(session, topic="thing.ordered", key=f"order-{uuid.uuid4().hex}", payload=data.model_dump())
        if data.name == "fail":
            raise Conflict("Refused after writing", code="order_refused", field="body.name")
        return 201, ThingPublic(name=data.name, size=data.size)

    code, body = run_idempotent(session, caller=user_sub, key=key, fingerprint=request_hash("order", data), action=action)
    return JSONResponse(body, status_code=code)


@router.post("/orders", response_model=ThingPublic, status_code=status.HTTP_201_CREATED)
def order_thing(data: ThingCreate, user: SignedInUser, key: IdempotencyKey, session: Session = Depends(get_session)) -> JSONResponse:
    return _order(data, user.sub, key, session)


@router.post("/orders-optional-key", response_model=ThingPublic, status_code=status.HTTP_201_CREATED)
def order_thing_optional_key(
    data: ThingCreate, user: SignedInUser, key: OptionalIdempotencyKey, session: Session = Depends(get_session)
) -> JSONResponse:
    return _order(data, user.sub, key, session)


def create_app(settings: ServiceSettings) -> FastAPI:
    return create_service_app(settings, title="sample", description="kit test app", migrations=MIGRATIONS, routers=[router, outbox_admin_router("sample"), notifications_router("sample", model=Notification)], run_workers=False)
