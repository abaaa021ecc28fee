from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from kit.http import ServiceClient
from kit.pytest_plugin import Auth
from matching.models import Pairing, TopicKind
from matching.upstream import Upstreams
from tests import factories as f

ADMIN = {"roles": ["admin"]}
CSV = """user_id,ward,start,end
P1,Cardiology,2026-01-05,2026-02-28
P2,Pneumology,2026-01-05,2026-02-28
L1,Cardiology,2026-03-02,2026-04-30
L2,Pneumology,2026-03-02,2026-04-30
L3,Neurology,2026-03-02,2026-04-30
"""


def world(db: Session) -> int:
    topic = f.topic(db, "Ward integration buddy", TopicKind.ward_integration)
    for user_id, stage in (("P1", 3), ("P2", 6), ("L1", 2), ("L2", 2), ("L3", 2)):
        f.learner(db, user_id=user_id, stage=stage)
    return topic.id


def test_buddies_dry_run_then_publish(client: TestClient, auth: Auth, db: Session) -> None:
    topic_id = world(db)
    dry = client.post("/api/matching/buddies", json={"topic_id": topic_id, "csv": CSV, "dry_run": True}, headers=auth.user(**ADMIN))
    assert dry.status_code == 200, dry.text
    body = dry.json()
    assert [(p["learner_id"], p["buddy_id"], p["pairing_id"]) for p in body["pairs"]] == [("L1", "P1", None)]
    reasons = {u["learner_id"]: u["reason"] for u in body["unmatched"]}
    assert reasons == {"L2": "near_peer_rule", "L3": "no_previous_student", "P1": "no_previous_student", "P2": "no_previous_student"}
    assert db.exec(select(Pairing)).all() == []
    f.done(db, None)
    real = client.post("/api/matching/buddies", json={"topic_id": topic_id, "csv": CSV}, headers=auth.user(**ADMIN))
    pairing_id = real.json()["pairs"][0]["pairing_id"]
    pairing = client.get(f"/api/matching/pairings/{pairing_id}", headers=auth.user("L1", roles=["learner"])).json()
    assert (pairing["tutor_id"], pairing["source"], pairing["status"]) == ("P1", "buddy", "active")
    assert client.get("/api/matching/notifications", headers=auth.user("P1", roles=["learner"])).json()[0]["kind"] == "buddy_assigned"
    again = client.post("/api/matching/buddies", json={"topic_id": topic_id, "csv": CSV}, headers=auth.user(**ADMIN))
    assert again.json()["pairs"] == []  # L1 already has a buddy for this topic


def test_buddies_exclusion_and_json_rows(client: TestClient, auth: Auth, db: Session) -> None:
    topic_id = world(db)
    client.post("/api/matching/exclusions", json={"learner_id": "L1", "tutor_id": "P1", "reason": "x"}, headers=auth.user(**ADMIN))
    rows = [
        {"user_id": "P1", "ward": "Cardiology", "start": "2026-01-05", "end": "2026-02-28"},
        {"user_id": "L1", "ward": "Cardiology", "start": "2026-03-02", "end": "2026-04-30"},
    ]
    body = client.post("/api/matching/buddies", json={"topic_id": topic_id, "rows": rows, "dry_run": True}, headers=auth.user(**ADMIN)).json()
    assert {u["learner_id"]: u["reason"] for u in body["unmatched"]}["L1"] == "exclusion"


def test_buddies_bad_inputs(client: TestClient, auth: Auth, db: Session) -> None:
    topic_id = world(db)
    admin = auth.user(**ADMIN)
    header = client.post("/api/matching/buddies", json={"topic_id": topic_id, "csv": "who,where\nL1,Cardio"}, headers=admin)
    assert (header.status_code, header.json()["code"]) == (422, "csv_header")
    bad_date = client.post("/api/matching/buddies", json={"topic_id": topic_id, "csv": "user_id,ward,start,end\nL1,Cardio,soon,2026-01-01"}, headers=admin)
    assert (bad_date.status_code, bad_date.json()["code"]) == (422, "csv_row")
    backwards = [{"user_id": "L1", "ward": "Cardio", "start": "2026-03-01", "end": "2026-02-01"}]
    reversed_dates = client.post("/api/matching/buddies", json={"topic_id": topic_id, "rows": backwards}, headers=admin)
    assert (reversed_dates.status_code, reversed_dates.json()["code"]) == (422, "placement_dates")
    unknown = client.post("/api/matching/buddies", json={"topic_id": 999, "csv": CSV}, headers=admin)
    assert (unknown.status_code, unknown.json()["code"]) == (404, "topic_not_found")
    assert client.post("/api/matching/buddies", json={"topic_id": topic_id, "csv": CSV}, headers=auth.user(roles=["supervisor"])).status_code == 403
    assert db.exec(select(Pairing)).all() == []


MARCH = {"start": "2026-03-01", "end": "2026-03-31"}
TIMETABLE = [
    {"user_id": "P1", "ward": "Cardiology", "start": "2026-01-05", "end": "2026-02-27"},
    {"user_id": "L1", "ward": "Cardiology", "start": "2026-03-02", "end": "2026-04-30"},
    {"user_id": "L3", "ward": "Cardiology", "start": "2026-06-01", "end": "2026-06-30"},
]


