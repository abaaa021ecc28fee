from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from tests.factories import People, create_session, future, item, new_id, push, session_body

PARIS = ZoneInfo("Europe/Paris")


def weekly_mondays(owner_type: str, owner_id: str, first: datetime, weeks: int) -> list[dict]:  # type: ignore[type-arg]
    """A weekly Monday 09:00-11:00 Paris lecture, expanded like the timetable system pushes it."""
    return [item(f"lec-{owner_id}-{w}", (first + timedelta(weeks=w)), hours=2, owner_type=owner_type, owner_id=owner_id) for w in range(weeks)]


def test_push_is_idempotent_and_reports_per_item(client: TestClient, people: People) -> None:
    start = future(days=5)
    items = [item("a", start), item("b", start + timedelta(days=1))]
    first = push(client, people, items)
    assert first.status_code == 200, first.text
    assert [r["status"] for r in first.json()["items"]] == ["created", "created"]
    again = push(client, people, items)
    assert [r["status"] for r in again.json()["items"]] == ["unchanged", "unchanged"]
    items[1]["title"] = "Renamed"
    changed = push(client, people, items)
    assert [r["status"] for r in changed.json()["items"]] == ["unchanged", "updated"]
    listed = client.get("/api/sessions/timetable/items", headers=people.timetable()).json()
    assert sorted(i["external_id"] for i in listed) == ["a", "b"]


def test_invalid_batch_changes_nothing_unless_partial(client: TestClient, people: People) -> None:
    start = future(days=5)
    bad = item("bad", start)
    bad["ends_at"] = (start - timedelta(hours=1)).isoformat()
    response = push(client, people, [item("good", start), bad])
    assert response.status_code == 200
    body = response.json()
    assert body["applied"] is False
    assert [r["status"] for r in body["items"]] == ["not_applied", "error"]
    assert body["items"][1]["errors"][0]["field"].startswith("body.items.1")
    assert client.get("/api/sessions/timetable/items", headers=people.timetable()).json() == []
    partial = push(client, people, [item("good", start), bad], partial=True)
    assert partial.json()["applied"] is True
    assert [r["status"] for r in partial.json()["items"]] == ["created", "error"]
    assert [i["external_id"] for i in client.get("/api/sessions/timetable/items", headers=people.timetable()).json()] == ["good"]


def test_push_needs_scope_and_delete_works(client: TestClient, people: People) -> None:
    denied = client.put("/api/sessions/timetable/items", json={"items": []}, headers=people.auth.client("x", scopes=["timetable:read"]))
    assert denied.status_code == 403
    push(client, people, [item("x1", future()), item("x2", future(days=8))])
    deleted = client.post("/api/sessions/timetable/items/delete", json={"external_ids": ["x1", "nope"]}, headers=people.timetable())
    assert deleted.json() == {"deleted": 1, "missing": ["nope"]}


def test_booking_clashes_with_cohort_lecture_across_dst_and_admin_overrides(client: TestClient, people: People) -> None:
    learner = new_id()
    members = client.put("/api/sessions/timetable/memberships", json={"cohorts": {"Y3": [learner]}}, headers=people.timetable())
    assert members.status_code == 200
    assert members.json()["cohorts"] == {"Y3": [learner]}
    # Mondays 09:00 Paris around the 2027-10-31 change: 10-25 is CEST (07:00Z), 11-01 is CET (08:00Z).
    mondays = [datetime(2027, 10, 25, 9, tzinfo=PARIS), datetime(2027, 11, 1, 9, tzinfo=PARIS)]
    assert push(client, people, [item(f"y3-{i}", m, owner_type="cohort", owner_id="Y3") for i, m in enumerate(mondays)]).json()["applied"]
    if datetime.now(UTC) >= mondays[0]:
        pytest.skip("the DST fixture dates are in the past")
    after_dst = datetime(2027, 11, 1, 8, 30, tzinfo=UTC)  # 09:30 Paris in winter time: inside the lecture
    before_lecture_in_utc_terms = datetime(2027, 11, 1, 7, 0, tzinfo=UTC)  # 08:00 Paris: free after the change
    clashing = create_session(client, people, starts_at=after_dst, hours=1)
    free = create_session(client, people, starts_at=before_lecture_in_utc_terms, hours=1)
    refused = client.post(f"/api/sessions/sessions/{clashing['id']}/bookings", headers=people.learner(learner))
    assert refused.status_code == 409
    body = refused.json()
    assert body["code"] == "timetable_clash"
    assert body["clashes"][0]["kind"] == "lecture"
    assert body["clashes"][0]["source"] == "timetable:push"
    assert body["clashes"][0]["starts_at"].startswith("2027-11-01T08:00:00")
    assert client.post(f"/api/sessions/sessions/{free['id']}/bookings", headers=people.learner(learner)).status_code == 201
    not_admin = client.post(f"/api/sessions/sessions/{clashing['id']}/bookings", json={"override_reason": "please"}, headers=people.learner(learner))
    assert not_admin.status_code == 403
    assert not_admin.json()["code"] == "override_not_allowed"
    forced = client.post(
        f"/api/sessions/sessions/{clashing['id']}/bookings",
        json={"learner_id": learner, "learner_name": "L", "override_reason": "lecture recorded"},
        headers=people.admin(),
    )
    assert forced.status_code == 201, forced.text
    assert forced.json()["override_reason"] == "lecture recorded"


def test_tutor_scheduling_clashes_with_own_session(client: TestClient, people: People) -> None:
    start = future(days=10)
    create_session(client, people, starts_at=start)
    response = client.post("/api/sessions/sessions", json=session_body(start + timedelta(minutes=30)), headers=people.tutor())
    assert response.status_code == 409
    assert response.json()["code"] == "timetable_clash"
    assert response.json()["clashes"][0]["kind"] == "session"
    assert len(client.get("/api/sessions/sessions", headers=people.admin()).json()) == 1


def test_freebusy_and_free_slots(client: TestClient, people: People) -> None:
    a, b = new_id(), new_id()
    day = (datetime.now(PARIS) + timedelta(days=14)).date()
    while day.weekday() != 2:  # a Wednesday
        day += timedelta(days=1)
    morning = datetime(day.year, day.month, day.day, 8, tzinfo=PARIS)
    push(client, people, [item("fa", morning, hours=4, owner_id=a), item("fb", morning + timedelta(hours=5), hours=4, owner_id=b)])
    window = {"start": morning.isoformat(), "end": (morning + timedelta(hours=11)).isoformat()}
    fb = client.get("/api/sessions/freebusy", params={"user_ids": f"{a},{b}"} | window, headers=people.auth.client("m", scopes=["sessions:freebusy"]))
    assert fb.status_code == 200
    assert [len(p["busy"]) for p in fb.json()] == [1, 1]
    assert set(fb.json()[0]["busy"][0]) == {"starts_at", "ends_at"}
    other = client.get("/api/sessions/freebusy", params={"user_ids": a} | window, headers=people.learner(b))
    assert other.status_code == 403
    slots = client.get("/api/sessions/free-slots", params={"user_ids": f"{a},{b}", "duration_minutes": 60} | window, headers=people.tutor())
    assert slots.status_code == 200, slots.text
    starts = [datetime.fromisoformat(s["starts_at"]).astimezone(PARIS).strftime("%H:%M") for s in slots.json()]
    assert starts == ["12:00", "17:00", "17:30", "18:00"]  # 12-13 between the two blocks, then after 17:00 until 19:00
