"""Matching tables and their API shapes."""

from datetime import date, datetime
from enum import StrEnum
from typing import Any, Literal

import sqlalchemy as sa
from pydantic import field_validator
from sqlmodel import JSON, Column, Field, SQLModel, Text, UniqueConstraint

import kit.outbox  # noqa: F401 - registers outbox_message with the metadata
from kit.accounts import account_state_model
from kit.db import utcnow
from kit.idempotency import idempotency_model
from kit.notifications import notification_model

MAX_STAGE = 12  # year 1-6, then resident years 7..12


class TopicKind(StrEnum):
    knowledge = "knowledge"
    clinical_reasoning = "clinical_reasoning"
    practical_skill = "practical_skill"
    patient_communication = "patient_communication"
    ward_integration = "ward_integration"


class Format(StrEnum):
    one_to_one_in_person = "one_to_one_in_person"
    one_to_one_online = "one_to_one_online"
    group_in_person = "group_in_person"
    group_online = "group_online"


class ApprovalStatus(StrEnum):
    approved = "approved"
    suspended = "suspended"
    revoked = "revoked"
    expired = "expired"


class RequestStatus(StrEnum):
    pending = "pending"
    accepted = "accepted"
    declined = "declined"
    expired = "expired"
    cancelled = "cancelled"


class PairingStatus(StrEnum):
    active = "active"
    ended = "ended"
    rolled_back = "rolled_back"


class RunMode(StrEnum):
    optimal = "optimal"
    stable = "stable"


class RunStatus(StrEnum):
    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"
    published = "published"
    rolled_back = "rolled_back"


def _json_list() -> Any:
    return Field(default_factory=list, sa_column=Column(JSON, nullable=False))


# --- topics -------------------------------------------------------------------------------------


class TopicBase(SQLModel):
    name: str = Field(min_length=1, max_length=200)
    kind: TopicKind = Field(sa_type=sa.String(40))
    parent_id: int | None = Field(default=None, foreign_key="topic.id", index=True)
    description: str | None = Field(default=None, max_length=2000)


class TopicCreate(TopicBase):
    pass


