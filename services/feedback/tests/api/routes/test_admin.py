from fastapi.testclient import TestClient
from sqlmodel import Session

from kit.db import utcnow
from kit.outbox import OutboxMessage
from kit.pytest_plugin import Auth
from tests.factories import person, supervisor

ADMIN = "/api/feedback/admin/outbox"


def _messages(db: Session) -> dict[str, int]:
    now = utcnow()
    rows = {
        "dead": OutboxMessage(topic="matching.suspension", key="feedback-suspension-1", payload="{}", attempts=5, refusals=5,
                              dead_at=now, last_error="DeliveryRefused: matching answered 404"),
        "delivered": OutboxMessage(topic="matching.suspension", key="feedback-suspension-2", payload="{}", attempts=1, delivered_at=now),
        "failing": OutboxMessage(topic="matching.suspension", key="feedback-suspension-3", payload="{}", attempts=3,
                                 last_error="BadGateway: matching is unreachable"),
    }
    for row in rows.values():
        db.add(row)
    db.commit()
    return {name: int(row.id or 0) for name, row in rows.items()}


def test_admin_sees_counts_and_dead_messages(client: TestClient, auth: Auth, db: Session) -> None:
    ids = _messages(db)
    admin = person(["admin"]).headers(auth)
    stats = client.get(ADMIN, headers=admin)
    assert stats.status_code == 200
    body = stats.json()
    assert (body["pending"], body["delivered"], body["dead"], body["failing"]) == (1, 1, 1, 1)
    assert body["last_error"] == "BadGateway: matching is unreachable" and body["oldest_pending_age_seconds"] >= 0
    dead = client.get(f"{ADMIN}/messages", params={"state": "dead"}, headers=admin)
    assert dead.status_code == 200
    assert [(m["id"], m["key"], m["refusals"]) for m in dead.json()] == [(ids["dead"], "feedback-suspension-1", 5)]
    delivered = client.get(f"{ADMIN}/messages", params={"state": "delivered"}, headers=admin).json()
    assert [m["id"] for m in delivered] == [ids["delivered"]] and delivered[0]["delivered_at"] is not None


def test_admin_replays_a_dead_message_but_not_a_delivered_or_unknown_one(client: TestClient, auth: Auth, db: Session) -> None:
    ids = _messages(db)
    admin = person(["admin"]).headers(auth)
    replayed = client.post(f"{ADMIN}/messages/{ids['dead']}/replay", headers=admin)
    assert replayed.status_code == 200
    assert (replayed.json()["state"], replayed.json()["attempts"]) == ("pending", 5)
    assert client.get(f"{ADMIN}/messages", params={"state": "dead"}, headers=admin).json() == []
    delivered = client.post(f"{ADMIN}/messages/{ids['delivered']}/replay", headers=admin)
    assert (delivered.status_code, delivered.json()["code"]) == (409, "outbox_message_delivered")
    missing = client.post(f"{ADMIN}/messages/987654/replay", headers=admin)
    assert (missing.status_code, missing.json()["code"]) == (404, "outbox_message_not_found")


def test_outbox_admin_is_for_admins_only(client: TestClient, auth: Auth, db: Session) -> None:
    ids = _messages(db)
    for headers in (supervisor().headers(auth), person(["tutor"]).headers(auth), auth.client("svc-sessions", scopes=["feedback:events"])):
        assert client.get(ADMIN, headers=headers).status_code == 403
        assert client.get(f"{ADMIN}/messages", headers=headers).status_code == 403
        assert client.post(f"{ADMIN}/messages/{ids['dead']}/replay", headers=headers).status_code == 403


def test_outbox_operation_ids_name_feedback(client: TestClient) -> None:
    paths = client.get("/api/feedback/openapi.json").json()["paths"]
    assert paths[ADMIN]["get"]["operationId"] == "feedback-admin-get_outbox_stats"
    assert paths[f"{ADMIN}/messages"]["get"]["operationId"] == "feedback-admin-list_outbox_messages"
    assert paths[f"{ADMIN}/messages/{{message_id}}/replay"]["post"]["operationId"] == "feedback-admin-replay_outbox_message"
