import json
from datetime import datetime, timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from kit.outbox import OutboxMessage
from kit.pytest_plugin import Auth
from matching import approvals
from matching.models import Approval, ApprovalEvent, Pairing
from tests import factories as f

SUP = {"roles": ["supervisor"]}
SUSPEND = ["matching:approvals.suspend"]


def test_supervisor_approves_and_check_reports_it(client: TestClient, auth: Auth, db: Session) -> None:
    topic = f.topic(db)
    tutor = f.tutor(db, user_id="t1")
    created = client.post(
        "/api/matching/approvals",
        json={"tutor_id": tutor.user_id, "topic_id": topic.id, "evidence": "Taught 3 sessions observed", "link": "https://x/y"},
        headers=auth.user("sup", **SUP),
    )
    assert created.status_code == 201, created.text
    assert created.json()["status"] == "approved"
    assert created.json()["approved_by"] == "sup"
    check = client.get(f"/api/matching/approvals/check?tutor_id=t1&topic_id={topic.id}", headers=auth.client("svc-sessions", scopes=["matching:read"]))
    assert check.json() == {"approved": True, "reason": None}
    again = client.post("/api/matching/approvals", json={"tutor_id": "t1", "topic_id": topic.id, "evidence": "x"}, headers=auth.user(**SUP))
    assert again.status_code == 409
    assert again.json()["code"] == "already_approved"


def test_approval_bad_inputs(client: TestClient, auth: Auth, db: Session) -> None:
    topic = f.topic(db)
    f.tutor(db, user_id="t1")
    no_tutor = client.post("/api/matching/approvals", json={"tutor_id": "ghost", "topic_id": topic.id, "evidence": "x"}, headers=auth.user(**SUP))
    assert no_tutor.status_code == 404
    assert no_tutor.json()["code"] == "tutor_not_found"
    no_topic = client.post("/api/matching/approvals", json={"tutor_id": "t1", "topic_id": 999, "evidence": "x"}, headers=auth.user(**SUP))
    assert no_topic.status_code == 404
    assert no_topic.json()["code"] == "topic_not_found"
    past = (f.now() - timedelta(days=1)).isoformat()
    expired = client.post("/api/matching/approvals", json={"tutor_id": "t1", "topic_id": topic.id, "evidence": "x", "expires_at": past}, headers=auth.user(**SUP))
    assert expired.status_code == 422
    assert expired.json()["code"] == "expiry_in_past"
    learner = client.post("/api/matching/approvals", json={"tutor_id": "t1", "topic_id": topic.id, "evidence": "x"}, headers=auth.user(roles=["tutor"]))
    assert learner.status_code == 403
    assert db.exec(select(Approval)).all() == []


def test_check_reasons_and_scope(client: TestClient, auth: Auth, db: Session) -> None:
    topic = f.topic(db)
    f.tutor(db, user_id="t1")
    reader = auth.client("svc-sessions", scopes=["matching:read"])
    assert client.get(f"/api/matching/approvals/check?tutor_id=t1&topic_id={topic.id}", headers=reader).json() == {"approved": False, "reason": "not_approved"}
    wrong = client.get(f"/api/matching/approvals/check?tutor_id=t1&topic_id={topic.id}", headers=auth.client("x", scopes=["sessions:read"]))
    assert wrong.status_code == 403
    learner = client.get(f"/api/matching/approvals/check?tutor_id=t1&topic_id={topic.id}", headers=auth.user(roles=["learner"]))
    assert learner.status_code == 403
    unknown = client.get("/api/matching/approvals/check?tutor_id=t1&topic_id=999", headers=reader)
    assert unknown.status_code == 404
    assert unknown.json()["code"] == "topic_not_found"


