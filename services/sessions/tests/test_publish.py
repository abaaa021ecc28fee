"""Personal calendar feeds and single-session .ics downloads."""

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from icalendar import Calendar

from tests.factories import People, create_session, new_id


def test_personal_feed_url_ics_etag_and_revocation(client: TestClient, people: People) -> None:
    created = create_session(client, people)
    other = create_session(client, people, starts_at=datetime.now(UTC) + timedelta(days=12))
    client.post(f"/api/sessions/sessions/{other['id']}/cancel", headers=people.tutor())
    url = client.get("/api/sessions/calendar/feed-url", headers=people.tutor()).json()["url"]
    assert url == client.get("/api/sessions/calendar/feed-url", headers=people.tutor()).json()["url"]
    path = url.split("127.0.0.1:8000", 1)[1]
    assert len(path.rsplit("/", 1)[1].removesuffix(".ics")) >= 43
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["REFRESH-INTERVAL"].to_ical().decode()) == "PT1H"
    assert str(calendar["X-PUBLISHED-TTL"]) == "PT1H"
    assert calendar.walk("VTIMEZONE")
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert events[created["uid"]]["STATUS"] == "CONFIRMED"
    assert events[other["uid"]]["STATUS"] == "CANCELLED"
    assert int(events[other["uid"]]["SEQUENCE"]) == 1
    assert events[created["uid"]].decoded("DTSTART") == datetime.fromisoformat(created["starts_at"])
    cached = client.get(path, headers={"If-None-Match": response.headers["etag"]})
    assert cached.status_code == 304
    rotated = client.post("/api/sessions/calendar/feed-url/rotate", headers=people.tutor()).json()["url"]
    assert rotated != url
    assert client.get(path).status_code == 404
    assert client.get(rotated.split("127.0.0.1:8000", 1)[1]).status_code == 200
    single = client.get(f"/api/sessions/sessions/{created['id']}.ics", headers=people.learner(new_id()))
    assert single.status_code == 200
    assert [str(e["UID"]) for e in Calendar.from_ical(single.content).walk("VEVENT")] == [created["uid"]]


def test_personal_feed_answers_304_to_weak_and_listed_etags(client: TestClient, people: People) -> None:
    create_session(client, people)
    path = client.get("/api/sessions/calendar/feed-url", headers=people.tutor()).json()["url"].split("127.0.0.1:8000", 1)[1]
    etag = client.get(path).headers["etag"]
    # If-None-Match compares weakly (RFC 9110 13.1.2): a cache that weakened the tag still revalidates.
    for header in (f"W/{etag}", f'"stale", W/{etag}', f'W/"stale",{etag}', "*"):
        answer = client.get(path, headers={"If-None-Match": header})
        assert answer.status_code == 304, header
        assert answer.headers["etag"] == etag
    for header in ('W/"stale"', '"stale", W/"older"', etag.strip('"'), f"{etag} junk"):
        assert client.get(path, headers={"If-None-Match": header}).status_code == 200, header
