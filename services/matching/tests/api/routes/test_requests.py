from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from kit.pytest_plugin import Auth
from matching import pairings
from matching.core.config import Settings
from matching.models import Exclusion, MatchRequest, Pairing, RequestEvent
from tests import factories as f

LEARNER = {"roles": ["learner"]}
TUTOR = {"roles": ["tutor"]}


def world(db: Session) -> int:
    topic = f.topic(db)
    t = topic.id
    f.learner(db, user_id="me", stage=2, topics={t: 4}, name="Lucas")
    f.tutor(db, user_id="tutor", stage=4, approve_for=[t], name="Inès")
    f.tutor(db, user_id="backup", stage=3, approve_for=[t], name="Hugo")
    return t


def ask(client: TestClient, auth: Auth, topic_id: int, tutor_id: str = "tutor", who: str = "me") -> dict:  # type: ignore[type-arg]
    response = client.post("/api/matching/requests", json={"tutor_id": tutor_id, "topic_id": topic_id, "message": "Hello"}, headers=auth.user(who, **LEARNER))
    return {**response.json(), "http": response.status_code}


def test_request_accept_creates_pairing_with_events_and_notifications(client: TestClient, auth: Auth, db: Session) -> None:
    t = world(db)
    created = ask(client, auth, t)
    assert created["http"] == 201
    assert created["expires_at"] > created["created_at"]
    assert (created["learner_name"], created["tutor_name"]) == ("Lucas", "Inès")
    tutor_notes = client.get("/api/matching/notifications", headers=auth.user("tutor", **TUTOR)).json()
    assert tutor_notes[0]["kind"] == "request_received"
    other_tutor = client.post(f"/api/matching/requests/{created['id']}/accept", headers=auth.user("backup", **TUTOR))
    assert other_tutor.status_code == 403
    accepted = client.post(f"/api/matching/requests/{created['id']}/accept", headers=auth.user("tutor", **TUTOR))
    assert accepted.status_code == 200, accepted.text
    pairing = accepted.json()
    assert (pairing["learner_id"], pairing["tutor_id"], pairing["status"], pairing["source"]) == ("me", "tutor", "active", "request")
    again = client.post(f"/api/matching/requests/{created['id']}/accept", headers=auth.user("tutor", **TUTOR))
    assert again.status_code == 409
    assert again.json()["code"] == "request_not_pending"
    events = f.done(db, db.exec(select(RequestEvent).order_by(col(RequestEvent.id))).all())
    assert [(e.from_status, e.to_status) for e in events] == [(None, "pending"), ("pending", "accepted")]
    learner_notes = client.get("/api/matching/notifications", headers=auth.user("me", **LEARNER)).json()
    assert learner_notes[0]["kind"] == "request_accepted"
    mine = client.get("/api/matching/requests?role=learner", headers=auth.user("me", **LEARNER)).json()
    assert [r["status"] for r in mine] == ["accepted"]
    assert client.get("/api/matching/requests?role=learner", headers=auth.user("tutor", **TUTOR)).json() == []
    incoming = client.get("/api/matching/requests?role=tutor", headers=auth.user("tutor", **TUTOR)).json()
    assert [(r["learner_id"], r["learner_name"]) for r in incoming] == [("me", "Lucas")]


def test_request_rules(client: TestClient, auth: Auth, db: Session) -> None:
    t = world(db)
    other = f.topic(db, "Venepuncture")
    f.tutor(db, user_id="senior", stage=7, approve_for=[t])
    f.tutor(db, user_id="plain", stage=4, topics=[t])
    f.tutor(db, user_id="busy", stage=4, capacity=1, approve_for=[t])
    f.tutor(db, user_id="blocked", stage=4, approve_for=[t])
    db.add(Pairing(learner_id="x", tutor_id="busy", topic_id=t, source="request"))
    db.add(Exclusion(learner_id="me", tutor_id="blocked", reason="Secret reason", created_by="adm"))
    f.done(db, None)
    cases = [
        ("senior", t, 422, "near_peer_rule"),
        ("plain", t, 422, "tutor_not_approved"),
        ("busy", t, 409, "tutor_full"),
        ("blocked", t, 422, "not_available"),
        ("tutor", other.id, 422, "tutor_not_approved"),
        ("tutor", 999, 404, "topic_not_found"),
        ("ghost", t, 404, "tutor_not_found"),
    ]
    for tutor_id, topic_id, status, code in cases:
        result = ask(client, auth, topic_id, tutor_id)
        assert (result["http"], result["code"]) == (status, code), (tutor_id, result)
    near = ask(client, auth, t, "senior")
    assert near["message"] == "tutor is resident year 1, learner year 2: tutor must be 1–3 years ahead"  # noqa: RUF001
    excluded = ask(client, auth, t, "blocked")
    assert "Secret" not in excluded["message"]
    assert db.exec(select(MatchRequest)).all() == []


