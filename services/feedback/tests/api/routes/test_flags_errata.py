from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from feedback.models import AccuracyFlag, Erratum, Notification
from kit.outbox import OutboxMessage
from kit.pytest_plugin import Auth
from tests.factories import completed_session, count, flag, learner, supervisor, tutor


def test_only_attendees_may_flag(client: TestClient, auth: Auth, db: Session) -> None:
    spec = completed_session(client, auth, tutors=[tutor()], attendees=[learner()])
    body = {"session_id": spec.session_id, "quote": "x"}
    response = client.post("/api/feedback/flags", json=body, headers=learner().headers(auth))
    assert response.status_code == 403
    assert response.json()["code"] == "not_an_attendee"
    assert count(db, AccuracyFlag) == 0


def test_queue_shows_overdue_first_then_oldest(client: TestClient, auth: Auth, db: Session) -> None:
    a = learner()
    spec = completed_session(client, auth, tutors=[tutor()], attendees=[a], topic_id=3)
    other = completed_session(client, auth, tutors=[tutor()], attendees=[a], topic_id=4)
    young = flag(client, auth, a, spec.session_id, "young")
    overdue = flag(client, auth, a, spec.session_id, "overdue")
    middle = flag(client, auth, a, spec.session_id, "middle")
    flag(client, auth, a, other.session_id, "other topic")
    shifts = {overdue["id"]: timedelta(hours=100), middle["id"]: timedelta(hours=10), young["id"]: timedelta(0)}
    for flag_id, shift in shifts.items():
        row = db.get(AccuracyFlag, flag_id)
        assert row is not None
        row.created_at -= shift
        row.due_at -= shift
        db.add(row)
    db.commit()
    queue = client.get("/api/feedback/flags", params={"status": "open", "topic_id": 3}, headers=supervisor().headers(auth))
    assert queue.status_code == 200
    items = queue.json()
    assert [f["quote"] for f in items] == ["overdue", "middle", "young"]
    assert [f["overdue"] for f in items] == [True, False, False]
    assert items[0]["age_hours"] >= 100
    assert client.get("/api/feedback/flags", headers=tutor().headers(auth)).status_code == 403


def test_dismiss_notifies_the_flagger(client: TestClient, auth: Auth) -> None:
    flagger = learner()
    spec = completed_session(client, auth, tutors=[tutor()], attendees=[flagger])
    created = flag(client, auth, flagger, spec.session_id)
    boss = supervisor()
    dismissed = client.post(f"/api/feedback/flags/{created['id']}/dismiss", json={"note": "Correct as taught"}, headers=boss.headers(auth))
    assert dismissed.status_code == 200
    assert dismissed.json()["status"] == "dismissed"
    notes = client.get("/api/feedback/notifications", headers=flagger.headers(auth)).json()
    assert [n["kind"] for n in notes] == ["flag_dismissed"]
    assert "Correct as taught" in notes[0]["body"]
    again = client.post(f"/api/feedback/flags/{created['id']}/dismiss", json={"note": "x"}, headers=boss.headers(auth))
    assert again.status_code == 409
    assert again.json()["code"] == "flag_already_reviewed"
    read = client.post(f"/api/feedback/notifications/{notes[0]['id']}/read", headers=flagger.headers(auth))
    assert read.status_code == 200 and read.json()["read_at"] is not None
    stolen = client.post(f"/api/feedback/notifications/{notes[0]['id']}/read", headers=learner().headers(auth))
    assert stolen.status_code == 404


def test_erratum_reaches_every_attendee_of_every_affected_session(client: TestClient, auth: Auth, db: Session) -> None:
    teacher, other_teacher = tutor(), tutor()
    first = [learner() for _ in range(3)]
    second = [learner() for _ in range(2)] + [first[0]]
    third = [learner()]  # same tutor and topic, not selected
    s1 = completed_session(client, auth, tutors=[teacher], attendees=first, topic_id=5)
    s2 = completed_session(client, auth, tutors=[teacher], attendees=second, topic_id=5)
    completed_session(client, auth, tutors=[teacher], attendees=third, topic_id=5)
    unrelated = completed_session(client, auth, tutors=[other_teacher], attendees=[learner()], topic_id=5)
    created = flag(client, auth, first[1], s1.session_id)
    boss = supervisor()

    refused = client.post(f"/api/feedback/flags/{created['id']}/confirm",
                          json={"correction": "Aspirin is an antiplatelet agent.", "session_ids": [s2.session_id, unrelated.session_id]},
                          headers=boss.headers(auth))
    assert refused.status_code == 422
    assert refused.json()["code"] == "unrelated_session"
    assert refused.json()["details"][0]["field"] == "body.session_ids.1"
    assert count(db, Erratum) == 0 and count(db, Notification) == 0

    confirmed = client.post(f"/api/feedback/flags/{created['id']}/confirm",
                            json={"correction": "Aspirin is an antiplatelet agent.", "session_ids": [s2.session_id]},
                            headers=boss.headers(auth))
    assert confirmed.status_code == 201, confirmed.text
    erratum = confirmed.json()
    expected = {p.id for p in first + second} | {teacher.id}
    assert {r["user_id"] for r in erratum["recipients"]} == expected
    # Supervisors see who the recipients are by name (names came with the completed-session events).
    assert {r["user_id"]: r["display_name"] for r in erratum["recipients"]} == {p.id: p.name for p in [*first, *second, teacher]}
    assert set(erratum["pending"]) == expected
    assert sorted(erratum["session_ids"]) == sorted([s1.session_id, s2.session_id])
    for person in [*first, *second, teacher]:
        notes = client.get("/api/feedback/notifications", headers=person.headers(auth)).json()
        assert any(n["kind"] == "erratum" and n["link"] == f"/feedback/errata/{erratum['id']}" for n in notes), person
    for outsider in third:
        assert client.get("/api/feedback/notifications", headers=outsider.headers(auth)).json() == []

    ack = client.post(f"/api/feedback/errata/{erratum['id']}/acknowledge", headers=first[0].headers(auth))
    assert ack.status_code == 200
    twice = client.post(f"/api/feedback/errata/{erratum['id']}/acknowledge", headers=first[0].headers(auth))
    assert twice.json()["acknowledged_at"] == ack.json()["acknowledged_at"]
    assert client.post(f"/api/feedback/errata/{erratum['id']}/acknowledge", headers=third[0].headers(auth)).json()["code"] == "not_a_recipient"
    detail = client.get(f"/api/feedback/errata/{erratum['id']}", headers=boss.headers(auth)).json()
    assert set(detail["pending"]) == expected - {first[0].id}
    waiting = [r for r in detail["recipients"] if r["acknowledged_at"] is None]
    assert {r["display_name"] for r in waiting} == {p.name for p in [*first, *second, teacher] if p is not first[0]}
    notes = client.get("/api/feedback/notifications", headers=first[0].headers(auth)).json()
    assert next(n for n in notes if n["kind"] == "erratum")["read_at"] is not None
    assert client.get(f"/api/feedback/errata/{erratum['id']}", headers=teacher.headers(auth)).status_code == 403
    content = client.get(f"/api/feedback/errata/{erratum['id']}/content", headers=teacher.headers(auth))
    assert content.status_code == 200 and content.json()["correction"] == "Aspirin is an antiplatelet agent."
    flagger_notes = client.get("/api/feedback/notifications", headers=first[1].headers(auth)).json()
    assert {n["kind"] for n in flagger_notes} == {"erratum", "flag_confirmed"}
    assert count(db, OutboxMessage) == 0


