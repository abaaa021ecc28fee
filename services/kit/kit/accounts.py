"""Account state pushed by the gateway (deactivation, token version, roles): lets every service refuse revoked tokens.

The gateway delivers each change through its outbox to `POST /api/<service>/accounts/events` (scope
`accounts:events`). A service keeps the highest `token_version` per user, so replays and out-of-order deliveries
change nothing. `kit.auth.get_principal` then refuses a user's token with 401 `account_inactive` (deactivated) or
`token_revoked` (issued before the stored version), reading the state through a per-process cache of at most
`account_state_cache_seconds`.
"""

import threading
import time
from datetime import datetime
from functools import cache
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response, status
from pydantic import AwareDatetime, BaseModel
from pydantic import Field as PydanticField
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlmodel import JSON, Column, Field, Session, SQLModel

from kit.auth import Principal, require
from kit.db import READ_ONLY_OPTION, get_session, utcnow
from kit.errors import Unauthorized
from kit.idempotency import IdempotencyKey

SCOPE = "accounts:events"
MAX_VERSION = 2**31 - 1
CACHE_MAX_ENTRIES = 10_000


class AccountStateRow(SQLModel):
    """Columns of every service's `account_state` table (not a table itself: see `account_state_model`)."""

    user_id: str = Field(primary_key=True, max_length=64)
    active: bool = True
    token_version: int = 0
    roles: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow)


@cache
def account_state_model() -> type[AccountStateRow]:
    """The service's `account_state` table model; memoised, so the service's models and the kit share one class."""

    class AccountState(AccountStateRow, table=True):
        __tablename__ = "account_state"

    return AccountState


class AccountEvent(BaseModel):
    """A change of a user's account, as the gateway publishes it."""

    user_id: str = PydanticField(min_length=1, max_length=64)
    active: bool
    token_version: int = PydanticField(ge=0, le=MAX_VERSION)
    roles: list[Annotated[str, PydanticField(min_length=1, max_length=40)]] = PydanticField(max_length=20)
    occurred_at: AwareDatetime


def apply_account_event(session: Session, *, event: AccountEvent, model: type[AccountStateRow] | None = None) -> None:
    """Store the event unless a state with the same or a higher token version is already stored; commits."""
    table = (model or account_state_model()).__table__  # type: ignore[attr-defined]
    values = {
        "user_id": event.user_id,
        "active": event.active,
        "token_version": event.token_version,
        "roles": list(event.roles),
        "updated_at": utcnow(),
    }
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(table).values(**values)
    # One statement, so concurrent deliveries cannot interleave: the higher version always ends up stored.
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.user_id],
        set_={name: statement.excluded[name] for name in values if name != "user_id"},
        where=table.c.token_version < statement.excluded.token_version,
    )
    session.execute(statement)
    session.commit()


class AccountStates:
    """Per-process cache of account states, each entry kept at most `ttl_seconds`; refuses revoked tokens."""

    def __init__(self, engine: Engine, *, ttl_seconds: float, model: type[AccountStateRow] | None = None) -> None:
        self.engine = engine.execution_options(**{READ_ONLY_OPTION: True})
        self.ttl_seconds = ttl_seconds
        self.table = (model or account_state_model()).__table__  # type: ignore[attr-defined]
        self._entries: dict[str, tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def state(self, user_id: str) -> Any:
        """The stored row for the user (None: nothing ever published), at most `ttl_seconds` old."""
        now = time.monotonic()
        entry = self._entries.get(user_id)
        if entry is not None and now - entry[0] < self.ttl_seconds:
            return entry[1]
        with self.engine.connect() as connection:
            row = connection.execute(select(self.table).where(self.table.c.user_id == user_id)).first()
        with self._lock:
            if len(self._entries) >= CACHE_MAX_ENTRIES:
                self._entries.clear()
            self._entries[user_id] = (now, row)
        return row

    def forget(self, user_id: str) -> None:
        """Drop the cached state (this process applied a change)."""
        with self._lock:
            self._entries.pop(user_id, None)

    def clear(self) -> None:
        """Drop every cached state (tests empty the tables between cases)."""
        with self._lock:
            self._entries.clear()

    def check(self, principal: Principal) -> None:
        """Raise 401 `account_inactive` or `token_revoked` for a user token the stored state no longer allows."""
        if principal.kind != "user":
            return
        row = self.state(principal.sub)
        if row is None:
            return
        if not row.active:
            raise Unauthorized("This account is deactivated", code="account_inactive")
        if principal.token_version < row.token_version:
            raise Unauthorized("This token was revoked; sign in again", code="token_revoked")


def accounts_router(service: str) -> APIRouter:
    """`POST /api/<service>/accounts/events`: the gateway's account changes (scope `accounts:events`)."""
    router = APIRouter(prefix=f"/api/{service}/accounts", tags=["accounts"])
    Publisher = Annotated[Principal, Depends(require(scopes=(SCOPE,)))]
    SessionDep = Annotated[Session, Depends(get_session)]

    # Replays need no stored answer: keeping the highest token version makes every delivery idempotent.
    @router.post("/events", status_code=status.HTTP_204_NO_CONTENT, response_class=Response)
    def receive_account_event(
        event: AccountEvent, request: Request, session: SessionDep, _: Publisher, __: IdempotencyKey
    ) -> Response:
        apply_account_event(session, event=event)
        states: AccountStates | None = getattr(request.app.state, "account_states", None)
        if states is not None:
            states.forget(event.user_id)
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    return router
