from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session

from feedback.models import Assessment
from kit.pytest_plugin import Auth
from tests.factories import assess, completed_session, count, learner, supervisor, tutor


def test_before_once_and_only_before_first_attendance(client: TestClient, auth: Auth, db: Session) -> None:
    me = learner()
    assess(client, auth, me, phase="before", topic_id=2, confidence=2, anxiety=4)
    again = client.post("/api/feedback/assessments", json={"phase": "before", "topic_id": 2, "confidence": 3, "anxiety": 3},
                        headers=me.headers(auth))
    assert again.status_code == 409
    assert again.json()["code"] == "before_already_recorded"
    late = learner()
    completed_session(client, auth, tutors=[tutor()], attendees=[late], topic_id=2)
    too_late = client.post("/api/feedback/assessments", json={"phase": "before", "topic_id": 2, "confidence": 3, "anxiety": 3},
                           headers=late.headers(auth))
    assert too_late.status_code == 409
    assert too_late.json()["code"] == "before_after_attendance"
    assert count(db, Assessment) == 1


def test_after_needs_an_attended_session(client: TestClient, auth: Auth, db: Session) -> None:
    me, outsider = learner(), learner()
    spec = completed_session(client, auth, tutors=[tutor()], attendees=[me], topic_id=2)
    refused = client.post("/api/feedback/assessments", json={"phase": "after", "session_id": spec.session_id, "confidence": 3, "anxiety": 3},
                          headers=outsider.headers(auth))
    assert refused.status_code == 403
    assert refused.json()["code"] == "not_an_attendee"
    missing = client.post("/api/feedback/assessments", json={"phase": "after", "confidence": 3, "anxiety": 3}, headers=me.headers(auth))
    assert missing.status_code == 422
    assert missing.json()["details"][0]["field"] == "body.session_id"
    mismatch = client.post("/api/feedback/assessments",
                           json={"phase": "after", "session_id": spec.session_id, "topic_id": 99, "confidence": 3, "anxiety": 3},
                           headers=me.headers(auth))
    assert mismatch.status_code == 422 and mismatch.json()["code"] == "topic_mismatch"
    assert count(db, Assessment) == 0
    made = assess(client, auth, me, phase="after", session_id=spec.session_id, confidence=4, anxiety=2)
    assert made["topic_id"] == 2
    dup = client.post("/api/feedback/assessments", json={"phase": "after", "session_id": spec.session_id, "confidence": 3, "anxiety": 3},
                      headers=me.headers(auth))
    assert dup.status_code == 409 and dup.json()["code"] == "after_already_recorded"


def test_learner_sees_own_trajectory_per_topic(client: TestClient, auth: Auth) -> None:
    me, other = learner(), learner()
    assess(client, auth, me, phase="before", topic_id=2, confidence=1, anxiety=5)
    assess(client, auth, me, phase="before", topic_id=3, confidence=2, anxiety=4)
    assess(client, auth, other, phase="before", topic_id=2, confidence=5, anxiety=1)
    s1 = completed_session(client, auth, tutors=[tutor()], attendees=[me], topic_id=2, topic_name="Renal physiology")
    s2 = completed_session(client, auth, tutors=[tutor()], attendees=[me], topic_id=2, topic_name="Renal physiology")
    assess(client, auth, me, phase="after", session_id=s1.session_id, confidence=3, anxiety=3)
    assess(client, auth, me, phase="after", session_id=s2.session_id, confidence=4, anxiety=2)
    response = client.get("/api/feedback/assessments/me", params={"topic_id": 2}, headers=me.headers(auth))
    assert response.status_code == 200
    body = response.json()
    assert len(body) == 1
    assert body[0]["topic_name"] == "Renal physiology"
    assert [(p["phase"], p["confidence"], p["anxiety"]) for p in body[0]["points"]] == [("before", 1, 5), ("after", 3, 3), ("after", 4, 2)]
    everything = client.get("/api/feedback/assessments/me", headers=me.headers(auth)).json()
    assert [t["topic_id"] for t in everything] == [2, 3]


def test_retrospective_before_is_tied_to_the_first_session(client: TestClient, auth: Auth, db: Session) -> None:
    me = learner()
    first = completed_session(client, auth, tutors=[tutor()], attendees=[me], topic_id=6)
    second = completed_session(client, auth, tutors=[tutor()], attendees=[me], topic_id=6,
                               starts_at=first.starts_at + timedelta(days=1))
    body = {"phase": "before", "retrospective": True, "confidence": 2, "anxiety": 4}
    late = client.post("/api/feedback/assessments", json=body | {"session_id": second.session_id}, headers=me.headers(auth))
    assert late.status_code == 409 and late.json()["code"] == "not_first_session"
    not_mine = client.post("/api/feedback/assessments", json=body | {"session_id": first.session_id}, headers=learner().headers(auth))
    assert not_mine.status_code == 403
    after_retro = client.post("/api/feedback/assessments", json={"phase": "after", "retrospective": True, "session_id": first.session_id,
                                                                "confidence": 2, "anxiety": 4}, headers=me.headers(auth))
    assert after_retro.status_code == 422 and after_retro.json()["details"][0]["field"] == "body.retrospective"
    assert count(db, Assessment) == 0
    made = client.post("/api/feedback/assessments", json=body | {"session_id": first.session_id}, headers=me.headers(auth))
    assert made.status_code == 201, made.text
    assert made.json()["retrospective"] is True and made.json()["topic_id"] == 6
    again = client.post("/api/feedback/assessments", json=body | {"session_id": first.session_id}, headers=me.headers(auth))
    assert again.status_code == 409 and again.json()["code"] == "before_already_recorded"


def test_supervisor_sees_attendance(client: TestClient, auth: Auth) -> None:
    a, b, teacher = learner(), learner(), tutor()
    spec = completed_session(client, auth, tutors=[teacher], attendees=[a, b])
    response = client.get(f"/api/feedback/sessions/{spec.session_id}/attendance", headers=supervisor().headers(auth))
    assert response.status_code == 200
    assert response.json() == {"session_id": spec.session_id, "tutor_ids": [teacher.id], "attendee_ids": sorted([a.id, b.id])}
    assert client.get(f"/api/feedback/sessions/{spec.session_id}/attendance", headers=teacher.headers(auth)).status_code == 403
