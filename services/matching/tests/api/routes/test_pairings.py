from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from kit.pytest_plugin import Auth
from matching.models import PairingEvent
from tests import factories as f

LEARNER = {"roles": ["learner"]}
TUTOR = {"roles": ["tutor"]}


def paired(client: TestClient, auth: Auth, db: Session) -> int:
    topic = f.topic(db)
    f.learner(db, user_id="me", stage=2, topics={topic.id: 4})
    f.tutor(db, user_id="tutor", stage=4, approve_for=[topic.id])
    created = client.post("/api/matching/requests", json={"tutor_id": "tutor", "topic_id": topic.id}, headers=auth.user("me", **LEARNER)).json()
    pairing = client.post(f"/api/matching/requests/{created['id']}/accept", headers=auth.user("tutor", **TUTOR)).json()
    return int(pairing["id"])


def test_either_side_ends_with_reason(client: TestClient, auth: Auth, db: Session) -> None:
    pairing_id = paired(client, auth, db)
    outsider = client.post(f"/api/matching/pairings/{pairing_id}/end", json={"reason": "x"}, headers=auth.user("other", **LEARNER))
    assert outsider.status_code == 403
    no_reason = client.post(f"/api/matching/pairings/{pairing_id}/end", json={}, headers=auth.user("me", **LEARNER))
    assert no_reason.status_code == 422
    assert no_reason.json()["details"][0]["field"] == "body.reason"
    ended = client.post(f"/api/matching/pairings/{pairing_id}/end", json={"reason": "Exams"}, headers=auth.user("me", **LEARNER))
    assert ended.status_code == 200
    assert (ended.json()["status"], ended.json()["end_reason"]) == ("ended", "Exams")
    twice = client.post(f"/api/matching/pairings/{pairing_id}/end", json={"reason": "again"}, headers=auth.user("tutor", **TUTOR))
    assert twice.status_code == 409
    assert twice.json()["code"] == "pairing_not_active"
    note = client.get("/api/matching/notifications", headers=auth.user("tutor", **TUTOR)).json()[0]
    assert note["kind"] == "pairing_ended"
    events = db.exec(select(PairingEvent).order_by(col(PairingEvent.id))).all()
    assert [(e.from_status, e.to_status, e.actor_id) for e in events] == [(None, "active", "tutor"), ("active", "ended", "me")]


def test_listing_mine_and_all(client: TestClient, auth: Auth, db: Session) -> None:
    pairing_id = paired(client, auth, db)
    assert [p["id"] for p in client.get("/api/matching/pairings", headers=auth.user("me", **LEARNER)).json()] == [pairing_id]
    assert client.get("/api/matching/pairings", headers=auth.user("stranger", **LEARNER)).json() == []
    assert client.get("/api/matching/pairings?all=true", headers=auth.user("stranger", **LEARNER)).status_code == 403
    staff = client.get("/api/matching/pairings?all=true&tutor_id=tutor&status=active", headers=auth.user(roles=["supervisor"])).json()
    assert [p["id"] for p in staff] == [pairing_id]
    assert client.get(f"/api/matching/pairings/{pairing_id}", headers=auth.user("stranger", **LEARNER)).status_code == 403
    missing = client.get("/api/matching/pairings/999", headers=auth.user(roles=["admin"]))
    assert missing.json()["code"] == "pairing_not_found"


def test_notifications_read(client: TestClient, auth: Auth, db: Session) -> None:
    paired(client, auth, db)
    me = auth.user("me", **LEARNER)
    note = client.get("/api/matching/notifications", headers=me).json()[0]
    assert set(note) == {"id", "kind", "title", "body", "link", "created_at", "read_at"}
    assert client.post(f"/api/matching/notifications/{note['id']}/read", headers=auth.user("tutor", **TUTOR)).status_code == 404
    read = client.post(f"/api/matching/notifications/{note['id']}/read", headers=me)
    assert read.status_code == 200
    assert read.json()["read_at"] is not None
    assert client.get("/api/matching/notifications?unread_only=true", headers=me).json() == []
