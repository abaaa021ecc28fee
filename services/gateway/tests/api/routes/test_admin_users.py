import uuid

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from gateway.models import RefreshToken, User
from kit.pytest_plugin import Auth
from tests.factories import DEFAULT_PASSWORD, make_user


@pytest.fixture
def admin(db: Session, auth: Auth) -> dict[str, str]:
    user = make_user(db, username="root", roles=["admin"])
    return auth.user(user.id, roles=["admin"])


def _admin_routes(app: FastAPI) -> list[tuple[str, str]]:
    # Every admin operation the app publishes (FastAPI >= 0.16x keeps included routers lazily; the schema is the stable list).
    routes = [(method.upper(), path) for path, item in app.openapi()["paths"].items() if path.startswith("/api/admin/") for method in item]
    assert len(routes) >= 12
    return routes


CALLERS = {
    "anonymous": lambda auth: {},
    "learner": lambda auth: auth.user(roles=["learner"]),
    "tutor": lambda auth: auth.user(roles=["tutor", "learner"]),
    "supervisor": lambda auth: auth.user(roles=["supervisor"]),
    "client with every scope": lambda auth: auth.client(scopes=["users:read", "timetable:write", "timetable:read", "sessions:read"]),
}


@pytest.mark.parametrize("caller", list(CALLERS))
def test_every_admin_route_is_admin_only(client: TestClient, app: FastAPI, auth: Auth, db: Session, caller: str) -> None:
    target = make_user(db, username="target")
    for method, path in _admin_routes(app):
        url = path.replace("{user_id}", target.id).replace("{client_id}", "nope")
        response = client.request(method, url, headers=CALLERS[caller](auth), json={})
        expected = (401, "not_authenticated") if caller == "anonymous" else (403, "forbidden")
        assert (response.status_code, response.json()["code"]) == expected, f"{caller} {method} {url}: {response.text}"
    db.expire_all()
    assert db.get(User, target.id).is_active  # type: ignore[union-attr]


def test_admin_gets_into_every_admin_route(client: TestClient, app: FastAPI, admin: dict[str, str], db: Session) -> None:
    target = make_user(db, username="target")
    for method, path in _admin_routes(app):
        url = path.replace("{user_id}", target.id).replace("{client_id}", "nope")
        response = client.request(method, url, headers=admin, json={})
        assert response.status_code not in (401, 403), f"{method} {url}: {response.text}"


def test_create_user_with_generated_password(client: TestClient, admin: dict[str, str]) -> None:
    response = client.post("/api/admin/users", headers=admin, json={"username": "New.User", "full_name": " Nora Benali ", "roles": ["learner", "tutor", "learner"]})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["username"] == "new.user" and body["full_name"] == "Nora Benali" and body["roles"] == ["learner", "tutor"]
    assert body["generated_password"] and len(body["generated_password"]) >= 12
    login = client.post("/api/auth/login", json={"username": "NEW.USER", "password": body["generated_password"]})
    assert login.status_code == 200
    shown = client.get(f"/api/admin/users/{body['id']}", headers=admin).json()
    assert "generated_password" not in shown and "password_hash" not in shown


def test_create_user_with_password_and_conflict(client: TestClient, admin: dict[str, str], db: Session) -> None:
    body = {"username": "ines", "full_name": "Inès", "roles": ["tutor"], "password": "a good password"}
    created = client.post("/api/admin/users", headers=admin, json=body)
    assert created.status_code == 201 and created.json()["generated_password"] is None
    again = client.post("/api/admin/users", headers=admin, json={**body, "username": "INES"})
    assert again.status_code == 409 and again.json()["code"] == "username_taken"
    assert again.json()["details"][0]["field"] == "body.username"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"username": "x", "full_name": "X", "roles": ["learner"]}, "body.username"),
        ({"username": "has space", "full_name": "X", "roles": ["learner"]}, "body.username"),
        ({"username": "okname", "full_name": "X", "roles": []}, "body.roles"),
        ({"username": "okname", "full_name": "X", "roles": ["dean"]}, "body.roles.0"),
        ({"username": "okname", "full_name": "X", "roles": ["learner"], "password": "short"}, "body.password"),
        ({"username": "okname", "full_name": "X", "roles": ["learner"], "email": "not-an-email"}, "body.email"),
    ],
)
def test_create_user_rejects_bad_input(client: TestClient, admin: dict[str, str], db: Session, body: dict[str, object], field: str) -> None:
    response = client.post("/api/admin/users", headers=admin, json=body)
    assert response.status_code == 422 and response.json()["code"] == "validation_error"
    assert response.json()["details"][0]["field"] == field
    assert len(db.exec(select(User)).all()) == 1  # only the admin


