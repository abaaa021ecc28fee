from datetime import timedelta

from fastapi.testclient import TestClient

from kit.db import utcnow
from kit.pytest_plugin import Auth
from tests.factories import assess, completed_session, flag, learner, person, rate, supervisor, tutor

OBS = {"preparation": 4, "accuracy": 5, "engagement": 3, "safety": 5, "comment": "Good use of cases"}


def test_anonymity_holds_in_every_tutor_facing_response(client: TestClient, auth: Auth) -> None:
    teacher = tutor()
    raters = [person(["learner"], name="Zelda Quixote"), person(["learner"], name="Ygritte Vasquez")]
    boss = supervisor()
    assess(client, auth, raters[0], phase="before", topic_id=1, confidence=2, anxiety=4)
    spec = completed_session(client, auth, tutors=[teacher], attendees=raters, topic_id=1)
    for rater in raters:
        rate(client, auth, rater, spec.session_id, comment="More cases please")
    assess(client, auth, raters[0], phase="after", session_id=spec.session_id, confidence=4, anxiety=2)
    created = flag(client, auth, raters[0], spec.session_id)
    erratum = client.post(f"/api/feedback/flags/{created['id']}/confirm", json={"correction": "Antiplatelet."}, headers=boss.headers(auth)).json()
    client.post(f"/api/feedback/sessions/{spec.session_id}/observations", json=OBS, headers=boss.headers(auth))
    client.post("/api/feedback/endorsements", json={"tutor_id": teacher.id, "topic_id": 1}, headers=boss.headers(auth))
    client.post(f"/api/feedback/sessions/{spec.session_id}/reflection", json={"went_well": "a", "to_improve": "b"}, headers=teacher.headers(auth))

    tutor_paths = [
        "/api/feedback/sessions",
        f"/api/feedback/sessions/{spec.session_id}",
        f"/api/feedback/sessions/{spec.session_id}/ratings/summary",
        f"/api/feedback/sessions/{spec.session_id}/reflections",
        f"/api/feedback/portfolio/{teacher.id}",
        f"/api/feedback/portfolio/{teacher.id}/certificate",
        "/api/feedback/notifications",
        f"/api/feedback/errata/{erratum['id']}/content",
        f"/api/feedback/endorsements?tutor_id={teacher.id}",
    ]
    for path in tutor_paths:
        response = client.get(path, headers=teacher.headers(auth))
        assert response.status_code == 200, (path, response.text)
        for rater in raters:
            for secret in (rater.id, rater.name, rater.name.split()[0]):
                assert secret not in response.text, (path, secret)
    assert client.get(f"/api/feedback/errata/{erratum['id']}", headers=teacher.headers(auth)).status_code == 403
    # Supervisors, on the other hand, see who wrote what, and who the erratum's recipients are by name.
    recipients = client.get(f"/api/feedback/errata/{erratum['id']}", headers=boss.headers(auth)).json()["recipients"]
    assert {r["display_name"] for r in recipients} == {raters[0].name, raters[1].name, teacher.name}
    full = client.get(f"/api/feedback/sessions/{spec.session_id}/ratings", headers=boss.headers(auth))
    assert raters[0].name in full.text and raters[1].id in full.text


def test_portfolio_counts_and_access(client: TestClient, auth: Auth) -> None:
    teacher, other, boss = tutor(), tutor(), supervisor()
    a, b, c = learner(), learner(), learner()
    start = utcnow() - timedelta(days=3)
    s1 = completed_session(client, auth, tutors=[teacher], attendees=[a, b], topic_id=1, starts_at=start)
    completed_session(client, auth, tutors=[teacher], attendees=[b, c], topic_id=1, starts_at=start + timedelta(days=1))
    completed_session(client, auth, tutors=[teacher, other], attendees=[a], topic_id=2, topic_name="Neurology", format="bedside",
                      starts_at=start + timedelta(days=2), ends_at=start + timedelta(days=2, hours=3))
    completed_session(client, auth, tutors=[other], attendees=[c], topic_id=1)
    rate(client, auth, a, s1.session_id, clarity=5, accuracy=4, usefulness=3, tutor_approach=2)
    rate(client, auth, b, s1.session_id, clarity=3, accuracy=4, usefulness=5, tutor_approach=4)
    created = flag(client, auth, a, s1.session_id)
    client.post(f"/api/feedback/flags/{created['id']}/confirm", json={"correction": "Fixed"}, headers=boss.headers(auth))

    response = client.get(f"/api/feedback/portfolio/{teacher.id}", headers=teacher.headers(auth))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["sessions_taught"] == 3
    assert body["learners_reached"] == 3
    assert body["hours"] == 6.0
    assert [(t["topic_id"], t["format"], t["sessions"], t["hours"]) for t in body["taught"]] == [(1, "small_group", 2, 3.0), (2, "bedside", 1, 3.0)]
    assert body["ratings"] == {"n": 2, "clarity": 4.0, "accuracy": 4.0, "usefulness": 4.0, "tutor_approach": 3.0}
    assert [e["correction"] for e in body["errata"]] == ["Fixed"]
    assert body["confidence_change"]["enough_data"] is False
    assert client.get(f"/api/feedback/portfolio/{teacher.id}", headers=other.headers(auth)).status_code == 403
    assert client.get(f"/api/feedback/portfolio/{teacher.id}", headers=boss.headers(auth)).status_code == 200


def test_certificate_is_printable_escaped_html(client: TestClient, auth: Auth) -> None:
    teacher = person(["tutor"], name="<script>alert(1)</script> Ana")
    completed_session(client, auth, tutors=[teacher], attendees=[learner()], topic_id=1, topic_name="ECG <basics>")
    response = client.get(f"/api/feedback/portfolio/{teacher.id}/certificate", headers=teacher.headers(auth))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "@media print" in response.text
    assert "<script>alert(1)" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Ana" in response.text
    assert "ECG &lt;basics&gt;" in response.text
    assert client.get(f"/api/feedback/portfolio/{teacher.id}/certificate", headers=learner().headers(auth)).status_code == 403
