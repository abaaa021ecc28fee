from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from feedback.models import Rating
from kit.pytest_plugin import Auth
from tests.factories import completed_session, learner, rate, rating_body, supervisor, tutor


def test_only_attendees_may_rate(client: TestClient, auth: Auth, db: Session) -> None:
    teacher, attendee, outsider = tutor(), learner(), learner()
    spec = completed_session(client, auth, tutors=[teacher], attendees=[attendee])
    response = client.post(f"/api/feedback/sessions/{spec.session_id}/ratings", json=rating_body(), headers=outsider.headers(auth))
    assert response.status_code == 403
    assert response.json()["code"] == "not_an_attendee"
    by_tutor = client.post(f"/api/feedback/sessions/{spec.session_id}/ratings", json=rating_body(), headers=teacher.headers(auth))
    assert by_tutor.status_code == 403
    assert db.exec(select(Rating)).all() == []


def test_unknown_session_is_404(client: TestClient, auth: Auth) -> None:
    response = client.post("/api/feedback/sessions/nope/ratings", json=rating_body(), headers=learner().headers(auth))
    assert response.status_code == 404
    assert response.json()["code"] == "session_not_found"


def test_one_rating_per_attendee_then_edit_with_put(client: TestClient, auth: Auth) -> None:
    attendee = learner()
    spec = completed_session(client, auth, tutors=[tutor()], attendees=[attendee])
    rate(client, auth, attendee, spec.session_id)
    again = client.post(f"/api/feedback/sessions/{spec.session_id}/ratings", json=rating_body(), headers=attendee.headers(auth))
    assert again.status_code == 409
    assert again.json()["code"] == "already_rated"
    edited = client.put(f"/api/feedback/sessions/{spec.session_id}/ratings/me", json=rating_body(clarity=2), headers=attendee.headers(auth))
    assert edited.status_code == 200
    assert edited.json()["clarity"] == 2
    mine = client.get(f"/api/feedback/sessions/{spec.session_id}/ratings/me", headers=attendee.headers(auth))
    assert mine.json()["clarity"] == 2


def test_rating_becomes_final_after_the_window(client: TestClient, auth: Auth, db: Session) -> None:
    attendee = learner()
    spec = completed_session(client, auth, tutors=[tutor()], attendees=[attendee])
    created = rate(client, auth, attendee, spec.session_id)
    rating = db.get(Rating, created["id"])
    assert rating is not None
    rating.created_at = rating.created_at - timedelta(hours=47, minutes=59)
    db.add(rating)
    db.commit()
    still_open = client.put(f"/api/feedback/sessions/{spec.session_id}/ratings/me", json=rating_body(clarity=3), headers=attendee.headers(auth))
    assert still_open.status_code == 200
    rating.created_at = rating.created_at - timedelta(minutes=2)
    db.add(rating)
    db.commit()
    final = client.put(f"/api/feedback/sessions/{spec.session_id}/ratings/me", json=rating_body(clarity=1), headers=attendee.headers(auth))
    assert final.status_code == 409
    assert final.json()["code"] == "rating_final"
    db.expire_all()
    stored = db.get(Rating, created["id"])
    assert stored is not None and stored.clarity == 3


def test_out_of_range_score_names_the_field(client: TestClient, auth: Auth, db: Session) -> None:
    attendee = learner()
    spec = completed_session(client, auth, tutors=[tutor()], attendees=[attendee])
    response = client.post(f"/api/feedback/sessions/{spec.session_id}/ratings", json=rating_body(usefulness=6), headers=attendee.headers(auth))
    assert response.status_code == 422
    assert response.json()["details"][0]["field"] == "body.usefulness"
    assert db.exec(select(Rating)).all() == []


def test_supervisor_sees_who_wrote_what_tutor_sees_aggregate(client: TestClient, auth: Auth) -> None:
    teacher, a, b = tutor(), learner(), learner()
    spec = completed_session(client, auth, tutors=[teacher], attendees=[a, b])
    rate(client, auth, a, spec.session_id, clarity=5, comment="Great ECG tips")
    rate(client, auth, b, spec.session_id, clarity=2, comment=None)
    full = client.get(f"/api/feedback/sessions/{spec.session_id}/ratings", headers=supervisor().headers(auth))
    assert full.status_code == 200
    assert {(r["rater_id"], r["rater_name"]) for r in full.json()} == {(a.id, a.name), (b.id, b.name)}
    assert client.get(f"/api/feedback/sessions/{spec.session_id}/ratings", headers=teacher.headers(auth)).status_code == 403
    summary = client.get(f"/api/feedback/sessions/{spec.session_id}/ratings/summary", headers=teacher.headers(auth))
    assert summary.status_code == 200
    body = summary.json()
    assert body["aggregate"]["n"] == 2
    assert body["aggregate"]["clarity"] == 3.5
    assert body["comments"] == ["Great ECG tips"]
    other_tutor = client.get(f"/api/feedback/sessions/{spec.session_id}/ratings/summary", headers=tutor().headers(auth))
    assert other_tutor.status_code == 403
    assert other_tutor.json()["code"] == "not_the_tutor"
