"""Pulled iCalendar feeds served by a local HTTP server: import, 304, failures keeping good data, DST."""

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from tests.factories import People, Receiver, create_session, ics, new_id, weekly_lecture


def test_feed_import_then_304_then_bad_feed_keeps_good_data(client: TestClient, people: People, receiver: Receiver) -> None:
    learner = new_id()
    client.put("/api/sessions/timetable/memberships", json={"cohorts": {"Y2": [learner]}}, headers=people.timetable())
    first = (datetime.now(UTC) + timedelta(days=7)).replace(hour=9, minute=0, second=0, microsecond=0, tzinfo=None)
    receiver.body, receiver.etag = ics(weekly_lecture(first)), '"v1"'
    feed = client.post("/api/sessions/feeds", json={"name": "Y2", "url": receiver.url + "/y2.ics", "owner": {"type": "cohort", "id": "Y2"}}, headers=people.admin())
    assert feed.status_code == 201, feed.text
    fid = feed.json()["id"]
    refreshed = client.post(f"/api/sessions/feeds/{fid}/refresh", headers=people.admin()).json()
    assert (refreshed["status"], refreshed["event_count"], refreshed["etag"]) == ("ok", 10, '"v1"')
    assert len(client.get("/api/sessions/timetable/items", params={"owner_id": "Y2"}, headers=people.admin()).json()) == 10
    # The cohort's recurring lecture now blocks bookings of its members.
    lecture_start = datetime.fromisoformat(client.get("/api/sessions/timetable/items", params={"owner_id": "Y2"}, headers=people.admin()).json()[3]["starts_at"])
    clashing = create_session(client, people, starts_at=lecture_start + timedelta(minutes=30), hours=1)
    refused = client.post(f"/api/sessions/sessions/{clashing['id']}/bookings", headers=people.learner(learner))
    assert refused.status_code == 409
    assert refused.json()["clashes"][0]["source"] == "timetable:feed"
    # Unchanged upstream: 304, nothing changes.
    not_modified = client.post(f"/api/sessions/feeds/{fid}/refresh", headers=people.admin()).json()
    assert receiver.requests[-1]["headers"].get("If-None-Match") == '"v1"'
    assert not_modified["event_count"] == 10
    # The feed breaks: the previous events stay, the error is shown with its line.
    receiver.body, receiver.etag = ics("BEGIN:VEVENT\r\nUID:x\r\nDTSTART:garbage\r\nEND:VEVENT\r\n"), '"v2"'
    broken = client.post(f"/api/sessions/feeds/{fid}/refresh", headers=people.admin()).json()
    assert broken["status"] == "error"
    assert broken["last_error"]["reason"]
    assert broken["last_error"]["line"] is not None
    assert broken["event_count"] == 10
    assert len(client.get("/api/sessions/timetable/items", params={"owner_id": "Y2"}, headers=people.admin()).json()) == 10
    # Upstream unreachable: same.
    receiver.status, receiver.etag = 500, None
    down = client.post(f"/api/sessions/feeds/{fid}/refresh", headers=people.admin()).json()
    assert down["status"] == "error"
    assert "500" in down["last_error"]["reason"]
    assert len(client.get("/api/sessions/timetable/items", params={"owner_id": "Y2"}, headers=people.admin()).json()) == 10


def test_feeds_are_admin_only(client: TestClient, people: People) -> None:
    response = client.get("/api/sessions/feeds", headers=people.tutor())
    assert response.status_code == 403


def test_recurring_feed_lecture_clashes_follow_the_dst_change(client: TestClient, people: People, receiver: Receiver) -> None:
    learner = new_id()
    client.put("/api/sessions/timetable/memberships", json={"groups": {"TD-4": [learner]}}, headers=people.timetable())
    # Weekly Monday 09:00-11:00 Paris from 2027-10-18: 07:00Z before the 2027-10-31 change, 08:00Z after it.
    receiver.body = ics(weekly_lecture(datetime(2027, 10, 18, 9, 0)).replace("COUNT=10", "COUNT=4"))
    feed = client.post("/api/sessions/feeds", json={"name": "TD", "url": receiver.url + "/td.ics", "owner": {"type": "group", "id": "TD-4"}}, headers=people.admin())
    assert client.post(f"/api/sessions/feeds/{feed.json()['id']}/refresh", headers=people.admin()).json()["event_count"] == 4
    summer = create_session(client, people, starts_at=datetime(2027, 10, 25, 7, 30, tzinfo=UTC), hours=1)
    winter_inside = create_session(client, people, starts_at=datetime(2027, 11, 1, 8, 30, tzinfo=UTC), hours=1)
    winter_before = create_session(client, people, starts_at=datetime(2027, 11, 1, 7, 0, tzinfo=UTC), hours=1)
    codes = [
        client.post(f"/api/sessions/sessions/{s['id']}/bookings", headers=people.learner(learner)).status_code
        for s in (summer, winter_inside, winter_before)
    ]
    assert codes == [409, 409, 201]
