"""matching's "approval suspended" event (issue 10.9): the suspended tutor's future sessions on the topic stop."""

from typing import Any

from fastapi.testclient import TestClient

from kit.pytest_plugin import Auth
from tests.factories import People, create_session, future, new_id, session_body

URL = "/api/sessions/events/approval-suspended"


def publisher(auth: Auth, key: str) -> dict[str, str]:
    return auth.client("svc-matching", scopes=["sessions:events"]) | {"Idempotency-Key": key}


def suspension(people: People, supervisor: str | None, topic_id: int = 7) -> dict[str, Any]:
    return {
        "tutor_id": people.tutor_id,
        "topic_id": topic_id,
        "reason": "Confirmed inaccuracy on QT interval drugs",
        "supervisor_id": supervisor,
        "suspended_at": "2026-12-01T10:00:00+00:00",
    }


def kinds(client: TestClient, headers: dict[str, str]) -> list[tuple[str, str]]:
    return [(n["kind"], n["body"]) for n in client.get("/api/sessions/notifications", headers=headers).json()]


def test_sessions_the_tutor_teaches_alone_are_cancelled_with_their_bookings(client: TestClient, people: People, auth: Auth) -> None:
    alone = create_session(client, people, capacity=1, format="group")
    other_topic = create_session(client, people, topic_id=8, starts_at=future(8))
    colleague_id = new_id()
    colleague = client.post("/api/sessions/sessions", json=session_body(future(9)), headers=people.tutor(colleague_id)).json()
    seated, waiting, late = new_id(), new_id(), new_id()
    supervisor = new_id()
    url = f"/api/sessions/sessions/{alone['id']}/bookings"
    assert client.post(url, headers=people.learner(seated)).json()["status"] == "booked"
    assert client.post(url, headers=people.learner(waiting)).json()["status"] == "waitlisted"

    answer = client.post(URL, json=suspension(people, supervisor), headers=publisher(auth, "m-1"))

    assert answer.status_code == 200, answer.text
    assert answer.json() == {"cancelled_sessions": 1, "cancelled_bookings": 2, "tutor_removed_sessions": 0, "notified": 4}
    stored = client.get(f"/api/sessions/sessions/{alone['id']}", headers=people.admin()).json()
    assert (stored["state"], stored["booked"], stored["waitlisted"]) == ("cancelled", 0, 0)
    assert "Confirmed inaccuracy" in stored["cancelled_reason"]
    assert stored["sequence"] > alone["sequence"]
    statuses = [b["status"] for b in client.get(f"/api/sessions/sessions/{alone['id']}/bookings", headers=people.admin()).json()]
    assert statuses == ["cancelled", "cancelled"]
    for user in (people.learner(seated), people.learner(waiting), auth.user(supervisor, roles=["supervisor"]), people.tutor()):
        [(kind, body)] = kinds(client, user)
        assert kind == "session_cancelled"
        assert "approval for this topic was suspended: Confirmed inaccuracy" in body
    refused = client.post(url, headers=people.learner(late))
    assert refused.status_code == 409
    assert refused.json()["code"] == "session_not_bookable"
    # Other topics of the tutor and other tutors' sessions on the topic are untouched.
    for untouched in (other_topic, colleague):
        assert client.get(f"/api/sessions/sessions/{untouched['id']}", headers=people.admin()).json()["state"] == "open"


def test_co_taught_sessions_go_ahead_without_the_suspended_tutor(client: TestClient, people: People, auth: Auth) -> None:
    colleague = new_id()
    created = create_session(client, people, tutors=[{"user_id": people.tutor_id, "display_name": "Inès Moreau"}, {"user_id": colleague, "display_name": "Léa Martin"}])
    learner, supervisor = new_id(), new_id()
    assert client.post(f"/api/sessions/sessions/{created['id']}/bookings", headers=people.learner(learner)).status_code == 201

    answer = client.post(URL, json=suspension(people, supervisor), headers=publisher(auth, "m-2"))

    assert answer.json() == {"cancelled_sessions": 0, "cancelled_bookings": 0, "tutor_removed_sessions": 1, "notified": 4}
    stored = client.get(f"/api/sessions/sessions/{created['id']}", headers=people.admin()).json()
    assert (stored["state"], stored["booked"]) == ("open", 1)
    assert [t["user_id"] for t in stored["tutors"]] == [colleague]
    for user in (people.learner(learner), auth.user(colleague, roles=["tutor"]), auth.user(supervisor, roles=["supervisor"]), people.tutor()):
        [(kind, body)] = kinds(client, user)
        assert kind == "session_tutor_removed"
        assert "It goes ahead with Léa Martin" in body
    # Still bookable, and the suspended tutor can no longer manage it.
    assert client.post(f"/api/sessions/sessions/{created['id']}/bookings", headers=people.learner(new_id())).status_code == 201
    assert client.post(f"/api/sessions/sessions/{created['id']}/cancel", headers=people.tutor()).status_code == 403


def test_a_replay_answers_the_same_and_a_redelivery_changes_nothing(client: TestClient, people: People, auth: Auth) -> None:
    created = create_session(client, people)
    learner = new_id()
    client.post(f"/api/sessions/sessions/{created['id']}/bookings", headers=people.learner(learner))
    body = suspension(people, None)

    first = client.post(URL, json=body, headers=publisher(auth, "m-3"))
    replay = client.post(URL, json=body, headers=publisher(auth, "m-3"))
    other_key = client.post(URL, json=body, headers=publisher(auth, "m-3-again"))

    assert first.json() == replay.json() == {"cancelled_sessions": 1, "cancelled_bookings": 1, "tutor_removed_sessions": 0, "notified": 2}
    assert other_key.status_code == 200
    assert other_key.json() == {"cancelled_sessions": 0, "cancelled_bookings": 0, "tutor_removed_sessions": 0, "notified": 0}
    assert len(kinds(client, people.learner(learner))) == 1
    reused = client.post(URL, json=body | {"topic_id": 8}, headers=publisher(auth, "m-3"))
    assert reused.status_code == 422
    assert reused.json()["code"] == "idempotency_key_reused"


def test_only_a_publisher_with_the_scope_and_a_key_is_heard(client: TestClient, people: People, auth: Auth) -> None:
    created = create_session(client, people)
    body = suspension(people, None)
    assert client.post(URL, json=body, headers=people.admin() | {"Idempotency-Key": "k"}).status_code == 403
    assert client.post(URL, json=body, headers=auth.client("svc-matching", scopes=["sessions:read"]) | {"Idempotency-Key": "k"}).status_code == 403
    missing = client.post(URL, json=body, headers=auth.client("svc-matching", scopes=["sessions:events"]))
    assert (missing.status_code, missing.json()["code"]) == (400, "idempotency_key_required")
    bad = client.post(URL, json=body | {"suspended_at": "2026-12-01T10:00:00"}, headers=publisher(auth, "k"))
    assert bad.status_code == 422
    assert client.get(f"/api/sessions/sessions/{created['id']}", headers=people.admin()).json()["state"] == "open"
