"""Demo data for the sessions service: memberships, a pushed six-week timetable, open group sessions, bookings,
and two completed past sessions attended by the demo 'learner' (so feedback has something to show)."""

import json
import os
import random
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from seed.api import DemoApi, SeedError
from seed.faculty import Faculty, Person

ROOT = Path(__file__).resolve().parent.parent.parent
PARIS = ZoneInfo("Europe/Paris")
WARDS = ["cardiologie", "pneumologie", "urgences", "pediatrie"]
LECTURES = {
    1: ["Anatomie", "Biochimie", "Physiologie"],
    2: ["Histologie", "Immunologie", "Sémiologie"],
    3: ["Cardiologie", "Pneumologie", "Pharmacologie"],
    4: ["Néphrologie", "Gastro-entérologie"],
    5: ["Neurologie", "Gynécologie-obstétrique"],
    6: ["Révisions ECOS", "Urgences vitales"],
}


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), PARIS)


def _weekdays(first: date, weeks: int) -> list[date]:
    return [first + timedelta(days=d) for d in range(weeks * 7) if (first + timedelta(days=d)).weekday() < 5]


def _timetable_api(api: DemoApi) -> DemoApi:
    """The faculty timetable machine client if the gateway seed registered one, else the admin."""
    path = Path(os.environ.get("NEARPEER_DATA_DIR", ROOT / "var")) / "timetable-client.json"
    if not path.exists():
        return api
    creds = json.loads(path.read_text())
    response = httpx.post(
        f"{api.base_url}/api/auth/token",
        data={"grant_type": "client_credentials"},
        auth=(creds["client_id"], creds["client_secret"]),
        timeout=30,
    )
    if response.status_code != 200:
        print(f"    timetable client token refused ({response.status_code}); pushing as admin")
        return api
    return DemoApi(api.base_url, response.json()["access_token"])


def _item(external_id: str, kind: str, title: str, start: datetime, end: datetime, location: str, owner: tuple[str, str]) -> dict[str, Any]:
    return {
        "external_id": external_id,
        "kind": kind,
        "title": title,
        "starts_at": start.isoformat(),
        "ends_at": end.isoformat(),
        "location": location,
        "owner": {"type": owner[0], "id": owner[1]},
    }


def _memberships(faculty: Faculty, rng: random.Random) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    cohorts: dict[str, list[str]] = {}
    groups: dict[str, list[str]] = {}
    for person in faculty.people:
        if person.cohort and person.id:
            cohorts.setdefault(person.cohort, []).append(person.id)
            if person.stage is not None and 4 <= person.stage <= 6:
                ward = WARDS[0] if person.username == "tutor" else rng.choice(WARDS)
                groups.setdefault(f"Y{person.stage}-{ward}", []).append(person.id)
    return cohorts, groups


