"""Feedback tables and their API shapes.

Tutor-facing shapes never carry rater ids or names; supervisor shapes do.
"""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

import kit.outbox  # noqa: F401 - registers outbox_message with the metadata
from kit.accounts import account_state_model
from kit.db import utcnow
from kit.idempotency import idempotency_model
from kit.notifications import notification_model

Score = int  # 1..5, validated by Field(ge=1, le=5)


class Phase(StrEnum):
    before = "before"
    after = "after"


class FlagStatus(StrEnum):
    open = "open"
    dismissed = "dismissed"
    confirmed = "confirmed"


# ---------- sessions and attendance ----------


class PersonName(SQLModel):
    user_id: str = Field(min_length=1, max_length=64)
    display_name: str | None = Field(default=None, max_length=200)


class SessionCompleted(SQLModel):
    session_id: str = Field(min_length=1, max_length=64)
    topic_id: int
    topic_name: str = Field(min_length=1, max_length=200)
    tutor_ids: list[str] = Field(min_length=1)
    attendee_ids: list[str] = []
    # Display names of people in the id lists above (optional: older senders only send ids).
    tutors: list[PersonName] = []
    attendees: list[PersonName] = []
    format: str = Field(min_length=1, max_length=40)
    starts_at: datetime
    ends_at: datetime
    cohort: str | None = Field(default=None, max_length=20)


class SessionFact(SQLModel, table=True):
    __tablename__ = "session_fact"
    __table_args__ = (Index("ix_session_fact_topic_starts", "topic_id", "starts_at"),)

    id: str = Field(primary_key=True, max_length=64)
    topic_id: int = Field(index=True)
    topic_name: str = Field(max_length=200)
    format: str = Field(max_length=40)
    starts_at: datetime = Field(index=True)
    ends_at: datetime
    cohort: str | None = Field(default=None, max_length=20, index=True)
    received_at: datetime = Field(default_factory=utcnow)


class Participant(SQLModel, table=True):
    __tablename__ = "participant"
    # role first: "all attendees" (reports) and "sessions this tutor taught" are both index-only scans.
    __table_args__ = (Index("ix_participant_role_user", "role", "user_id", "session_id"),)

    session_id: str = Field(foreign_key="session_fact.id", primary_key=True, max_length=64)
    user_id: str = Field(primary_key=True, max_length=64)
    role: str = Field(primary_key=True, max_length=20)  # "tutor" | "attendee"
    display_name: str | None = Field(default=None, max_length=200)  # for supervisor views only


class SessionAttendance(SQLModel):
    """Supervisor view: who taught and who attended."""

    session_id: str
    tutor_ids: list[str]
    attendee_ids: list[str]


class SessionFactPublic(SQLModel):
    id: str
    topic_id: int
    topic_name: str
    format: str
    starts_at: datetime
    ends_at: datetime
    cohort: str | None
    tutor_ids: list[str]
    attendee_count: int


# ---------- ratings ----------


class RatingBase(SQLModel):
    clarity: Score = Field(ge=1, le=5)
    accuracy: Score = Field(ge=1, le=5)
    usefulness: Score = Field(ge=1, le=5)
    tutor_approach: Score = Field(ge=1, le=5)
    comment: str | None = Field(default=None, max_length=4000)


class RatingCreate(RatingBase):
    pass


class RatingUpdate(RatingBase):
    pass


