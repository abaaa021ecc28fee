"""Sessions tables and their API shapes."""

from datetime import date, datetime
from enum import StrEnum
from typing import Any, Literal

import sqlalchemy as sa
from pydantic import AwareDatetime, field_validator, model_validator
from sqlmodel import JSON, Column, Field, Index, SQLModel, Text, UniqueConstraint

from kit.netguard import UrlRefused, parse_url
from kit.accounts import account_state_model
from kit.db import utcnow
from kit.idempotency import idempotency_model
from kit.notifications import notification_model
from kit.outbox import OutboxMessage

__all__ = ["OutboxMessage"]


class SessionState(StrEnum):
    draft = "draft"
    open = "open"
    full = "full"
    cancelled = "cancelled"
    completed = "completed"


class SessionFormat(StrEnum):
    one_to_one = "one_to_one"
    group = "group"


class BookingStatus(StrEnum):
    booked = "booked"
    waitlisted = "waitlisted"
    cancelled = "cancelled"


class OwnerType(StrEnum):
    person = "person"
    cohort = "cohort"
    group = "group"


class ItemKind(StrEnum):
    lecture = "lecture"
    rotation = "rotation"
    exam = "exam"
    on_call = "on_call"
    other = "other"


# --- teaching sessions ---------------------------------------------------------------------------


class TutorRef(SQLModel):
    user_id: str = Field(min_length=1, max_length=64)
    display_name: str = Field(min_length=1, max_length=200)


class TeachingSessionBase(SQLModel):
    topic_id: int
    topic_name: str = Field(min_length=1, max_length=200)
    format: SessionFormat = Field(sa_type=sa.String(20))
    place: str | None = Field(default=None, max_length=300)
    online_url: str | None = Field(default=None, max_length=500)
    capacity: int = Field(ge=1, le=500)
    plan: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    cohort: str | None = Field(default=None, max_length=40)


class TeachingSessionCreate(TeachingSessionBase):
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    tutors: list[TutorRef] = []
    open: bool = False
    override_reason: str | None = Field(default=None, max_length=2000)

    @model_validator(mode="after")
    def _check(self) -> "TeachingSessionCreate":
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        if self.format == SessionFormat.one_to_one and self.capacity != 1:
            raise ValueError("a one-to-one session has capacity 1")
        if not self.place and not self.online_url:
            raise ValueError("give a place or an online link")
        return self


class TeachingSessionUpdate(SQLModel):
    topic_name: str | None = Field(default=None, min_length=1, max_length=200)
    place: str | None = Field(default=None, max_length=300)
    online_url: str | None = Field(default=None, max_length=500)
    starts_at: AwareDatetime | None = None
    ends_at: AwareDatetime | None = None
    capacity: int | None = Field(default=None, ge=1, le=500)
    plan: str | None = None
    override_reason: str | None = Field(default=None, max_length=2000)


class TeachingSession(TeachingSessionBase, table=True):
    __tablename__ = "teaching_session"
    __table_args__ = (Index("ix_teaching_session_window", "starts_at", "ends_at"),)
    id: int | None = Field(default=None, primary_key=True)
    starts_at: datetime
    ends_at: datetime
    state: SessionState = Field(default=SessionState.draft, sa_type=sa.String(20), index=True)
    booked: int = 0
    waitlist_seq: int = 0
    sequence: int = 0
    uid: str = Field(max_length=100, unique=True)
    created_by: str = Field(max_length=64)
    override_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow, index=True)
    completed_at: datetime | None = None
    cancelled_reason: str | None = Field(default=None, max_length=2000)


class SessionTutor(SQLModel, table=True):
    __tablename__ = "session_tutor"
    session_id: int = Field(primary_key=True, foreign_key="teaching_session.id")
    user_id: str = Field(primary_key=True, max_length=64, index=True)
    display_name: str = Field(max_length=200)


class Booking(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("session_id", "learner_id", name="uq_booking_session_learner"),
        Index("ix_booking_session_status", "session_id", "status"),
    )
    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="teaching_session.id")
    learner_id: str = Field(max_length=64, index=True)
    learner_name: str = Field(max_length=200)
    status: BookingStatus = Field(sa_type=sa.String(20))
    waitlist_seq: int | None = None
    attended: bool | None = None
    override_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class TeachingSessionPublic(TeachingSessionBase):
    id: int
    uid: str
    starts_at: datetime
    ends_at: datetime
    state: SessionState
    booked: int
    waitlisted: int = 0
    sequence: int
    tutors: list[TutorRef]
    override_reason: str | None
    cancelled_reason: str | None
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None


class BookingIn(SQLModel):
    override_reason: str | None = Field(default=None, max_length=2000)
    learner_id: str | None = Field(default=None, max_length=64)
    learner_name: str | None = Field(default=None, max_length=200)


