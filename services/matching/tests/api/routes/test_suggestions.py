from datetime import date, timedelta

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from kit.http import ServiceClient
from kit.pytest_plugin import Auth
from matching.core.config import Settings
from matching.models import Approval, ApprovalStatus, Exclusion, MatchRequest, Pairing
from matching.upstream import Upstreams
from tests import factories as f

CRITERIA = {"topic_fit", "stage_gap", "shared_free_time", "format", "language", "load", "quality"}


def build_world(db: Session) -> int:
    topic = f.topic(db)
    t = topic.id
    f.learner(db, user_id="me", stage=2, topics={t: 5}, languages=["fr"])
    f.tutor(db, user_id="good", stage=4, approve_for=[t], name="Good")
    f.tutor(db, user_id="ok", stage=3, approve_for=[t], name="Ok", languages=["en"])
    f.tutor(db, user_id="paused", stage=4, approve_for=[t])
    paused = f.crud.get_tutor(session=db, user_id="paused")
    paused.paused_until = date.today() + timedelta(days=10)
    db.add(paused)
    f.tutor(db, user_id="full", stage=4, capacity=1, approve_for=[t])
    db.add(Pairing(learner_id="someone", tutor_id="full", topic_id=t, source="request"))
    f.tutor(db, user_id="unapproved", stage=4, topics=[t])
    f.tutor(db, user_id="excluded", stage=4, approve_for=[t])
    db.add(Exclusion(learner_id="me", tutor_id="excluded", reason="conflict", created_by="adm"))
    f.tutor(db, user_id="senior", stage=7, approve_for=[t])
    f.tutor(db, user_id="peer", stage=2, approve_for=[t])
    f.tutor(db, user_id="suspended", stage=4, approve_for=[t])
    approval = db.exec(select(Approval).where(Approval.tutor_id == "suspended")).one()
    approval.status = ApprovalStatus.suspended
    db.add(approval)
    return f.done(db, t)


def test_only_eligible_tutors_are_suggested_and_missing_criteria_reported(client: TestClient, auth: Auth, db: Session) -> None:
    topic_id = build_world(db)
    response = client.get(f"/api/matching/suggestions?topic_id={topic_id}&k=5", headers=auth.user("me", roles=["learner"]))
    assert response.status_code == 200, response.text
    body = response.json()
    assert [s["tutor_id"] for s in body["suggestions"]] == ["good", "ok"]
    assert body["missing_criteria"] == ["shared_free_time", "quality"]
    assert {m["criterion"] for m in body["missing_reasons"]} == {"shared_free_time", "quality"}
    breakdown = body["suggestions"][0]["breakdown"]
    assert breakdown["shared_free_time"] is None and breakdown["quality"] is None
    assert breakdown["topic_fit"] == 1.0 and breakdown["stage_gap"] == 1.0 and breakdown["language"] == 1.0
    assert body["suggestions"][1]["breakdown"]["language"] == 0.0
    assert body["suggestions"][0]["score"] > body["suggestions"][1]["score"]


def test_k_limits_and_validates(client: TestClient, auth: Auth, db: Session) -> None:
    topic_id = build_world(db)
    one = client.get(f"/api/matching/suggestions?topic_id={topic_id}&k=1", headers=auth.user("me", roles=["learner"]))
    assert len(one.json()["suggestions"]) == 1
    bad = client.get(f"/api/matching/suggestions?topic_id={topic_id}&k=0", headers=auth.user("me", roles=["learner"]))
    assert bad.status_code == 422
    assert bad.json()["details"][0]["field"] == "query.k"


def test_unknown_retired_topic_and_missing_profile(client: TestClient, auth: Auth, db: Session) -> None:
    topic_id = build_world(db)
    me = auth.user("me", roles=["learner"])
    unknown = client.get("/api/matching/suggestions?topic_id=999", headers=me)
    assert unknown.status_code == 404
    assert unknown.json()["code"] == "topic_not_found"
    no_profile = client.get(f"/api/matching/suggestions?topic_id={topic_id}", headers=auth.user("stranger", roles=["learner"]))
    assert no_profile.status_code == 404
    assert no_profile.json()["code"] == "learner_not_found"
    client.post(f"/api/matching/topics/{topic_id}/retire", headers=auth.user(roles=["admin"]))
    retired = client.get(f"/api/matching/suggestions?topic_id={topic_id}", headers=me)
    assert retired.status_code == 422
    assert retired.json()["code"] == "topic_retired"