def test_suspension_is_enqueued_with_the_erratum(client: TestClient, auth: Auth, db: Session) -> None:
    teacher, a = tutor(), learner()
    spec = completed_session(client, auth, tutors=[teacher], attendees=[a], topic_id=9)
    created = flag(client, auth, a, spec.session_id)
    confirmed = client.post(f"/api/feedback/flags/{created['id']}/confirm",
                            json={"correction": "c", "suspend_tutor": True, "reason": "Repeated dangerous error"},
                            headers=supervisor().headers(auth))
    assert confirmed.status_code == 201
    messages = db.exec(select(OutboxMessage)).all()
    assert len(messages) == 1
    assert messages[0].key == f"feedback-suspension-{confirmed.json()['id']}"
    assert f'"tutor_id": "{teacher.id}"' in messages[0].payload


def test_several_tutors_need_a_choice(client: TestClient, auth: Auth, db: Session) -> None:
    a = learner()
    t1, t2 = tutor(), tutor()
    spec = completed_session(client, auth, tutors=[t1, t2], attendees=[a])
    created = flag(client, auth, a, spec.session_id)
    response = client.post(f"/api/feedback/flags/{created['id']}/confirm", json={"correction": "c"}, headers=supervisor().headers(auth))
    assert response.status_code == 422
    assert response.json()["code"] == "tutor_required"
    assert count(db, Erratum) == 0
    chosen = client.post(f"/api/feedback/flags/{created['id']}/confirm", json={"correction": "c", "tutor_id": t2.id},
                         headers=supervisor().headers(auth))
    assert chosen.status_code == 201
    assert chosen.json()["tutor_id"] == t2.id
    assert t1.id not in {r["user_id"] for r in chosen.json()["recipients"]}


def test_flag_is_visible_to_its_flagger_and_supervisors_only(client: TestClient, auth: Auth) -> None:
    flagger, other, teacher = learner(), learner(), tutor()
    spec = completed_session(client, auth, tutors=[teacher], attendees=[flagger, other])
    created = flag(client, auth, flagger, spec.session_id)
    assert client.get(f"/api/feedback/flags/{created['id']}", headers=flagger.headers(auth)).status_code == 200
    assert client.get(f"/api/feedback/flags/{created['id']}", headers=supervisor().headers(auth)).status_code == 200
    for outsider in (other, teacher):
        response = client.get(f"/api/feedback/flags/{created['id']}", headers=outsider.headers(auth))
        assert response.status_code == 403 and response.json()["code"] == "forbidden"
    assert client.get("/api/feedback/flags/999999", headers=supervisor().headers(auth)).json()["code"] == "flag_not_found"


def test_unread_notifications_filter(client: TestClient, auth: Auth) -> None:
    flagger = learner()
    spec = completed_session(client, auth, tutors=[tutor()], attendees=[flagger])
    boss = supervisor()
    for quote in ("one", "two"):
        created = flag(client, auth, flagger, spec.session_id, quote)
        client.post(f"/api/feedback/flags/{created['id']}/dismiss", json={"note": "fine"}, headers=boss.headers(auth))
    notes = client.get("/api/feedback/notifications", headers=flagger.headers(auth)).json()
    assert len(notes) == 2
    client.post(f"/api/feedback/notifications/{notes[0]['id']}/read", headers=flagger.headers(auth))
    unread = client.get("/api/feedback/notifications", params={"unread_only": True}, headers=flagger.headers(auth)).json()
    assert [n["id"] for n in unread] == [notes[1]["id"]]
