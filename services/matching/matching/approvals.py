"""Faculty approvals (who may teach what), their history, exclusions and the checks built on them."""

from datetime import datetime

from sqlalchemy import ColumnElement
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, or_, select

from kit import outbox
from kit.db import utcnow
from kit.errors import Conflict, NotFound, ValidationFailed
from matching import crud
from matching.models import (
    Approval,
    ApprovalCheck,
    ApprovalCreate,
    ApprovalDetail,
    ApprovalEvent,
    ApprovalEventPublic,
    ApprovalPublic,
    ApprovalStatus,
    ApprovalTransition,
    Exclusion,
    ExclusionCreate,
    Pairing,
    PairingBrief,
    PairingStatus,
    SuspensionIn,
    SuspensionResult,
)

SYSTEM = "system"
# Outbox topic of "approval suspended -> sessions" (docs/matching.md): sessions stops taking bookings for the tutor on the topic.
APPROVAL_SUSPENDED_TOPIC = "sessions.approval_suspended"
# Statuses that stop a tutor teaching a topic, and those in which they still could (so sessions must be told).
STOPPING = {ApprovalStatus.suspended, ApprovalStatus.revoked}
TEACHING = {ApprovalStatus.approved, ApprovalStatus.expired}
# Which status changes a supervisor may make by hand (expiry is recorded by the worker, or by re-approving).
ALLOWED = {
    ApprovalStatus.approved: {ApprovalStatus.suspended, ApprovalStatus.revoked},
    ApprovalStatus.suspended: {ApprovalStatus.approved, ApprovalStatus.revoked},
    ApprovalStatus.expired: {ApprovalStatus.approved, ApprovalStatus.revoked},
    ApprovalStatus.revoked: {ApprovalStatus.approved},
}


def effective_status(approval: Approval, now: datetime | None = None) -> ApprovalStatus:
    """The status as of now: an approval past its expiry is expired even before the worker records it."""
    now = now or utcnow()
    if approval.status == ApprovalStatus.approved and approval.expires_at is not None and approval.expires_at <= now:
        return ApprovalStatus.expired
    return ApprovalStatus(approval.status)


def active_approval_clause(now: datetime) -> list[ColumnElement[bool]]:
    """SQL conditions of an approval that allows new pairings now."""
    return [
        col(Approval.status) == ApprovalStatus.approved,
        or_(col(Approval.expires_at).is_(None), col(Approval.expires_at) > now),
    ]


def _record(session: Session, approval: Approval, *, actor: str, to: ApprovalStatus, reason: str | None, from_: str | None) -> ApprovalEvent:
    event = ApprovalEvent(approval_id=approval.id or 0, actor_id=actor, from_status=from_, to_status=to, reason=reason)
    session.add(event)
    return event


def _tell_sessions(session: Session, approval: Approval, event: ApprovalEvent, *, reason: str, supervisor_id: str | None) -> None:
    """Enqueue, in the caller's transaction, the message that makes sessions cancel the tutor's sessions on the topic."""
    session.flush()  # the event's id names the message, so a redelivery is recognised by sessions
    outbox.enqueue(
        session,
        topic=APPROVAL_SUSPENDED_TOPIC,
        key=f"matching-approval-suspended-{event.id}",
        payload={
            "tutor_id": approval.tutor_id,
            "topic_id": approval.topic_id,
            "reason": reason,
            "supervisor_id": supervisor_id,
            "suspended_at": event.at.isoformat(),
        },
    )


def approval_public(approval: Approval) -> ApprovalPublic:
    """An approval with its effective status."""
    return ApprovalPublic.model_validate(approval, update={"status": effective_status(approval)})


def create_approval(*, session: Session, data: ApprovalCreate, actor: str) -> Approval:
    """Approve a tutor for a topic (re-approving an existing, non-active approval records the transition)."""
    approval = _approve(session=session, data=data, actor=actor)
    session.commit()
    session.refresh(approval)
    return approval


def _approve(*, session: Session, data: ApprovalCreate, actor: str) -> Approval:
    crud.get_tutor(session=session, user_id=data.tutor_id, field="body.tutor_id")
    crud.get_open_topic(session=session, topic_id=data.topic_id, field="body.topic_id")
    now = utcnow()
    if data.expires_at is not None and data.expires_at <= now:
        raise ValidationFailed("The expiry must be in the future", code="expiry_in_past", field="body.expires_at")
    approval = session.exec(select(Approval).where(Approval.tutor_id == data.tutor_id, Approval.topic_id == data.topic_id)).first()
    if approval is not None and effective_status(approval, now) == ApprovalStatus.approved:
        raise Conflict("This tutor is already approved for this topic", code="already_approved")
    previous = effective_status(approval, now) if approval is not None else None
    if approval is None:
        approval = Approval(tutor_id=data.tutor_id, topic_id=data.topic_id, evidence=data.evidence, approved_by=actor)
    approval.evidence, approval.link, approval.expires_at = data.evidence, data.link, data.expires_at
    approval.status, approval.approved_by, approval.approved_at, approval.updated_at = ApprovalStatus.approved, actor, now, now
    session.add(approval)
    try:
        session.flush()
    except IntegrityError as exc:
        session.rollback()
        raise Conflict("This tutor is already approved for this topic", code="already_approved") from exc
    _record(session, approval, actor=actor, to=ApprovalStatus.approved, reason=data.evidence, from_=previous)
    return approval


