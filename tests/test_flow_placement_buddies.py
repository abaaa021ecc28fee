"""Placement buddies from the sessions timetable: matching reads placements with its own client-credentials token."""

import uuid
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from flow_support import Crowd, learner_profile, ok

from devstack import Stack

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def crowd(stack: Stack, admin: httpx.Client) -> Iterator[Crowd]:
    people = Crowd(stack.url, admin)
    yield people
    people.close()


def _rotation(day: date, ward: str, owner: dict[str, str], days: int = 1) -> dict[str, Any]:
    start = datetime(day.year, day.month, day.day, 8, tzinfo=PARIS)
    return {
        "external_id": f"rot-{uuid.uuid4().hex[:12]}", "kind": "rotation", "title": "Stage", "location": ward, "owner": owner,
        "starts_at": start.isoformat(), "ends_at": (start + timedelta(days=days - 1, hours=9)).isoformat(),
    }


def test_a_learner_starting_on_a_ward_gets_a_near_peer_who_was_there(crowd: Crowd, admin: httpx.Client) -> None:
    senior, junior = crowd.person("learner", name="Senior Student"), crowd.person("learner", name="Junior Student")
    topic = ok(admin.post("/api/matching/topics", json={"name": f"Ward buddy {uuid.uuid4().hex[:6]}", "kind": "ward_integration", "description": "Flow test"}), 201)
    learner_profile(senior, topic["id"], stage=4)
    learner_profile(junior, topic["id"], stage=2)
    ward, group = f"Cardiology {uuid.uuid4().hex[:6]}", f"rot-{uuid.uuid4().hex[:8]}"

    # The senior's rotation comes day by day through a rotation group; the junior's is one item of their own.
    ok(admin.put("/api/sessions/timetable/memberships", json={"groups": {group: [senior.id]}}))
    january = [date(2031, 1, 6) + timedelta(days=n) for n in range(26)]
    items = [_rotation(day, ward, {"type": "group", "id": group}) for day in january if day.weekday() < 5]
    items.append(_rotation(date(2031, 3, 3), ward, {"type": "person", "id": junior.id}, days=26))
    pushed = ok(admin.put("/api/sessions/timetable/items", json={"items": items}))
    assert pushed["applied"] is True

    placements = ok(admin.get("/api/sessions/timetable/placements", params={"start": "2031-01-01", "end": "2031-03-31"}))
    ours = [(p["user_id"], p["start"], p["end"]) for p in placements if p["ward"] == ward]
    assert ours == [(senior.id, "2031-01-06", "2031-01-31"), (junior.id, "2031-03-03", "2031-03-28")]

    request = {"topic_id": topic["id"], "from_timetable": {"start": "2031-03-01", "end": "2031-03-31"}}
    dry = ok(admin.post("/api/matching/buddies", json={**request, "dry_run": True}))
    assert [(p["buddy_id"], p["ward"], p["start"], p["pairing_id"]) for p in dry["pairs"] if p["learner_id"] == junior.id] == [
        (senior.id, ward, "2031-03-03", None)
    ]
    assert all(u["learner_id"] not in (senior.id, junior.id) for u in dry["unmatched"])  # the senior is history only
    assert ok(junior.api.get("/api/matching/pairings", params={"topic_id": topic["id"]})) == []  # a dry run writes nothing

    done = ok(admin.post("/api/matching/buddies", json=request))
    pairing_id = next(p["pairing_id"] for p in done["pairs"] if p["learner_id"] == junior.id)
    mine = ok(junior.api.get("/api/matching/pairings", params={"topic_id": topic["id"]}))
    assert [(p["id"], p["tutor_id"], p["source"], p["status"]) for p in mine] == [(pairing_id, senior.id, "buddy", "active")]
    assert [p["learner_id"] for p in ok(senior.api.get("/api/matching/pairings", params={"topic_id": topic["id"]}))] == [junior.id]
    again = ok(admin.post("/api/matching/buddies", json=request))
    assert all(p["learner_id"] != junior.id for p in again["pairs"])  # already has a buddy for this topic
