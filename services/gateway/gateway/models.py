"""Gateway tables (users, refresh tokens, machine clients) and their API shapes."""

import re
import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, field_validator
from pydantic import Field as ApiField
from sqlmodel import JSON, Column, Field, SQLModel

from kit.db import utcnow
from kit.outbox import OutboxMessage  # noqa: F401 - the kit outbox table lives in the gateway database too


class Role(StrEnum):
    learner = "learner"
    tutor = "tutor"
    supervisor = "supervisor"
    admin = "admin"


SCOPES: dict[str, str] = {
    "timetable:write": "Publish timetable slots (an external timetable system)",
    "timetable:read": "Read timetable slots",
    "sessions:read": "Read sessions",
    "sessions:freebusy": "Read people's busy intervals (no details)",
    "matching:read": "Read matching data (approvals check)",
    "matching:approvals.suspend": "Suspend a tutor's approval (after an erratum)",
    "feedback:events": "Send session events to feedback",
    "feedback:quality": "Read aggregated tutoring quality scores",
    "users:read": "Look up user display names",
    "accounts:events": "Receive account changes (deactivation, token version, roles) from the gateway",
    "sessions:events": "Send approval events to sessions (e.g. a suspended approval)",
}

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,149}$")
PASSWORD_MIN = 8


def _json_list() -> Any:
    return Field(default_factory=list, sa_column=Column(JSON, nullable=False))


def normalise_username(value: str) -> str:
    """Usernames compare case-insensitively: they are stored lower-case."""
    return value.strip().lower()


def check_username(value: str) -> str:
    value = normalise_username(value)
    if not USERNAME_RE.match(value):
        raise ValueError("2-150 characters: letters, digits, '.', '_' or '-', starting with a letter or digit")
    return value


def check_roles(value: list[Role]) -> list[Role]:
    if not value:
        raise ValueError("at least one role is needed")
    return sorted(set(value), key=list(Role).index)


# --- users ---------------------------------------------------------------------------------------


class UserBase(SQLModel):
    username: str = Field(max_length=150, unique=True, index=True)
    full_name: str = Field(min_length=1, max_length=200)
    email: str | None = Field(default=None, max_length=320)
    roles: list[Role] = _json_list()
    is_active: bool = True


