"""Revoked authority: deactivation, demotion, reactivation and password reset end the tokens already issued."""

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from jose import jwt
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gateway.accounts import account_event_handlers
from gateway.main import create_app
from gateway.models import Client, User
from kit.db import utcnow
from kit.outbox import OutboxMessage, OutboxRelay
from tests.conftest import make_settings
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.upstream import free_port, serve

NEW_ADMIN = {"username": "backdoor", "full_name": "Back Door", "roles": ["admin"], "password": "a long password"}
NEW_CLIENT = {"name": "Backdoor", "scopes": ["users:read"]}


def _sign_in(client: TestClient, username: str) -> dict[str, str]:
    response = client.post("/api/auth/login", json={"username": username, "password": DEFAULT_PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _cannot_create_an_admin_or_a_client(client: TestClient, db: Session, headers: dict[str, str], code: str) -> None:
    for path, body in (("/api/admin/users", NEW_ADMIN), ("/api/admin/clients", NEW_CLIENT)):
        response = client.post(path, json=body, headers=headers)
        assert response.status_code == 401, response.text
        assert response.json()["code"] == code
    db.rollback()
    assert db.exec(select(User).where(User.username == "backdoor")).first() is None
    assert db.exec(select(Client)).first() is None
    db.rollback()  # end the read: on SQLite it holds the write lock the app needs next


@pytest.fixture
def admins(client: TestClient, db: Session) -> tuple[User, dict[str, str], dict[str, str]]:
    """(the rogue admin, the rogue's token headers, another admin's token headers), both signed in for real."""
    rogue = make_user(db, username="rogue", roles=["admin"])
    make_user(db, username="boss", roles=["admin"])
    rogue_headers = _sign_in(client, "rogue")
    assert client.get("/api/admin/users", headers=rogue_headers).status_code == 200  # its state is cached now
    return rogue, rogue_headers, _sign_in(client, "boss")


def test_a_deactivated_admins_token_cannot_create_an_admin_or_a_client(
    client: TestClient, db: Session, admins: tuple[User, dict[str, str], dict[str, str]]
) -> None:
    rogue, rogue_headers, boss = admins
    assert client.post(f"/api/admin/users/{rogue.id}/deactivate", headers=boss).status_code == 200
    _cannot_create_an_admin_or_a_client(client, db, rogue_headers, "account_inactive")
    assert client.get("/api/auth/me", headers=rogue_headers).json()["code"] == "account_inactive"


def test_a_demoted_admins_token_cannot_either_and_a_new_sign_in_carries_the_new_roles(
    client: TestClient, db: Session, admins: tuple[User, dict[str, str], dict[str, str]]
) -> None:
    rogue, rogue_headers, boss = admins
    assert client.patch(f"/api/admin/users/{rogue.id}", json={"roles": ["learner"]}, headers=boss).status_code == 200
    _cannot_create_an_admin_or_a_client(client, db, rogue_headers, "token_revoked")
    fresh = _sign_in(client, "rogue")
    assert client.get("/api/auth/me", headers=fresh).status_code == 200
    assert client.post("/api/admin/users", json=NEW_ADMIN, headers=fresh).status_code == 403


def test_after_reactivation_old_tokens_stay_revoked_and_a_new_sign_in_works(
    client: TestClient, db: Session, admins: tuple[User, dict[str, str], dict[str, str]]
) -> None:
    rogue, rogue_headers, boss = admins
    assert client.post(f"/api/admin/users/{rogue.id}/deactivate", headers=boss).status_code == 200
    assert client.patch(f"/api/admin/users/{rogue.id}", json={"is_active": True}, headers=boss).status_code == 200
    _cannot_create_an_admin_or_a_client(client, db, rogue_headers, "token_revoked")
    fresh = _sign_in(client, "rogue")
    assert jwt.get_unverified_claims(fresh["Authorization"][7:])["ver"] == 2
    assert client.post("/api/admin/users", json=NEW_ADMIN, headers=fresh).status_code == 201


def test_a_password_reset_revokes_access_tokens(client: TestClient, db: Session, admins: tuple[User, dict[str, str], dict[str, str]]) -> None:
    rogue, rogue_headers, boss = admins
    reset = client.post(f"/api/admin/users/{rogue.id}/reset-password", headers=boss, json={"password": DEFAULT_PASSWORD})
    assert reset.status_code == 200
    _cannot_create_an_admin_or_a_client(client, db, rogue_headers, "token_revoked")
    assert client.get("/api/auth/me", headers=_sign_in(client, "rogue")).status_code == 200


def test_changes_that_keep_authority_keep_tokens(client: TestClient, db: Session, admins: tuple[User, dict[str, str], dict[str, str]]) -> None:
    rogue, rogue_headers, boss = admins
    assert client.patch(f"/api/admin/users/{rogue.id}", json={"full_name": "Renamed", "roles": ["admin"]}, headers=boss).status_code == 200
    assert client.get("/api/admin/users", headers=rogue_headers).status_code == 200
    db.rollback()
    assert db.get(User, rogue.id).token_version == 0  # type: ignore[union-attr]
    assert db.exec(select(OutboxMessage)).first() is None


def test_another_gateway_instance_refuses_within_its_cache_window(
    client: TestClient, db: Session, admins: tuple[User, dict[str, str], dict[str, str]], database_url: str, key_file: Path
) -> None:
    rogue, rogue_headers, boss = admins
    replica = create_app(make_settings(database_url, key_file, account_cache_seconds=0), run_workers=False)
    with TestClient(replica) as other:
        assert other.get("/api/admin/users", headers=rogue_headers).status_code == 200
        assert client.post(f"/api/admin/users/{rogue.id}/deactivate", headers=boss).status_code == 200
        assert other.get("/api/admin/users", headers=rogue_headers).json()["code"] == "account_inactive"
    replica.state.engine.dispose()


def test_each_change_is_published_to_every_service(client: TestClient, db: Session, admins: tuple[User, dict[str, str], dict[str, str]]) -> None:
    rogue, _, boss = admins
    assert client.post(f"/api/admin/users/{rogue.id}/deactivate", headers=boss).status_code == 200
    messages = db.exec(select(OutboxMessage).order_by(col(OutboxMessage.topic))).all()
    assert [m.topic for m in messages] == ["accounts.feedback", "accounts.matching", "accounts.sessions"]
    assert len({m.key for m in messages}) == 3
    body = json.loads(messages[0].payload)
    assert body.keys() == {"user_id", "active", "token_version", "roles", "occurred_at"}
    assert (body["user_id"], body["active"], body["token_version"], body["roles"]) == (rogue.id, False, 1, ["admin"])
    assert datetime.fromisoformat(body["occurred_at"]).tzinfo is not None


class Receiver:
    """A fake service taking account events: records what arrives."""

    def __init__(self) -> None:
        self.received: list[tuple[str, dict[str, str], dict[str, Any]]] = []

    async def take(self, request: Request) -> Response:
        self.received.append((request.url.path, dict(request.headers), await request.json()))
        return Response(status_code=204)

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/api/{service}/accounts/events", self.take, methods=["POST"])])


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, str]]:
    fake = Receiver()
    with serve(fake.app()) as url:
        yield fake, url


