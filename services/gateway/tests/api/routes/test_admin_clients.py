import base64

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from gateway.models import Client
from kit.pytest_plugin import Auth
from tests.factories import make_user


@pytest.fixture
def admin(db: Session, auth: Auth) -> dict[str, str]:
    user = make_user(db, username="root", roles=["admin"])
    return auth.user(user.id, roles=["admin"])


def _token(client: TestClient, client_id: str, secret: str) -> object:
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return client.post("/api/auth/token", data={"grant_type": "client_credentials"}, headers={"Authorization": f"Basic {basic}"})


def test_register_use_rotate_revoke(client: TestClient, admin: dict[str, str], db: Session) -> None:
    created = client.post("/api/admin/clients", headers=admin, json={"name": "Faculty timetable", "scopes": ["timetable:write", "timetable:read"]})
    assert created.status_code == 201, created.text
    body = created.json()
    client_id, secret = body["client_id"], body["client_secret"]
    assert body["scopes"] == ["timetable:read", "timetable:write"] and body["is_active"] is True
    stored = db.get(Client, client_id)
    assert stored is not None and secret not in stored.secret_hash and len(stored.secret_hash) == 64
    db.rollback()
    assert _token(client, client_id, secret).status_code == 200
    shown = client.get(f"/api/admin/clients/{client_id}", headers=admin).json()
    assert "client_secret" not in shown

    rotated = client.post(f"/api/admin/clients/{client_id}/rotate-secret", headers=admin)
    assert rotated.status_code == 200
    new_secret = rotated.json()["client_secret"]
    assert new_secret != secret
    assert _token(client, client_id, secret).json()["code"] == "invalid_client"
    assert _token(client, client_id, new_secret).status_code == 200

    revoked = client.post(f"/api/admin/clients/{client_id}/revoke", headers=admin)
    assert revoked.status_code == 200 and revoked.json()["is_active"] is False
    assert _token(client, client_id, new_secret).json()["code"] == "invalid_client"
    again = client.post(f"/api/admin/clients/{client_id}/rotate-secret", headers=admin)
    assert again.status_code == 409 and again.json()["code"] == "client_revoked"


@pytest.mark.parametrize(("body", "field"), [({"name": "x", "scopes": ["root:all"]}, "body.scopes"), ({"name": "x", "scopes": []}, "body.scopes"), ({"name": "", "scopes": ["users:read"]}, "body.name")])
def test_register_rejects_bad_input(client: TestClient, admin: dict[str, str], db: Session, body: dict[str, object], field: str) -> None:
    response = client.post("/api/admin/clients", headers=admin, json=body)
    assert response.status_code == 422 and response.json()["details"][0]["field"] == field
    assert db.exec(select(Client)).all() == []


def test_list_clients_paginated(client: TestClient, admin: dict[str, str]) -> None:
    ids = [client.post("/api/admin/clients", headers=admin, json={"name": f"c{i}", "scopes": ["users:read"]}).json()["client_id"] for i in range(5)]
    page = client.get("/api/admin/clients", headers=admin, params={"limit": 2, "offset": 2}).json()
    assert page["total"] == 5 and [c["client_id"] for c in page["items"]] == ids[2:4]
    assert all("client_secret" not in c for c in page["items"])


def test_scope_catalogue(client: TestClient, admin: dict[str, str]) -> None:
    scopes = {s["scope"] for s in client.get("/api/admin/clients/scopes", headers=admin).json()}
    assert {"timetable:write", "users:read", "matching:approvals.suspend"} <= scopes


def test_unknown_client(client: TestClient, admin: dict[str, str]) -> None:
    response = client.post("/api/admin/clients/nope/revoke", headers=admin)
    assert response.status_code == 404 and response.json()["code"] == "client_not_found"
