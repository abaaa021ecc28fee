"""Shared helpers of the cross-service flow tests (no tests here): real people, polling, a taught session."""

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import httpx

T = TypeVar("T")
PASSWORD = "flow-pass-1234"


@dataclass
class Person:
    id: str
    username: str
    full_name: str
    api: httpx.Client


@dataclass
class Crowd:
    """People created through the admin API, each signed in with a password; clients closed at the end."""

    base_url: str
    admin: httpx.Client
    people: list[Person] = field(default_factory=list)

    def person(self, role: str, *more_roles: str, name: str | None = None) -> Person:
        suffix = uuid.uuid4().hex[:8]
        username = f"flow-{role}-{suffix}"
        full_name = name or f"{role.title()} {suffix}"
        created = self.admin.post(
            "/api/admin/users", json={"username": username, "full_name": full_name, "roles": [role, *more_roles], "password": PASSWORD}
        )
        assert created.status_code == 201, created.text
        assert created.json()["generated_password"] is None  # the given password was kept
        login = httpx.post(f"{self.base_url}/api/auth/login", json={"username": username, "password": PASSWORD}, timeout=30)
        assert login.status_code == 200, login.text
        api = httpx.Client(base_url=self.base_url, timeout=30, headers={"Authorization": f"Bearer {login.json()['access_token']}"})
        person = Person(id=created.json()["id"], username=username, full_name=full_name, api=api)
        self.people.append(person)
        return person

    def close(self) -> None:
        for person in self.people:
            person.api.close()


def ok(response: httpx.Response, status: int = 200) -> Any:
    """The JSON body of an answer that must have this status."""
    assert response.status_code == status, f"{response.request.method} {response.request.url}: {response.status_code} {response.text}"
    return response.json()


def refused(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """The error body of an answer that must be refused with this status and code."""
    assert response.status_code == status, f"{response.request.method} {response.request.url}: {response.status_code} {response.text}"
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    return body


def poll(probe: Callable[[], T | None], *, timeout: float = 30.0, interval: float = 0.5, what: str = "condition") -> T:
    """Call `probe` until it returns something other than None (or fail after `timeout` seconds)."""
    deadline = time.monotonic() + timeout
    last: T | None = None
    while True:
        last = probe()
        if last is not None:
            return last
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


def new_topic(supervisor: httpx.Client, label: str) -> dict[str, Any]:
    body: dict[str, Any] = ok(supervisor.post(
        "/api/matching/topics", json={"name": f"{label} {uuid.uuid4().hex[:6]}", "kind": "practical_skill", "description": "Flow test"}
    ), 201)
    return body


def tutor_profile(tutor: Person, topic_id: int, stage: int = 5) -> dict[str, Any]:
    body: dict[str, Any] = ok(tutor.api.put("/api/matching/tutors/me", json={
        "display_name": tutor.full_name, "stage": stage, "capacity": 3, "formats": ["group_in_person", "one_to_one_in_person"],
        "languages": ["en", "fr"], "topics": [topic_id],
    }))
    return body


def learner_profile(learner: Person, topic_id: int, stage: int = 3) -> dict[str, Any]:
    body: dict[str, Any] = ok(learner.api.put("/api/matching/learners/me", json={
        "display_name": learner.full_name, "stage": stage, "cohort": "Y3", "formats": ["group_in_person"],
        "languages": ["fr"], "topics": [{"topic_id": topic_id, "priority": 5}],
    }))
    return body


def approve(supervisor: httpx.Client, tutor_id: str, topic_id: int) -> dict[str, Any]:
    body: dict[str, Any] = ok(supervisor.post(
        "/api/matching/approvals", json={"tutor_id": tutor_id, "topic_id": topic_id, "evidence": "Observed teaching on the ward"}
    ), 201)
    return body


def session_body(topic: dict[str, Any], starts_at: datetime, minutes: int = 60, **overrides: Any) -> dict[str, Any]:
    body = {
        "topic_id": topic["id"], "topic_name": topic["name"], "format": "group", "place": "Skills lab 2", "capacity": 6,
        "starts_at": starts_at.isoformat(), "ends_at": (starts_at + timedelta(minutes=minutes)).isoformat(), "cohort": "Y3",
    }
    body.update(overrides)
    return body


def soon(seconds: float = 5.0) -> datetime:
    return datetime.now(UTC) + timedelta(seconds=seconds)


def wait_until(moment: datetime) -> None:
    """Sleep until a moment has passed (sessions can only be completed once they have started)."""
    remaining = (moment - datetime.now(UTC)).total_seconds()
    if remaining > 0:
        time.sleep(remaining + 0.3)


def run_session(tutor: Person, learners: list[Person], topic: dict[str, Any]) -> tuple[dict[str, Any], datetime]:
    """The tutor schedules an open group session starting in a few seconds; the learners book it. Returns (session, start)."""
    start = soon()
    created = ok(tutor.api.post("/api/sessions/sessions", json=session_body(topic, start, open=True)), 201)
    assert created["state"] == "open"
    for learner in learners:
        booking = ok(learner.api.post(f"/api/sessions/sessions/{created['id']}/bookings"), 201)
        assert booking["status"] == "booked" and booking["learner_id"] == learner.id
    return created, start


def feedback_fact(reader: httpx.Client, session_id: int | str) -> Callable[[], dict[str, Any] | None]:
    """A probe: the feedback session fact once it has arrived (404 until then)."""

    def probe() -> dict[str, Any] | None:
        response = reader.get(f"/api/feedback/sessions/{session_id}")
        if response.status_code == 404:
            assert response.json()["code"] == "session_not_found", response.text
            return None
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    return probe


def approval_check(reader: httpx.Client, tutor_id: str, topic_id: int) -> dict[str, Any]:
    body: dict[str, Any] = ok(reader.get("/api/matching/approvals/check", params={"tutor_id": tutor_id, "topic_id": topic_id}))
    return body