def test_the_relay_delivers_with_the_gateways_own_token_and_retries_a_service_that_was_down(
    client: TestClient, app: FastAPI, engine: Engine, receiver: tuple[Receiver, str], database_url: str, key_file: Path,
    admins: tuple[User, dict[str, str], dict[str, str]],
) -> None:
    fake, url = receiver
    rogue, _, boss = admins
    assert client.post(f"/api/admin/users/{rogue.id}/deactivate", headers=boss).status_code == 200
    down = f"http://127.0.0.1:{free_port()}"
    settings = make_settings(database_url, key_file, matching_url=url, sessions_url=url, feedback_url=down, http_retries=1)
    relay = OutboxRelay(engine, account_event_handlers(app.state.keys, settings))
    assert relay.drain() == 2 and relay.pending() == 1  # feedback is down: kept for a later attempt
    paths = sorted(path for path, _, _ in fake.received)
    assert paths == ["/api/matching/accounts/events", "/api/sessions/accounts/events"]
    _, headers, body = fake.received[0]
    principal = app.state.token_verifier.verify(headers["authorization"].removeprefix("Bearer "))
    assert (principal.kind, principal.sub, principal.scopes) == ("client", "svc-gateway", ["accounts:events"])
    with Session(engine) as session:
        keys = set(session.exec(select(OutboxMessage.key)).all())
    assert headers["idempotency-key"] in keys
    assert body["user_id"] == rogue.id and body["active"] is False and body["token_version"] == 1

    with Session(engine) as session:  # feedback is back; its message is due again
        session.exec(update(OutboxMessage).values(next_attempt_at=utcnow()))  # type: ignore[call-overload]
        session.commit()
    back = make_settings(database_url, key_file, matching_url=url, sessions_url=url, feedback_url=url)
    assert OutboxRelay(engine, account_event_handlers(app.state.keys, back)).drain() == 1
    assert fake.received[-1][0] == "/api/feedback/accounts/events"