def test_suspend_history_and_running_pairings(client: TestClient, auth: Auth, db: Session) -> None:
    topic = f.topic(db)
    f.tutor(db, user_id="t1", approve_for=[topic.id])
    approval = db.exec(select(Approval)).one()
    db.add(Pairing(learner_id="l1", tutor_id="t1", topic_id=topic.id, source="request"))
    f.done(db, None)
    detail = client.get(f"/api/matching/approvals/{approval.id}", headers=auth.user(**SUP)).json()
    assert detail["running_pairings"] == []  # only listed once the approval stops
    suspended = client.post(
        f"/api/matching/approvals/{approval.id}/transition", json={"status": "suspended", "reason": "Wrong ECG axis taught"}, headers=auth.user("sup", **SUP)
    )
    assert suspended.status_code == 200, suspended.text
    body = suspended.json()
    assert body["status"] == "suspended"
    assert [(e["from_status"], e["to_status"], e["actor_id"]) for e in body["events"]] == [(None, "approved", "sup-1"), ("approved", "suspended", "sup")]
    assert body["events"][1]["reason"] == "Wrong ECG axis taught"
    assert [p["learner_id"] for p in body["running_pairings"]] == ["l1"]
    check = client.get(f"/api/matching/approvals/check?tutor_id=t1&topic_id={topic.id}", headers=auth.user(**SUP))
    assert check.json() == {"approved": False, "reason": "suspended"}
    bad = client.post(f"/api/matching/approvals/{approval.id}/transition", json={"status": "expired", "reason": "x"}, headers=auth.user(**SUP))
    assert bad.status_code == 409
    assert bad.json()["code"] == "invalid_transition"
    restored = client.post(f"/api/matching/approvals/{approval.id}/transition", json={"status": "approved", "reason": "Retrained"}, headers=auth.user(**SUP))
    assert restored.json()["status"] == "approved"
    notes = client.get("/api/matching/notifications", headers=auth.user("t1", roles=["tutor"])).json()
    assert [n["kind"] for n in notes] == ["approval_approved", "approval_suspended"]


def test_tutor_sees_only_own_approvals(client: TestClient, auth: Auth, db: Session) -> None:
    topic = f.topic(db)
    f.tutor(db, user_id="t1", approve_for=[topic.id])
    f.tutor(db, user_id="t2", approve_for=[topic.id])
    mine = client.get("/api/matching/approvals", headers=auth.user("t1", roles=["tutor"])).json()
    assert [a["tutor_id"] for a in mine] == ["t1"]
    other = client.get("/api/matching/approvals", headers=auth.user(**SUP)).json()
    assert len(other) == 2
    approval_t2 = next(a for a in other if a["tutor_id"] == "t2")
    assert client.get(f"/api/matching/approvals/{approval_t2['id']}", headers=auth.user("t1", roles=["tutor"])).status_code == 403


def test_expiry_computed_on_read_and_recorded_by_worker(client: TestClient, auth: Auth, db: Session) -> None:
    topic = f.topic(db)
    f.tutor(db, user_id="t1", approve_for=[topic.id], expires_at=f.now() + timedelta(days=30))
    approval = db.exec(select(Approval)).one()
    approval.expires_at = f.now() - timedelta(minutes=1)
    db.add(approval)
    f.done(db, None)
    check = client.get(f"/api/matching/approvals/check?tutor_id=t1&topic_id={topic.id}", headers=auth.user(**SUP))
    assert check.json() == {"approved": False, "reason": "expired"}
    assert approvals.record_expiries(session=db) == 1
    assert approvals.record_expiries(session=db) == 0
    events = db.exec(select(ApprovalEvent).order_by(ApprovalEvent.id)).all()
    assert [(e.to_status, e.actor_id) for e in events] == [("approved", "sup-1"), ("expired", "system")]
    f.done(db, None)
    renew = client.post(f"/api/matching/approvals/{approval.id}/transition", json={"status": "approved", "reason": "renew"}, headers=auth.user(**SUP))
    assert renew.status_code == 422
    assert renew.json()["code"] == "expiry_required"