def test_already_requested_and_already_paired(client: TestClient, auth: Auth, db: Session) -> None:
    t = world(db)
    first = ask(client, auth, t)
    second = ask(client, auth, t, "backup")
    assert (second["http"], second["code"]) == (409, "already_requested")
    client.post(f"/api/matching/requests/{first['id']}/accept", headers=auth.user("tutor", **TUTOR))
    third = ask(client, auth, t, "backup")
    assert (third["http"], third["code"]) == (409, "already_paired")


def test_no_profile_and_validation(client: TestClient, auth: Auth, db: Session) -> None:
    t = world(db)
    no_profile = ask(client, auth, t, who="stranger")
    assert (no_profile["http"], no_profile["code"]) == (404, "learner_not_found")
    bad = client.post("/api/matching/requests", json={"topic_id": t}, headers=auth.user("me", **LEARNER))
    assert bad.status_code == 422
    assert bad.json()["details"][0]["field"] == "body.tutor_id"
    tutor_only = client.post("/api/matching/requests", json={"tutor_id": "tutor", "topic_id": t}, headers=auth.user("x", roles=["supervisor"]))
    assert tutor_only.status_code == 403


def test_decline_offers_next_suggestion(client: TestClient, auth: Auth, db: Session) -> None:
    t = world(db)
    created = ask(client, auth, t)
    declined = client.post(f"/api/matching/requests/{created['id']}/decline", json={"reason": "No time this month"}, headers=auth.user("tutor", **TUTOR))
    assert declined.status_code == 200
    assert declined.json()["status"] == "declined"
    note = client.get("/api/matching/notifications", headers=auth.user("me", **LEARNER)).json()[0]
    assert note["kind"] == "request_declined"
    assert "Hugo" in note["body"]
    assert "tutor_id=backup" in note["link"]


def test_cancel_only_by_learner(client: TestClient, auth: Auth, db: Session) -> None:
    t = world(db)
    created = ask(client, auth, t)
    assert client.post(f"/api/matching/requests/{created['id']}/cancel", headers=auth.user("tutor", **TUTOR)).status_code == 403
    cancelled = client.post(f"/api/matching/requests/{created['id']}/cancel", headers=auth.user("me", **LEARNER))
    assert cancelled.json()["status"] == "cancelled"
    assert ask(client, auth, t, "backup")["http"] == 201


def test_expiry_worker_expires_and_notifies_next(client: TestClient, auth: Auth, db: Session, settings: Settings) -> None:
    t = world(db)
    created = ask(client, auth, t)
    request = db.get(MatchRequest, created["id"])
    assert request is not None
    request.expires_at = f.now() - timedelta(minutes=1)
    db.add(request)
    f.done(db, None)
    assert pairings.expire_requests(session=db, settings=settings) == 1
    assert pairings.expire_requests(session=db, settings=settings) == 0
    f.done(db, None)
    got = client.get(f"/api/matching/requests/{created['id']}", headers=auth.user("me", **LEARNER)).json()
    assert got["status"] == "expired"
    note = client.get("/api/matching/notifications", headers=auth.user("me", **LEARNER)).json()[0]
    assert note["kind"] == "request_expired"
    assert "Hugo" in note["body"]
    accept_late = client.post(f"/api/matching/requests/{created['id']}/accept", headers=auth.user("tutor", **TUTOR))
    assert accept_late.json()["code"] == "request_not_pending"


def test_accept_rechecks_approval(client: TestClient, auth: Auth, db: Session) -> None:
    t = world(db)
    created = ask(client, auth, t)
    approval = client.get("/api/matching/approvals?tutor_id=tutor", headers=auth.user(roles=["supervisor"])).json()[0]
    client.post(f"/api/matching/approvals/{approval['id']}/transition", json={"status": "suspended", "reason": "x"}, headers=auth.user(roles=["supervisor"]))
    refused = client.post(f"/api/matching/requests/{created['id']}/accept", headers=auth.user("tutor", **TUTOR))
    assert refused.status_code == 422
    assert refused.json()["code"] == "tutor_not_approved"
    assert db.exec(select(Pairing)).all() == []


def test_request_visibility(client: TestClient, auth: Auth, db: Session) -> None:
    t = world(db)
    created = ask(client, auth, t)
    assert client.get(f"/api/matching/requests/{created['id']}", headers=auth.user("nosy", **LEARNER)).status_code == 403
    assert client.get("/api/matching/requests?all=true", headers=auth.user("nosy", **LEARNER)).status_code == 403
    assert len(client.get("/api/matching/requests?all=true", headers=auth.user(roles=["supervisor"])).json()) == 1
    missing = client.get("/api/matching/requests/999", headers=auth.user("me", **LEARNER))
    assert missing.json()["code"] == "request_not_found"
