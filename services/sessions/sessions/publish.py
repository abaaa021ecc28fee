"""Published calendars: each person's secret feed URL and the iCalendar documents themselves."""

import base64
import hashlib
import hmac
import re
import secrets
from datetime import timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vText
from sqlmodel import Session, col, or_, select

from kit.db import utcnow
from kit.errors import NotFound
from sessions.models import Booking, BookingStatus, CalendarToken, SessionState, SessionTutor, TeachingSession
from sessions.service import tutors_of

PRODID = "-//NearPeer//Sessions//EN"


def _token(secret: str, user_id: str, nonce: str) -> str:
    # Derived from a server secret and a random nonce (32 bytes), so the URL can be shown again without
    # storing the token itself; only its hash is used for lookups.
    digest = hmac.new(secret.encode(), f"{user_id}:{nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def token_hash(token: str) -> str:
    """What is stored and looked up."""
    return hashlib.sha256(token.encode()).hexdigest()


def feed_token(*, session: Session, user_id: str, secret: str, rotate: bool = False) -> tuple[str, CalendarToken]:
    """The person's current feed token (created on first use; `rotate` revokes the old one)."""
    record = session.get(CalendarToken, user_id)
    if record is None or rotate:
        nonce = secrets.token_urlsafe(32)
        token = _token(secret, user_id, nonce)
        if record is None:
            record = CalendarToken(user_id=user_id, nonce=nonce, token_hash=token_hash(token))
        record.nonce, record.token_hash, record.created_at = nonce, token_hash(token), utcnow()
        session.add(record)
        session.commit()
        session.refresh(record)
        return token, record
    return _token(secret, user_id, record.nonce), record


def owner_of_token(*, session: Session, token: str) -> str:
    """The user a feed token belongs to, or 404 (revoked or unknown)."""
    record = session.exec(select(CalendarToken).where(CalendarToken.token_hash == token_hash(token))).first()
    if record is None:
        raise NotFound("Unknown or revoked calendar link", code="calendar_not_found")
    return record.user_id


def sessions_for_person(*, session: Session, user_id: str) -> list[TeachingSession]:
    """Sessions the person teaches or is booked on (cancelled ones kept; drafts left out)."""
    teaching = select(SessionTutor.session_id).where(SessionTutor.user_id == user_id)
    attending = select(Booking.session_id).where(Booking.learner_id == user_id, Booking.status == BookingStatus.booked)
    since = utcnow() - timedelta(days=180)
    return list(
        session.exec(
            select(TeachingSession)
            .where(
                or_(col(TeachingSession.id).in_(teaching), col(TeachingSession.id).in_(attending)),
                TeachingSession.state != SessionState.draft,
                col(TeachingSession.ends_at) > since,
            )
            .order_by(col(TeachingSession.starts_at))
        ).all()
    )


def _event(session: Session, item: TeachingSession, base_url: str, zone: ZoneInfo) -> Event:
    assert item.id is not None
    event = Event()
    event.add("uid", item.uid)
    event.add("dtstamp", item.updated_at)
    event.add("last-modified", item.updated_at)
    event.add("dtstart", item.starts_at.astimezone(zone))
    event.add("dtend", item.ends_at.astimezone(zone))
    event.add("summary", f"{item.topic_name} (NearPeer)")
    event.add("sequence", item.sequence)
    event.add("status", "CANCELLED" if item.state == SessionState.cancelled else "CONFIRMED")
    location = item.place or item.online_url
    if location:
        event.add("location", vText(location))
    tutors = ", ".join(t.display_name for t in tutors_of(session=session, session_id=item.id))
    description = [f"Tutor(s): {tutors}"]
    if item.plan:
        description.append(item.plan)
    if item.online_url:
        description.append(f"Online: {item.online_url}")
    event.add("description", "\n\n".join(description))
    event.add("url", f"{base_url.rstrip('/')}/sessions/{item.id}")
    return event


def render_calendar(*, session: Session, items: list[TeachingSession], name: str, base_url: str, zone_name: str) -> bytes:
    """An iCalendar document with VTIMEZONE, refresh hints and one VEVENT per session."""
    zone = ZoneInfo(zone_name)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", zone_name)
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    for item in items:
        calendar.add_component(_event(session, item, base_url, zone))
    if items:
        calendar.add_missing_timezones()
    return bytes(calendar.to_ical())


def etag_of(body: bytes) -> str:
    """A strong ETag of a rendered document."""
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


_ENTITY_TAG = re.compile(r'\s*(?:W/)?("[^"]*")\s*(?:,|$)')


def none_match(if_none_match: str | None, etag: str) -> bool:
    """Whether an If-None-Match header names `etag` (RFC 9110 13.1.2: `*`, or a list compared weakly, so `W/` is ignored).

    An unparseable header matches nothing (the full answer is always safe).
    """
    if if_none_match is None:
        return False
    if if_none_match.strip() == "*":
        return True
    tags, position = [], 0
    while position < len(if_none_match):
        found = _ENTITY_TAG.match(if_none_match, position)
        if found is None or found.end() == position:
            return False
        tags.append(found.group(1))
        position = found.end()
    return etag.removeprefix("W/") in tags