def _timetable(faculty: Faculty, groups: dict[str, list[str]], first: date) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    days = _weekdays(first, 6)
    exam_day = days[-3]  # Wednesday of the last week
    for day in days:
        tag = day.isoformat()
        for year in (1, 2, 3):
            titles = LECTURES[year]
            for slot, (h, m, h2, m2) in enumerate(((8, 30, 10, 0), (10, 30, 12, 0))):
                title = titles[(day.toordinal() + slot) % len(titles)]
                items.append(_item(f"lec-Y{year}-{tag}-{slot}", "lecture", f"Cours : {title}", _at(day, h, m), _at(day, h2, m2), f"Amphi {year}", ("cohort", f"Y{year}")))
        for group in groups:
            ward = group.split("-", 1)[1]
            items.append(_item(f"rot-{group}-{tag}", "rotation", f"Stage : {ward}", _at(day, 8), _at(day, 12, 30), f"Service de {ward}", ("group", group)))
        if day.weekday() in (1, 3):
            for year in (4, 5, 6):
                title = LECTURES[year][day.weekday() // 2 % len(LECTURES[year])]
                items.append(_item(f"lec-Y{year}-{tag}", "lecture", f"ED : {title}", _at(day, 14), _at(day, 16), "Salle B2", ("cohort", f"Y{year}")))
    # Last term the Y5/Y6 ward groups were on the next ward of the list: they are the near-peers who "have already
    # been" on the ward a Y4/Y5 group starts this week (what placement buddies look for).
    for day in _weekdays(first - timedelta(weeks=16), 6):
        for group in groups:
            year, ward = group.split("-", 1)
            if year in ("Y5", "Y6"):
                before = WARDS[(WARDS.index(ward) + 1) % len(WARDS)]
                items.append(_item(f"rot-past-{group}-{day.isoformat()}", "rotation", f"Stage : {before}", _at(day, 8), _at(day, 12, 30), f"Service de {before}", ("group", group)))
    for year in range(1, 7):
        items.append(_item(f"exam-Y{year}-{exam_day.isoformat()}", "exam", f"Examen partiel DFGSM/DFASM Y{year}", _at(exam_day, 13, 30), _at(exam_day, 16, 30), "Centre d'examens", ("cohort", f"Y{year}")))
    residents = [p for p in faculty.people if p.stage is not None and p.stage >= 7 and p.id]
    for index, resident in enumerate(residents):
        for week in range(6):
            day = days[week * 5 + (index % 5)]
            items.append(_item(f"garde-{resident.username}-{day.isoformat()}", "on_call", "Garde de nuit", _at(day, 18, 30), _at(day + timedelta(days=1), 8, 30), "Urgences", ("person", resident.id)))
    return items


def _topics(api: DemoApi) -> dict[str, int]:
    return {t["name"]: t["id"] for t in api.get("/api/matching/topics") if t.get("parent_id") is not None}


def _approved(api: DemoApi, tutor: Person, topic_id: int, demo_tutor: Person) -> bool:
    try:
        answer = api.get("/api/matching/approvals/check", params={"tutor_id": tutor.id, "topic_id": topic_id})
        return bool(answer and answer.get("approved"))
    except SeedError:
        return tutor.username == demo_tutor.username  # without the check, only the known-approved demo tutor teaches


def _create(api: DemoApi, key: str, body: dict[str, Any]) -> dict[str, Any] | None:
    try:
        result: dict[str, Any] = api.post("/api/sessions/sessions", json=body, headers={"Idempotency-Key": key})
        return result
    except SeedError as exc:
        if "timetable_clash" in str(exc):
            return None
        raise


def _book(api: DemoApi, session_id: int, person: Person, key: str) -> bool:
    try:
        api.post(
            f"/api/sessions/sessions/{session_id}/bookings",
            json={"learner_id": person.id, "learner_name": person.full_name},
            headers={"Idempotency-Key": key},
        )
        return True
    except SeedError as exc:
        if "timetable_clash" in str(exc) or "already_booked" in str(exc):
            return False
        raise


def seed(api: DemoApi, faculty: Faculty) -> None:
    rng = random.Random(2026)
    today = datetime.now(PARIS).date()
    monday = today - timedelta(days=today.weekday())
    cohorts, groups = _memberships(faculty, rng)
    timetable = _timetable_api(api)
    timetable.put("/api/sessions/timetable/memberships", json={"cohorts": cohorts, "groups": groups})
    items = _timetable(faculty, groups, monday)
    result = timetable.put("/api/sessions/timetable/items", json={"items": items})
    if not result["applied"]:
        raise SeedError(f"timetable push refused: {[r for r in result['items'] if r['status'] == 'error'][:3]}")
    print(f"    pushed {len(items)} timetable items, {len(cohorts)} cohorts, {len(groups)} ward groups")

    topics = _topics(api)
    demo_tutor, demo_learner = faculty.by_username("tutor"), faculty.by_username("learner")
    ecg = topics.get("ECG interpretation")
    if ecg is None:
        raise SeedError("the matching seed must run first (no 'ECG interpretation' topic)")
    tutors = [p for p in faculty.tutors if p.id and p.username != demo_tutor.username]
    rng.shuffle(tutors)
    plans: list[tuple[Person, str, int]] = [(demo_tutor, "ECG interpretation", ecg)] * 4
    names = [n for n in topics if n != "ECG interpretation"]
    for tutor in tutors:
        if len(plans) >= 20:
            break
        name = rng.choice(names)
        if _approved(api, tutor, topics[name], demo_tutor):
            plans.append((tutor, name, topics[name]))
    while len(plans) < 20:
        name = rng.choice(list(topics))
        if _approved(api, demo_tutor, topics[name], demo_tutor):
            plans.append((demo_tutor, name, topics[name]))
        else:
            plans.append((demo_tutor, "ECG interpretation", ecg))

    learners = [p for p in faculty.learners if p.id and p.stage is not None and p.stage <= 3]
    created = 0
    for index, (tutor, name, topic_id) in enumerate(plans):
        session = None
        for attempt in range(4):  # on a clash with the tutor's timetable, try the next weekday
            day = today + timedelta(days=1 + index + attempt)
            while day.weekday() >= 5:
                day += timedelta(days=1)
            start = _at(day, 17, 0) if index % 2 else _at(day, 12, 40)
            body = {
                "topic_id": topic_id,
                "topic_name": name,
                "format": "group",
                "place": rng.choice(["Salle de tutorat 1", "Salle de tutorat 2", "Bibliothèque, box 3"]),
                "capacity": rng.choice([6, 8, 10, 12]),
                "plan": f"{name}: short recap, worked cases in pairs, questions.",
                "starts_at": start.isoformat(),
                "ends_at": (start + timedelta(minutes=75)).isoformat(),
                "tutors": [{"user_id": tutor.id, "display_name": tutor.full_name}],
                "cohort": "Y3",
                "open": True,
            }
            session = _create(api, f"seed-session-{index}-{attempt}", body)
            if session is not None:
                break
        if session is None:
            continue
        created += 1
        attendees = ([demo_learner] if tutor.username == demo_tutor.username and index < 2 else []) + rng.sample(learners, 3)
        for person in attendees:
            _book(api, session["id"], person, f"seed-book-{index}-{person.username}")
    print(f"    created {created} open group sessions with a few bookings")

    for index, days_ago in enumerate((14, 7)):
        day = today - timedelta(days=days_ago)
        while day.weekday() >= 5:
            day -= timedelta(days=1)
        start = _at(day, 17, 0)
        body = {
            "topic_id": ecg,
            "topic_name": "ECG interpretation",
            "format": "group",
            "place": "Salle de tutorat 1",
            "capacity": 8,
            "plan": "Rhythm strips and axis, then ischaemia patterns.",
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(minutes=90)).isoformat(),
            "tutors": [{"user_id": demo_tutor.id, "display_name": demo_tutor.full_name}],
            "cohort": "Y3",
            "open": True,
            "override_reason": "recorded after the fact by the administrator",
        }
        past = _create(api, f"seed-past-session-{index}", body)
        if past is None or past["state"] == "completed":
            continue
        attendees = [demo_learner, *rng.sample(learners, 4)]
        for person in attendees:
            _book(api, past["id"], person, f"seed-past-book-{index}-{person.username}")
        try:
            api.post(f"/api/sessions/sessions/{past['id']}/complete", json={"attendance": [{"learner_id": p.id, "attended": True} for p in attendees]})
        except SeedError as exc:
            if "session_not_completable" not in str(exc):  # already completed by an earlier run
                raise
    print("    completed two past ECG sessions attended by 'learner'")