class BookingPublic(SQLModel):
    id: int
    session_id: int
    learner_id: str
    learner_name: str
    status: BookingStatus
    waitlist_position: int | None = None
    attended: bool | None
    override_reason: str | None
    created_at: datetime


class CancelIn(SQLModel):
    reason: str | None = Field(default=None, max_length=2000)


class ApprovalSuspendedIn(SQLModel):
    """matching's event: a tutor's approval on a topic was suspended (docs/sessions.md, "Approval suspended")."""

    tutor_id: str = Field(min_length=1, max_length=64)
    topic_id: int
    reason: str = Field(min_length=1, max_length=4000)  # matching appends the erratum id to its 2000-character reason
    supervisor_id: str | None = Field(default=None, max_length=64)
    suspended_at: AwareDatetime


class ApprovalSuspendedResult(SQLModel):
    cancelled_sessions: int
    cancelled_bookings: int
    tutor_removed_sessions: int
    notified: int


class AttendanceMark(SQLModel):
    learner_id: str = Field(min_length=1, max_length=64)
    attended: bool


class CompleteIn(SQLModel):
    attendance: list[AttendanceMark] = []


class Clash(SQLModel):
    kind: str
    title: str
    starts_at: datetime
    ends_at: datetime
    source: str


# --- timetable ----------------------------------------------------------------------------------


class Owner(SQLModel):
    type: OwnerType
    id: str = Field(min_length=1, max_length=64)


class TimetableItemIn(SQLModel):
    external_id: str = Field(min_length=1, max_length=200)
    kind: ItemKind
    title: str = Field(min_length=1, max_length=300)
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    location: str | None = Field(default=None, max_length=300)
    owner: Owner

    @model_validator(mode="after")
    def _order(self) -> "TimetableItemIn":
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        return self


class TimetableItem(SQLModel, table=True):
    __tablename__ = "timetable_item"
    __table_args__ = (
        Index("ix_timetable_item_owner_start", "owner_type", "owner_id", "starts_at"),
        Index("ix_timetable_item_long", "is_long", "owner_type", "owner_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=10)  # push | feed
    feed_id: int | None = Field(default=None, foreign_key="timetable_feed.id", index=True)
    external_id: str | None = Field(default=None, max_length=200, unique=True)
    kind: str = Field(max_length=20)
    title: str = Field(max_length=300)
    location: str | None = Field(default=None, max_length=300)
    starts_at: datetime
    ends_at: datetime
    is_long: bool = False
    owner_type: str = Field(max_length=10)
    owner_id: str = Field(max_length=64)
    updated_at: datetime = Field(default_factory=utcnow)


class TimetableItemPublic(SQLModel):
    id: int
    source: str
    feed_id: int | None
    external_id: str | None
    kind: str
    title: str
    location: str | None
    starts_at: datetime
    ends_at: datetime
    owner: Owner


class ItemResult(SQLModel):
    external_id: str | None
    status: str  # created | updated | unchanged | error
    errors: list[dict[str, Any]] = []


class PushResult(SQLModel):
    applied: bool
    items: list[ItemResult]


class DeleteIn(SQLModel):
    external_ids: list[str] = Field(min_length=1, max_length=10000)


class DeleteResult(SQLModel):
    deleted: int
    missing: list[str]


class Membership(SQLModel, table=True):
    group_type: str = Field(primary_key=True, max_length=10)
    group_id: str = Field(primary_key=True, max_length=64)
    user_id: str = Field(primary_key=True, max_length=64, index=True)


class MembershipsIn(SQLModel):
    cohorts: dict[str, list[str]] = {}
    groups: dict[str, list[str]] = {}


class MembershipsPublic(SQLModel):
    cohorts: dict[str, list[str]]
    groups: dict[str, list[str]]


class Placement(SQLModel):
    """One person's run of rotation days on one ward (dates in the faculty time zone, end inclusive)."""

    user_id: str
    ward: str
    start: date
    end: date


class BusyInterval(SQLModel):
    starts_at: datetime
    ends_at: datetime


class FreeBusy(SQLModel):
    user_id: str
    busy: list[BusyInterval]


class FreeSlot(SQLModel):
    starts_at: datetime
    ends_at: datetime
    window_minutes: int
    score: float


class AgendaEntry(SQLModel):
    id: str  # "timetable:<item id>" or "session:<session id>", stable within the agenda
    kind: str  # the timetable item's kind (lecture, rotation, exam, on_call, other) or "session"
    title: str
    location: str | None
    starts_at: datetime
    ends_at: datetime
    source: Literal["timetable", "session"]
    session_id: int | None = None
    role: Literal["tutor", "learner"] | None = None
    state: SessionState | None = None
    waitlisted: bool = False


class Agenda(SQLModel):
    start: datetime
    end: datetime
    entries: list[AgendaEntry]


# --- feeds --------------------------------------------------------------------------------------


def _http_url(value: str) -> str:
    """Strict parse (kit.netguard): http(s), no user@host, a plain host; where it resolves is checked by the service."""
    try:
        parse_url(value)
    except UrlRefused as exc:
        raise ValueError(exc.reason) from exc
    return value


class FeedCreate(SQLModel):
    name: str = Field(min_length=1, max_length=200)
    url: str = Field(min_length=8, max_length=1000)
    owner: Owner

    _url = field_validator("url")(_http_url)


class TimetableFeed(SQLModel, table=True):
    __tablename__ = "timetable_feed"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    url: str = Field(max_length=1000)
    owner_type: str = Field(max_length=10)
    owner_id: str = Field(max_length=64)
    status: str = Field(default="pending", max_length=10)  # pending | ok | error
    etag: str | None = Field(default=None, max_length=300)
    last_modified: str | None = Field(default=None, max_length=100)
    last_fetched_at: datetime | None = None
    last_success_at: datetime | None = None
    last_error_line: int | None = None
    last_error_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    event_count: int = 0
    warnings: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)


class FeedError(SQLModel):
    line: int | None
    reason: str


class FeedPublic(SQLModel):
    id: int
    name: str
    url: str
    owner: Owner
    status: str
    etag: str | None
    last_fetched_at: datetime | None
    last_success_at: datetime | None
    last_error: FeedError | None
    event_count: int
    warnings: list[str]


# --- publishing, notifications, webhooks, idempotency -------------------------------------------


class CalendarToken(SQLModel, table=True):
    __tablename__ = "calendar_token"
    user_id: str = Field(primary_key=True, max_length=64)
    nonce: str = Field(max_length=100)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow)


