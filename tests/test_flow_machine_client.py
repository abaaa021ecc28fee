"""A timetable system as a machine client: client-credentials token, bulk push, clashes it causes, scope limits."""

import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from flow_support import Crowd, Person, approve, new_topic, ok, refused, session_body, tutor_profile

from devstack import Stack

PARIS = ZoneInfo("Europe/Paris")
SCOPES = ["sessions:read", "timetable:read", "timetable:write"]


@pytest.fixture
def crowd(stack: Stack, admin: httpx.Client) -> Iterator[Crowd]:
    people = Crowd(stack.url, admin)
    yield people
    people.close()


@pytest.fixture
def timetable(stack: Stack, admin: httpx.Client, gw: httpx.Client) -> Iterator[httpx.Client]:
    """The timetable system, registered by the admin, holding a client-credentials token."""
    registered = ok(admin.post("/api/admin/clients", json={"name": f"Faculty timetable {uuid.uuid4().hex[:6]}", "scopes": SCOPES}), 201)
    assert sorted(registered["scopes"]) == SCOPES and registered["client_secret"]
    auth = (registered["client_id"], registered["client_secret"])
    refused(gw.post("/api/auth/token", data={"grant_type": "client_credentials"}, auth=(registered["client_id"], "wrong")), 401, "invalid_client")
    granted = ok(gw.post("/api/auth/token", data={"grant_type": "client_credentials"}, auth=auth))
    assert granted["token_type"].lower() == "bearer" and sorted(granted["scope"].split()) == SCOPES
    with httpx.Client(base_url=stack.url, timeout=30, headers={"Authorization": f"Bearer {granted['access_token']}"}) as client:
        yield client


def _day(days_ahead: int = 9) -> datetime:
    """A weekday some days ahead, at midnight in the faculty time zone."""
    day = datetime.now(PARIS).replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=days_ahead)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _item(person: Person, title: str, start: datetime, hours: int = 2, kind: str = "lecture") -> dict[str, Any]:
    return {
        "external_id": f"ade-{uuid.uuid4().hex[:10]}", "kind": kind, "title": title, "location": "Amphi A",
        "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=hours)).isoformat(), "owner": {"type": "person", "id": person.id},
    }


def _items_of(client: httpx.Client, person: Person) -> list[dict[str, Any]]:
    body: list[dict[str, Any]] = ok(client.get("/api/sessions/timetable/items", params={"owner_type": "person", "owner_id": person.id}))
    return body


def test_pushed_timetable_items_block_clashing_sessions_and_bookings(crowd: Crowd, admin: httpx.Client, timetable: httpx.Client) -> None:
    tutor, learner = crowd.person("tutor"), crowd.person("learner")
    topic = new_topic(admin, "Lumbar puncture")
    tutor_profile(tutor, topic["id"])
    approve(admin, tutor.id, topic["id"])
    day = _day()
    lecture = _item(learner, "Cardiology lecture", day.replace(hour=9))
    exam = _item(tutor, "Year 5 written exam", day.replace(hour=14), hours=3, kind="exam")

    pushed = ok(timetable.put("/api/sessions/timetable/items", json={"items": [lecture, exam]}))
    assert pushed["applied"] is True and [i["status"] for i in pushed["items"]] == ["created", "created"]
    assert [i["title"] for i in _items_of(timetable, learner)] == ["Cardiology lecture"]
    assert [i["title"] for i in _items_of(timetable, tutor)] == ["Year 5 written exam"]
    again = ok(timetable.put("/api/sessions/timetable/items", json={"items": [lecture, exam]}))
    assert [i["status"] for i in again["items"]] == ["unchanged", "unchanged"]

    # The tutor cannot schedule over their own exam: 409 naming the item.
    clash = refused(tutor.api.post("/api/sessions/sessions", json=session_body(topic, day.replace(hour=15))), 409, "timetable_clash")
    assert [(c["title"], c["kind"], c["user_id"]) for c in clash["clashes"]] == [("Year 5 written exam", "exam", tutor.id)]
    assert ok(tutor.api.get("/api/sessions/sessions", params={"tutor_id": tutor.id})) == []

    # A session over the learner's lecture is fine for the tutor, but the learner cannot book it.
    created = ok(tutor.api.post("/api/sessions/sessions", json=session_body(topic, day.replace(hour=10), open=True)), 201)
    clash = refused(learner.api.post(f"/api/sessions/sessions/{created['id']}/bookings"), 409, "timetable_clash")
    assert [(c["title"], c["user_id"]) for c in clash["clashes"]] == [("Cardiology lecture", learner.id)]
    assert ok(learner.api.get("/api/sessions/bookings/me")) == []
    assert ok(learner.api.get(f"/api/sessions/sessions/{created['id']}"))["booked"] == 0
    # The machine client may read sessions (sessions:read) and sees the new one.
    seen = ok(timetable.get("/api/sessions/sessions", params={"tutor_id": tutor.id}))
    assert [s["id"] for s in seen] == [created["id"]]

    # Once the lecture moves away (an update by external id), the booking goes through.
    moved = {**lecture, "starts_at": day.replace(hour=16).isoformat(), "ends_at": day.replace(hour=18).isoformat()}
    assert [i["status"] for i in ok(timetable.put("/api/sessions/timetable/items", json={"items": [moved]}))["items"]] == ["updated"]
    assert ok(learner.api.post(f"/api/sessions/sessions/{created['id']}/bookings"), 201)["status"] == "booked"


