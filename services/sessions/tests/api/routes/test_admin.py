from fastapi.testclient import TestClient
from sqlmodel import Session

from kit.db import utcnow
from kit.outbox import OutboxMessage
from tests.factories import People


def _messages(db: Session) -> dict[str, int]:
    now = utcnow()
    rows = {
        "dead": OutboxMessage(topic="feedback.session_completed", key="session-completed:a", payload="{}", attempts=7, refusals=5,
                              dead_at=now, last_error="DeliveryRefused: feedback answered 422"),
        "delivered": OutboxMessage(topic="feedback.session_completed", key="session-completed:b", payload="{}", attempts=1, delivered_at=now),
        "pending": OutboxMessage(topic="feedback.session_completed", key="session-completed:c", payload="{}"),
    }
    for row in rows.values():
        db.add(row)
    db.commit()
    return {name: int(row.id or 0) for name, row in rows.items()}


def test_admin_sees_outbox_counts_and_messages(client: TestClient, people: People, db: Session) -> None:
    ids = _messages(db)
    stats = client.get("/api/sessions/admin/outbox", headers=people.admin())
    assert stats.status_code == 200
    assert {k: stats.json()[k] for k in ("pending", "delivered", "dead", "failing")} == {"pending": 1, "delivered": 1, "dead": 1, "failing": 0}
    dead = client.get("/api/sessions/admin/outbox/messages", params={"state": "dead"}, headers=people.admin())
    assert dead.status_code == 200
    assert [(m["id"], m["attempts"], m["state"]) for m in dead.json()] == [(ids["dead"], 7, "dead")]
    assert "payload" not in dead.json()[0]
    every = client.get("/api/sessions/admin/outbox/messages", params={"limit": 2}, headers=people.admin()).json()
    assert [m["id"] for m in every] == [ids["pending"], ids["delivered"]]


def test_admin_replays_a_dead_message(client: TestClient, people: People, db: Session) -> None:
    ids = _messages(db)
    replayed = client.post(f"/api/sessions/admin/outbox/messages/{ids['dead']}/replay", headers=people.admin())
    assert replayed.status_code == 200
    assert (replayed.json()["state"], replayed.json()["attempts"], replayed.json()["dead_at"]) == ("pending", 7, None)
    stats = client.get("/api/sessions/admin/outbox", headers=people.admin()).json()
    assert (stats["pending"], stats["dead"]) == (2, 0)


def test_replay_of_unknown_or_delivered_message_is_refused(client: TestClient, people: People, db: Session) -> None:
    ids = _messages(db)
    missing = client.post("/api/sessions/admin/outbox/messages/424242/replay", headers=people.admin())
    assert (missing.status_code, missing.json()["code"]) == (404, "outbox_message_not_found")
    delivered = client.post(f"/api/sessions/admin/outbox/messages/{ids['delivered']}/replay", headers=people.admin())
    assert (delivered.status_code, delivered.json()["code"]) == (409, "outbox_message_delivered")


def test_outbox_admin_is_for_admins_only(client: TestClient, people: People, db: Session) -> None:
    ids = _messages(db)
    for headers in (people.tutor(), people.learner("l-1"), people.timetable()):
        assert client.get("/api/sessions/admin/outbox", headers=headers).status_code == 403
        assert client.get("/api/sessions/admin/outbox/messages", headers=headers).status_code == 403
        assert client.post(f"/api/sessions/admin/outbox/messages/{ids['dead']}/replay", headers=headers).status_code == 403
    assert client.get("/api/sessions/admin/outbox/messages").status_code == 401


def test_outbox_operation_ids_are_stable(client: TestClient) -> None:
    paths = client.get("/api/sessions/openapi.json").json()["paths"]
    assert paths["/api/sessions/admin/outbox"]["get"]["operationId"] == "sessions-admin-get_outbox_stats"
    assert paths["/api/sessions/admin/outbox/messages"]["get"]["operationId"] == "sessions-admin-list_outbox_messages"
    assert paths["/api/sessions/admin/outbox/messages/{message_id}/replay"]["post"]["operationId"] == "sessions-admin-replay_outbox_message"
