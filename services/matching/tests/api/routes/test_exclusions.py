from fastapi.testclient import TestClient
from sqlmodel import Session

from kit.pytest_plugin import Auth

ADMIN = {"roles": ["admin"]}


def test_admin_manages_exclusions(client: TestClient, auth: Auth, db: Session) -> None:
    body = {"learner_id": "l1", "tutor_id": "t1", "reason": "Family relationship"}
    created = client.post("/api/matching/exclusions", json=body, headers=auth.user("adm", **ADMIN))
    assert created.status_code == 201
    assert created.json()["created_by"] == "adm"
    duplicate = client.post("/api/matching/exclusions", json=body, headers=auth.user(**ADMIN))
    assert duplicate.status_code == 409
    assert duplicate.json()["code"] == "already_excluded"
    listed = client.get("/api/matching/exclusions?learner_id=l1", headers=auth.user(**ADMIN))
    assert [e["reason"] for e in listed.json()] == ["Family relationship"]
    deleted = client.delete(f"/api/matching/exclusions/{created.json()['id']}", headers=auth.user(**ADMIN))
    assert deleted.status_code == 204
    assert client.get("/api/matching/exclusions", headers=auth.user(**ADMIN)).json() == []
    missing = client.delete(f"/api/matching/exclusions/{created.json()['id']}", headers=auth.user(**ADMIN))
    assert missing.status_code == 404
    assert missing.json()["code"] == "exclusion_not_found"


def test_only_admins_see_exclusions(client: TestClient, auth: Auth) -> None:
    assert client.get("/api/matching/exclusions", headers=auth.user(roles=["supervisor"])).status_code == 403
    response = client.post("/api/matching/exclusions", json={"learner_id": "a", "tutor_id": "a", "reason": "x"}, headers=auth.user(**ADMIN))
    assert response.status_code == 422
    assert response.json()["code"] == "same_person"