class TopicUpdate(SQLModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    kind: TopicKind | None = None
    parent_id: int | None = None
    description: str | None = Field(default=None, max_length=2000)


class Topic(TopicBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    retired_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class TopicPublic(TopicBase):
    id: int
    retired_at: datetime | None
    path: str = ""


# --- profiles -----------------------------------------------------------------------------------


class WantedTopic(SQLModel):
    topic_id: int
    priority: int = Field(default=3, ge=1, le=5)


class LearnerProfileBase(SQLModel):
    display_name: str = Field(min_length=1, max_length=200)
    stage: int = Field(ge=1, le=MAX_STAGE)
    cohort: str | None = Field(default=None, max_length=40, index=True)
    formats: list[Format] = _json_list()
    languages: list[str] = _json_list()
    goal: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class LearnerProfileIn(LearnerProfileBase):
    topics: list[WantedTopic] = []

    @field_validator("languages")
    @classmethod
    def _lower_languages(cls, value: list[str]) -> list[str]:
        return sorted({v.strip().lower() for v in value if v.strip()})


class LearnerProfileBulkItem(LearnerProfileIn):
    user_id: str = Field(min_length=1, max_length=64)


class LearnerProfile(LearnerProfileBase, table=True):
    __tablename__ = "learner_profile"
    user_id: str = Field(primary_key=True, max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class LearnerTopic(SQLModel, table=True):
    __tablename__ = "learner_topic"
    learner_id: str = Field(primary_key=True, max_length=64, foreign_key="learner_profile.user_id")
    topic_id: int = Field(primary_key=True, foreign_key="topic.id", index=True)
    priority: int = 3


class LearnerProfilePublic(LearnerProfileBase):
    user_id: str
    topics: list[WantedTopic]
    updated_at: datetime


class TutorProfileBase(SQLModel):
    display_name: str = Field(min_length=1, max_length=200)
    stage: int = Field(ge=1, le=MAX_STAGE)
    capacity: int = Field(default=2, ge=1, le=50)
    formats: list[Format] = _json_list()
    languages: list[str] = _json_list()
    paused_until: date | None = None


class TutorProfileIn(TutorProfileBase):
    topics: list[int] = []

    @field_validator("languages")
    @classmethod
    def _lower_languages(cls, value: list[str]) -> list[str]:
        return sorted({v.strip().lower() for v in value if v.strip()})


class TutorProfileBulkItem(TutorProfileIn):
    user_id: str = Field(min_length=1, max_length=64)


class TutorProfile(TutorProfileBase, table=True):
    __tablename__ = "tutor_profile"
    user_id: str = Field(primary_key=True, max_length=64)
    # Denormalised for the suggestion query (no JSON decoding per candidate): 4-bit format mask, ",en,fr," languages.
    format_mask: int = 0
    language_key: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class TutorTopic(SQLModel, table=True):
    __tablename__ = "tutor_topic"
    tutor_id: str = Field(primary_key=True, max_length=64, foreign_key="tutor_profile.user_id")
    topic_id: int = Field(primary_key=True, foreign_key="topic.id", index=True)


class TutorProfilePublic(TutorProfileBase):
    user_id: str
    topics: list[int]
    active_pairings: int
    updated_at: datetime


class TutorPause(SQLModel):
    paused_until: date | None


class BulkResult(SQLModel):
    created: int
    updated: int


# --- supervision --------------------------------------------------------------------------------


class ApprovalCreate(SQLModel):
    tutor_id: str = Field(min_length=1, max_length=64)
    topic_id: int
    evidence: str = Field(min_length=1, max_length=4000)
    link: str | None = Field(default=None, max_length=500)
    expires_at: datetime | None = None


class Approval(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("tutor_id", "topic_id", name="uq_approval_tutor_topic"),)
    id: int | None = Field(default=None, primary_key=True)
    tutor_id: str = Field(max_length=64, index=True)
    topic_id: int = Field(foreign_key="topic.id", index=True)
    evidence: str = Field(sa_column=Column(Text, nullable=False))
    link: str | None = Field(default=None, max_length=500)
    status: ApprovalStatus = Field(default=ApprovalStatus.approved, sa_type=sa.String(20), index=True)
    approved_by: str = Field(max_length=64)
    approved_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime | None = Field(default=None, index=True)
    updated_at: datetime = Field(default_factory=utcnow)


class ApprovalTransition(SQLModel):
    status: ApprovalStatus
    reason: str = Field(min_length=1, max_length=2000)
    expires_at: datetime | None = None


class ApprovalEvent(SQLModel, table=True):
    __tablename__ = "approval_event"
    id: int | None = Field(default=None, primary_key=True)
    approval_id: int = Field(foreign_key="approval.id", index=True)
    actor_id: str = Field(max_length=64)
    at: datetime = Field(default_factory=utcnow)
    from_status: str | None = Field(default=None, max_length=20)
    to_status: str = Field(max_length=20)
    reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class ApprovalEventPublic(SQLModel):
    actor_id: str
    at: datetime
    from_status: str | None
    to_status: str
    reason: str | None


class PairingBrief(SQLModel):
    id: int
    learner_id: str
    tutor_id: str
    topic_id: int
    created_at: datetime


class ApprovalPublic(SQLModel):
    id: int
    tutor_id: str
    topic_id: int
    evidence: str
    link: str | None
    status: ApprovalStatus
    approved_by: str
    approved_at: datetime
    expires_at: datetime | None
    updated_at: datetime


class ApprovalDetail(ApprovalPublic):
    events: list[ApprovalEventPublic]
    running_pairings: list[PairingBrief]


class ApprovalCheck(SQLModel):
    approved: bool
    reason: str | None


class SuspensionIn(SQLModel):
    tutor_id: str = Field(min_length=1, max_length=64)
    topic_id: int
    reason: str = Field(min_length=1, max_length=2000)
    erratum_id: str = Field(min_length=1, max_length=100)


class SuspensionResult(SQLModel):
    approval_id: int | None
    status: str | None
    changed: bool


class ExclusionCreate(SQLModel):
    learner_id: str = Field(min_length=1, max_length=64)
    tutor_id: str = Field(min_length=1, max_length=64)
    reason: str = Field(min_length=1, max_length=2000)


class Exclusion(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("learner_id", "tutor_id", name="uq_exclusion_pair"),)
    id: int | None = Field(default=None, primary_key=True)
    learner_id: str = Field(max_length=64, index=True)
    tutor_id: str = Field(max_length=64, index=True)
    reason: str = Field(sa_column=Column(Text, nullable=False))
    created_by: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)


class ExclusionPublic(SQLModel):
    id: int
    learner_id: str
    tutor_id: str
    reason: str
    created_by: str
    created_at: datetime


# --- suggestions, requests, pairings -----------------------------------------------------------


class Breakdown(SQLModel):
    topic_fit: float
    stage_gap: float
    shared_free_time: float | None = None
    format: float
    language: float
    load: float
    quality: float | None = None


class Suggestion(SQLModel):
    tutor_id: str
    display_name: str
    stage: int
    score: float
    breakdown: Breakdown


class MissingCriterion(SQLModel):
    criterion: str
    reason: str


class SuggestionList(SQLModel):
    topic_id: int
    suggestions: list[Suggestion]
    missing_criteria: list[str]
    missing_reasons: list[MissingCriterion]


class MatchRequestCreate(SQLModel):
    tutor_id: str = Field(min_length=1, max_length=64)
    topic_id: int
    message: str | None = Field(default=None, max_length=2000)


class MatchRequest(SQLModel, table=True):
    __tablename__ = "match_request"
    id: int | None = Field(default=None, primary_key=True)
    learner_id: str = Field(max_length=64, index=True)
    tutor_id: str = Field(max_length=64, index=True)
    topic_id: int = Field(foreign_key="topic.id", index=True)
    message: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    status: RequestStatus = Field(default=RequestStatus.pending, sa_type=sa.String(20), index=True)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime = Field(index=True)
    responded_at: datetime | None = None
    pairing_id: int | None = None


class MatchRequestPublic(SQLModel):
    id: int
    learner_id: str
    learner_name: str | None = None
    tutor_id: str
    tutor_name: str | None = None
    topic_id: int
    message: str | None
    status: RequestStatus
    created_at: datetime
    expires_at: datetime
    responded_at: datetime | None
    pairing_id: int | None


class RequestEvent(SQLModel, table=True):
    __tablename__ = "request_event"
    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="match_request.id", index=True)
    actor_id: str = Field(max_length=64)
    at: datetime = Field(default_factory=utcnow)
    from_status: str | None = Field(default=None, max_length=20)
    to_status: str = Field(max_length=20)
    reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class Reason(SQLModel):
    reason: str | None = Field(default=None, max_length=2000)


class EndReason(SQLModel):
    reason: str = Field(min_length=1, max_length=2000)


class Pairing(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    learner_id: str = Field(max_length=64, index=True)
    tutor_id: str = Field(max_length=64, index=True)
    topic_id: int = Field(foreign_key="topic.id", index=True)
    status: PairingStatus = Field(default=PairingStatus.active, sa_type=sa.String(20), index=True)
    source: str = Field(max_length=20)  # request | run | buddy
    run_id: int | None = Field(default=None, index=True)
    score: float | None = None
    created_at: datetime = Field(default_factory=utcnow)
    confirmed_at: datetime | None = None
    ended_at: datetime | None = None
    ended_by: str | None = Field(default=None, max_length=64)
    end_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class PairingPublic(SQLModel):
    id: int
    learner_id: str
    tutor_id: str
    topic_id: int
    status: PairingStatus
    source: str
    run_id: int | None
    score: float | None
    created_at: datetime
    confirmed_at: datetime | None
    ended_at: datetime | None
    end_reason: str | None


class PairingEvent(SQLModel, table=True):
    __tablename__ = "pairing_event"
    id: int | None = Field(default=None, primary_key=True)
    pairing_id: int = Field(foreign_key="pairing.id", index=True)
    actor_id: str = Field(max_length=64)
    at: datetime = Field(default_factory=utcnow)
    from_status: str | None = Field(default=None, max_length=20)
    to_status: str = Field(max_length=20)
    reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


Notification = notification_model(kind_length=50, title_length=200)  # lengths as migrated
IdempotencyRecord = idempotency_model()
AccountState = account_state_model()


# --- cohort runs --------------------------------------------------------------------------------


class RunCreate(SQLModel):
    cohort: str = Field(min_length=1, max_length=40)
    topic_ids: list[int] = Field(min_length=1)
    mode: RunMode = RunMode.optimal
    proposing: Literal["learners", "tutors"] | None = None


class MatchRun(SQLModel, table=True):
    __tablename__ = "match_run"
    id: int | None = Field(default=None, primary_key=True)
    cohort: str = Field(max_length=40)
    topic_ids: list[int] = _json_list()
    mode: RunMode = Field(sa_type=sa.String(20))
    proposing: str | None = Field(default=None, max_length=20)
    status: RunStatus = Field(default=RunStatus.queued, sa_type=sa.String(20), index=True)
    progress: int = 0
    created_by: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    started_at: datetime | None = None
    finished_at: datetime | None = None
    published_at: datetime | None = None
    rolled_back_at: datetime | None = None
    error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    pairs: int | None = None
    total_score: float | None = None
    unmatched_count: int | None = None
    optimum_total: float | None = None
    gap_pct: float | None = None
    result: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class RunPair(SQLModel):
    learner_id: str
    tutor_id: str
    topic_id: int
    score: float
    breakdown: Breakdown


class RunUnmatched(SQLModel):
    learner_id: str
    topic_id: int
    reason: str


class RunTotals(SQLModel):
    pairs: int
    total_score: float
    unmatched: int
    optimum_total: float | None = None
    gap_pct: float | None = None
    blocking_pairs: int | None = None


class RunResult(SQLModel):
    pairs: list[RunPair]
    unmatched: list[RunUnmatched]
    totals: RunTotals


class RunPublic(SQLModel):
    id: int
    cohort: str
    topic_ids: list[int]
    mode: RunMode
    proposing: str | None
    status: RunStatus
    progress: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    published_at: datetime | None
    rolled_back_at: datetime | None
    error: str | None
    totals: RunTotals | None = None
    result: RunResult | None = None


# --- placement buddies --------------------------------------------------------------------------


class PlacementRow(SQLModel):
    user_id: str = Field(min_length=1, max_length=64)
    ward: str = Field(min_length=1, max_length=200)
    start: date
    end: date


class TimetableWindow(SQLModel):
    """Learners whose placement starts in [start, end] get a buddy; placements from history_days before start are history."""

    start: date
    end: date
    history_days: int = Field(default=730, ge=0, le=730)


class BuddyRequest(SQLModel):
    topic_id: int
    rows: list[PlacementRow] = []
    csv: str | None = Field(default=None, max_length=2_000_000)
    from_timetable: TimetableWindow | None = None
    dry_run: bool = False
    max_per_buddy: int = Field(default=2, ge=1, le=20)


class BuddyPair(SQLModel):
    learner_id: str
    buddy_id: str
    ward: str
    start: date
    pairing_id: int | None = None


class BuddyUnmatched(SQLModel):
    learner_id: str
    ward: str
    start: date
    reason: str


class BuddyResult(SQLModel):
    pairs: list[BuddyPair]
    unmatched: list[BuddyUnmatched]
