"""A suspended approval reaches sessions through matching's outbox: the tutor's coming sessions on the topic stop taking bookings."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from flow_support import Crowd, Person, approve, new_topic, ok, poll, session_body, tutor_profile

from devstack import Stack


@pytest.fixture
def crowd(stack: Stack, admin: httpx.Client) -> Iterator[Crowd]:
    people = Crowd(stack.url, admin)
    yield people
    people.close()


def _booked_session(tutor: Person, learner: Person, topic: dict[str, Any], days: int = 3) -> dict[str, Any]:
    created: dict[str, Any] = ok(tutor.api.post("/api/sessions/sessions", json=session_body(topic, datetime.now(UTC) + timedelta(days=days), open=True)), 201)
    ok(learner.api.post(f"/api/sessions/sessions/{created['id']}/bookings"), 201)
    return created


def _stopped(reader: httpx.Client, session_id: int) -> Any:
    def probe() -> dict[str, Any] | None:
        body: dict[str, Any] = ok(reader.get(f"/api/sessions/sessions/{session_id}"))
        return body if body["state"] not in ("open", "full") else None

    return probe


def _matching_outbox_drained(admin: httpx.Client) -> Any:
    def probe() -> dict[str, Any] | None:
        stats: dict[str, Any] = ok(admin.get("/api/matching/admin/outbox"))
        return stats if stats["pending"] == 0 and stats["delivered"] >= 1 else None

    return probe


def test_suspension_stops_the_tutors_coming_sessions_on_the_topic(stack: Stack, crowd: Crowd, admin: httpx.Client) -> None:
    supervisor, tutor, learner, late = crowd.person("supervisor"), crowd.person("tutor"), crowd.person("learner"), crowd.person("learner")
    topic, other = new_topic(admin, "Lumbar puncture"), new_topic(admin, "Suturing")
    tutor_profile(tutor, topic["id"])
    approval = approve(admin, tutor.id, topic["id"])
    approve(admin, tutor.id, other["id"])
    stopped_one = _booked_session(tutor, learner, topic)
    kept_one = _booked_session(tutor, learner, other, days=4)

    ok(supervisor.api.post(f"/api/matching/approvals/{approval['id']}/transition", json={"status": "suspended", "reason": "Unsafe technique taught"}))

    stopped = poll(_stopped(admin, stopped_one["id"]), timeout=30, what="the session to stop after the suspension")
    assert stopped["state"] == "cancelled", stopped
    late_booking = late.api.post(f"/api/sessions/sessions/{stopped_one['id']}/bookings")
    assert 400 <= late_booking.status_code < 500, late_booking.text
    assert ok(admin.get(f"/api/sessions/sessions/{kept_one['id']}"))["state"] == "open"  # another topic is untouched
    stats = poll(_matching_outbox_drained(admin), timeout=15, what="an empty matching outbox")
    assert (stats["dead"], stats["failing"]) == (0, 0), stats


def test_suspension_reaches_sessions_after_it_was_down(stack: Stack, crowd: Crowd, admin: httpx.Client) -> None:
    supervisor, tutor, learner = crowd.person("supervisor"), crowd.person("tutor"), crowd.person("learner")
    topic = new_topic(admin, "Arterial blood gas")
    tutor_profile(tutor, topic["id"])
    approval = approve(admin, tutor.id, topic["id"])
    created = _booked_session(tutor, learner, topic)

    stack.stop_service("sessions")
    try:
        ok(supervisor.api.post(f"/api/matching/approvals/{approval['id']}/transition", json={"status": "suspended", "reason": "Wrong technique"}))

        def failed_once() -> dict[str, Any] | None:
            stats: dict[str, Any] = ok(admin.get("/api/matching/admin/outbox"))
            return stats if stats["failing"] >= 1 else None

        stats = poll(failed_once, timeout=20, what="a failed delivery attempt to sessions")
        assert stats["dead"] == 0 and stats["last_error"], stats  # a receiver that is down is retried, never parked
    finally:
        stack.start_service("sessions")

    # The relay backs off (2 s, 4 s, ...) after each failure: allow for a few rounds.
    assert poll(_stopped(admin, created["id"]), timeout=60, what="the session to stop once sessions is back")["state"] == "cancelled"
    poll(_matching_outbox_drained(admin), timeout=15, what="an empty matching outbox")
