"""Pulled iCalendar feeds: conditional fetch, defensive parse, atomic replacement of a feed's items."""

import logging
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from kit import netguard
from kit.db import utcnow
from kit.errors import NotFound
from sessions.calendar import FeedParseError, ImportLimits, ParsedOccurrence, parse_feed
from sessions.core.config import Settings
from sessions.models import FeedCreate, FeedError, FeedPublic, Owner, TimetableFeed, TimetableItem

logger = logging.getLogger("sessions.feeds")
LONG = timedelta(hours=24)


def feed_public(feed: TimetableFeed) -> FeedPublic:
    """API shape with the last error as {line, reason}."""
    error = FeedError(line=feed.last_error_line, reason=feed.last_error_reason) if feed.last_error_reason else None
    return FeedPublic.model_validate(
        feed.model_dump() | {"owner": Owner(type=feed.owner_type, id=feed.owner_id), "last_error": error}  # type: ignore[arg-type]
    )


def create_feed(*, session: Session, data: FeedCreate, settings: Settings) -> TimetableFeed:
    """Register a feed for a cohort, group or person (the caller commits); 422 if its URL is not an allowed target."""
    netguard.ensure_allowed_url(data.url, policy=feed_fetch_policy(settings))
    feed = TimetableFeed(name=data.name, url=data.url, owner_type=data.owner.type.value, owner_id=data.owner.id)
    session.add(feed)
    session.flush()
    return feed


def get_feed(*, session: Session, feed_id: int) -> TimetableFeed:
    """One feed, or 404."""
    feed = session.get(TimetableFeed, feed_id)
    if feed is None:
        raise NotFound(f"Feed {feed_id} does not exist", code="feed_not_found")
    return feed


def list_feeds(*, session: Session) -> list[TimetableFeed]:
    """Every feed."""
    return list(session.exec(select(TimetableFeed).order_by(col(TimetableFeed.id))).all())


def delete_feed(*, session: Session, feed_id: int) -> None:
    """Remove a feed and the items it imported."""
    feed = get_feed(session=session, feed_id=feed_id)
    session.execute(delete(TimetableItem).where(col(TimetableItem.feed_id) == feed_id))
    session.delete(feed)
    session.commit()


def _row(feed: TimetableFeed, occurrence: ParsedOccurrence, now: datetime) -> dict[str, Any]:
    start, end = occurrence.start.astimezone(UTC), occurrence.end.astimezone(UTC)
    return {
        "source": "feed",
        "feed_id": feed.id,
        "external_id": None,
        "kind": occurrence.kind[:20],
        "title": (occurrence.summary or "(untitled)")[:300],
        "location": occurrence.location[:300] if occurrence.location else None,
        "starts_at": start,
        "ends_at": end,
        "is_long": end - start > LONG,
        "owner_type": feed.owner_type,
        "owner_id": feed.owner_id,
        "updated_at": now,
    }


def replace_items(*, session: Session, feed: TimetableFeed, occurrences: list[ParsedOccurrence], warnings: list[str]) -> int:
    """In one transaction: drop the feed's previous items, bulk-insert the new ones, mark the feed ok."""
    now = utcnow()
    session.execute(delete(TimetableItem).where(col(TimetableItem.feed_id) == feed.id))
    table: Any = TimetableItem.__table__  # type: ignore[attr-defined]
    # A Core insert (executemany) skips the ORM's per-row bookkeeping; rows are built one batch at a time.
    for start in range(0, len(occurrences), 5000):
        session.connection().execute(table.insert(), [_row(feed, o, now) for o in occurrences[start : start + 5000]])
    feed.status, feed.event_count, feed.warnings = "ok", len(occurrences), warnings[:50]
    feed.last_success_at = feed.last_fetched_at = now
    feed.last_error_line = feed.last_error_reason = None
    session.add(feed)
    session.commit()
    return len(occurrences)


Window = tuple[datetime, datetime]


def import_limits(settings: Settings) -> ImportLimits:
    """Occurrences kept per event and per feed, and the time budget of one import."""
    return ImportLimits(
        per_event=settings.feed_max_occurrences_per_event,
        per_feed=settings.feed_max_occurrences,
        budget_seconds=settings.feed_import_budget_seconds,
    )


def import_bytes(
    *, engine: Engine, feed_id: int, data: bytes, settings: Settings, etag: str | None = None, last_modified: str | None = None, window: Window | None = None
) -> TimetableFeed:
    """Parse a downloaded feed and replace its items; a bad feed keeps its previous items and records the error."""
    now = utcnow()
    window = window or (now - timedelta(days=settings.feed_window_past_days), now + timedelta(days=settings.feed_window_future_days))
    try:
        result = parse_feed(data, window_start=window[0], window_end=window[1], default_tz=settings.faculty_timezone, limits=import_limits(settings))
    except FeedParseError as exc:
        return _record_error(engine=engine, feed_id=feed_id, line=exc.line, reason=exc.reason)
    with Session(engine, expire_on_commit=False) as session:
        feed = get_feed(session=session, feed_id=feed_id)
        feed.etag, feed.last_modified = etag, last_modified
        replace_items(session=session, feed=feed, occurrences=result.occurrences, warnings=result.warnings)
        return feed


