"""Feedback demo data, through the gateway as real users: ratings, confidence/anxiety, flags, supervision.

Completed sessions reach feedback from the sessions service's outbox, so this seed first waits (with a timeout)
until feedback lists them, then acts as the attendees, the demo tutor and a supervisor.
"""

import os
import random
import time
from typing import Any

from seed.api import DemoApi, SeedError
from seed.faculty import Faculty, Person

WAIT_SECONDS = float(os.environ.get("SEED_FEEDBACK_WAIT_SECONDS", "90"))
MAX_LEARNERS = 45  # a few dozen learners, enough pairs for the programme report (REPORT_MIN_N = 10)
COMMENTS = [
    "Very clear, the worked cases helped a lot.",
    "A bit fast at the end but really useful.",
    "Loved the mnemonics, I finally get it.",
    "More practice questions next time, please.",
    "Kind and patient, I felt safe asking questions.",
]


def seed(api: DemoApi, faculty: Faculty) -> None:
    """Seed feedback once the sessions seed's completed sessions have arrived."""
    rng = random.Random(2026)
    by_id = {p.id: p for p in faculty.people if p.id}
    logins: dict[str, DemoApi] = {}

    def as_user(person: Person) -> DemoApi:
        if person.username not in logins:
            logins[person.username] = DemoApi.login(api.base_url, person.username, person.password)
        return logins[person.username]

    supervisor = as_user(faculty.by_username("supervisor"))
    demo_tutor = faculty.by_username("tutor")
    sessions = _wait_for_sessions(api)
    if not sessions:
        print(f"  feedback: no completed session arrived within {WAIT_SECONDS:.0f}s; only an endorsement is seeded")
        _endorse_demo_tutor(api, supervisor, demo_tutor, topic_id=None)
        return

    sessions.sort(key=lambda s: s["starts_at"])
    learners_seen: set[str] = set()
    first_on_topic: set[tuple[str, int]] = set()
    ratings = assessments = 0
    for item in sessions:
        attendance = api.get(f"/api/feedback/sessions/{item['id']}/attendance")
        for learner_id in attendance["attendee_ids"]:
            person = by_id.get(learner_id)
            if person is None or (learner_id not in learners_seen and len(learners_seen) >= MAX_LEARNERS):
                continue
            learners_seen.add(learner_id)
            user = as_user(person)
            scores = {c: rng.choices([2, 3, 4, 5], weights=[1, 3, 6, 5])[0] for c in ("clarity", "accuracy", "usefulness", "tutor_approach")}
            comment = rng.choice(COMMENTS) if rng.random() < 0.5 else None
            ratings += _post(user, f"/api/feedback/sessions/{item['id']}/ratings", {**scores, "comment": comment})
            key = (learner_id, item["topic_id"])
            before_conf, before_anx = rng.randint(1, 3), rng.randint(3, 5)
            if key not in first_on_topic:
                first_on_topic.add(key)
                # Attendance is already recorded, so the 'before' is the retrospective kind (then-test).
                assessments += _post(user, "/api/feedback/assessments", {
                    "phase": "before", "retrospective": True, "session_id": item["id"], "confidence": before_conf, "anxiety": before_anx})
            after = {"phase": "after", "session_id": item["id"],
                     "confidence": min(5, before_conf + rng.choice([0, 1, 1, 2])), "anxiety": max(1, before_anx - rng.choice([0, 1, 1, 2]))}
            assessments += _post(user, "/api/feedback/assessments", after)

    tutor_sessions = [s for s in sessions if demo_tutor.id in s["tutor_ids"]] or sessions
    flagged = 0
    already = {f["quote"] for f in api.get("/api/feedback/flags", params={"status": "open"})}
    for item, quote in zip(tutor_sessions[:2], ["Beta-blockers are contraindicated in all asthmatics",
                                                "Potassium can be given as an IV push"], strict=False):
        attendees = api.get(f"/api/feedback/sessions/{item['id']}/attendance")["attendee_ids"]
        flagger = next((by_id[a] for a in attendees if a in by_id), None)
        if flagger is not None and quote not in already:
            flagged += _post(as_user(flagger), "/api/feedback/flags", {
                "session_id": item["id"], "quote": quote, "source": "https://www.has-sante.fr", "comment": "I read otherwise in the guideline"})

    showcase = tutor_sessions[0]
    observed = showcase["tutor_ids"][0]
    _post(supervisor, f"/api/feedback/sessions/{showcase['id']}/observations", {
        "tutor_id": observed, "preparation": 5, "accuracy": 4, "engagement": 5, "safety": 5,
        "comment": "Well prepared cases; check drug doses against the local formulary."})
    if demo_tutor.id in showcase["tutor_ids"]:
        _post(as_user(demo_tutor), f"/api/feedback/sessions/{showcase['id']}/reflection", {
            "went_well": "The ECG cases kept everyone engaged.", "to_improve": "Leave more time for questions.",
            "unanswered_questions": "How to dose anticoagulants in CKD."})
    _endorse_demo_tutor(api, supervisor, demo_tutor, topic_id=showcase["topic_id"], topic_name=showcase["topic_name"])
    print(f"  feedback: {len(sessions)} sessions, {ratings} ratings, {assessments} assessments, {flagged} flags "
          f"from {len(learners_seen)} learners")


def _wait_for_sessions(api: DemoApi) -> list[dict[str, Any]]:
    """Poll until the completed sessions have arrived and their number is stable, or the timeout."""
    deadline = time.monotonic() + WAIT_SECONDS
    previous = -1
    sessions: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        sessions = api.get("/api/feedback/sessions")
        if sessions and len(sessions) == previous:
            return sessions
        previous = len(sessions)
        time.sleep(3)
    return sessions


def _endorse_demo_tutor(api: DemoApi, supervisor: DemoApi, tutor: Person, *, topic_id: int | None, topic_name: str | None = None) -> None:
    if topic_id is None:
        topics = api.get("/api/matching/topics")
        if not topics:
            return
        topic_id, topic_name = topics[0]["id"], topics[0]["name"]
    _post(supervisor, "/api/feedback/endorsements", {
        "tutor_id": tutor.id, "topic_id": topic_id, "topic_name": topic_name, "note": "Accurate, safe and well-liked teaching."})


def _post(user: DemoApi, path: str, body: dict[str, Any]) -> int:
    """POST as that user; a 409 (already there from an earlier run) counts as nothing done."""
    try:
        user.post(path, json=body)
    except SeedError as exc:
        if "-> 409" in str(exc):
            return 0
        raise
    return 1
