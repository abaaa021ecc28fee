from datetime import timedelta

from fastapi.testclient import TestClient

from tests.factories import People, create_session, future, item, new_id, push


def _window(days: int = 14) -> dict[str, str]:
    start = future(days=0, hour=0)
    return {"start": start.isoformat(), "end": (start + timedelta(days=days)).isoformat()}


def test_agenda_shows_own_and_cohort_items_with_details_but_not_others(client: TestClient, people: People) -> None:
    me, other = new_id(), new_id()
    client.put("/api/sessions/timetable/memberships", json={"cohorts": {"Y4": [me]}, "groups": {"G2": [other]}}, headers=people.timetable())
    day = future(days=3, hour=8)
    pushed = push(client, people, [
        item("mine", day + timedelta(hours=6), owner_id=me, kind="rotation", title="Cardiology rotation"),
        item("cohort", day, owner_type="cohort", owner_id="Y4", kind="lecture", title="Renal physiology"),
        item("theirs", day, owner_id=other, kind="exam", title="Someone else's exam"),
        item("their-group", day, owner_type="group", owner_id="G2", kind="on_call", title="Group on-call"),
    ])
    assert pushed.json()["applied"], pushed.text
    response = client.get("/api/sessions/agenda", params=_window(), headers=people.learner(me))
    assert response.status_code == 200, response.text
    entries = response.json()["entries"]
    assert [(e["kind"], e["title"], e["location"], e["source"]) for e in entries] == [
        ("lecture", "Renal physiology", "Amphi A", "timetable"),
        ("rotation", "Cardiology rotation", "Amphi A", "timetable"),
    ]
    assert entries[0]["session_id"] is None and entries[0]["role"] is None


def test_agenda_lists_sessions_taught_and_attended_without_cancelled(client: TestClient, people: People) -> None:
    learner = new_id()
    attended = create_session(client, people, starts_at=future(days=2, hour=9))
    waiting_for = create_session(client, people, starts_at=future(days=4, hour=9), capacity=1, place=None, online_url="https://meet.example/x")
    dropped = create_session(client, people, starts_at=future(days=5, hour=9))
    assert client.post(f"/api/sessions/sessions/{attended['id']}/bookings", headers=people.learner(learner)).status_code == 201
    assert client.post(f"/api/sessions/sessions/{waiting_for['id']}/bookings", headers=people.learner(new_id())).status_code == 201
    queued = client.post(f"/api/sessions/sessions/{waiting_for['id']}/bookings", headers=people.learner(learner))
    assert queued.json()["status"] == "waitlisted"
    assert client.post(f"/api/sessions/sessions/{dropped['id']}/bookings", headers=people.learner(learner)).status_code == 201
    cancelled = client.post(f"/api/sessions/sessions/{dropped['id']}/cancel", json={"reason": "ill"}, headers=people.tutor())
    assert cancelled.status_code == 200, cancelled.text

    mine = client.get("/api/sessions/agenda", params=_window(), headers=people.learner(learner)).json()["entries"]
    assert [(e["session_id"], e["kind"], e["title"], e["role"], e["waitlisted"]) for e in mine] == [
        (attended["id"], "session", "ECG interpretation", "learner", False),
        (waiting_for["id"], "session", "ECG interpretation", "learner", True),
    ]
    assert [e["location"] for e in mine] == ["Room 2.14", "online"]
    assert mine[0]["state"] == "open" and mine[0]["source"] == "session" and mine[0]["id"] == f"session:{attended['id']}"

    taught = client.get("/api/sessions/agenda", params=_window(), headers=people.tutor()).json()["entries"]
    assert [(e["session_id"], e["role"]) for e in taught] == [(attended["id"], "tutor"), (waiting_for["id"], "tutor")]
    assert taught[1]["state"] == "full"


def test_agenda_window_checks(client: TestClient, people: People) -> None:
    me = new_id()
    start = future(days=1, hour=0)
    too_long = client.get("/api/sessions/agenda", params={"start": start.isoformat(), "end": (start + timedelta(days=63)).isoformat()}, headers=people.learner(me))
    assert too_long.status_code == 422
    assert too_long.json()["code"] == "window_too_large"
    assert too_long.json()["details"][0]["field"] == "query.end"
    naive = client.get("/api/sessions/agenda", params={"start": start.replace(tzinfo=None).isoformat(), "end": (start + timedelta(days=1)).isoformat()}, headers=people.learner(me))
    assert naive.status_code == 422
    assert naive.json()["code"] == "naive_datetime"
    assert naive.json()["details"][0]["field"] == "query.start"
    assert client.get("/api/sessions/agenda", params={"start": start.isoformat(), "end": (start + timedelta(days=62)).isoformat()}, headers=people.learner(me)).status_code == 200


def test_agenda_is_for_signed_in_people_only(client: TestClient, people: People) -> None:
    machine = client.get("/api/sessions/agenda", params=_window(), headers=people.timetable())
    assert machine.status_code == 403
    assert machine.json()["code"] == "forbidden"
    anonymous = client.get("/api/sessions/agenda", params=_window())
    assert anonymous.status_code == 401
