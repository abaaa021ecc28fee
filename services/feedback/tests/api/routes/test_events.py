from fastapi.testclient import TestClient
from sqlmodel import Session, select

from feedback.models import Participant, SessionFact
from kit.pytest_plugin import Auth
from tests.factories import EVENTS, SessionSpec, count, events_headers, learner, new_id, tutor


def _spec() -> SessionSpec:
    return SessionSpec(session_id=new_id(), topic_id=7, tutor_ids=[tutor().id], attendee_ids=[learner().id, learner().id])


def test_redelivery_has_no_further_effect_and_same_answer(client: TestClient, auth: Auth, db: Session) -> None:
    spec = _spec()
    headers = events_headers(auth, key="sessions-outbox-42")
    first = client.post(EVENTS, json=spec.payload(), headers=headers)
    assert first.status_code == 201, first.text
    assert first.json()["attendee_count"] == 2
    # Redelivery with the same key, even with a different body, returns the first answer and changes nothing.
    changed = {**spec.payload(), "attendee_ids": []}
    second = client.post(EVENTS, json=changed, headers=headers)
    assert second.status_code == 201
    assert second.json() == first.json()
    assert count(db, Participant) == 3
    assert count(db, SessionFact) == 1


def test_new_key_for_known_session_corrects_attendance(client: TestClient, auth: Auth, db: Session) -> None:
    spec = _spec()
    assert client.post(EVENTS, json=spec.payload(), headers=events_headers(auth)).status_code == 201
    spec.attendee_ids = spec.attendee_ids[:1]
    again = client.post(EVENTS, json=spec.payload(), headers=events_headers(auth))
    assert again.status_code == 200
    assert again.json()["attendee_count"] == 1


def test_events_need_the_scope(client: TestClient, auth: Auth) -> None:
    headers = auth.client("svc-matching", scopes=["feedback:quality"]) | {"Idempotency-Key": "k1"}
    response = client.post(EVENTS, json=_spec().payload(), headers=headers)
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    as_admin = client.post(EVENTS, json=_spec().payload(), headers=auth.user(roles=["admin"]) | {"Idempotency-Key": "k2"})
    assert as_admin.status_code == 403


def test_missing_key_and_bad_interval_change_nothing(client: TestClient, auth: Auth, db: Session) -> None:
    headers = auth.client("svc-sessions", scopes=["feedback:events"])
    response = client.post(EVENTS, json=_spec().payload(), headers=headers)
    assert response.status_code == 400
    assert response.json()["code"] == "idempotency_key_required"
    spec = _spec()
    body = spec.payload() | {"ends_at": spec.starts_at.isoformat()}
    bad = client.post(EVENTS, json=body, headers=events_headers(auth, "k-bad"))
    assert bad.status_code == 422
    assert bad.json()["code"] == "invalid_interval"
    assert bad.json()["details"][0]["field"] == "body.ends_at"
    assert count(db, SessionFact) == 0
    # The key was not consumed by the refused attempt.
    assert client.post(EVENTS, json=spec.payload(), headers=events_headers(auth, "k-bad")).status_code == 201


def test_display_names_are_stored_for_supervisors(client: TestClient, auth: Auth, db: Session) -> None:
    teacher, one, two = tutor(), learner(), learner()
    spec = SessionSpec(session_id=new_id(), topic_id=7, tutor_ids=[teacher.id], attendee_ids=[one.id, two.id],
                       names={teacher.id: teacher.name, one.id: one.name})  # two's name unknown to the sender
    response = client.post(EVENTS, json=spec.payload(), headers=events_headers(auth))
    assert response.status_code == 201, response.text
    assert one.name not in response.text and teacher.name not in response.text
    stored = {(p.user_id, p.role): p.display_name for p in db.exec(select(Participant)).all()}
    assert stored == {(teacher.id, "tutor"): teacher.name, (one.id, "attendee"): one.name, (two.id, "attendee"): None}


def test_name_of_someone_not_listed_is_refused_and_changes_nothing(client: TestClient, auth: Auth, db: Session) -> None:
    spec = _spec()
    body = spec.payload() | {"attendees": [{"user_id": spec.attendee_ids[0], "display_name": "A"}, {"user_id": new_id(), "display_name": "B"}]}
    bad = client.post(EVENTS, json=body, headers=events_headers(auth, "k-names"))
    assert bad.status_code == 422
    assert (bad.json()["code"], bad.json()["details"][0]["field"]) == ("unknown_participant", "body.attendees.1.user_id")
    assert count(db, SessionFact) == 0 and count(db, Participant) == 0
