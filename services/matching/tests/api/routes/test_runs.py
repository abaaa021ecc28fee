from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from kit.pytest_plugin import Auth
from matching import runs
from matching.core.config import Settings
from matching.models import Exclusion, MatchRun, Pairing, RunStatus
from tests import factories as f

ADMIN = {"roles": ["admin"]}


def cohort(db: Session) -> list[int]:
    t1, t2, t3, t4 = (f.topic(db, name).id for name in ("ECG", "Venepuncture", "Handover", "Breaking bad news"))
    f.tutor(db, user_id="G", stage=4, capacity=1, approve_for=[t1])
    f.tutor(db, user_id="S", stage=7, approve_for=[t2])
    f.tutor(db, user_id="X", stage=4, approve_for=[t4])
    f.learner(db, user_id="A", stage=2, topics={t1: 5})
    f.learner(db, user_id="B", stage=2, topics={t1: 1})
    f.learner(db, user_id="C", stage=2, topics={t2: 3})
    f.learner(db, user_id="D", stage=2, topics={t3: 3})
    f.learner(db, user_id="E", stage=2, topics={t4: 3})
    f.learner(db, user_id="other-cohort", stage=3, topics={t1: 5})
    db.add(Exclusion(learner_id="E", tutor_id="X", reason="r", created_by="adm"))
    return f.done(db, [t1, t2, t3, t4])


def start_run(client: TestClient, auth: Auth, topics: list[int], engine: Engine, settings: Settings, **extra: object) -> dict:  # type: ignore[type-arg]
    created = client.post("/api/matching/runs", json={"cohort": "Y2", "topic_ids": topics, **extra}, headers=auth.user(**ADMIN))
    assert created.status_code == 202, created.text
    assert created.json()["status"] == "queued"
    assert runs.process_queued(engine=engine, settings=settings) == 1
    body = client.get(f"/api/matching/runs/{created.json()['id']}", headers=auth.user(**ADMIN)).json()
    assert body["status"] == "done", body
    return body  # type: ignore[no-any-return]


def test_dry_run_pairs_and_unmatched_reasons(client: TestClient, auth: Auth, db: Session, engine: Engine, settings: Settings) -> None:
    topics = cohort(db)
    run = start_run(client, auth, topics, engine, settings)
    assert run["progress"] == 100
    pairs = run["result"]["pairs"]
    assert [(p["learner_id"], p["tutor_id"]) for p in pairs] == [("A", "G")]
    assert set(pairs[0]["breakdown"]) >= {"topic_fit", "stage_gap", "format", "language", "load"}
    reasons = {u["learner_id"]: u["reason"] for u in run["result"]["unmatched"]}
    assert reasons == {"B": "capacity", "C": "near_peer_rule", "D": "no_approved_tutor", "E": "exclusion"}
    totals = run["totals"]
    assert (totals["pairs"], totals["unmatched"]) == (1, 4)
    assert totals["total_score"] == pairs[0]["score"]
    assert client.get("/api/matching/runs", headers=auth.user(**ADMIN)).json()[0]["totals"]["pairs"] == 1
    assert db.exec(select(Pairing)).all() == []  # a dry run creates nothing


def test_publish_then_rollback(client: TestClient, auth: Auth, db: Session, engine: Engine, settings: Settings) -> None:
    run = start_run(client, auth, cohort(db), engine, settings)
    published = client.post(f"/api/matching/runs/{run['id']}/publish", headers=auth.user(**ADMIN))
    assert published.status_code == 200, published.text
    assert published.json()["status"] == "published"
    mine = client.get("/api/matching/pairings", headers=auth.user("A", roles=["learner"])).json()
    assert [(p["tutor_id"], p["source"], p["run_id"], p["confirmed_at"]) for p in mine] == [("G", "run", run["id"], None)]
    assert client.get("/api/matching/notifications", headers=auth.user("G", roles=["tutor"])).json()[0]["kind"] == "pairing_proposed"
    twice = client.post(f"/api/matching/runs/{run['id']}/publish", headers=auth.user(**ADMIN))
    assert twice.status_code == 409
    assert twice.json()["code"] == "run_not_publishable"
    rolled = client.post(f"/api/matching/runs/{run['id']}/rollback", headers=auth.user(**ADMIN))
    assert rolled.status_code == 200
    assert rolled.json()["status"] == "rolled_back"
    pairing = client.get(f"/api/matching/pairings/{mine[0]['id']}", headers=auth.user("A", roles=["learner"])).json()
    assert pairing["status"] == "rolled_back"


def test_rollback_refused_after_acceptance(client: TestClient, auth: Auth, db: Session, engine: Engine, settings: Settings) -> None:
    run = start_run(client, auth, cohort(db), engine, settings)
    client.post(f"/api/matching/runs/{run['id']}/publish", headers=auth.user(**ADMIN))
    pairing = client.get("/api/matching/pairings", headers=auth.user("G", roles=["tutor"])).json()[0]
    confirmed = client.post(f"/api/matching/pairings/{pairing['id']}/confirm", headers=auth.user("G", roles=["tutor"]))
    assert confirmed.status_code == 200
    assert confirmed.json()["confirmed_at"] is not None
    refused = client.post(f"/api/matching/runs/{run['id']}/rollback", headers=auth.user(**ADMIN))
    assert refused.status_code == 409
    assert refused.json()["code"] == "run_already_accepted"
    assert client.get(f"/api/matching/pairings/{pairing['id']}", headers=auth.user("G", roles=["tutor"])).json()["status"] == "active"
    assert client.get(f"/api/matching/runs/{run['id']}", headers=auth.user(**ADMIN)).json()["status"] == "published"


