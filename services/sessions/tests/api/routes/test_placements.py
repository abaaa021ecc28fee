"""GET /api/sessions/timetable/placements (routes/timetable.py, built by sessions/placements.py)."""

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlmodel import Session

from sessions.models import TimetableItem
from tests.factories import People, item, new_id, push

PARIS = ZoneInfo("Europe/Paris")
URL = "/api/sessions/timetable/placements"


def rotation(external_id: str, day: date, *, owner_id: str, ward: str | None, title: str = "Stage", days: int = 1, owner_type: str = "person") -> dict[str, Any]:
    """A rotation item from 08:00 on `day` to 18:00 `days - 1` days later (Paris time)."""
    start = datetime(day.year, day.month, day.day, 8, tzinfo=PARIS)
    body = item(external_id, start, owner_type=owner_type, owner_id=owner_id, kind="rotation", title=title)
    body["ends_at"] = (start + timedelta(days=days - 1, hours=10)).isoformat()
    body["location"] = ward
    return body


def weekdays(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1) if (first + timedelta(days=n)).weekday() < 5]


def rows(client: TestClient, people: People, start: str, end: str) -> list[tuple[str, str, str, str]]:
    response = client.get(URL, params={"start": start, "end": end}, headers=people.timetable())
    assert response.status_code == 200, response.text
    return [(p["user_id"], p["ward"], p["start"], p["end"]) for p in response.json()]


def test_rotations_become_per_person_placements(client: TestClient, people: People, db: Session) -> None:
    a, b, c = "a-" + new_id(), "b-" + new_id(), "c-" + new_id()
    client.put("/api/sessions/timetable/memberships", json={"groups": {"G1": [a, b]}}, headers=people.timetable())
    items = [rotation(f"cardio-{d}", d, owner_id=a, ward="Cardiology") for d in weekdays(date(2030, 3, 4), date(2030, 3, 13))]
    items += [
        rotation("neuro", date(2030, 3, 11), owner_id=a, ward=None, title="Neurology"),  # no location: the title is the ward
        rotation("pneumo", date(2030, 4, 1), owner_id="G1", owner_type="group", ward="Pneumology", days=26),
        rotation("c-1", date(2030, 3, 4), owner_id=c, ward="Cardiology", days=2),
        rotation("c-2", date(2030, 3, 11), owner_id=c, ward="Cardiology"),  # 6 days after: a new placement
        item("lecture", datetime(2030, 3, 20, 9, tzinfo=PARIS), owner_id=a),  # not a rotation: ignored
    ]
    assert push(client, people, items).json()["applied"] is True
    # A feed-imported all-day rotation (local midnight to midnight) covers exactly one day.
    midnight = datetime(2030, 4, 29, tzinfo=PARIS).astimezone(UTC)
    db.add(TimetableItem(source="feed", kind="rotation", title="Stage urgences", location="Emergency", starts_at=midnight, ends_at=midnight + timedelta(days=1), owner_type="person", owner_id=c))
    db.commit()

    assert rows(client, people, "2030-03-01", "2030-04-30") == sorted(
        [
            (a, "Cardiology", "2030-03-04", "2030-03-13"),  # ten weekdays across a weekend: one placement
            (c, "Cardiology", "2030-03-04", "2030-03-05"),
            (a, "Neurology", "2030-03-11", "2030-03-11"),
            (c, "Cardiology", "2030-03-11", "2030-03-11"),
            (a, "Pneumology", "2030-04-01", "2030-04-26"),  # group-owned: every member
            (b, "Pneumology", "2030-04-01", "2030-04-26"),
            (c, "Emergency", "2030-04-29", "2030-04-29"),
        ],
        key=lambda r: (r[2], r[0], r[1], r[3]),
    )


def test_window_keeps_overlapping_placements_whole(client: TestClient, people: People) -> None:
    a = new_id()
    items = [rotation(f"d-{d}", d, owner_id=a, ward="Cardiology") for d in weekdays(date(2030, 3, 4), date(2030, 3, 29))]
    items.append(rotation("later", date(2030, 6, 3), owner_id=a, ward="Surgery", days=5))
    push(client, people, items)
    assert rows(client, people, "2030-03-18", "2030-03-18") == [(a, "Cardiology", "2030-03-04", "2030-03-29")]
    assert rows(client, people, "2030-03-30", "2030-06-02") == []
    assert rows(client, people, "2030-06-07", "2030-12-31") == [(a, "Surgery", "2030-06-03", "2030-06-07")]


def test_window_is_validated(client: TestClient, people: People) -> None:
    reversed_window = client.get(URL, params={"start": "2030-03-02", "end": "2030-03-01"}, headers=people.timetable())
    assert (reversed_window.status_code, reversed_window.json()["code"]) == (422, "invalid_window")
    assert reversed_window.json()["details"][0]["field"] == "query.end"
    too_long = client.get(URL, params={"start": "2030-01-01", "end": "2034-01-01"}, headers=people.timetable())
    assert (too_long.status_code, too_long.json()["code"]) == (422, "window_too_large")
    assert client.get(URL, params={"start": "soon", "end": "2030-01-01"}, headers=people.timetable()).status_code == 422
    assert client.get(URL, params={"start": "2030-01-01"}, headers=people.timetable()).status_code == 422


def test_placements_need_timetable_access(client: TestClient, people: People) -> None:
    window = {"start": "2030-01-01", "end": "2030-12-31"}
    assert client.get(URL, params=window, headers=people.learner(new_id())).status_code == 403
    assert client.get(URL, params=window, headers=people.tutor()).status_code == 403
    assert client.get(URL, params=window, headers=people.auth.client("m", scopes=["sessions:freebusy"])).status_code == 403
    assert client.get(URL, params=window, headers=people.auth.client("svc-matching", scopes=["timetable:read"])).status_code == 200
    assert client.get(URL, params=window, headers=people.admin()).json() == []
