from fastapi.testclient import TestClient
from sqlmodel import Session, select

from kit.pytest_plugin import Auth
from matching.models import LearnerProfile, TutorProfile
from tests import factories as f


def learner_body(topic_id: int, **extra: object) -> dict[str, object]:
    return {
        "display_name": "Lucas Bernard",
        "stage": 3,
        "cohort": "Y3",
        "topics": [{"topic_id": topic_id, "priority": 5}],
        "formats": ["one_to_one_in_person", "group_online"],
        "languages": ["FR", "en"],
        "goal": "Read ECGs with confidence",
        **extra,
    }


def test_learner_puts_and_gets_own_profile(client: TestClient, auth: Auth, db: Session) -> None:
    topic = f.topic(db)
    me = auth.user("learner-1", roles=["learner"])
    put = client.put("/api/matching/learners/me", json=learner_body(topic.id), headers=me)
    assert put.status_code == 200, put.text
    assert put.json()["languages"] == ["en", "fr"]
    got = client.get("/api/matching/learners/me", headers=me)
    assert got.json()["topics"] == [{"topic_id": topic.id, "priority": 5}]
    assert got.json()["user_id"] == "learner-1"


def test_learner_profile_bad_inputs_change_nothing(client: TestClient, auth: Auth, db: Session) -> None:
    topic = f.topic(db)
    me = auth.user("learner-1", roles=["learner"])
    unknown = client.put("/api/matching/learners/me", json=learner_body(999), headers=me)
    assert unknown.status_code == 404
    assert unknown.json()["code"] == "topic_not_found"
    assert unknown.json()["details"][0]["field"] == "body.topics.0"
    bad_priority = client.put("/api/matching/learners/me", json={**learner_body(topic.id), "topics": [{"topic_id": topic.id, "priority": 9}]}, headers=me)
    assert bad_priority.status_code == 422
    assert bad_priority.json()["details"][0]["field"] == "body.topics.0.priority"
    bad_stage = client.put("/api/matching/learners/me", json=learner_body(topic.id, stage=0), headers=me)
    assert bad_stage.status_code == 422
    assert db.exec(select(LearnerProfile)).all() == []


def test_learner_cannot_read_someone_else(client: TestClient, auth: Auth, db: Session) -> None:
    other = f.learner(db)
    response = client.get(f"/api/matching/learners/{other.user_id}", headers=auth.user("x", roles=["learner"]))
    assert response.status_code == 403
    assert client.get(f"/api/matching/learners/{other.user_id}", headers=auth.user(roles=["supervisor"])).status_code == 200


def test_retired_topic_cannot_be_wanted(client: TestClient, auth: Auth, db: Session) -> None:
    topic = f.topic(db)
    client.post(f"/api/matching/topics/{topic.id}/retire", headers=auth.user(roles=["admin"]))
    response = client.put("/api/matching/learners/me", json=learner_body(topic.id), headers=auth.user(roles=["learner"]))
    assert response.status_code == 422
    assert response.json()["code"] == "topic_retired"


def test_tutor_profile_capacity_zero_refused(client: TestClient, auth: Auth, db: Session) -> None:
    me = auth.user("tutor-1", roles=["tutor"])
    body = {"display_name": "Inès", "stage": 5, "capacity": 0, "formats": [], "languages": ["fr"], "topics": []}
    response = client.put("/api/matching/tutors/me", json=body, headers=me)
    assert response.status_code == 422
    assert response.json()["details"][0]["field"] == "body.capacity"
    assert db.exec(select(TutorProfile)).all() == []


def test_tutor_profile_and_pause(client: TestClient, auth: Auth, db: Session) -> None:
    topic = f.topic(db)
    me = auth.user("tutor-1", roles=["tutor"])
    body = {"display_name": "Inès", "stage": 5, "capacity": 3, "formats": ["group_in_person"], "languages": ["fr"], "topics": [topic.id]}
    assert client.put("/api/matching/tutors/me", json=body, headers=me).status_code == 200
    paused = client.post("/api/matching/tutors/me/pause", json={"paused_until": "2030-01-31"}, headers=me)
    assert paused.status_code == 200
    assert paused.json()["paused_until"] == "2030-01-31"
    assert paused.json()["topics"] == [topic.id]
    assert paused.json()["active_pairings"] == 0
    learner_only = client.put("/api/matching/tutors/me", json=body, headers=auth.user(roles=["learner"]))
    assert learner_only.status_code == 403