def bulk_create_approvals(*, session: Session, items: list[ApprovalCreate], actor: str) -> list[Approval]:
    """Approve many (tutor, topic) pairs in one transaction; any problem refuses them all."""
    seen: set[tuple[str, int]] = set()
    for index, data in enumerate(items):
        if (data.tutor_id, data.topic_id) in seen:
            raise ValidationFailed("The same approval is listed twice", code="duplicate_approval", field=f"body.{index}")
        seen.add((data.tutor_id, data.topic_id))
    created = []
    try:
        for data in items:
            created.append(_approve(session=session, data=data, actor=actor))
        session.commit()
    except Exception:
        session.rollback()
        raise
    return created


def get_approval(*, session: Session, approval_id: int) -> Approval:
    """An approval or 404."""
    approval = session.get(Approval, approval_id)
    if approval is None:
        raise NotFound("Approval not found", code="approval_not_found")
    return approval


def running_pairings(*, session: Session, tutor_id: str, topic_id: int) -> list[PairingBrief]:
    """Active pairings of a tutor on a topic (what a supervisor must review after a suspension)."""
    rows = session.exec(
        select(Pairing).where(Pairing.tutor_id == tutor_id, Pairing.topic_id == topic_id, Pairing.status == PairingStatus.active)
    ).all()
    return [PairingBrief.model_validate(p) for p in rows]


def approval_detail(*, session: Session, approval: Approval) -> ApprovalDetail:
    """An approval with its full history and, unless it is active, the pairings still running on it."""
    events = session.exec(select(ApprovalEvent).where(ApprovalEvent.approval_id == approval.id).order_by(col(ApprovalEvent.id))).all()
    status = effective_status(approval)
    running = [] if status == ApprovalStatus.approved else running_pairings(session=session, tutor_id=approval.tutor_id, topic_id=approval.topic_id)
    return ApprovalDetail.model_validate(
        approval,
        update={
            "status": status,
            "events": [ApprovalEventPublic.model_validate(e) for e in events],
            "running_pairings": running,
        },
    )


def list_approvals(
    *, session: Session, tutor_id: str | None = None, topic_id: int | None = None, status: ApprovalStatus | None = None
) -> list[Approval]:
    """Approvals filtered by tutor, topic and effective status."""
    query = select(Approval).order_by(col(Approval.id))
    if tutor_id is not None:
        query = query.where(Approval.tutor_id == tutor_id)
    if topic_id is not None:
        query = query.where(Approval.topic_id == topic_id)
    rows = list(session.exec(query).all())
    now = utcnow()
    return [a for a in rows if status is None or effective_status(a, now) == status]


def transition(*, session: Session, approval: Approval, data: ApprovalTransition, actor: str) -> Approval:
    """Suspend, revoke or re-approve, recording who, when, why and from what."""
    current = effective_status(approval)
    if data.status not in ALLOWED.get(current, set()):
        raise Conflict(f"An approval cannot go from {current} to {data.status}", code="invalid_transition", field="body.status")
    if data.status == ApprovalStatus.approved:
        if data.expires_at is not None and data.expires_at <= utcnow():
            raise ValidationFailed("The expiry must be in the future", code="expiry_in_past", field="body.expires_at")
        if current == ApprovalStatus.expired and data.expires_at is None and approval.expires_at is not None:
            raise ValidationFailed("Renewing an expired approval needs a new expiry date", code="expiry_required", field="body.expires_at")
        approval.expires_at = data.expires_at if data.expires_at is not None else approval.expires_at
        approval.approved_at, approval.approved_by = utcnow(), actor
    approval.status = data.status
    approval.updated_at = utcnow()
    session.add(approval)
    event = _record(session, approval, actor=actor, to=data.status, reason=data.reason, from_=current)
    if data.status in STOPPING and current in TEACHING:
        _tell_sessions(session, approval, event, reason=data.reason, supervisor_id=actor)
    _notify_tutor(session, approval, data.status, data.reason)
    session.commit()
    session.refresh(approval)
    return approval


def _notify_tutor(session: Session, approval: Approval, status: ApprovalStatus, reason: str) -> None:
    topic = crud.get_topic(session=session, topic_id=approval.topic_id)
    crud.notify(
        session=session,
        user_id=approval.tutor_id,
        kind=f"approval_{status}",
        title=f"Approval for {topic.name}: {status}",
        body=reason,
        link=f"/matching/approvals/{approval.id}",
    )