def test_list_filters_and_pagination(client: TestClient, admin: dict[str, str], db: Session) -> None:
    for i in range(7):
        make_user(db, username=f"learner{i}", roles=["learner"], full_name=f"Learner Number {i}")
    make_user(db, username="tutor1", roles=["tutor", "learner"], full_name="Camille Tutor")
    make_user(db, username="sup", roles=["supervisor"], full_name="Marc Supervisor", is_active=False)
    page = client.get("/api/admin/users", headers=admin, params={"role": "learner", "limit": 3, "offset": 3}).json()
    assert page["total"] == 8 and page["limit"] == 3 and page["offset"] == 3
    assert [u["username"] for u in page["items"]] == ["learner3", "learner4", "learner5"]
    tutors = client.get("/api/admin/users", headers=admin, params={"role": "tutor"}).json()
    assert [u["username"] for u in tutors["items"]] == ["tutor1"]
    search = client.get("/api/admin/users", headers=admin, params={"q": "camille"}).json()
    assert [u["username"] for u in search["items"]] == ["tutor1"]
    by_username = client.get("/api/admin/users", headers=admin, params={"q": "LEARNER1"}).json()
    assert [u["username"] for u in by_username["items"]] == ["learner1"]
    wildcard = client.get("/api/admin/users", headers=admin, params={"q": "%"}).json()
    assert wildcard["total"] == 0
    inactive = client.get("/api/admin/users", headers=admin, params={"is_active": "false"}).json()
    assert [u["username"] for u in inactive["items"]] == ["sup"]
    everyone = client.get("/api/admin/users", headers=admin).json()
    assert everyone["total"] == 10
    too_big = client.get("/api/admin/users", headers=admin, params={"limit": 501})
    assert too_big.status_code == 422 and too_big.json()["details"][0]["field"] == "query.limit"


def test_get_unknown_user(client: TestClient, admin: dict[str, str]) -> None:
    response = client.get(f"/api/admin/users/{uuid.uuid4()}", headers=admin)
    assert response.status_code == 404 and response.json()["code"] == "user_not_found"


def test_patch_user(client: TestClient, admin: dict[str, str], db: Session) -> None:
    user = make_user(db, username="lea", roles=["learner"])
    response = client.patch(f"/api/admin/users/{user.id}", headers=admin, json={"roles": ["tutor", "learner"], "full_name": "Léa Roux", "email": "lea@example.org"})
    assert response.status_code == 200
    assert response.json()["roles"] == ["learner", "tutor"] and response.json()["full_name"] == "Léa Roux"
    bad = client.patch(f"/api/admin/users/{user.id}", headers=admin, json={"roles": []})
    assert bad.status_code == 422 and bad.json()["details"][0]["field"] == "body.roles"
    assert client.get(f"/api/admin/users/{user.id}", headers=admin).json()["roles"] == ["learner", "tutor"]


def test_admin_cannot_lock_themselves_out(client: TestClient, db: Session, auth: Auth) -> None:
    me = make_user(db, username="boss", roles=["admin"])
    headers = auth.user(me.id, roles=["admin"])
    demote = client.patch(f"/api/admin/users/{me.id}", headers=headers, json={"roles": ["learner"]})
    assert demote.status_code == 409 and demote.json()["code"] == "cannot_demote_self"
    off = client.post(f"/api/admin/users/{me.id}/deactivate", headers=headers)
    assert off.status_code == 409 and off.json()["code"] == "cannot_deactivate_self"


def test_deactivate_revokes_refresh_tokens(client: TestClient, admin: dict[str, str], db: Session) -> None:
    user = make_user(db, username="leaving")
    refresh = client.post("/api/auth/login", json={"username": "leaving", "password": DEFAULT_PASSWORD}).json()["refresh_token"]
    response = client.post(f"/api/admin/users/{user.id}/deactivate", headers=admin)
    assert response.status_code == 200 and response.json()["is_active"] is False
    assert client.post("/api/auth/refresh", json={"refresh_token": refresh}).json()["code"] == "refresh_token_revoked"
    assert client.post("/api/auth/login", json={"username": "leaving", "password": DEFAULT_PASSWORD}).json()["code"] == "account_disabled"
    assert all(t.revoked_at is not None for t in db.exec(select(RefreshToken)).all())


def test_reset_password(client: TestClient, admin: dict[str, str], db: Session) -> None:
    user = make_user(db, username="forgetful")
    refresh = client.post("/api/auth/login", json={"username": "forgetful", "password": DEFAULT_PASSWORD}).json()["refresh_token"]
    response = client.post(f"/api/admin/users/{user.id}/reset-password", headers=admin)
    assert response.status_code == 200
    new = response.json()["generated_password"]
    assert new
    assert client.post("/api/auth/login", json={"username": "forgetful", "password": DEFAULT_PASSWORD}).status_code == 401
    assert client.post("/api/auth/login", json={"username": "forgetful", "password": new}).status_code == 200
    assert client.post("/api/auth/refresh", json={"refresh_token": refresh}).status_code == 401
    chosen = client.post(f"/api/admin/users/{user.id}/reset-password", headers=admin, json={"password": "chosen by admin"})
    assert chosen.status_code == 200 and chosen.json()["generated_password"] is None
    assert client.post("/api/auth/login", json={"username": "forgetful", "password": "chosen by admin"}).status_code == 200


def test_lookup(client: TestClient, db: Session, auth: Auth, admin: dict[str, str]) -> None:
    a = make_user(db, username="alpha", full_name="Alpha A")
    b = make_user(db, username="beta", full_name="Beta B")
    ids = f"{a.id},{b.id},{uuid.uuid4()}"
    by_client = client.get("/api/users/lookup", params={"ids": ids}, headers=auth.client(scopes=["users:read"]))
    assert by_client.status_code == 200
    assert by_client.json() == [{"id": a.id, "username": "alpha", "full_name": "Alpha A"}, {"id": b.id, "username": "beta", "full_name": "Beta B"}]
    assert client.get("/api/users/lookup", params={"ids": ids}, headers=admin).status_code == 200
    for headers in (auth.user(roles=["supervisor"]), auth.client(scopes=["sessions:read"])):
        refused = client.get("/api/users/lookup", params={"ids": ids}, headers=headers)
        assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