def test_feedback_suspension_is_idempotent(client: TestClient, auth: Auth, db: Session) -> None:
    topic = f.topic(db)
    f.tutor(db, user_id="t1", approve_for=[topic.id])
    body = {"tutor_id": "t1", "topic_id": topic.id, "reason": "Inaccurate content confirmed", "erratum_id": "E-1"}
    headers = {**auth.client("svc-feedback", scopes=SUSPEND), "Idempotency-Key": "erratum-E-1"}
    first = client.post("/api/matching/approvals/suspensions", json=body, headers=headers)
    assert first.status_code == 200, first.text
    assert first.json()["changed"] is True
    assert first.json()["status"] == "suspended"
    again = client.post("/api/matching/approvals/suspensions", json=body, headers=headers)
    assert again.json() == first.json()
    events = db.exec(select(ApprovalEvent)).all()
    assert [e.to_status for e in events] == ["approved", "suspended"]
    assert "E-1" in (events[1].reason or "")


def test_suspension_needs_scope_and_key(client: TestClient, auth: Auth, db: Session) -> None:
    topic = f.topic(db)
    f.tutor(db, user_id="t1", approve_for=[topic.id])
    body = {"tutor_id": "t1", "topic_id": topic.id, "reason": "x", "erratum_id": "E-1"}
    admin = client.post("/api/matching/approvals/suspensions", json=body, headers={**auth.user(roles=["admin"]), "Idempotency-Key": "k"})
    assert admin.status_code == 403
    no_key = client.post("/api/matching/approvals/suspensions", json=body, headers=auth.client("svc-feedback", scopes=SUSPEND))
    assert no_key.status_code == 400
    assert no_key.json()["code"] == "idempotency_key_required"
    check = client.get(f"/api/matching/approvals/check?tutor_id=t1&topic_id={topic.id}", headers=auth.user(**SUP))
    assert check.json()["approved"] is True


def test_suspension_without_approval_is_recorded_no_op(client: TestClient, auth: Auth, db: Session) -> None:
    topic = f.topic(db)
    body = {"tutor_id": "nobody", "topic_id": topic.id, "reason": "x", "erratum_id": "E-2"}
    response = client.post("/api/matching/approvals/suspensions", json=body, headers={**auth.client("svc-feedback", scopes=SUSPEND), "Idempotency-Key": "k2"})
    assert response.status_code == 200
    assert response.json() == {"approval_id": None, "status": None, "changed": False}


def test_bulk_approvals_all_or_nothing(client: TestClient, auth: Auth, db: Session) -> None:
    a, b = f.topic(db, "ECG").id, f.topic(db, "Venepuncture").id
    f.tutor(db, user_id="t1")
    f.tutor(db, user_id="t2")
    items = [{"tutor_id": "t1", "topic_id": a, "evidence": "x"}, {"tutor_id": "t2", "topic_id": b, "evidence": "y"}]
    bad = client.post("/api/matching/approvals/bulk", json=[*items, {"tutor_id": "ghost", "topic_id": a, "evidence": "z"}], headers=auth.user(**SUP))
    assert bad.status_code == 404
    assert bad.json()["code"] == "tutor_not_found"
    duplicate = client.post("/api/matching/approvals/bulk", json=[items[0], items[0]], headers=auth.user(**SUP))
    assert (duplicate.status_code, duplicate.json()["code"]) == (422, "duplicate_approval")
    ok = client.post("/api/matching/approvals/bulk", json=items, headers=auth.user("sup", **SUP))
    assert ok.status_code == 201
    assert [(x["tutor_id"], x["approved_by"]) for x in ok.json()] == [("t1", "sup"), ("t2", "sup")]
    assert len(db.exec(select(ApprovalEvent)).all()) == 2


def outbox_messages(db: Session) -> list[OutboxMessage]:
    db.expire_all()
    rows = list(db.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))).all())
    for row in rows:
        db.expunge(row)  # detached: reading it later must not reopen a (locking) transaction
    db.rollback()
    return rows


