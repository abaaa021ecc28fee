"""Builders for feedback tests: everything goes through the public API."""

import itertools
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, SQLModel, func, select

from kit.db import utcnow
from kit.pytest_plugin import Auth

_counter = itertools.count(1)
EVENTS = "/api/feedback/events/session-completed"


def new_id() -> str:
    return str(uuid.uuid4())


@dataclass
class Person:
    id: str
    name: str
    roles: list[str]
    _headers: dict[str, str] = field(default_factory=dict, repr=False)

    def headers(self, auth: Auth) -> dict[str, str]:
        # Minting an RS256 token costs ~40 ms; one per person is enough.
        if not self._headers:
            self._headers = auth.user(self.id, roles=self.roles, name=self.name)
        return dict(self._headers)


def person(roles: list[str] | None = None, name: str | None = None) -> Person:
    number = next(_counter)
    return Person(new_id(), name or f"Person Zq{number:04d}", roles or ["learner"])


def learner() -> Person:
    return person(["learner"])


def tutor() -> Person:
    return person(["tutor", "learner"])


def supervisor() -> Person:
    return person(["supervisor"])


@dataclass
class SessionSpec:
    session_id: str
    topic_id: int
    tutor_ids: list[str]
    attendee_ids: list[str]
    topic_name: str = "Cardiology"
    format: str = "small_group"
    cohort: str | None = "Y3"
    starts_at: datetime = field(default_factory=lambda: utcnow() - timedelta(hours=3))
    ends_at: datetime | None = None
    names: dict[str, str] = field(default_factory=dict)  # display names sent along, as sessions does

    def payload(self) -> dict[str, Any]:
        named = {"tutors": [{"user_id": i, "display_name": self.names[i]} for i in self.tutor_ids if i in self.names],
                 "attendees": [{"user_id": i, "display_name": self.names[i]} for i in self.attendee_ids if i in self.names]}
        return {
            "session_id": self.session_id,
            "topic_id": self.topic_id,
            "topic_name": self.topic_name,
            "tutor_ids": self.tutor_ids,
            "attendee_ids": self.attendee_ids,
            **{key: value for key, value in named.items() if value},
            "format": self.format,
            "starts_at": self.starts_at.isoformat(),
            "ends_at": (self.ends_at or self.starts_at + timedelta(hours=1, minutes=30)).isoformat(),
            "cohort": self.cohort,
        }


_events_token: dict[int, dict[str, str]] = {}


def events_headers(auth: Auth, key: str | None = None) -> dict[str, str]:
    headers = dict(_events_token.setdefault(id(auth), auth.client("svc-sessions", scopes=["feedback:events"])))
    headers["Idempotency-Key"] = key or f"sessions-outbox-{new_id()}"
    return headers


def completed_session(
    client: TestClient,
    auth: Auth,
    *,
    tutors: list[Person],
    attendees: list[Person],
    topic_id: int = 1,
    **overrides: Any,
) -> SessionSpec:
    overrides.setdefault("names", {p.id: p.name for p in [*tutors, *attendees]})
    spec = SessionSpec(session_id=overrides.pop("session_id", new_id()), topic_id=topic_id,
                       tutor_ids=[t.id for t in tutors], attendee_ids=[a.id for a in attendees], **overrides)
    response = client.post(EVENTS, json=spec.payload(), headers=events_headers(auth))
    assert response.status_code == 201, response.text
    return spec


def rating_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"clarity": 4, "accuracy": 5, "usefulness": 4, "tutor_approach": 5, "comment": "Clear and kind."}
    body.update(overrides)
    return body


def rate(client: TestClient, auth: Auth, rater: Person, session_id: str, **overrides: Any) -> dict[str, Any]:
    response = client.post(f"/api/feedback/sessions/{session_id}/ratings", json=rating_body(**overrides), headers=rater.headers(auth))
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def assess(client: TestClient, auth: Auth, who: Person, *, phase: str, confidence: int, anxiety: int,
           topic_id: int | None = None, session_id: str | None = None) -> dict[str, Any]:
    body = {"phase": phase, "confidence": confidence, "anxiety": anxiety, "topic_id": topic_id, "session_id": session_id}
    response = client.post("/api/feedback/assessments", json=body, headers=who.headers(auth))
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def flag(client: TestClient, auth: Auth, who: Person, session_id: str, quote: str = "Aspirin is an anticoagulant") -> dict[str, Any]:
    body = {"session_id": session_id, "quote": quote, "source": "https://example.org/guideline", "comment": "It's an antiplatelet"}
    response = client.post("/api/feedback/flags", json=body, headers=who.headers(auth))
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def count(db: Session, model: type[SQLModel]) -> int:
    """Rows in a table; ends the read transaction so the app can write (SQLite locks on BEGIN IMMEDIATE)."""
    result = int(db.exec(select(func.count()).select_from(model)).one())
    db.rollback()
    return result
