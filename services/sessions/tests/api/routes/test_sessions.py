from datetime import timedelta

from fastapi.testclient import TestClient

from sessions.clients import HttpApprovalChecker
from sessions.core.config import Settings
from tests.factories import FakeApprovals, People, create_session, future, new_id, session_body


def test_tutor_creates_open_group_session(client: TestClient, people: People, approvals: FakeApprovals) -> None:
    body = create_session(client, people)
    assert body["state"] == "open"
    assert body["tutors"][0]["user_id"] == people.tutor_id
    assert body["tutors"][0]["display_name"] == "Inès Moreau"
    assert approvals.calls == [(people.tutor_id, 7)]
    listed = client.get("/api/sessions/sessions", headers=people.learner(new_id()))
    assert [s["id"] for s in listed.json()] == [body["id"]]


def test_unapproved_tutor_is_refused_and_nothing_is_created(client: TestClient, people: People, approvals: FakeApprovals) -> None:
    approvals.refused.add((people.tutor_id, 7))
    response = client.post("/api/sessions/sessions", json=session_body(), headers=people.tutor())
    assert response.status_code == 403
    assert response.json()["code"] == "tutor_not_approved"
    assert client.get("/api/sessions/sessions", headers=people.admin()).json() == []


def test_matching_down_refuses_with_502(client: TestClient, people: People, app) -> None:  # type: ignore[no-untyped-def]
    app.state.approval_checker = HttpApprovalChecker(Settings(matching_url="http://127.0.0.1:9", http_retries=1))
    response = client.post("/api/sessions/sessions", json=session_body(), headers=people.tutor())
    assert response.status_code == 502
    assert response.json()["code"] == "approval_check_unavailable"
    assert client.get("/api/sessions/sessions", headers=people.admin()).json() == []


def test_admin_skips_approval_check(client: TestClient, people: People, approvals: FakeApprovals) -> None:
    body = session_body(tutors=[{"user_id": people.tutor_id, "display_name": "Inès"}])
    response = client.post("/api/sessions/sessions", json=body, headers=people.admin())
    assert response.status_code == 201, response.text
    assert approvals.calls == []


def test_learner_cannot_create(client: TestClient, people: People) -> None:
    response = client.post("/api/sessions/sessions", json=session_body(), headers=people.learner(new_id()))
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_ends_before_start_names_the_body(client: TestClient, people: People) -> None:
    start = future()
    body = session_body(start, ends_at=(start - timedelta(hours=1)).isoformat())
    response = client.post("/api/sessions/sessions", json=body, headers=people.tutor())
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


def test_naive_datetime_is_refused(client: TestClient, people: People) -> None:
    body = session_body(starts_at=future().replace(tzinfo=None))
    response = client.post("/api/sessions/sessions", json=body, headers=people.tutor())
    assert response.status_code == 422
    assert response.json()["details"][0]["field"] == "body.starts_at"


def test_idempotent_create_replays_and_reused_key_is_422(client: TestClient, people: People) -> None:
    headers = people.tutor() | {"Idempotency-Key": "create-1"}
    body = session_body()
    first = client.post("/api/sessions/sessions", json=body, headers=headers)
    second = client.post("/api/sessions/sessions", json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    other = client.post("/api/sessions/sessions", json=session_body(capacity=5), headers=headers)
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    assert len(client.get("/api/sessions/sessions", headers=people.admin()).json()) == 1


def test_update_bumps_sequence_and_cancel_keeps_session(client: TestClient, people: People) -> None:
    created = create_session(client, people)
    sid = created["id"]
    moved = client.patch(f"/api/sessions/sessions/{sid}", json={"place": "Room 3"}, headers=people.tutor())
    assert moved.status_code == 200, moved.text
    assert moved.json()["sequence"] == created["sequence"] + 1
    other_tutor = client.patch(f"/api/sessions/sessions/{sid}", json={"place": "X"}, headers=people.tutor(new_id()))
    assert other_tutor.status_code == 403
    assert other_tutor.json()["code"] == "not_session_tutor"
    cancelled = client.post(f"/api/sessions/sessions/{sid}/cancel", json={"reason": "ill"}, headers=people.tutor())
    assert cancelled.json()["state"] == "cancelled"
    assert cancelled.json()["sequence"] == created["sequence"] + 2
    again = client.post(f"/api/sessions/sessions/{sid}/cancel", headers=people.tutor())
    assert again.status_code == 409
    assert again.json()["code"] == "session_not_cancellable"


def test_draft_hidden_from_learners_until_opened(client: TestClient, people: People) -> None:
    draft = create_session(client, people, open=False)
    learner = people.learner(new_id())
    assert client.get("/api/sessions/sessions", headers=learner).json() == []
    hidden = client.get(f"/api/sessions/sessions/{draft['id']}", headers=learner)
    assert hidden.status_code == 404
    assert hidden.json()["code"] == "session_not_found"
    assert client.get(f"/api/sessions/sessions/{draft['id']}", headers=people.tutor()).status_code == 200
    booked = client.post(f"/api/sessions/sessions/{draft['id']}/bookings", headers=learner)
    assert booked.status_code == 409
    assert booked.json()["code"] == "session_not_bookable"
    opened = client.post(f"/api/sessions/sessions/{draft['id']}/open", headers=people.tutor())
    assert opened.json()["state"] == "open"
    assert len(client.get("/api/sessions/sessions", headers=learner).json()) == 1


def test_timetable_client_reads_changes_since(client: TestClient, people: People) -> None:
    first = create_session(client, people)
    marker = client.get(f"/api/sessions/sessions/{first['id']}", headers=people.admin()).json()["updated_at"]
    second = create_session(client, people, starts_at=future(days=9))
    changed = client.get("/api/sessions/sessions", params={"updated_since": marker}, headers=people.auth.client("tt", scopes=["sessions:read"]))
    assert changed.status_code == 200
    assert [s["id"] for s in changed.json()] == [second["id"]]
    refused = client.get("/api/sessions/sessions", headers=people.auth.client("x", scopes=["feedback:events"]))
    assert refused.status_code == 403
