from fastapi.testclient import TestClient
from sqlmodel import Session, select

from kit.pytest_plugin import Auth
from matching.models import Pairing, TopicKind
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
