import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from gateway.models import AuditEvent, User
from kit.pytest_plugin import Auth
from tests.factories import make_user


@pytest.fixture
def admin(db: Session, auth: Auth) -> dict[str, str]:
    user = make_user(db, username="root", roles=["admin"])
    return auth.user(user.id, roles=["admin"], name="Root Admin")


def _audit(client: TestClient, admin: dict[str, str], **params: str) -> list[dict[str, object]]:
    response = client.get("/api/admin/audit", headers=admin, params=params)
    assert response.status_code == 200, response.text
    items: list[dict[str, object]] = response.json()["items"]
    return items


def test_account_changes_are_audited_with_who_and_what(client: TestClient, admin: dict[str, str]) -> None:
    created = client.post("/api/admin/users", headers=admin, json={"username": "nadia", "full_name": "Nadia B", "roles": ["learner"]}).json()
    client.patch(f"/api/admin/users/{created['id']}", headers=admin, json={"roles": ["learner", "tutor"], "full_name": "Nadia B"})
    client.post(f"/api/admin/users/{created['id']}/reset-password", headers=admin)
    client.post(f"/api/admin/users/{created['id']}/deactivate", headers=admin)

    events = _audit(client, admin, target_id=created["id"])
    assert [e["action"] for e in events] == ["user.deactivated", "user.password_reset", "user.updated", "user.created"]
    assert {e["actor_name"] for e in events} == {"Root Admin"}
    updated = events[2]
    # The unchanged name is not listed among the changes.
    assert updated["details"] == {"username": "nadia", "changes": {"roles": {"from": ["learner"], "to": ["learner", "tutor"]}}}
    assert updated["summary"] == "updated nadia: roles"
    assert events[0]["details"]["changes"] == {"is_active": {"from": True, "to": False}}  # type: ignore[index]
    assert all("password" not in str(e["details"]) and "hash" not in str(e["details"]) for e in events)


def test_client_changes_are_audited_and_a_repeated_revoke_is_recorded_once(client: TestClient, admin: dict[str, str]) -> None:
    registered = client.post("/api/admin/clients", headers=admin, json={"name": "Timetable", "scopes": ["timetable:write"]}).json()
    client.post(f"/api/admin/clients/{registered['client_id']}/rotate-secret", headers=admin)
    client.post(f"/api/admin/clients/{registered['client_id']}/revoke", headers=admin)
    client.post(f"/api/admin/clients/{registered['client_id']}/revoke", headers=admin)
    events = _audit(client, admin, target_id=registered["client_id"])
    assert [e["action"] for e in events] == ["client.revoked", "client.secret_rotated", "client.created"]
    assert registered["client_secret"] not in str(events)
    assert _audit(client, admin, action="client.revoked")[0]["target_id"] == registered["client_id"]


def test_a_refused_change_leaves_no_audit_entry(client: TestClient, admin: dict[str, str], db: Session) -> None:
    root = db.exec(select(User).where(User.username == "root")).one()
    db.commit()  # end the read: on SQLite the test session would otherwise hold the write lock
    refused = client.post(f"/api/admin/users/{root.id}/deactivate", headers=admin)
    assert refused.status_code == 409 and refused.json()["code"] == "cannot_deactivate_self"
    db.expire_all()
    assert db.exec(select(AuditEvent)).all() == []


def test_csv_import_is_one_audit_entry_and_an_invalid_file_none(client: TestClient, admin: dict[str, str]) -> None:
    bad = "username,full_name,roles\nok1,Ok One,learner\n,No Name,learner\n"
    assert client.post("/api/admin/users/import", headers={**admin, "Content-Type": "text/csv"}, content=bad).status_code == 422
    assert _audit(client, admin) == []
    good = "username,full_name,roles\nok1,Ok One,learner\nok2,Ok Two,tutor;learner\n"
    assert client.post("/api/admin/users/import", headers={**admin, "Content-Type": "text/csv"}, content=good).status_code == 201
    [entry] = _audit(client, admin, action="users.imported")
    assert entry["summary"] == "imported 2 users from CSV" and entry["details"]["created"] == ["ok1", "ok2"]  # type: ignore[index]


def test_filters_are_validated(client: TestClient, admin: dict[str, str]) -> None:
    response = client.get("/api/admin/audit", headers=admin, params={"action": "user.exploded"})
    assert response.status_code == 422
    assert response.json()["details"][0]["field"] == "query.action"