def test_manual_suspension_tells_sessions_in_the_same_transaction(client: TestClient, auth: Auth, db: Session) -> None:
    topic = f.topic(db)
    f.tutor(db, user_id="t1", approve_for=[topic.id])
    url = f"/api/matching/approvals/{db.exec(select(Approval.id)).one()}/transition"
    topic_id = f.done(db, topic.id)  # (rolled-back objects expire: read what the test needs before)
    suspended = client.post(url, json={"status": "suspended", "reason": "Wrong ECG axis taught"}, headers=auth.user("sup", **SUP))
    assert suspended.status_code == 200, suspended.text
    (message,) = outbox_messages(db)
    event_id = db.exec(select(ApprovalEvent.id).where(ApprovalEvent.to_status == "suspended")).one()
    db.rollback()  # end the read (SQLite: BEGIN IMMEDIATE holds the write lock)
    assert (message.topic, message.key) == (approvals.APPROVAL_SUSPENDED_TOPIC, f"matching-approval-suspended-{event_id}")
    payload = json.loads(message.payload)
    assert set(payload) == {"tutor_id", "topic_id", "reason", "supervisor_id", "suspended_at"}
    assert (payload["tutor_id"], payload["topic_id"], payload["reason"], payload["supervisor_id"]) == ("t1", topic_id, "Wrong ECG axis taught", "sup")
    suspended_at = datetime.fromisoformat(payload["suspended_at"])
    assert suspended_at.utcoffset() == timedelta(0)
    assert abs(suspended_at - f.now()) < timedelta(minutes=5)
    # Already stopped: revoking it tells sessions nothing new; a refused transition writes nothing.
    assert client.post(url, json={"status": "revoked", "reason": "Left"}, headers=auth.user("sup", **SUP)).status_code == 200
    assert client.post(url, json={"status": "expired", "reason": "x"}, headers=auth.user("sup", **SUP)).status_code == 409
    assert len(outbox_messages(db)) == 1
    # Approved again, then revoked: a new stop, a new message.
    assert client.post(url, json={"status": "approved", "reason": "Retrained"}, headers=auth.user("sup", **SUP)).status_code == 200
    assert client.post(url, json={"status": "revoked", "reason": "Unsafe again"}, headers=auth.user("sup2", **SUP)).status_code == 200
    messages = outbox_messages(db)
    assert len(messages) == 2 and messages[0].key != messages[1].key
    assert json.loads(messages[1].payload)["supervisor_id"] == "sup2"


def test_feedback_suspension_tells_sessions_once(client: TestClient, auth: Auth, db: Session) -> None:
    topic = f.topic(db)
    f.tutor(db, user_id="t1", approve_for=[topic.id])
    topic_id = f.done(db, topic.id)
    body = {"tutor_id": "t1", "topic_id": topic_id, "reason": "Inaccurate content confirmed", "erratum_id": "E-7"}
    headers = {**auth.client("svc-feedback", scopes=SUSPEND), "Idempotency-Key": "erratum-E-7"}
    for _ in range(2):  # a redelivery by feedback's outbox
        assert client.post("/api/matching/approvals/suspensions", json=body, headers=headers).status_code == 200
    other_key = {**headers, "Idempotency-Key": "erratum-E-8"}
    assert client.post("/api/matching/approvals/suspensions", json={**body, "erratum_id": "E-8"}, headers=other_key).json()["changed"] is False
    (message,) = outbox_messages(db)
    payload = json.loads(message.payload)
    assert payload["tutor_id"] == "t1" and payload["topic_id"] == topic_id
    assert payload["reason"] == "Inaccurate content confirmed (erratum E-7)"
    assert payload["supervisor_id"] == "sup-1"  # feedback does not name the confirming supervisor: the approving one is told


def test_suspension_that_fails_enqueues_nothing(client: TestClient, auth: Auth, db: Session) -> None:
    topic = f.topic(db)
    f.tutor(db, user_id="t1", approve_for=[topic.id])
    approval = db.exec(select(Approval)).one()
    f.done(db, None)
    blank = client.post(f"/api/matching/approvals/{approval.id}/transition", json={"status": "suspended", "reason": ""}, headers=auth.user(**SUP))
    assert blank.status_code == 422
    assert outbox_messages(db) == []