def _mock_upstreams(settings: Settings, handler: httpx.MockTransport) -> Upstreams:
    ups = Upstreams(settings)
    ups.sessions = ServiceClient("http://sessions", transport=handler, retries=1)
    ups.feedback = ServiceClient("http://feedback", transport=handler, retries=1)
    return ups


def test_upstream_criteria_used_when_services_answer(client: TestClient, auth: Auth, db: Session, app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    topic_id = build_world(db)
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        if request.url.path == "/api/sessions/freebusy":
            busy_all = [{"starts_at": request.url.params["start"], "ends_at": request.url.params["end"]}]
            users = request.url.params["user_ids"].split(",")
            assert users[0] == "me"
            return httpx.Response(200, json=[{"user_id": u, "busy": busy_all if u == "good" else []} for u in users])
        return httpx.Response(200, json=[{"tutor_id": "ok", "topic_id": topic_id, "score": 0.9, "n": 12}])

    monkeypatch.setattr(app.state, "upstreams", _mock_upstreams(app.state.settings, httpx.MockTransport(handler)), raising=False)
    body = client.get(f"/api/matching/suggestions?topic_id={topic_id}", headers=auth.user("me", roles=["learner"])).json()
    assert body["missing_criteria"] == []
    by_id = {s["tutor_id"]: s["breakdown"] for s in body["suggestions"]}
    assert set(by_id["good"]) == CRITERIA
    assert by_id["good"]["shared_free_time"] == 0.0
    assert by_id["ok"]["shared_free_time"] == 1.0
    assert by_id["ok"]["quality"] == 0.9
    assert by_id["good"]["quality"] == 0.5  # no feedback yet: neutral
    assert sorted(seen) == ["/api/feedback/quality", "/api/sessions/freebusy"]


def test_one_upstream_erroring_drops_only_its_criterion(client: TestClient, auth: Auth, db: Session, app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    topic_id = build_world(db)

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/sessions/freebusy":
            return httpx.Response(500, json={"code": "internal_error"})
        return httpx.Response(200, json=[])

    monkeypatch.setattr(app.state, "upstreams", _mock_upstreams(app.state.settings, httpx.MockTransport(handler)), raising=False)
    body = client.get(f"/api/matching/suggestions?topic_id={topic_id}", headers=auth.user("me", roles=["learner"])).json()
    assert body["missing_criteria"] == ["shared_free_time"]
    assert "500" in body["missing_reasons"][0]["reason"]
    assert body["suggestions"][0]["breakdown"]["quality"] == 0.5


def test_pending_requests_count_toward_a_tutors_load(client: TestClient, auth: Auth, db: Session) -> None:
    topic = f.topic(db)
    t = topic.id or 0
    f.learner(db, user_id="me", stage=2, topics={t: 5})
    f.tutor(db, user_id="asked", stage=4, capacity=2, approve_for=[t])
    f.tutor(db, user_id="free", stage=4, capacity=2, approve_for=[t])
    later = f.now() + timedelta(hours=24)
    db.add(MatchRequest(learner_id="other-1", tutor_id="asked", topic_id=t, expires_at=later))
    f.done(db, None)
    headers = auth.user("me", roles=["learner"])

    one_pending = client.get(f"/api/matching/suggestions?topic_id={t}&k=5", headers=headers).json()["suggestions"]
    load = {s["tutor_id"]: s["breakdown"]["load"] for s in one_pending}
    assert load == {"free": 1.0, "asked": 0.5}

    db.add(MatchRequest(learner_id="other-2", tutor_id="asked", topic_id=t, expires_at=later))
    expired = MatchRequest(learner_id="other-3", tutor_id="free", topic_id=t, expires_at=f.now() - timedelta(minutes=1))
    db.add(expired)
    f.done(db, None)
    both_asked = client.get(f"/api/matching/suggestions?topic_id={t}&k=5", headers=headers).json()["suggestions"]
    assert [s["tutor_id"] for s in both_asked] == ["free"]
    assert both_asked[0]["breakdown"]["load"] == 1.0
