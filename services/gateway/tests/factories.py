"""Builders for test data, straight into the database."""

import uuid
from typing import Any

from sqlmodel import Session

from gateway.core.security import Passwords, digest
from gateway.models import Client, Role, User

PASSWORDS = Passwords(time_cost=1, memory_kib=1024, parallelism=1)
DEFAULT_PASSWORD = "correct horse battery"


def make_user(db: Session, *, username: str | None = None, roles: list[str] | None = None, password: str = DEFAULT_PASSWORD,
              is_active: bool = True, full_name: str | None = None, **extra: Any) -> User:
    username = username or f"user{uuid.uuid4().hex[:8]}"
    user = User(
        username=username, full_name=full_name or username.title(), roles=[Role(r).value for r in (roles or ["learner"])],
        password_hash=PASSWORDS.hash(password), is_active=is_active, **extra,
    )
    db.add(user)
    db.commit()
    return user


def make_client(db: Session, *, client_id: str | None = None, scopes: list[str] | None = None, secret: str = "s" * 43,
                revoked: bool = False) -> Client:
    from kit.db import utcnow

    client = Client(
        id=client_id or f"client-{uuid.uuid4().hex[:8]}", name="Test client", scopes=scopes or ["timetable:read"],
        secret_hash=digest(secret), revoked_at=utcnow() if revoked else None,
    )
    db.add(client)
    db.commit()
    return client