def _record_error(*, engine: Engine, feed_id: int, line: int | None, reason: str) -> TimetableFeed:
    with Session(engine, expire_on_commit=False) as session:
        feed = get_feed(session=session, feed_id=feed_id)
        feed.status, feed.last_error_line, feed.last_error_reason = "error", line, reason[:2000]
        feed.last_fetched_at = utcnow()
        session.add(feed)
        session.commit()
        return feed


# The one reason recorded for any fetch that got no answer, whatever the cause (kit.netguard: no port scanning).
DOWNLOAD_FAILED = f"download failed: {netguard.FetchFailed.MESSAGE}"
_COMPONENT = re.compile(rb"(?im)^[ \t]*BEGIN:V[A-Z]+")


def feed_fetch_policy(settings: Settings) -> netguard.FetchPolicy:
    """Where feeds may be fetched from, and the time and size bounds of one fetch."""
    return settings.fetch_policy(
        timeout=settings.feed_fetch_timeout_seconds, max_bytes=settings.feed_max_bytes, follow_redirects=True
    )


def looks_like_icalendar(data: bytes) -> bool:
    """A component line somewhere (BEGIN:VCALENDAR, a bare BEGIN:VEVENT, ...): else the parser would quote the body."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        data = data.decode("utf-16", errors="replace").encode()
    return _COMPONENT.search(data) is not None


def refresh_feed(
    *, engine: Engine, feed_id: int, settings: Settings, transport: httpx.BaseTransport | None = None, window: Window | None = None
) -> TimetableFeed:
    """Fetch through the SSRF guard with If-None-Match / If-Modified-Since; 304 changes nothing but the fetch time.

    Errors never quote the response: refused targets, DNS, connect and timeout failures all record DOWNLOAD_FAILED.
    """
    with Session(engine, expire_on_commit=False) as session:
        feed = get_feed(session=session, feed_id=feed_id)
    headers = {"Accept": "text/calendar, */*;q=0.5"}
    if feed.etag:
        headers["If-None-Match"] = feed.etag
    if feed.last_modified:
        headers["If-Modified-Since"] = feed.last_modified
    try:
        policy = feed_fetch_policy(settings)
        response = netguard.fetch(
            "GET", feed.url, policy=policy, headers=headers, follow_redirects=True, transport=transport
        )
    except netguard.FetchFailed:
        return _record_error(engine=engine, feed_id=feed_id, line=None, reason=DOWNLOAD_FAILED)
    except netguard.ResponseTooLarge:
        too_large = f"the feed is larger than {settings.feed_max_bytes} bytes"
        return _record_error(engine=engine, feed_id=feed_id, line=None, reason=too_large)
    if response.status_code == 304:
        with Session(engine, expire_on_commit=False) as session:
            fresh = get_feed(session=session, feed_id=feed_id)
            fresh.last_fetched_at = utcnow()
            session.add(fresh)
            session.commit()
            return fresh
    if response.status_code != 200:
        answered = f"the server answered HTTP {response.status_code}"
        return _record_error(engine=engine, feed_id=feed_id, line=None, reason=answered)
    if not looks_like_icalendar(response.body):
        not_ics = "the response is not an iCalendar feed (its content is not shown)"
        return _record_error(engine=engine, feed_id=feed_id, line=None, reason=not_ics)
    etag, modified = response.headers.get("etag"), response.headers.get("last-modified")
    data = response.body
    return import_bytes(
        engine=engine, feed_id=feed_id, data=data, settings=settings, etag=etag, last_modified=modified, window=window
    )


def refresh_due_feeds(*, engine: Engine, settings: Settings) -> int:
    """Worker job: refresh every feed not fetched within the interval."""
    cutoff = utcnow() - timedelta(seconds=settings.feed_fetch_interval_seconds)
    with Session(engine) as session:
        due = session.exec(
            select(TimetableFeed.id).where((col(TimetableFeed.last_fetched_at).is_(None)) | (col(TimetableFeed.last_fetched_at) < cutoff))
        ).all()
    for feed_id in due:
        if feed_id is None:
            continue
        try:
            refresh_feed(engine=engine, feed_id=feed_id, settings=settings)
        except Exception:
            logger.exception("feed %s refresh failed", feed_id)
    return len(due)