class FeedUrl(SQLModel):
    url: str
    created_at: datetime
    note: str | None = None


Notification = notification_model(kind_length=50, title_length=300)  # lengths as migrated
IdempotencyRecord = idempotency_model()
AccountState = account_state_model()


WEBHOOK_EVENTS = ("session.created", "session.changed", "session.cancelled")


class WebhookEndpointCreate(SQLModel):
    url: str = Field(min_length=8, max_length=1000)
    events: list[str] = list(WEBHOOK_EVENTS)
    description: str | None = Field(default=None, max_length=300)

    _url = field_validator("url")(_http_url)

    @model_validator(mode="after")
    def _known_events(self) -> "WebhookEndpointCreate":
        unknown = sorted(set(self.events) - set(WEBHOOK_EVENTS))
        if unknown or not self.events:
            raise ValueError(f"events must be a non-empty subset of {', '.join(WEBHOOK_EVENTS)}")
        return self


class WebhookEndpoint(SQLModel, table=True):
    __tablename__ = "webhook_endpoint"
    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(max_length=1000)
    secret: str = Field(max_length=200)
    events: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    description: str | None = Field(default=None, max_length=300)
    active: bool = True
    disabled_reason: str | None = Field(default=None, max_length=300)
    created_at: datetime = Field(default_factory=utcnow)


class WebhookEndpointPublic(SQLModel):
    id: int
    url: str
    events: list[str]
    description: str | None
    active: bool
    disabled_reason: str | None
    created_at: datetime


class WebhookEndpointCreated(WebhookEndpointPublic):
    secret: str


class WebhookDelivery(SQLModel, table=True):
    __tablename__ = "webhook_delivery"
    id: int | None = Field(default=None, primary_key=True)
    endpoint_id: int = Field(foreign_key="webhook_endpoint.id", index=True)
    message_id: str = Field(max_length=100, index=True)
    event: str = Field(max_length=50)
    payload: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default="pending", max_length=20, index=True)  # pending | delivered | failed | disabled
    attempts: int = 0
    next_attempt_at: datetime | None = Field(default_factory=utcnow, index=True)
    last_status_code: int | None = None
    last_error: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow)
    delivered_at: datetime | None = None


class WebhookAttempt(SQLModel, table=True):
    __tablename__ = "webhook_attempt"
    id: int | None = Field(default=None, primary_key=True)
    delivery_id: int = Field(foreign_key="webhook_delivery.id", index=True)
    at: datetime = Field(default_factory=utcnow)
    status_code: int | None = None
    error: str | None = Field(default=None, max_length=500)


class WebhookAttemptPublic(SQLModel):
    at: datetime
    status_code: int | None
    error: str | None


class WebhookDeliveryPublic(SQLModel):
    id: int
    endpoint_id: int
    message_id: str
    event: str
    status: str
    attempts: int
    next_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None
    log: list[WebhookAttemptPublic] = []
