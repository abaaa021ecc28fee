from fastapi.testclient import TestClient

from kit.pytest_plugin import Auth
from tests.factories import completed_session, learner, supervisor, tutor

OBS = {"preparation": 4, "accuracy": 5, "engagement": 3, "safety": 5, "comment": "Good use of cases"}


def test_supervisor_observes_and_endorses(client: TestClient, auth: Auth) -> None:
    teacher, boss = tutor(), supervisor()
    spec = completed_session(client, auth, tutors=[teacher], attendees=[learner()], topic_id=4)
    observed = client.post(f"/api/feedback/sessions/{spec.session_id}/observations", json=OBS, headers=boss.headers(auth))
    assert observed.status_code == 201, observed.text
    assert observed.json()["tutor_id"] == teacher.id
    assert client.post(f"/api/feedback/sessions/{spec.session_id}/observations", json=OBS, headers=teacher.headers(auth)).status_code == 403
    body = {"tutor_id": teacher.id, "topic_id": 4, "note": "Safe and accurate"}
    endorsed = client.post("/api/feedback/endorsements", json=body, headers=boss.headers(auth))
    assert endorsed.status_code == 201
    assert endorsed.json()["topic_name"] == "Cardiology"
    twice = client.post("/api/feedback/endorsements", json=body, headers=boss.headers(auth))
    assert twice.status_code == 409 and twice.json()["code"] == "already_endorsed"
    listed = client.get("/api/feedback/endorsements", params={"tutor_id": teacher.id}, headers=teacher.headers(auth)).json()
    assert len(listed) == 1


def test_reflection_by_the_sessions_tutor_only(client: TestClient, auth: Auth) -> None:
    teacher, other = tutor(), tutor()
    spec = completed_session(client, auth, tutors=[teacher], attendees=[learner()])
    body = {"went_well": "Cases", "to_improve": "Timing", "unanswered_questions": "Dose in CKD?"}
    refused = client.post(f"/api/feedback/sessions/{spec.session_id}/reflection", json=body, headers=other.headers(auth))
    assert refused.status_code == 403 and refused.json()["code"] == "not_the_tutor"
    made = client.post(f"/api/feedback/sessions/{spec.session_id}/reflection", json=body, headers=teacher.headers(auth))
    assert made.status_code == 201
    again = client.post(f"/api/feedback/sessions/{spec.session_id}/reflection", json=body, headers=teacher.headers(auth))
    assert again.status_code == 409 and again.json()["code"] == "already_reflected"
    mine = client.get(f"/api/feedback/sessions/{spec.session_id}/reflections", headers=teacher.headers(auth))
    assert [r["went_well"] for r in mine.json()] == ["Cases"]
    assert client.get(f"/api/feedback/sessions/{spec.session_id}/reflections", headers=other.headers(auth)).status_code == 403
