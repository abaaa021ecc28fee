from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from kit.db import utcnow
from kit.outbox import OutboxMessage
from kit.pytest_plugin import Auth


def _store(engine: Engine) -> dict[str, int]:
    """One message in each state, plus a pending one that failed once."""
    now = utcnow()
    rows = {
        "delivered": OutboxMessage(topic="t", key="delivered", payload="{}", delivered_at=now),
        "dead": OutboxMessage(topic="t", key="dead", payload="{}", attempts=5, refusals=5, dead_at=now, last_error="DeliveryRefused: 422"),
        "pending": OutboxMessage(topic="t", key="pending", payload="{}", created_at=now - timedelta(minutes=10)),
        "failing": OutboxMessage(topic="t", key="failing", payload="{}", attempts=2, last_error="ConnectError: down"),
    }
    with Session(engine) as session:
        for row in rows.values():
            session.add(row)
        session.commit()
        return {name: int(row.id or 0) for name, row in rows.items()}


def test_stats_count_each_state(client: TestClient, auth: Auth, engine: Engine) -> None:
    _store(engine)
    stats = client.get("/api/sample/admin/outbox", headers=auth.user(roles=["admin"]))
    assert stats.status_code == 200
    body = stats.json()
    assert (body["pending"], body["delivered"], body["dead"], body["failing"]) == (2, 1, 1, 1)
    assert body["last_error"] == "ConnectError: down"
    assert 590 <= body["oldest_pending_age_seconds"] < 700


def test_messages_are_listed_by_state_without_payload(client: TestClient, auth: Auth, engine: Engine) -> None:
    ids = _store(engine)
    admin = auth.user(roles=["admin"])
    dead = client.get("/api/sample/admin/outbox/messages", params={"state": "dead"}, headers=admin)
    assert dead.status_code == 200
    [row] = dead.json()
    assert row["id"] == ids["dead"] and row["state"] == "dead" and row["refusals"] == 5 and "payload" not in row
    pending = client.get("/api/sample/admin/outbox/messages", params={"state": "pending"}, headers=admin).json()
    assert [m["key"] for m in pending] == ["failing", "pending"]  # newest first
    page = client.get("/api/sample/admin/outbox/messages", params={"limit": 1, "offset": 1}, headers=admin).json()
    assert [m["key"] for m in page] == ["pending"]
    bad = client.get("/api/sample/admin/outbox/messages", params={"state": "lost"}, headers=admin)
    assert bad.status_code == 422


def test_replay_revives_a_dead_message(client: TestClient, auth: Auth, engine: Engine) -> None:
    ids = _store(engine)
    admin = auth.user(roles=["admin"])
    replayed = client.post(f"/api/sample/admin/outbox/messages/{ids['dead']}/replay", headers=admin)
    assert replayed.status_code == 200
    body = replayed.json()
    assert (body["state"], body["attempts"], body["dead_at"]) == ("pending", 5, None)
    assert client.get("/api/sample/admin/outbox", headers=admin).json()["dead"] == 0
    missing = client.post("/api/sample/admin/outbox/messages/999999/replay", headers=admin)
    assert (missing.status_code, missing.json()["code"]) == (404, "outbox_message_not_found")
    done = client.post(f"/api/sample/admin/outbox/messages/{ids['delivered']}/replay", headers=admin)
    assert (done.status_code, done.json()["code"]) == (409, "outbox_message_delivered")


def test_only_admins_see_the_outbox(client: TestClient, auth: Auth, engine: Engine) -> None:
    ids = _store(engine)
    for headers in (auth.user(roles=["supervisor"]), auth.client(scopes=["timetable:write"])):
        assert client.get("/api/sample/admin/outbox", headers=headers).status_code == 403
        assert client.get("/api/sample/admin/outbox/messages", headers=headers).status_code == 403
        assert client.post(f"/api/sample/admin/outbox/messages/{ids['dead']}/replay", headers=headers).status_code == 403
    assert client.get("/api/sample/admin/outbox").status_code == 401


def test_operation_ids_name_the_service(client: TestClient) -> None:
    spec = client.get("/api/sample/openapi.json").json()
    ids = {op["operationId"] for path, item in spec["paths"].items() if "/admin/outbox" in path for op in item.values()}
    assert ids == {"sample-admin-get_outbox_stats", "sample-admin-list_outbox_messages", "sample-admin-replay_outbox_message"}
