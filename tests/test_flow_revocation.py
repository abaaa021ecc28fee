"""Revoked authority across processes: the gateway refuses at once, each service once the account event arrives."""

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from flow_support import Crowd, Person, approve, new_topic, ok, poll, refused, session_body, tutor_profile

from devstack import Stack

# The documented window for a service reached directly: outbox interval (1 s) + delivery + service cache (5 s).
SERVICE_WINDOW = 10.0


@pytest.fixture
def crowd(stack: Stack, admin: httpx.Client) -> Iterator[Crowd]:
    people = Crowd(stack.url, admin)
    yield people
    people.close()


def _bearer(person: Person) -> dict[str, str]:
    return {"Authorization": str(person.api.headers["Authorization"])}


def _refusal(url: str, headers: dict[str, str], code: str) -> Callable[[], dict[str, Any] | None]:
    """A probe: a read-only call made directly to a service, until that service refuses the token with `code`."""

    def probe() -> dict[str, Any] | None:
        response = httpx.get(url, headers=headers, timeout=10)
        if response.status_code != 401:
            return None
        body: dict[str, Any] = response.json()
        assert body["code"] == code, body
        return body

    return probe


def _open_session(crowd: Crowd) -> dict[str, Any]:
    """An open group session, tomorrow, by an approved tutor."""
    supervisor = crowd.person("supervisor")
    tutor = crowd.person("tutor")
    topic = new_topic(supervisor.api, "Revocation")
    tutor_profile(tutor, topic["id"])
    approve(supervisor.api, tutor.id, topic["id"])
    starts = datetime.now(UTC) + timedelta(days=1)
    body: dict[str, Any] = ok(tutor.api.post("/api/sessions/sessions", json=session_body(topic, starts, open=True)), 201)
    return body


def test_a_deactivated_learners_token_books_nothing_through_the_gateway_nor_directly(
    stack: Stack, crowd: Crowd, admin: httpx.Client
) -> None:
    session = _open_session(crowd)
    leaver, stayer = crowd.person("learner"), crowd.person("learner")
    sessions_base = stack.service_url("sessions")
    probe_url = f"{sessions_base}/api/sessions/sessions/{session['id']}"
    assert httpx.get(probe_url, headers=_bearer(leaver), timeout=10).status_code == 200  # the token works directly, too

    ok(admin.post(f"/api/admin/users/{leaver.id}/deactivate"))
    # The gateway refuses at once (its own state, cached at most 5 s; this process was the one that changed it).
    refused(leaver.api.post(f"/api/sessions/sessions/{session['id']}/bookings"), 401, "account_inactive")
    # The sessions service, reached directly with the still-unexpired token, refuses once the event has arrived.
    poll(_refusal(probe_url, _bearer(leaver), "account_inactive"), timeout=SERVICE_WINDOW, interval=0.25, what="sessions to refuse")
    direct = httpx.post(f"{sessions_base}/api/sessions/sessions/{session['id']}/bookings", headers=_bearer(leaver), timeout=10)
    assert direct.status_code == 401 and direct.json()["code"] == "account_inactive", direct.text
    # Nobody else is affected.
    assert ok(stayer.api.post(f"/api/sessions/sessions/{session['id']}/bookings"), 201)["learner_id"] == stayer.id
    assert ok(stayer.api.get(f"/api/sessions/sessions/{session['id']}"))["booked"] == 1


def test_a_demoted_supervisor_is_refused_by_every_service_and_a_service_that_was_down_catches_up(
    stack: Stack, crowd: Crowd, admin: httpx.Client
) -> None:
    demoted = crowd.person("supervisor", "learner")
    old = _bearer(demoted)
    stack.stop_service("feedback")
    try:
        ok(admin.patch(f"/api/admin/users/{demoted.id}", json={"roles": ["learner"]}))
        refused(demoted.api.get("/api/matching/topics"), 401, "token_revoked")
        poll(_refusal(f"{stack.service_url('matching')}/api/matching/topics", old, "token_revoked"), timeout=SERVICE_WINDOW,
             interval=0.25, what="matching to refuse")
    finally:
        stack.start_service("feedback")
    # The outbox kept feedback's message while it was down and delivers it now (retries back off: allow for that).
    poll(_refusal(f"{stack.service_url('feedback')}/api/feedback/portfolio/{demoted.id}", old, "token_revoked"), timeout=70,
         interval=0.5, what="feedback to refuse after its restart")
    again = httpx.post(f"{stack.url}/api/auth/login", json={"username": demoted.username, "password": "flow-pass-1234"}, timeout=30)
    fresh = {"Authorization": f"Bearer {ok(again)['access_token']}"}
    assert httpx.get(f"{stack.service_url('feedback')}/api/feedback/portfolio/{demoted.id}", headers=fresh, timeout=10).status_code != 401
