from fastapi.testclient import TestClient
from sqlmodel import Session

from kit.pytest_plugin import Auth
from tests import factories as f

ADMIN = {"roles": ["admin"]}


def test_supervisor_creates_topic_and_learner_lists_it(client: TestClient, auth: Auth) -> None:
    created = client.post("/api/matching/topics", json={"name": "Cardiology", "kind": "knowledge"}, headers=auth.user(roles=["supervisor"]))
    assert created.status_code == 201, created.text
    child = client.post(
        "/api/matching/topics", json={"name": "ECG interpretation", "kind": "clinical_reasoning", "parent_id": created.json()["id"]}, headers=auth.user(roles=["supervisor"])
    )
    assert child.status_code == 201
    listed = client.get("/api/matching/topics", headers=auth.user(roles=["learner"]))
    assert listed.status_code == 200
    assert [t["path"] for t in listed.json()] == ["Cardiology", "Cardiology > ECG interpretation"]


def test_learner_cannot_create_topic(client: TestClient, auth: Auth) -> None:
    response = client.post("/api/matching/topics", json={"name": "X", "kind": "knowledge"}, headers=auth.user(roles=["learner"]))
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_invalid_kind_names_the_field(client: TestClient, auth: Auth) -> None:
    response = client.post("/api/matching/topics", json={"name": "X", "kind": "astrology"}, headers=auth.user(**ADMIN))
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["details"][0]["field"] == "body.kind"


def test_unknown_parent_is_refused(client: TestClient, auth: Auth) -> None:
    response = client.post("/api/matching/topics", json={"name": "ECG", "kind": "knowledge", "parent_id": 999}, headers=auth.user(**ADMIN))
    assert response.status_code == 404
    assert response.json()["code"] == "topic_not_found"


def test_update_and_cycle_refused(client: TestClient, auth: Auth, db: Session) -> None:
    parent = f.topic(db, "Cardiology", f.TopicKind.knowledge)
    child = f.topic(db, "ECG", parent_id=parent.id)
    renamed = client.patch(f"/api/matching/topics/{child.id}", json={"name": "ECG interpretation"}, headers=auth.user(**ADMIN))
    assert renamed.status_code == 200
    assert renamed.json()["path"] == "Cardiology > ECG interpretation"
    cycle = client.patch(f"/api/matching/topics/{parent.id}", json={"parent_id": child.id}, headers=auth.user(**ADMIN))
    assert cycle.status_code == 422
    assert cycle.json()["code"] == "topic_cycle"
    assert client.get(f"/api/matching/topics/{parent.id}", headers=auth.user()).json()["parent_id"] is None


def test_retire_hides_topic_but_keeps_it(client: TestClient, auth: Auth, db: Session) -> None:
    topic = f.topic(db)
    retired = client.post(f"/api/matching/topics/{topic.id}/retire", headers=auth.user(roles=["supervisor"]))
    assert retired.status_code == 200
    assert retired.json()["retired_at"] is not None
    assert client.get("/api/matching/topics", headers=auth.user()).json() == []
    assert len(client.get("/api/matching/topics?include_retired=true", headers=auth.user()).json()) == 1
    assert client.get(f"/api/matching/topics/{topic.id}", headers=auth.user()).status_code == 200
    restored = client.post(f"/api/matching/topics/{topic.id}/restore", headers=auth.user(roles=["supervisor"]))
    assert restored.json()["retired_at"] is None


def test_retiring_a_topic_retires_its_subtree_and_restore_brings_back_only_that(client: TestClient, auth: Auth, db: Session) -> None:
    cardio = f.topic(db, "Cardiology", f.TopicKind.knowledge)
    ecg = f.topic(db, "ECG", parent_id=cardio.id)
    rhythm = f.topic(db, "Rhythm strips", parent_id=ecg.id)
    murmurs = f.topic(db, "Murmurs", parent_id=cardio.id)
    f.done(db, None)
    sup = auth.user(roles=["supervisor"])
    assert client.post(f"/api/matching/topics/{murmurs.id}/retire", headers=sup).status_code == 200
    assert client.post(f"/api/matching/topics/{cardio.id}/retire", headers=sup).status_code == 200
    assert client.get("/api/matching/topics", headers=auth.user()).json() == []

    under_retired = client.post("/api/matching/topics", json={"name": "Axis", "kind": "knowledge", "parent_id": ecg.id}, headers=sup)
    assert under_retired.status_code == 422
    assert under_retired.json()["code"] == "topic_retired" and under_retired.json()["details"][0]["field"] == "body.parent_id"
    child_first = client.post(f"/api/matching/topics/{rhythm.id}/restore", headers=sup)
    assert child_first.status_code == 409
    assert child_first.json()["code"] == "parent_retired" and "Restore 'ECG' first" in child_first.json()["message"]

    assert client.post(f"/api/matching/topics/{cardio.id}/restore", headers=sup).status_code == 200
    open_names = {t["name"] for t in client.get("/api/matching/topics", headers=auth.user()).json()}
    assert open_names == {"Cardiology", "ECG", "Rhythm strips"}  # Murmurs was retired on its own, earlier


def test_unknown_topic_is_404(client: TestClient, auth: Auth) -> None:
    response = client.post("/api/matching/topics/999/retire", headers=auth.user(**ADMIN))
    assert response.status_code == 404
    assert response.json()["code"] == "topic_not_found"


def test_no_token_is_401(client: TestClient) -> None:
    response = client.get("/api/matching/topics")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_ready_reports_migrations_at_head(client: TestClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "migrations": "ok"}