class UserCreate(BaseModel):
    username: str = ApiField(max_length=150)
    full_name: str = ApiField(min_length=1, max_length=200)
    email: str | None = ApiField(default=None, max_length=320, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    roles: list[Role]
    password: str | None = ApiField(default=None, min_length=PASSWORD_MIN, max_length=200, description="Generated (and returned once) when omitted")

    _username = field_validator("username")(check_username)
    _roles = field_validator("roles")(check_roles)

    @field_validator("full_name")
    @classmethod
    def _strip_name(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("must not be blank")
        return value


class UserUpdate(BaseModel):
    full_name: str | None = ApiField(default=None, min_length=1, max_length=200)
    email: str | None = ApiField(default=None, max_length=320, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    roles: list[Role] | None = None
    is_active: bool | None = None

    @field_validator("roles")
    @classmethod
    def _roles(cls, value: list[Role] | None) -> list[Role] | None:
        return None if value is None else check_roles(value)


class User(UserBase, table=True):
    id: str = Field(default_factory=lambda: str(uuid.uuid4()), primary_key=True, max_length=36)
    password_hash: str | None = Field(default=None, max_length=255)
    # Bumped whenever the account's authority changes; access tokens carry it as `ver`, older ones are refused.
    token_version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class UserPublic(BaseModel):
    id: str
    username: str
    full_name: str
    email: str | None
    roles: list[Role]
    is_active: bool
    created_at: datetime

    model_config = {"from_attributes": True}


class UserCreated(UserPublic):
    generated_password: str | None = ApiField(default=None, description="Shown once, only when the password was generated")


class UsersPage(BaseModel):
    items: list[UserPublic]
    total: int
    limit: int
    offset: int


class UserName(BaseModel):
    id: str
    username: str
    full_name: str


class PasswordReset(BaseModel):
    password: str | None = ApiField(default=None, min_length=PASSWORD_MIN, max_length=200, description="Generated when omitted")


class PasswordResetResult(BaseModel):
    user_id: str
    generated_password: str | None = None


# --- refresh tokens ------------------------------------------------------------------------------


class RefreshToken(SQLModel, table=True):
    __tablename__ = "refresh_token"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    family_id: str = Field(max_length=32, index=True)
    user_id: str = Field(foreign_key="user.id", index=True, max_length=36)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    used_at: datetime | None = None
    revoked_at: datetime | None = None


# --- machine clients -----------------------------------------------------------------------------


def check_scopes(value: list[str]) -> list[str]:
    unknown = [s for s in value if s not in SCOPES]
    if unknown:
        raise ValueError(f"unknown scope(s): {', '.join(unknown)}; known: {', '.join(SCOPES)}")
    return sorted(set(value))


class ClientBase(SQLModel):
    name: str = Field(min_length=1, max_length=200)
    scopes: list[str] = _json_list()


class ClientCreate(BaseModel):
    name: str = ApiField(min_length=1, max_length=200)
    scopes: list[str] = ApiField(min_length=1)

    _scopes = field_validator("scopes")(check_scopes)


class Client(ClientBase, table=True):
    id: str = Field(primary_key=True, max_length=100)
    secret_hash: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    secret_rotated_at: datetime = Field(default_factory=utcnow)
    revoked_at: datetime | None = None


class ClientPublic(BaseModel):
    client_id: str
    name: str
    scopes: list[str]
    is_active: bool
    created_at: datetime
    secret_rotated_at: datetime
    revoked_at: datetime | None

    @classmethod
    def of(cls, client: Client) -> "ClientPublic":
        return cls(
            client_id=client.id, name=client.name, scopes=client.scopes, is_active=client.revoked_at is None,
            created_at=client.created_at, secret_rotated_at=client.secret_rotated_at, revoked_at=client.revoked_at,
        )


class ClientWithSecret(ClientPublic):
    client_secret: str = ApiField(description="Shown once; store it now")


class ClientsPage(BaseModel):
    items: list[ClientPublic]
    total: int
    limit: int
    offset: int


class ScopeInfo(BaseModel):
    scope: str
    description: str


# --- tokens --------------------------------------------------------------------------------------


class LoginRequest(BaseModel):
    username: str = ApiField(min_length=1, max_length=150)
    password: str = ApiField(min_length=1, max_length=200)


class RefreshRequest(BaseModel):
    refresh_token: str | None = ApiField(default=None, description="Omit to use the `np_refresh` cookie")


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = ApiField(description="Access token lifetime in seconds")


class ClientToken(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int
    scope: str


# --- CSV import ----------------------------------------------------------------------------------


class RowError(BaseModel):
    field: str
    message: str


class ImportRow(BaseModel):
    row: int = ApiField(description="Line in the file (the header is line 1)")
    username: str | None
    status: Literal["created", "error", "not_imported"]
    errors: list[RowError] = []
    user_id: str | None = None
    generated_password: str | None = ApiField(default=None, description="Shown once")


class ImportReport(BaseModel):
    total_rows: int
    created: int
    invalid: int
    not_imported: int
    rows: list[ImportRow]


# --- sign-in throttling ---------------------------------------------------------------------------


class LoginCounter(SQLModel, table=True):
    """Failed sign-ins under one key (`pair:<user>|<address>`, `account:<user>`, `address:<address>`), or a
    `known:<user>|<address>` marker of a recent success (then `last_at` is that success)."""

    __tablename__ = "login_counter"

    key: str = Field(primary_key=True, max_length=300)
    failures: int = 0
    last_at: datetime = Field(default_factory=utcnow, index=True)
    blocked_until: datetime | None = None


class JwksDocument(BaseModel):
    keys: list[dict[str, Any]]


class RootInfo(BaseModel):
    service: str
    docs: str
    openapi: str
    note: str


# --- audit log -----------------------------------------------------------------------------------


class AuditAction(StrEnum):
    user_created = "user.created"
    user_updated = "user.updated"
    user_deactivated = "user.deactivated"
    user_password_reset = "user.password_reset"
    users_imported = "users.imported"
    client_created = "client.created"
    client_secret_rotated = "client.secret_rotated"
    client_revoked = "client.revoked"


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor_id: str | None = Field(default=None, max_length=100, index=True)  # None: the command line (bootstrap)
    actor_name: str = Field(max_length=200)
    action: str = Field(max_length=40, index=True)
    target_type: str = Field(max_length=20)
    target_id: str | None = Field(default=None, max_length=100, index=True)
    summary: str = Field(max_length=500)
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    request_id: str | None = Field(default=None, max_length=100)


class AuditEventPublic(BaseModel):
    id: int
    at: datetime
    actor_id: str | None
    actor_name: str
    action: AuditAction
    target_type: str
    target_id: str | None
    summary: str
    details: dict[str, Any]
    request_id: str | None


class AuditPage(BaseModel):
    items: list[AuditEventPublic]
    total: int
    limit: int
    offset: int