class Rating(RatingBase, table=True):
    __table_args__ = (UniqueConstraint("session_id", "rater_id", name="uq_rating_session_rater"),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: str = Field(foreign_key="session_fact.id", max_length=64)
    rater_id: str = Field(max_length=64, index=True)
    rater_name: str | None = Field(default=None, max_length=200)
    comment: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class RatingOwnPublic(RatingBase):
    """The rater's own view of their rating."""

    id: int
    session_id: str
    created_at: datetime
    updated_at: datetime
    editable_until: datetime


class RatingPublic(RatingBase):
    """Supervisor view: who wrote what."""

    id: int
    session_id: str
    rater_id: str
    rater_name: str | None
    created_at: datetime
    updated_at: datetime


class CriterionMean(SQLModel):
    mean: float | None
    n: int


class RatingAggregate(SQLModel):
    n: int
    clarity: float | None
    accuracy: float | None
    usefulness: float | None
    tutor_approach: float | None


class RatingSummary(SQLModel):
    """Tutor-facing: aggregates and comments, never who wrote them."""

    session_id: str
    aggregate: RatingAggregate
    comments: list[str]


# ---------- confidence / anxiety ----------


class AssessmentCreate(SQLModel):
    phase: Phase
    topic_id: int | None = None
    session_id: str | None = Field(default=None, max_length=64)
    # A 'then-test': the 'before' answered after the learner's first session on the topic, linked to it.
    retrospective: bool = False
    confidence: Score = Field(ge=1, le=5)
    anxiety: Score = Field(ge=1, le=5)


class Assessment(SQLModel, table=True):
    # Covering indexes in the order of the report's window functions ("first before", "last after"),
    # so PostgreSQL reads them pre-sorted instead of sorting 200k+ rows per report.
    __table_args__ = (
        Index("ix_assessment_first", "phase", "learner_id", "topic_id", "created_at", "id",
              postgresql_include=["confidence", "anxiety", "retrospective"]),
        Index("ix_assessment_last", "phase", "learner_id", "topic_id", text("created_at DESC"), text("id DESC"),
              postgresql_include=["confidence", "anxiety", "session_id"]),
    )

    id: int | None = Field(default=None, primary_key=True)
    learner_id: str = Field(max_length=64)
    topic_id: int
    phase: str = Field(max_length=10)
    session_id: str | None = Field(default=None, foreign_key="session_fact.id", max_length=64, index=True)
    confidence: int
    anxiety: int
    retrospective: bool = Field(default=False, sa_column_kwargs={"server_default": text("false")})
    created_at: datetime = Field(default_factory=utcnow)


class AssessmentPublic(SQLModel):
    id: int
    topic_id: int
    phase: Phase
    session_id: str | None
    retrospective: bool
    confidence: int
    anxiety: int
    created_at: datetime


class Trajectory(SQLModel):
    topic_id: int
    topic_name: str | None
    points: list[AssessmentPublic]


# ---------- accuracy flags, errata ----------


class FlagCreate(SQLModel):
    session_id: str = Field(min_length=1, max_length=64)
    quote: str = Field(min_length=1, max_length=2000)
    source: str | None = Field(default=None, max_length=2000)
    comment: str | None = Field(default=None, max_length=4000)


class AccuracyFlag(SQLModel, table=True):
    __tablename__ = "accuracy_flag"
    __table_args__ = (Index("ix_flag_status_topic", "status", "topic_id"),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: str = Field(foreign_key="session_fact.id", max_length=64, index=True)
    topic_id: int
    flagger_id: str = Field(max_length=64)
    flagger_name: str | None = Field(default=None, max_length=200)
    quote: str = Field(sa_column=Column(Text, nullable=False))
    source: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    comment: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    status: str = Field(default=FlagStatus.open.value, max_length=20)
    created_at: datetime = Field(default_factory=utcnow)
    due_at: datetime
    reviewed_by: str | None = Field(default=None, max_length=64)
    reviewed_at: datetime | None = None
    review_note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    erratum_id: int | None = None


class FlagPublic(SQLModel):
    """Supervisor / flagger view."""

    id: int
    session_id: str
    topic_id: int
    flagger_id: str
    flagger_name: str | None
    quote: str
    source: str | None
    comment: str | None
    status: FlagStatus
    created_at: datetime
    due_at: datetime
    age_hours: float
    overdue: bool
    reviewed_by: str | None
    reviewed_at: datetime | None
    review_note: str | None
    erratum_id: int | None


class FlagDismiss(SQLModel):
    note: str = Field(min_length=1, max_length=4000)


class FlagConfirm(SQLModel):
    correction: str = Field(min_length=1, max_length=8000)
    session_ids: list[str] = []
    tutor_id: str | None = Field(default=None, max_length=64)
    suspend_tutor: bool = False
    reason: str | None = Field(default=None, max_length=1000)


class Erratum(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    flag_id: int = Field(foreign_key="accuracy_flag.id", index=True)
    topic_id: int = Field(index=True)
    topic_name: str = Field(max_length=200)
    tutor_id: str = Field(max_length=64, index=True)
    quote: str = Field(sa_column=Column(Text, nullable=False))
    correction: str = Field(sa_column=Column(Text, nullable=False))
    suspend_tutor: bool = False
    created_by: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)


class ErratumSession(SQLModel, table=True):
    __tablename__ = "erratum_session"

    erratum_id: int = Field(foreign_key="erratum.id", primary_key=True)
    session_id: str = Field(foreign_key="session_fact.id", primary_key=True, max_length=64)


class ErratumRecipient(SQLModel, table=True):
    __tablename__ = "erratum_recipient"

    erratum_id: int = Field(foreign_key="erratum.id", primary_key=True)
    user_id: str = Field(primary_key=True, max_length=64)
    role: str = Field(max_length=20)  # "attendee" | "tutor"
    notification_id: int | None = None
    acknowledged_at: datetime | None = None


class RecipientPublic(SQLModel):
    """Supervisor view of one recipient (names never go into tutor-facing shapes)."""

    user_id: str
    display_name: str | None = None
    role: str
    acknowledged_at: datetime | None


class ErratumPublic(SQLModel):
    """What every recipient may see."""

    id: int
    flag_id: int
    topic_id: int
    topic_name: str
    tutor_id: str
    quote: str
    correction: str
    session_ids: list[str]
    created_at: datetime


class ErratumDetail(ErratumPublic):
    """Supervisor view: recipients and who has not acknowledged yet."""

    suspend_tutor: bool
    recipients: list[RecipientPublic]
    pending: list[str]


class Acknowledgement(SQLModel):
    erratum_id: int
    acknowledged_at: datetime


# ---------- supervision and tutors ----------


class ObservationBase(SQLModel):
    preparation: Score = Field(ge=1, le=5)
    accuracy: Score = Field(ge=1, le=5)
    engagement: Score = Field(ge=1, le=5)
    safety: Score = Field(ge=1, le=5)
    comment: str | None = Field(default=None, max_length=4000)


class ObservationCreate(ObservationBase):
    tutor_id: str | None = Field(default=None, max_length=64)


class Observation(ObservationBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    session_id: str = Field(foreign_key="session_fact.id", max_length=64, index=True)
    tutor_id: str = Field(max_length=64, index=True)
    supervisor_id: str = Field(max_length=64)
    supervisor_name: str | None = Field(default=None, max_length=200)
    comment: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = Field(default_factory=utcnow)


class ObservationPublic(ObservationBase):
    id: int
    session_id: str
    tutor_id: str
    supervisor_id: str
    supervisor_name: str | None
    created_at: datetime


class EndorsementCreate(SQLModel):
    tutor_id: str = Field(min_length=1, max_length=64)
    topic_id: int
    topic_name: str | None = Field(default=None, max_length=200)
    note: str | None = Field(default=None, max_length=2000)


class Endorsement(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("tutor_id", "topic_id", "supervisor_id", name="uq_endorsement"),)

    id: int | None = Field(default=None, primary_key=True)
    tutor_id: str = Field(max_length=64, index=True)
    topic_id: int
    topic_name: str | None = Field(default=None, max_length=200)
    supervisor_id: str = Field(max_length=64)
    supervisor_name: str | None = Field(default=None, max_length=200)
    note: str | None = Field(default=None, max_length=2000)
    created_at: datetime = Field(default_factory=utcnow)


class EndorsementPublic(SQLModel):
    id: int
    tutor_id: str
    topic_id: int
    topic_name: str | None
    supervisor_id: str
    supervisor_name: str | None
    note: str | None
    created_at: datetime


class ReflectionBase(SQLModel):
    went_well: str = Field(min_length=1, max_length=4000)
    to_improve: str = Field(min_length=1, max_length=4000)
    unanswered_questions: str | None = Field(default=None, max_length=4000)


class ReflectionCreate(ReflectionBase):
    pass


class Reflection(ReflectionBase, table=True):
    __table_args__ = (UniqueConstraint("session_id", "tutor_id", name="uq_reflection_session_tutor"),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: str = Field(foreign_key="session_fact.id", max_length=64)
    tutor_id: str = Field(max_length=64, index=True)
    went_well: str = Field(sa_column=Column(Text, nullable=False))
    to_improve: str = Field(sa_column=Column(Text, nullable=False))
    unanswered_questions: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = Field(default_factory=utcnow)


class ReflectionPublic(ReflectionBase):
    id: int
    session_id: str
    tutor_id: str
    created_at: datetime


# ---------- notifications ----------


Notification = notification_model(kind_length=40, title_length=200)  # lengths as migrated
IdempotencyRecord = idempotency_model()
AccountState = account_state_model()


# ---------- reports ----------


class PairedChange(SQLModel):
    """Paired before/after change; numbers only when n >= min_n."""

    enough_data: bool
    n: int
    min_n: int
    mean_before: float | None = None
    mean_after: float | None = None
    mean_diff: float | None = None
    sd_diff: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    effect_size_dz: float | None = None


class ProgrammeReport(SQLModel):
    filters: dict[str, str | int | None]
    pairs_with_retrospective_before: int
    sessions_held: int
    attendance: int
    distinct_learners: int
    ratings: RatingAggregate
    flags: int
    flags_open: int
    errata: int
    confidence_change: PairedChange
    anxiety_change: PairedChange


class QualitySignal(SQLModel):
    tutor_id: str
    topic_id: int | None
    score: float
    n: int


# ---------- portfolio ----------


class TaughtCount(SQLModel):
    topic_id: int
    topic_name: str
    format: str
    sessions: int
    hours: float


class PortfolioErratum(SQLModel):
    id: int
    topic_id: int
    topic_name: str
    quote: str
    correction: str
    created_at: datetime


class Portfolio(SQLModel):
    """Tutor-facing: no rater identities."""

    tutor_id: str
    sessions_taught: int
    hours: float
    learners_reached: int
    taught: list[TaughtCount]
    ratings: RatingAggregate
    confidence_change: PairedChange
    anxiety_change: PairedChange
    observations: list[ObservationPublic]
    endorsements: list[EndorsementPublic]
    errata: list[PortfolioErratum]
