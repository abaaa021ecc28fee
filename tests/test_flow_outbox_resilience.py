"""A service down at the wrong moment loses nothing: outbox messages land once it is back, exactly once."""

from collections.abc import Iterator

import httpx
import pytest
from flow_support import (
    Crowd,
    Person,
    approval_check,
    approve,
    feedback_fact,
    learner_profile,
    new_topic,
    ok,
    poll,
    refused,
    run_session,
    tutor_profile,
    wait_until,
)

from devstack import Stack


@pytest.fixture
def crowd(stack: Stack, admin: httpx.Client) -> Iterator[Crowd]:
    people = Crowd(stack.url, admin)
    yield people
    people.close()


def _approved_tutor(crowd: Crowd, admin: httpx.Client, label: str) -> tuple[Person, dict[str, object]]:
    tutor = crowd.person("tutor")
    topic = new_topic(admin, label)
    tutor_profile(tutor, topic["id"])
    approve(admin, tutor.id, topic["id"])
    return tutor, topic


def test_completion_survives_feedback_being_down(stack: Stack, crowd: Crowd, admin: httpx.Client) -> None:
    tutor, topic = _approved_tutor(crowd, admin, "Venepuncture")
    learner = crowd.person("learner")
    created, start = run_session(tutor, [learner], topic)
    wait_until(start)
    stack.stop_service("feedback")
    try:
        refused(admin.get(f"/api/feedback/sessions/{created['id']}"), 502, "upstream_unavailable")
        completed = ok(tutor.api.post(f"/api/sessions/sessions/{created['id']}/complete"))  # does not wait for feedback
        assert completed["state"] == "completed"

        def failed_once() -> dict[str, object] | None:
            stats = ok(admin.get("/api/sessions/admin/outbox"))
            return stats if stats["failing"] >= 1 else None

        stats = poll(failed_once, timeout=20, what="a failed delivery attempt to feedback")
        assert stats["pending"] >= 1 and stats["last_error"], stats
        assert stats["dead"] == 0, stats  # a receiver that is down is retried, never parked
    finally:
        stack.start_service("feedback")

    fact = poll(feedback_fact(admin, created["id"]), timeout=30, what="the session fact after feedback came back")
    assert fact["tutor_ids"] == [tutor.id] and fact["attendee_count"] == 1
    assert ok(admin.get(f"/api/feedback/sessions/{created['id']}/attendance"))["attendee_ids"] == [learner.id]
    listed = ok(admin.get("/api/feedback/sessions", params={"topic_id": topic["id"]}))
    assert [f["id"] for f in listed] == [str(created["id"])]  # exactly one fact for the session

    def drained() -> dict[str, object] | None:
        stats = ok(admin.get("/api/sessions/admin/outbox"))
        return stats if stats["pending"] == 0 else None

    drained_stats = poll(drained, timeout=15, what="an empty sessions outbox")
    assert (drained_stats["failing"], drained_stats["dead"]) == (0, 0), drained_stats
    # The attendee can rate it, once.
    ok(learner.api.post(f"/api/feedback/sessions/{created['id']}/ratings",
                        json={"clarity": 5, "accuracy": 5, "usefulness": 5, "tutor_approach": 5}), 201)
    assert ok(admin.get(f"/api/feedback/sessions/{created['id']}/attendance"))["attendee_ids"] == [learner.id]


def test_suspension_survives_matching_being_down(stack: Stack, crowd: Crowd, admin: httpx.Client) -> None:
    supervisor = crowd.person("supervisor")
    tutor, topic = _approved_tutor(crowd, admin, "Chest drain")
    learner = crowd.person("learner")
    created, start = run_session(tutor, [learner], topic)
    wait_until(start)
    ok(tutor.api.post(f"/api/sessions/sessions/{created['id']}/complete"))
    poll(feedback_fact(supervisor.api, created["id"]), timeout=30, what="the session fact in feedback")
    flag = ok(learner.api.post("/api/feedback/flags", json={"session_id": str(created["id"]), "quote": "Insert above the rib"}), 201)
    approval_id = ok(admin.get("/api/matching/approvals", params={"tutor_id": tutor.id, "topic_id": topic["id"]}))[0]["id"]

    stack.stop_service("matching")
    try:
        refused(supervisor.api.get("/api/matching/approvals/check", params={"tutor_id": tutor.id, "topic_id": topic["id"]}),
                502, "upstream_unavailable")
        erratum = ok(supervisor.api.post(f"/api/feedback/flags/{flag['id']}/confirm", json={
            "correction": "Insert just above the upper border of the rib below.", "suspend_tutor": True, "reason": "Unsafe technique taught",
        }), 201)
        assert erratum["tutor_id"] == tutor.id
        # Give the feedback relay (every 5 s) a chance to try and fail while matching is away.
        def failed_once() -> dict[str, object] | None:
            stats = ok(admin.get("/api/feedback/admin/outbox"))
            return stats if stats["failing"] >= 1 else None

        stats = poll(failed_once, timeout=15, what="a failed delivery attempt to matching")
        assert stats["dead"] == 0 and stats["last_error"], stats
        failing = ok(admin.get("/api/feedback/admin/outbox/messages", params={"state": "pending"}))
        assert f"feedback-suspension-{erratum['id']}" in [m["key"] for m in failing], failing
    finally:
        stack.start_service("matching")

    def suspended() -> dict[str, object] | None:
        check = approval_check(supervisor.api, tutor.id, topic["id"])
        return check if not check["approved"] else None

    assert poll(suspended, timeout=30, what="the suspension after matching came back")["reason"] == "suspended"
    detail = ok(supervisor.api.get(f"/api/matching/approvals/{approval_id}"))
    assert detail["status"] == "suspended"
    assert [e["to_status"] for e in detail["events"]].count("suspended") == 1, detail["events"]

    def delivered() -> dict[str, object] | None:
        stats = ok(admin.get("/api/feedback/admin/outbox"))
        return stats if stats["pending"] == 0 else None

    assert poll(delivered, timeout=15, what="an empty feedback outbox")["dead"] == 0


def test_suggestions_still_come_when_sessions_is_down(stack: Stack, crowd: Crowd, admin: httpx.Client) -> None:
    tutor, topic = _approved_tutor(crowd, admin, "Otoscopy")
    learner = crowd.person("learner")
    learner_profile(learner, topic["id"])
    stack.stop_service("sessions")
    try:
        answer = ok(learner.api.get("/api/matching/suggestions", params={"topic_id": topic["id"]}))
    finally:
        stack.start_service("sessions")
    assert [s["tutor_id"] for s in answer["suggestions"]] == [tutor.id]
    assert answer["missing_criteria"] == ["shared_free_time"], answer
    reason = answer["missing_reasons"][0]
    assert reason["criterion"] == "shared_free_time" and "sessions" in reason["reason"]
    assert answer["suggestions"][0]["breakdown"]["shared_free_time"] is None
    assert answer["suggestions"][0]["breakdown"]["quality"] is not None  # feedback was up
    # Back up: the criterion returns.
    again = ok(learner.api.get("/api/matching/suggestions", params={"topic_id": topic["id"]}))
    assert again["missing_criteria"] == [] and again["suggestions"][0]["breakdown"]["shared_free_time"] is not None
