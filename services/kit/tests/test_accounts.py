from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from kit.accounts import AccountEvent, AccountStates, account_state_model, apply_account_event
from kit.db import utcnow
from kit.pytest_plugin import Auth

EVENTS = "/api/sample/accounts/events"
THINGS = "/api/sample/things"
AccountState = account_state_model()


def _event(user_id: str, *, version: int, active: bool = True, roles: list[str] | None = None) -> dict[str, Any]:
    return {"user_id": user_id, "active": active, "token_version": version, "roles": roles or ["learner"], "occurred_at": utcnow().isoformat()}


def _publisher(auth: Auth, key: str) -> dict[str, str]:
    return auth.client("svc-gateway", scopes=["accounts:events"]) | {"Idempotency-Key": key}


def _create_thing(client: TestClient, headers: dict[str, str]) -> Any:
    return client.post(THINGS, json={"name": "lamp", "size": 1}, headers=headers)


def test_events_keep_the_highest_token_version(client: TestClient, auth: Auth, db: Session) -> None:
    assert client.post(EVENTS, json=_event("u-1", version=2, active=False), headers=_publisher(auth, "m-2")).status_code == 204
    late = client.post(EVENTS, json=_event("u-1", version=1, roles=["admin"]), headers=_publisher(auth, "m-1"))
    replay = client.post(EVENTS, json=_event("u-1", version=2, active=False), headers=_publisher(auth, "m-2"))
    assert late.status_code == replay.status_code == 204
    state = db.exec(select(AccountState)).one()
    assert (state.user_id, state.active, state.token_version, state.roles) == ("u-1", False, 2, ["learner"])
    db.rollback()
    assert client.post(EVENTS, json=_event("u-1", version=3, roles=["tutor"]), headers=_publisher(auth, "m-3")).status_code == 204
    state = db.exec(select(AccountState)).one()
    assert (state.active, state.token_version, state.roles) == (True, 3, ["tutor"])
    db.rollback()


def test_events_need_the_scope_a_key_and_a_valid_body(client: TestClient, auth: Auth, db: Session) -> None:
    body = _event("u-1", version=1, active=False)
    as_admin = client.post(EVENTS, json=body, headers=auth.user(roles=["admin"]) | {"Idempotency-Key": "k"})
    other_scope = client.post(EVENTS, json=body, headers=auth.client("svc-x", scopes=["sessions:events"]) | {"Idempotency-Key": "k"})
    assert as_admin.status_code == other_scope.status_code == 403
    no_key = client.post(EVENTS, json=body, headers=auth.client("svc-gateway", scopes=["accounts:events"]))
    assert (no_key.status_code, no_key.json()["code"]) == (400, "idempotency_key_required")
    naive = client.post(EVENTS, json=body | {"occurred_at": "2026-12-01T10:00:00"}, headers=_publisher(auth, "k"))
    negative = client.post(EVENTS, json=body | {"token_version": -1}, headers=_publisher(auth, "k"))
    assert naive.status_code == negative.status_code == 422
    assert db.exec(select(AccountState)).all() == []
    db.rollback()


def test_deactivated_account_and_old_tokens_are_refused(client: TestClient, auth: Auth) -> None:
    before = auth.user("u-1")
    assert _create_thing(client, before).status_code == 201
    client.post(EVENTS, json=_event("u-1", version=1, active=False), headers=_publisher(auth, "m-1"))
    inactive = _create_thing(client, auth.user("u-1", ver=1))
    assert (inactive.status_code, inactive.json()["code"]) == (401, "account_inactive")
    client.post(EVENTS, json=_event("u-1", version=2), headers=_publisher(auth, "m-2"))
    revoked = _create_thing(client, before)  # issued before the changes: no `ver` claim means version 0
    assert (revoked.status_code, revoked.json()["code"]) == (401, "token_revoked")
    assert _create_thing(client, auth.user("u-1", ver=1)).json()["code"] == "token_revoked"
    assert _create_thing(client, auth.user("u-1", ver=2)).status_code == 201
    assert _create_thing(client, auth.user("u-2")).status_code == 201  # nothing published about u-2
    clients_unaffected = client.get("/api/sample/things/scoped", headers=auth.client("u-1", scopes=["things:read"]))
    assert clients_unaffected.status_code == 200


def test_a_malformed_version_claim_is_an_invalid_token(client: TestClient, auth: Auth) -> None:
    for bad in ("1", -1, 1.5, True):
        response = _create_thing(client, auth.user("u-1", ver=bad))
        assert (response.status_code, response.json()["code"]) == (401, "invalid_token"), bad


def test_state_is_cached_per_process_for_the_configured_window(app: FastAPI, engine: Engine, db: Session) -> None:
    assert app.state.account_states.ttl_seconds == app.state.settings.account_state_cache_seconds == 5
    cached = AccountStates(engine, ttl_seconds=3600)
    fresh = AccountStates(engine, ttl_seconds=0)
    assert cached.state("u-1") is None
    apply_account_event(db, event=AccountEvent.model_validate(_event("u-1", version=4, active=False)))
    assert cached.state("u-1") is None  # within its window the process still answers from its copy
    assert fresh.state("u-1").token_version == 4
    cached.forget("u-1")
    assert cached.state("u-1").active is False


def test_the_route_is_published_with_its_scope(client: TestClient) -> None:
    operation = client.get("/api/sample/openapi.json").json()["paths"][EVENTS]["post"]
    assert operation["operationId"] == "sample-accounts-receive_account_event"
    assert operation["x-required-scopes"] == ["accounts:events"]