def sessions_timetable(app: FastAPI, monkeypatch: pytest.MonkeyPatch, answer: Callable[[httpx.Request], httpx.Response]) -> list[httpx.Request]:
    """Matching's sessions client talks to `answer` instead; returns the requests it received."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answer(request)

    ups = Upstreams(app.state.settings)
    ups.sessions = ServiceClient("http://sessions", transport=httpx.MockTransport(handler), retries=1)
    monkeypatch.setattr(app.state, "upstreams", ups, raising=False)
    return seen


def placements(rows: list[dict[str, Any]]) -> Callable[[httpx.Request], httpx.Response]:
    return lambda request: httpx.Response(200, json=rows)


def test_buddies_from_the_timetable_window(client: TestClient, auth: Auth, db: Session, app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    topic_id = world(db)
    seen = sessions_timetable(app, monkeypatch, placements(TIMETABLE))
    admin = auth.user(**ADMIN)
    body = client.post("/api/matching/buddies", json={"topic_id": topic_id, "from_timetable": MARCH, "dry_run": True}, headers=admin).json()
    # Only L1 starts in March: P1 is history, L3 starts later; neither is assigned nor reported.
    assert [(p["learner_id"], p["buddy_id"], p["ward"], p["start"]) for p in body["pairs"]] == [("L1", "P1", "Cardiology", "2026-03-02")]
    assert body["unmatched"] == []
    assert [(r.url.path, dict(r.url.params)) for r in seen] == [("/api/sessions/timetable/placements", {"start": "2024-03-01", "end": "2026-03-31"})]
    assert seen[0].headers["Authorization"] == admin["Authorization"]  # no client credentials in tests: the admin's token
    assert f.done(db, db.exec(select(Pairing)).all()) == []
    short_history = client.post("/api/matching/buddies", json={"topic_id": topic_id, "from_timetable": {**MARCH, "history_days": 30}, "dry_run": True}, headers=admin)
    assert short_history.status_code == 200 and seen[-1].url.params["start"] == "2026-01-30"
    june = client.post("/api/matching/buddies", json={"topic_id": topic_id, "from_timetable": {"start": "2026-06-01", "end": "2026-06-30"}}, headers=admin).json()
    assert [(p["learner_id"], p["buddy_id"]) for p in june["pairs"]] == [("L3", "P1")]
    assert [(p.learner_id, p.tutor_id, p.source) for p in db.exec(select(Pairing)).all()] == [("L3", "P1", "buddy")]


def test_buddies_merge_timetable_and_given_rows(client: TestClient, auth: Auth, db: Session, app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    topic_id = world(db)
    sessions_timetable(app, monkeypatch, placements([*TIMETABLE, {"user_id": "L2", "ward": "Pneumology", "start": "2026-03-09", "end": "2026-04-30"}]))
    rows = [
        {"user_id": "P1", "ward": "Pneumology", "start": "2025-11-03", "end": "2025-12-19"},  # history only the caller knows
        TIMETABLE[1],  # sent as a row and found in the timetable: counted once
    ]
    body = client.post("/api/matching/buddies", json={"topic_id": topic_id, "rows": rows, "from_timetable": MARCH}, headers=auth.user(**ADMIN)).json()
    assert [(p["learner_id"], p["buddy_id"], p["ward"]) for p in body["pairs"]] == [("L1", "P1", "Cardiology"), ("L2", "P1", "Pneumology")]
    assert body["unmatched"] == []
    assert sorted(p.learner_id for p in db.exec(select(Pairing)).all()) == ["L1", "L2"]


def unreachable(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused", request=request)


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param(unreachable, id="down"),
        pytest.param(lambda request: httpx.Response(403, json={"code": "forbidden"}), id="refused"),
        pytest.param(lambda request: httpx.Response(503, json={"code": "unavailable"}), id="overloaded"),
        pytest.param(lambda request: httpx.Response(200, json={"not": "a list"}), id="garbage"),
        pytest.param(lambda request: httpx.Response(200, json=[{"user_id": "L1", "ward": "Cardio", "start": "soon"}]), id="bad-row"),
    ],
)
def test_buddies_timetable_unavailable_changes_nothing(
    client: TestClient, auth: Auth, db: Session, app: FastAPI, monkeypatch: pytest.MonkeyPatch, answer: Callable[[httpx.Request], httpx.Response]
) -> None:
    topic_id = world(db)
    seen = sessions_timetable(app, monkeypatch, answer)
    response = client.post("/api/matching/buddies", json={"topic_id": topic_id, "csv": CSV, "from_timetable": MARCH}, headers=auth.user(**ADMIN))
    assert (response.status_code, response.json()["code"]) == (502, "timetable_unavailable"), response.text
    assert "nothing was changed" in response.json()["message"]
    assert seen
    assert db.exec(select(Pairing)).all() == []
    assert client.get("/api/matching/notifications", headers=auth.user("L1", roles=["learner"])).json() == []


def test_buddies_timetable_window_is_validated_before_calling_sessions(client: TestClient, auth: Auth, db: Session, app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    topic_id = world(db)
    seen = sessions_timetable(app, monkeypatch, placements(TIMETABLE))
    admin = auth.user(**ADMIN)

    def post(window: dict[str, Any]) -> httpx.Response:
        return client.post("/api/matching/buddies", json={"topic_id": topic_id, "from_timetable": window}, headers=admin)

    backwards = post({"start": "2026-03-31", "end": "2026-03-01"})
    assert (backwards.status_code, backwards.json()["code"], backwards.json()["details"][0]["field"]) == (422, "invalid_window", "body.from_timetable.end")
    assert (post({"start": "2026-01-01", "end": "2027-03-01"}).json()["code"]) == "window_too_large"
    assert post({**MARCH, "history_days": 2000}).status_code == 422
    assert post({"start": "2026-03-01"}).status_code == 422
    assert seen == []