def test_admin_bulk_profiles(client: TestClient, auth: Auth, db: Session) -> None:
    topic = f.topic(db)
    learners = [{"user_id": f"l{i}", "display_name": f"L {i}", "stage": 2, "cohort": "Y2", "topics": [{"topic_id": topic.id, "priority": 3}]} for i in range(5)]
    tutors = [{"user_id": f"t{i}", "display_name": f"T {i}", "stage": 4, "capacity": 2, "topics": [topic.id]} for i in range(3)]
    admin = auth.user(roles=["admin"])
    first = client.post("/api/matching/learners/bulk", json=learners, headers=admin)
    assert first.json() == {"created": 5, "updated": 0}
    again = client.post("/api/matching/learners/bulk", json=learners, headers=admin)
    assert again.json() == {"created": 0, "updated": 5}
    assert client.post("/api/matching/tutors/bulk", json=tutors, headers=admin).json() == {"created": 3, "updated": 0}
    assert client.post("/api/matching/tutors/bulk", json=tutors, headers=auth.user(roles=["supervisor"])).status_code == 403
    bad = client.post("/api/matching/learners/bulk", json=[*learners, {**learners[0], "user_id": "zz", "topics": [{"topic_id": 999}]}], headers=admin)
    assert bad.status_code == 404
    assert bad.json()["details"][0]["field"] == "body.5.topics.0"
    listed = client.get("/api/matching/learners?cohort=Y2", headers=auth.user(roles=["supervisor"]))
    assert len(listed.json()) == 5
    assert db.get(LearnerProfile, "zz") is None


def test_admin_manages_any_profile_and_tutors_are_listed(client: TestClient, auth: Auth, db: Session) -> None:
    topic = f.topic(db)
    admin = auth.user(roles=["admin"])
    learner = client.put("/api/matching/learners/u1", json=learner_body(topic.id), headers=admin)
    assert learner.status_code == 200
    assert learner.json()["user_id"] == "u1"
    not_admin = client.put("/api/matching/learners/u1", json=learner_body(topic.id), headers=auth.user(roles=["supervisor"]))
    assert not_admin.status_code == 403
    tutor_body = {"display_name": "Hugo", "stage": 6, "capacity": 2, "topics": [topic.id], "languages": ["en"]}
    tutor = client.put("/api/matching/tutors/t1", json=tutor_body, headers=admin)
    assert tutor.status_code == 200
    assert client.get("/api/matching/tutors/me", headers=auth.user("t1", roles=["tutor"])).json()["display_name"] == "Hugo"
    assert client.get("/api/matching/tutors/t1", headers=auth.user(roles=["learner"])).json()["stage"] == 6
    listed = client.get(f"/api/matching/tutors?topic_id={topic.id}", headers=auth.user(roles=["learner"]))
    assert [t["user_id"] for t in listed.json()] == ["t1"]
    missing = client.get("/api/matching/tutors/ghost", headers=auth.user(roles=["learner"]))
    assert (missing.status_code, missing.json()["code"]) == (404, "tutor_not_found")
    no_learner = client.get("/api/matching/learners/me", headers=auth.user("nobody", roles=["learner"]))
    assert (no_learner.status_code, no_learner.json()["code"]) == (404, "learner_not_found")


def test_profile_lists_refuse_a_negative_limit_or_offset(client: TestClient, auth: Auth) -> None:
    for path in ("/api/matching/learners", "/api/matching/tutors"):
        for params, field in (({"limit": -1}, "query.limit"), ({"offset": -1}, "query.offset")):
            response = client.get(path, params=params, headers=auth.user(roles=["admin"]))
            assert response.status_code == 422 and response.json()["details"][0]["field"] == field