def test_publish_refuses_learner_matched_twice(client: TestClient, auth: Auth, db: Session, engine: Engine, settings: Settings) -> None:
    topics = cohort(db)
    run = start_run(client, auth, topics, engine, settings)
    db.add(Pairing(learner_id="A", tutor_id="someone", topic_id=topics[0], source="request"))
    f.done(db, None)
    refused = client.post(f"/api/matching/runs/{run['id']}/publish", headers=auth.user(**ADMIN))
    assert refused.status_code == 409
    assert refused.json()["code"] == "learner_matched_twice"
    assert len(db.exec(select(Pairing)).all()) == 1
    f.done(db, None)
    # a new run skips the learner already paired for that topic
    again = start_run(client, auth, topics, engine, settings)
    assert [p["learner_id"] for p in again["result"]["pairs"]] == ["B"]


def test_stable_run_reports_gap_and_blocking_pairs(client: TestClient, auth: Auth, db: Session, engine: Engine, settings: Settings) -> None:
    run = start_run(client, auth, cohort(db), engine, settings, mode="stable", proposing="tutors")
    totals = run["totals"]
    assert run["proposing"] == "tutors"
    assert totals["blocking_pairs"] == 0
    assert totals["optimum_total"] >= totals["total_score"]
    assert totals["gap_pct"] >= 0


def test_run_bad_inputs(client: TestClient, auth: Auth, db: Session) -> None:
    topics = cohort(db)
    admin = auth.user(**ADMIN)
    unknown = client.post("/api/matching/runs", json={"cohort": "Y2", "topic_ids": [topics[0], 999]}, headers=admin)
    assert unknown.status_code == 404
    assert (unknown.json()["code"], unknown.json()["details"][0]["field"]) == ("topic_not_found", "body.topic_ids.1")
    proposing = client.post("/api/matching/runs", json={"cohort": "Y2", "topic_ids": topics, "proposing": "tutors"}, headers=admin)
    assert (proposing.status_code, proposing.json()["code"]) == (422, "proposing_only_for_stable")
    empty = client.post("/api/matching/runs", json={"cohort": "Y2", "topic_ids": []}, headers=admin)
    assert empty.status_code == 422
    mode = client.post("/api/matching/runs", json={"cohort": "Y2", "topic_ids": topics, "mode": "greedy"}, headers=admin)
    assert mode.json()["details"][0]["field"] == "body.mode"
    assert client.post("/api/matching/runs", json={"cohort": "Y2", "topic_ids": topics}, headers=auth.user(roles=["supervisor"])).status_code == 403
    missing = client.get("/api/matching/runs/999", headers=admin)
    assert missing.json()["code"] == "run_not_found"
    not_done = client.post("/api/matching/runs/999/publish", headers=admin)
    assert not_done.status_code == 404
    assert db.exec(select(MatchRun)).all() == []


def test_unfinished_run_cannot_be_published_or_rolled_back(client: TestClient, auth: Auth, db: Session, engine: Engine) -> None:
    topics = cohort(db)
    created = client.post("/api/matching/runs", json={"cohort": "Y2", "topic_ids": topics}, headers=auth.user(**ADMIN)).json()
    publish = client.post(f"/api/matching/runs/{created['id']}/publish", headers=auth.user(**ADMIN))
    assert (publish.status_code, publish.json()["code"]) == (409, "run_not_publishable")
    rollback = client.post(f"/api/matching/runs/{created['id']}/rollback", headers=auth.user(**ADMIN))
    assert (rollback.status_code, rollback.json()["code"]) == (409, "run_not_published")


def test_interrupted_run_is_requeued(db: Session, engine: Engine, settings: Settings) -> None:
    topics = cohort(db)
    db.add(MatchRun(cohort="Y2", topic_ids=topics, mode="optimal", created_by="adm", status=RunStatus.running, progress=40))
    f.done(db, None)
    assert runs.requeue_interrupted(engine=engine) == 1
    assert runs.process_queued(engine=engine, settings=settings) == 1
    with Session(engine) as session:
        run = session.exec(select(MatchRun)).one()
        assert (run.status, run.pairs) == (RunStatus.done, 1)


def test_failed_run_records_error(db: Session, engine: Engine, settings: Settings) -> None:
    db.add(MatchRun(cohort="Y2", topic_ids=[12345], mode="stable", proposing="sideways", created_by="adm"))
    f.done(db, None)
    runs.process_queued(engine=engine, settings=settings)
    with Session(engine) as session:
        run = session.exec(select(MatchRun)).one()
        assert run.status == RunStatus.failed
        assert "sideways" in (run.error or "")