def check(*, session: Session, tutor_id: str, topic_id: int) -> ApprovalCheck:
    """Whether the tutor may take new pairings on the topic now, and why not."""
    topic = crud.get_topic(session=session, topic_id=topic_id, field="query.topic_id")
    if topic.retired_at is not None:
        return ApprovalCheck(approved=False, reason="topic_retired")
    approval = session.exec(select(Approval).where(Approval.tutor_id == tutor_id, Approval.topic_id == topic_id)).first()
    if approval is None:
        return ApprovalCheck(approved=False, reason="not_approved")
    status = effective_status(approval)
    return ApprovalCheck(approved=status == ApprovalStatus.approved, reason=None if status == ApprovalStatus.approved else str(status))


def ensure_approved(*, session: Session, tutor_id: str, topic_id: int, field: str | None = None) -> None:
    """Raise `tutor_not_approved` unless an active approval exists."""
    result = check(session=session, tutor_id=tutor_id, topic_id=topic_id)
    if not result.approved:
        raise ValidationFailed(f"The tutor is not approved for this topic ({result.reason})", code="tutor_not_approved", field=field)


def suspend_from_feedback(*, session: Session, data: SuspensionIn, client: str) -> SuspensionResult:
    """Suspend after a confirmed inaccuracy (writes, does not commit: the route commits with its idempotency record)."""
    approval = session.exec(select(Approval).where(Approval.tutor_id == data.tutor_id, Approval.topic_id == data.topic_id)).first()
    result = SuspensionResult(approval_id=None, status=None, changed=False)
    if approval is not None:
        current = effective_status(approval)
        result = SuspensionResult(approval_id=approval.id, status=current, changed=False)
        if current == ApprovalStatus.approved:
            reason = f"{data.reason} (erratum {data.erratum_id})"
            approval.status, approval.updated_at = ApprovalStatus.suspended, utcnow()
            session.add(approval)
            event = _record(session, approval, actor=client, to=ApprovalStatus.suspended, reason=reason, from_=current)
            # feedback does not say which supervisor confirmed the erratum: the one who granted the approval is told
            _tell_sessions(session, approval, event, reason=reason, supervisor_id=approval.approved_by)
            _notify_tutor(session, approval, ApprovalStatus.suspended, reason)
            result = SuspensionResult(approval_id=approval.id, status=ApprovalStatus.suspended, changed=True)
    return result


def record_expiries(*, session: Session) -> int:
    """Record the `expired` transition of approvals past their expiry (periodic worker)."""
    now = utcnow()
    due = session.exec(
        select(Approval).where(Approval.status == ApprovalStatus.approved, col(Approval.expires_at).is_not(None), col(Approval.expires_at) <= now)
    ).all()
    for approval in due:
        approval.status, approval.updated_at = ApprovalStatus.expired, now
        session.add(approval)
        _record(session, approval, actor=SYSTEM, to=ApprovalStatus.expired, reason="expiry date reached", from_=ApprovalStatus.approved)
        _notify_tutor(session, approval, ApprovalStatus.expired, "The approval reached its expiry date; ask your supervisor to renew it.")
    session.commit()
    return len(due)


# --- exclusions ---------------------------------------------------------------------------------


def create_exclusion(*, session: Session, data: ExclusionCreate, actor: str) -> Exclusion:
    """Never match this learner with this tutor."""
    if data.learner_id == data.tutor_id:
        raise ValidationFailed("A person cannot be excluded from themselves", code="same_person", field="body.tutor_id")
    exclusion = Exclusion(learner_id=data.learner_id, tutor_id=data.tutor_id, reason=data.reason, created_by=actor)
    session.add(exclusion)
    try:
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise Conflict("This pair is already excluded", code="already_excluded") from exc
    session.refresh(exclusion)
    return exclusion


def list_exclusions(*, session: Session, learner_id: str | None = None, tutor_id: str | None = None) -> list[Exclusion]:
    """Exclusions, optionally for one person."""
    query = select(Exclusion).order_by(col(Exclusion.id))
    if learner_id is not None:
        query = query.where(Exclusion.learner_id == learner_id)
    if tutor_id is not None:
        query = query.where(Exclusion.tutor_id == tutor_id)
    return list(session.exec(query).all())


def delete_exclusion(*, session: Session, exclusion_id: int) -> None:
    """Lift an exclusion."""
    exclusion = session.get(Exclusion, exclusion_id)
    if exclusion is None:
        raise NotFound("Exclusion not found", code="exclusion_not_found")
    session.delete(exclusion)
    session.commit()


def is_excluded(*, session: Session, learner_id: str, tutor_id: str) -> bool:
    """Whether the pair is excluded."""
    return session.exec(select(Exclusion.id).where(Exclusion.learner_id == learner_id, Exclusion.tutor_id == tutor_id)).first() is not None
