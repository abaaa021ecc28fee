"""One learning journey across all four services, only through the gateway, as real signed-in people."""

from collections.abc import Iterator

import httpx
import pytest
from flow_support import (
    Crowd,
    approval_check,
    approve,
    feedback_fact,
    learner_profile,
    new_topic,
    ok,
    poll,
    refused,
    run_session,
    session_body,
    soon,
    tutor_profile,
    wait_until,
)

from devstack import Stack

RATING = {"clarity": 4, "accuracy": 2, "usefulness": 4, "tutor_approach": 5, "comment": "Clear, but one number looked wrong"}


@pytest.fixture
def crowd(stack: Stack, admin: httpx.Client) -> Iterator[Crowd]:
    people = Crowd(stack.url, admin)
    yield people
    people.close()


def test_learning_journey_from_suggestion_to_suspension(crowd: Crowd) -> None:
    supervisor = crowd.person("supervisor")
    tutor = crowd.person("tutor", name="Tutor Year Five")
    other_tutor = crowd.person("tutor")
    learner = crowd.person("learner")
    bystander = crowd.person("learner")

    # Supervisor sets up the catalogue; people describe themselves.
    topic = new_topic(supervisor.api, "Cardiac auscultation")
    refused(learner.api.post("/api/matching/topics", json={"name": "Learner topic", "kind": "knowledge"}), 403, "forbidden")
    assert tutor_profile(tutor, topic["id"], stage=5)["stage"] == 5
    tutor_profile(other_tutor, topic["id"], stage=5)
    assert learner_profile(learner, topic["id"], stage=3)["topics"] == [{"topic_id": topic["id"], "priority": 5}]

    # Without an approval the tutor is never suggested.
    before = ok(learner.api.get("/api/matching/suggestions", params={"topic_id": topic["id"]}))
    assert tutor.id not in [s["tutor_id"] for s in before["suggestions"]]
    approval = approve(supervisor.api, tutor.id, topic["id"])
    assert approval["status"] == "approved"

    # Suggestions: the approved near-peer tutor, with every criterion scored (sessions and feedback are up).
    suggested = ok(learner.api.get("/api/matching/suggestions", params={"topic_id": topic["id"]}))
    assert suggested["topic_id"] == topic["id"]
    mine = [s for s in suggested["suggestions"] if s["tutor_id"] == tutor.id]
    assert len(mine) == 1, suggested
    assert other_tutor.id not in [s["tutor_id"] for s in suggested["suggestions"]]  # not approved
    assert mine[0]["display_name"] == "Tutor Year Five" and mine[0]["stage"] == 5
    breakdown = mine[0]["breakdown"]
    for criterion in ("topic_fit", "stage_gap", "format", "language", "load"):
        assert 0.0 <= breakdown[criterion] <= 1.0, breakdown
    assert breakdown["shared_free_time"] is not None and breakdown["quality"] is not None, suggested
    assert suggested["missing_criteria"] == [], suggested
    assert 0.0 < mine[0]["score"] <= 1.0

    # Request and acceptance make a pairing.
    request = ok(learner.api.post("/api/matching/requests", json={"tutor_id": tutor.id, "topic_id": topic["id"], "message": "Hello"}), 201)
    assert request["status"] == "pending"
    refused(other_tutor.api.post(f"/api/matching/requests/{request['id']}/accept"), 403, "forbidden")
    pairing = ok(tutor.api.post(f"/api/matching/requests/{request['id']}/accept"))
    assert (pairing["learner_id"], pairing["tutor_id"], pairing["topic_id"], pairing["status"]) == (learner.id, tutor.id, topic["id"], "active")
    assert ok(learner.api.get(f"/api/matching/requests/{request['id']}"))["status"] == "accepted"

    # Sessions asks matching (with its own service token) whether the tutor is approved.
    refused(other_tutor.api.post("/api/sessions/sessions", json=session_body(topic, soon(3600))), 403, "tutor_not_approved")
    assert ok(other_tutor.api.get("/api/sessions/sessions", params={"tutor_id": other_tutor.id})) == []
    start = soon(5)
    draft = ok(tutor.api.post("/api/sessions/sessions", json=session_body(topic, start)), 201)
    assert draft["state"] == "draft" and [t["user_id"] for t in draft["tutors"]] == [tutor.id]
    refused(learner.api.get(f"/api/sessions/sessions/{draft['id']}"), 404, "session_not_found")  # drafts are hidden
    refused(learner.api.post(f"/api/sessions/sessions/{draft['id']}/bookings"), 409, "session_not_bookable")
    assert ok(tutor.api.post(f"/api/sessions/sessions/{draft['id']}/open"))["state"] == "open"
    booking = ok(learner.api.post(f"/api/sessions/sessions/{draft['id']}/bookings"), 201)
    assert booking["status"] == "booked" and booking["learner_id"] == learner.id

    # Completion travels to feedback through the sessions outbox.
    refused(tutor.api.post(f"/api/sessions/sessions/{draft['id']}/complete"), 409, "session_not_started")
    wait_until(start)
    refused(learner.api.post(f"/api/sessions/sessions/{draft['id']}/complete"), 403, "not_session_tutor")
    completed = ok(tutor.api.post(f"/api/sessions/sessions/{draft['id']}/complete", json={"attendance": [{"learner_id": learner.id, "attended": True}]}))
    assert completed["state"] == "completed" and completed["completed_at"] is not None
    fact = poll(feedback_fact(supervisor.api, draft["id"]), timeout=30, what="the session fact in feedback")
    assert fact["topic_id"] == topic["id"] and fact["topic_name"] == topic["name"]
    assert fact["tutor_ids"] == [tutor.id] and fact["attendee_count"] == 1
    assert fact["format"] == "group_in_person"
    attendance = ok(supervisor.api.get(f"/api/feedback/sessions/{draft['id']}/attendance"))
    assert attendance["attendee_ids"] == [learner.id] and attendance["tutor_ids"] == [tutor.id]

    # The attendee rates once; someone who did not attend cannot.
    rating = ok(learner.api.post(f"/api/feedback/sessions/{draft['id']}/ratings", json=RATING), 201)
    assert rating["accuracy"] == 2 and rating["session_id"] == str(draft["id"])
    refused(learner.api.post(f"/api/feedback/sessions/{draft['id']}/ratings", json=RATING), 409, "already_rated")
    refused(bystander.api.post(f"/api/feedback/sessions/{draft['id']}/ratings", json=RATING), 403, "not_an_attendee")
    summary = ok(tutor.api.get(f"/api/feedback/sessions/{draft['id']}/ratings/summary"))
    assert summary["aggregate"]["n"] == 1 and summary["aggregate"]["accuracy"] == 2

    # A flag, confirmed with an erratum and a suspension.
    refused(bystander.api.post("/api/feedback/flags", json={"session_id": str(draft["id"]), "quote": "x"}), 403, "not_an_attendee")
    flag = ok(learner.api.post("/api/feedback/flags", json={
        "session_id": str(draft["id"]), "quote": "S3 is heard before S1", "source": "Guyton, ch. 9",
    }), 201)
    assert flag["status"] == "open" and flag["flagger_id"] == learner.id and flag["topic_id"] == topic["id"]
    refused(learner.api.post(f"/api/feedback/flags/{flag['id']}/confirm", json={"correction": "x"}), 403, "forbidden")
    erratum = ok(supervisor.api.post(f"/api/feedback/flags/{flag['id']}/confirm", json={
        "correction": "S3 follows S2, early in diastole.", "suspend_tutor": True, "reason": "Taught a wrong fact",
    }), 201)
    assert erratum["tutor_id"] == tutor.id and erratum["session_ids"] == [str(draft["id"])]
    assert learner.id in erratum["pending"]
    assert ok(learner.api.get(f"/api/feedback/flags/{flag['id']}"))["status"] == "confirmed"
    refused(supervisor.api.post(f"/api/feedback/flags/{flag['id']}/confirm", json={"correction": "again"}), 409, "flag_already_reviewed")

    # The learner sees the erratum and acknowledges it; the bystander may not read it.
    notes = ok(learner.api.get("/api/feedback/notifications", params={"unread_only": True}))
    errata_notes = [n for n in notes if n["kind"] == "erratum"]
    assert len(errata_notes) == 1 and str(erratum["id"]) in (errata_notes[0]["link"] or ""), notes
    content = ok(learner.api.get(f"/api/feedback/errata/{erratum['id']}/content"))
    assert content["correction"] == "S3 follows S2, early in diastole."
    refused(bystander.api.get(f"/api/feedback/errata/{erratum['id']}/content"), 403, "not_a_recipient")
    refused(bystander.api.post(f"/api/feedback/errata/{erratum['id']}/acknowledge"), 403, "not_a_recipient")
    ack = ok(learner.api.post(f"/api/feedback/errata/{erratum['id']}/acknowledge"))
    assert ack["erratum_id"] == erratum["id"] and ack["acknowledged_at"]
    assert learner.id not in ok(supervisor.api.get(f"/api/feedback/errata/{erratum['id']}"))["pending"]
    still_unread = ok(learner.api.get("/api/feedback/notifications", params={"unread_only": True}))
    assert errata_notes[0]["id"] not in [n["id"] for n in still_unread]

    # The suspension reaches matching through the feedback outbox.
    def suspended() -> dict[str, object] | None:
        check = approval_check(supervisor.api, tutor.id, topic["id"])
        return check if not check["approved"] else None

    check = poll(suspended, timeout=30, what="the suspension in matching")
    assert check["reason"] == "suspended"
    detail = ok(supervisor.api.get(f"/api/matching/approvals/{approval['id']}"))
    assert detail["status"] == "suspended"
    assert [e["to_status"] for e in detail["events"]].count("suspended") == 1
    # A suspended tutor can neither be suggested nor schedule the topic.
    after = ok(learner.api.get("/api/matching/suggestions", params={"topic_id": topic["id"]}))
    assert tutor.id not in [s["tutor_id"] for s in after["suggestions"]]
    refused(tutor.api.post("/api/sessions/sessions", json=session_body(topic, soon(7200))), 403, "tutor_not_approved")
    tutor_notes = ok(tutor.api.get("/api/matching/notifications"))
    assert any(n["kind"] == "approval_suspended" for n in tutor_notes), tutor_notes


def test_a_session_with_two_learners_reaches_feedback_with_both(crowd: Crowd, admin: httpx.Client) -> None:
    """Attendance marks travel too: a learner marked absent is not an attendee in feedback."""
    tutor = crowd.person("tutor")
    present, absent = crowd.person("learner"), crowd.person("learner")
    topic = new_topic(admin, "Suturing")
    tutor_profile(tutor, topic["id"])
    approve(admin, tutor.id, topic["id"])
    created, start = run_session(tutor, [present, absent], topic)
    wait_until(start)
    marks = [{"learner_id": present.id, "attended": True}, {"learner_id": absent.id, "attended": False}]
    ok(tutor.api.post(f"/api/sessions/sessions/{created['id']}/complete", json={"attendance": marks}))
    fact = poll(feedback_fact(admin, created["id"]), timeout=30, what="the session fact in feedback")
    assert fact["attendee_count"] == 1
    ok(present.api.post(f"/api/feedback/sessions/{created['id']}/ratings", json=RATING), 201)
    refused(absent.api.post(f"/api/feedback/sessions/{created['id']}/ratings", json=RATING), 403, "not_an_attendee")
