"""Builders for the sessions tests."""

import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from fastapi.testclient import TestClient
from jose import jwk, jwt

from kit.pytest_plugin import Auth


class FakeApprovals:
    """Stands in for matching's approval check: approved unless told otherwise."""

    def __init__(self) -> None:
        self.refused: set[tuple[str, int]] = set()
        self.calls: list[tuple[str, int]] = []

    def is_approved(self, *, tutor_id: str, topic_id: int) -> tuple[bool, str | None]:
        self.calls.append((tutor_id, topic_id))
        if (tutor_id, topic_id) in self.refused:
            return False, "not approved"
        return True, None


def learner_headers(auth: Auth, subs: list[str]) -> list[dict[str, str]]:
    """Many learner tokens quickly (the key is constructed once instead of per token)."""
    key = jwk.construct(auth.key.private_pem, "RS256")
    now = int(time.time())
    headers = []
    for sub in subs:
        claims = {"sub": sub, "iss": "nearpeer-gateway", "aud": "nearpeer-api", "iat": now, "exp": now + 900, "typ": "access",
                  "kind": "user", "roles": ["learner"], "scope": "", "name": "Learner", "jti": uuid.uuid4().hex}
        headers.append({"Authorization": f"Bearer {jwt.encode(claims, key, algorithm='RS256', headers={'kid': auth.key.kid})}"})
    return headers


def new_id() -> str:
    return str(uuid.uuid4())


def future(days: int = 7, hour: int = 14, minute: int = 0) -> datetime:
    """A weekday-agnostic moment `days` from today at hour:minute UTC."""
    base = datetime.now(UTC).replace(hour=hour, minute=minute, second=0, microsecond=0)
    return base + timedelta(days=days)


def session_body(starts_at: datetime | None = None, *, hours: float = 1.5, capacity: int = 20, **over: Any) -> dict[str, Any]:
    start = starts_at or future()
    body: dict[str, Any] = {
        "topic_id": 7,
        "topic_name": "ECG interpretation",
        "format": "group" if capacity > 1 else "one_to_one",
        "place": "Room 2.14",
        "capacity": capacity,
        "plan": "Axis, rhythm, ischaemia",
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=hours)).isoformat(),
        "open": True,
    }
    body.update(over)
    return body


class People:
    """Headers for a few typical callers."""

    def __init__(self, auth: Auth) -> None:
        self.auth = auth
        self.tutor_id = new_id()
        self.admin_id = new_id()

    def tutor(self, sub: str | None = None) -> dict[str, str]:
        return self.auth.user(sub or self.tutor_id, roles=["tutor"], name="Inès Moreau")

    def admin(self) -> dict[str, str]:
        return self.auth.user(self.admin_id, roles=["admin"], name="Admin")

    def learner(self, sub: str, name: str = "Learner") -> dict[str, str]:
        return self.auth.user(sub, roles=["learner"], name=name)

    def timetable(self) -> dict[str, str]:
        return self.auth.client("timetable", scopes=["timetable:write", "timetable:read", "sessions:read"])


def create_session(client: TestClient, people: People, **kwargs: Any) -> dict[str, Any]:
    response = client.post("/api/sessions/sessions", json=session_body(**kwargs), headers=people.tutor())
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def push(client: TestClient, people: People, items: list[dict[str, Any]], partial: bool = False) -> Any:
    return client.put(f"/api/sessions/timetable/items?partial={str(partial).lower()}", json={"items": items}, headers=people.timetable())


def item(external_id: str, start: datetime, hours: float = 2, owner_type: str = "person", owner_id: str = "u", kind: str = "lecture", title: str = "Cardiology lecture") -> dict[str, Any]:
    return {
        "external_id": external_id,
        "kind": kind,
        "title": title,
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=hours)).isoformat(),
        "location": "Amphi A",
        "owner": {"type": owner_type, "id": owner_id},
    }


class Receiver:
    """A local HTTP server whose answers the test controls."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.status = 200
        self.body = b""
        self.etag: str | None = None
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _answer(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                payload = self.rfile.read(length) if length else b""
                owner.requests.append({"method": self.command, "path": self.path, "headers": dict(self.headers), "body": payload})
                if owner.etag and self.headers.get("If-None-Match") == owner.etag:
                    self.send_response(304)
                    self.end_headers()
                    return
                self.send_response(owner.status)
                if owner.etag:
                    self.send_header("ETag", owner.etag)
                self.send_header("Content-Length", str(len(owner.body)))
                self.end_headers()
                self.wfile.write(owner.body)

            do_GET = _answer
            do_POST = _answer

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def ics(events: str) -> bytes:
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" + events + "END:VCALENDAR\r\n").encode()


def weekly_lecture(first: datetime) -> str:
    return (
        "BEGIN:VEVENT\r\nUID:lec-1@faculty\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:Cours de cardiologie\r\n"
        f"DTSTART;TZID=Europe/Paris:{first:%Y%m%dT%H%M%S}\r\nDTEND;TZID=Europe/Paris:{first + timedelta(hours=2):%Y%m%dT%H%M%S}\r\n"
        "RRULE:FREQ=WEEKLY;COUNT=10\r\nEND:VEVENT\r\n"
    )