def test_a_batch_with_one_invalid_item_changes_nothing(crowd: Crowd, timetable: httpx.Client) -> None:
    learner = crowd.person("learner")
    day = _day(11)
    first = _item(learner, "Anatomy", day.replace(hour=8))
    ok(timetable.put("/api/sessions/timetable/items", json={"items": [first]}))
    before = _items_of(timetable, learner)
    assert len(before) == 1

    changed = {**first, "title": "Anatomy (room change)"}
    fresh = _item(learner, "Physiology", day.replace(hour=13))
    reversed_times = {**_item(learner, "Broken", day.replace(hour=15)), "ends_at": day.replace(hour=14).isoformat()}
    result = ok(timetable.put("/api/sessions/timetable/items", json={"items": [changed, fresh, reversed_times]}))
    assert result["applied"] is False
    statuses = [i["status"] for i in result["items"]]
    assert statuses[:2] == ["not_applied", "not_applied"] and statuses[2] == "error", result
    assert result["items"][2]["errors"] and result["items"][2]["external_id"] == reversed_times["external_id"]
    assert _items_of(timetable, learner) == before  # neither the update nor the new item landed

    refused(timetable.put("/api/sessions/timetable/items", json={"items": "not a list"}), 422, "invalid_items")
    assert _items_of(timetable, learner) == before


def test_the_machine_client_stays_within_its_scopes(crowd: Crowd, timetable: httpx.Client, admin: httpx.Client) -> None:
    clients_before = ok(admin.get("/api/admin/clients", params={"limit": 500}))["total"]
    refused(timetable.get("/api/admin/users"), 403, "forbidden")
    refused(timetable.post("/api/admin/clients", json={"name": "Escalation", "scopes": ["users:read"]}), 403, "forbidden")
    assert ok(admin.get("/api/admin/clients", params={"limit": 500}))["total"] == clients_before
    window = {"start": "2030-01-07T00:00:00Z", "end": "2030-01-08T00:00:00Z"}
    refused(timetable.get("/api/sessions/freebusy", params={"user_ids": "someone", **window}), 403, "forbidden")
    refused(timetable.get("/api/matching/approvals/check", params={"tutor_id": "someone", "topic_id": 1}), 403, "forbidden")
    start = datetime(2030, 1, 7, 10, tzinfo=PARIS)
    refused(timetable.post("/api/sessions/sessions", json=session_body({"id": 1, "name": "Anything"}, start)), 403, "forbidden")
    # What it holds, it can use: its scopes, not a role, are what count.
    assert isinstance(ok(timetable.get("/api/sessions/timetable/memberships"))["cohorts"], dict)
    # And a signed-in person without the admin role cannot push timetable items.
    learner = crowd.person("learner")
    item = _item(learner, "Self-made lecture", start)
    refused(learner.api.put("/api/sessions/timetable/items", json={"items": [item]}), 403, "forbidden")
    assert _items_of(timetable, learner) == []
