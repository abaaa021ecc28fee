"""Match requests and pairings: lifecycle, checks, events, notifications."""

from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from kit.auth import Principal
from kit.db import utcnow
from kit.errors import Conflict, Forbidden, NotFound, ValidationFailed
from matching import approvals, crud, rules
from matching.core.config import Settings
from matching.models import (
    LearnerProfile,
    MatchRequest,
    MatchRequestCreate,
    MatchRequestPublic,
    Pairing,
    PairingEvent,
    PairingStatus,
    RequestEvent,
    RequestStatus,
    TutorProfile,
)
from matching.suggestions import faculty_today, suggest

SYSTEM = "system"


def _request_event(session: Session, request: MatchRequest, *, actor: str, to: str, from_: str | None, reason: str | None = None) -> None:
    session.add(RequestEvent(request_id=request.id or 0, actor_id=actor, from_status=from_, to_status=to, reason=reason))


def pairing_event(session: Session, pairing: Pairing, *, actor: str, to: str, from_: str | None, reason: str | None = None) -> None:
    """Record a pairing transition in the caller's transaction."""
    session.add(PairingEvent(pairing_id=pairing.id or 0, actor_id=actor, from_status=from_, to_status=to, reason=reason))


def lock_tutors(*, session: Session, tutor_ids: Sequence[str]) -> dict[str, TutorProfile]:
    """Lock the tutors' profile rows until the transaction ends (in id order, so concurrent callers cannot deadlock)."""
    ids = sorted(set(tutor_ids))
    if not ids:
        return {}
    # FOR UPDATE on PostgreSQL; SQLite writers are already serialised by BEGIN IMMEDIATE (kit.db).
    query = select(TutorProfile).where(col(TutorProfile.user_id).in_(ids)).order_by(col(TutorProfile.user_id)).with_for_update()
    return {p.user_id: p for p in session.exec(query.execution_options(populate_existing=True)).all()}


def start_pairings(*, session: Session, pairings: Sequence[Pairing], check_capacity: bool = True, field: str | None = None) -> None:
    """The one way to create active pairings: lock their tutors, check each has room for them, insert (flushed, not committed).

    Holding the tutor rows' locks until commit serialises the capacity check and the insert, so concurrent accepts
    and run publications can never put a tutor over capacity. Placement buddies pass check_capacity=False (their
    own limit is max_per_buddy) but still take the locks, so the counts other callers read stay exact.
    """
    wanted = Counter(p.tutor_id for p in pairings)
    profiles = lock_tutors(session=session, tutor_ids=list(wanted))
    if check_capacity:
        load = crud.active_pairing_counts(session=session, tutor_ids=list(wanted))
        for tutor_id in sorted(wanted):
            profile = profiles.get(tutor_id)
            capacity = profile.capacity if profile is not None else 0
            if load.get(tutor_id, 0) + wanted[tutor_id] > capacity:
                raise Conflict(f"Tutor {tutor_id} has no free place (capacity {capacity})", code="tutor_full", field=field)
    session.add_all(pairings)
    session.flush()


def ensure_pairable(
    *, session: Session, settings: Settings, learner_id: str, tutor_id: str, topic_id: int, check_pending: bool = True
) -> None:
    """Every rule a new pairing must pass, with a stable code for the first one broken."""
    learner = crud.get_learner(session=session, user_id=learner_id)
    topic = crud.get_open_topic(session=session, topic_id=topic_id, field="body.topic_id")
    tutor = crud.get_tutor(session=session, user_id=tutor_id, field="body.tutor_id")
    if tutor_id == learner_id:
        raise ValidationFailed("You cannot be your own tutor", code="same_person", field="body.tutor_id")
    approvals.ensure_approved(session=session, tutor_id=tutor_id, topic_id=topic_id, field="body.tutor_id")
    if approvals.is_excluded(session=session, learner_id=learner_id, tutor_id=tutor_id):
        raise ValidationFailed("This tutor is not available", code="not_available", field="body.tutor_id")
    rules.ensure_near_peer(settings, tutor_stage=tutor.stage, learner_stage=learner.stage, field="body.tutor_id")
    if crud.is_paused(tutor, faculty_today(settings)):
        raise Conflict(f"This tutor is paused until {tutor.paused_until}", code="tutor_paused", field="body.tutor_id")
    active = crud.active_pairing_counts(session=session, tutor_ids=[tutor_id]).get(tutor_id, 0)
    if active >= tutor.capacity:
        raise Conflict("This tutor has no free place", code="tutor_full", field="body.tutor_id")
    paired = session.exec(
        select(Pairing.id).where(Pairing.learner_id == learner_id, Pairing.topic_id == topic_id, Pairing.status == PairingStatus.active)
    ).first()
    if paired is not None:
        raise Conflict(f"You already have a tutor for {topic.name}", code="already_paired", field="body.topic_id")
    if check_pending:
        pending = session.exec(
            select(MatchRequest.id).where(
                MatchRequest.learner_id == learner_id, MatchRequest.topic_id == topic_id, MatchRequest.status == RequestStatus.pending
            )
        ).first()
        if pending is not None:
            raise Conflict(f"You already have a pending request for {topic.name}", code="already_requested", field="body.topic_id")


def create_request(*, session: Session, settings: Settings, learner_id: str, data: MatchRequestCreate) -> MatchRequest:
    """A learner asks a tutor; the tutor is notified."""
    ensure_pairable(session=session, settings=settings, learner_id=learner_id, tutor_id=data.tutor_id, topic_id=data.topic_id)
    learner = crud.get_learner(session=session, user_id=learner_id)
    topic = crud.get_topic(session=session, topic_id=data.topic_id)
    request = MatchRequest(
        learner_id=learner_id,
        tutor_id=data.tutor_id,
        topic_id=data.topic_id,
        message=data.message,
        expires_at=utcnow() + timedelta(hours=settings.request_ttl_hours),
    )
    session.add(request)
    session.flush()
    _request_event(session, request, actor=learner_id, to=RequestStatus.pending, from_=None)
    crud.notify(
        session=session,
        user_id=data.tutor_id,
        kind="request_received",
        title=f"{learner.display_name} asks you to tutor {topic.name}",
        body=data.message or "",
        link=f"/matching/requests/{request.id}",
    )
    session.commit()
    session.refresh(request)
    return request


def get_request(*, session: Session, request_id: int) -> MatchRequest:
    """A request or 404."""
    request = session.get(MatchRequest, request_id)
    if request is None:
        raise NotFound("Request not found", code="request_not_found")
    return request


def _ensure_pending(request: MatchRequest) -> None:
    if request.status != RequestStatus.pending:
        raise Conflict(f"This request is already {request.status}", code="request_not_pending")


def _answer(session: Session, request: MatchRequest, *, to: RequestStatus, at: datetime | None) -> None:
    """Move the request out of pending only if it still is (a conditional update: the loser of a race gets the 409)."""
    values: dict[str, object] = {"status": to} if at is None else {"status": to, "responded_at": at}
    moved = session.exec(  # type: ignore[call-overload]
        update(MatchRequest).where(col(MatchRequest.id) == request.id, col(MatchRequest.status) == RequestStatus.pending).values(**values)
    )
    if moved.rowcount != 1:
        session.refresh(request)
        raise Conflict(f"This request is already {request.status}", code="request_not_pending")


def accept(*, session: Session, settings: Settings, request: MatchRequest, actor: Principal) -> Pairing:
    """The tutor accepts: the rules are checked again and an active pairing starts."""
    if actor.sub != request.tutor_id and not actor.is_admin:
        raise Forbidden("Only the requested tutor can accept", code="forbidden")
    _ensure_pending(request)
    ensure_pairable(
        session=session, settings=settings, learner_id=request.learner_id, tutor_id=request.tutor_id, topic_id=request.topic_id, check_pending=False
    )
    now = utcnow()
    _answer(session, request, to=RequestStatus.accepted, at=now)
    pairing = Pairing(
        learner_id=request.learner_id, tutor_id=request.tutor_id, topic_id=request.topic_id, source="request", confirmed_at=now
    )
    start_pairings(session=session, pairings=[pairing], field="body.tutor_id")
    pairing_event(session, pairing, actor=actor.sub, to=PairingStatus.active, from_=None, reason=f"request {request.id} accepted")
    request.status, request.responded_at, request.pairing_id = RequestStatus.accepted, now, pairing.id
    session.add(request)
    _request_event(session, request, actor=actor.sub, to=RequestStatus.accepted, from_=RequestStatus.pending)
    topic = crud.get_topic(session=session, topic_id=request.topic_id)
    crud.notify(
        session=session,
        user_id=request.learner_id,
        kind="request_accepted",
        title=f"Your request for {topic.name} was accepted",
        body="You are now paired; plan your first session together.",
        link=f"/matching/pairings/{pairing.id}",
    )
    session.commit()
    session.refresh(pairing)
    return pairing


def _offer_next(session: Session, settings: Settings, request: MatchRequest, why: str) -> None:
    """Tell the learner and point them at the next suggested tutor (skipping those already asked)."""
    asked = set(
        session.exec(
            select(MatchRequest.tutor_id).where(MatchRequest.learner_id == request.learner_id, MatchRequest.topic_id == request.topic_id)
        ).all()
    )
    topic = crud.get_topic(session=session, topic_id=request.topic_id)
    body = f"Your request for {topic.name} {why}."
    link = f"/matching/suggestions?topic_id={request.topic_id}"
    if topic.retired_at is None:
        nxt = suggest(session=session, settings=settings, ups=None, learner_id=request.learner_id, topic_id=request.topic_id, k=1, skip=asked)
        if nxt.suggestions:
            best = nxt.suggestions[0]
            body += f" Next suggested tutor: {best.display_name} ({rules.stage_label(best.stage)})."
            link = f"/matching/suggestions?topic_id={request.topic_id}&tutor_id={best.tutor_id}"
        else:
            body += " No other tutor is available right now."
    crud.notify(session=session, user_id=request.learner_id, kind=f"request_{request.status}", title=f"Request for {topic.name} {why}", body=body, link=link)


def decline(*, session: Session, settings: Settings, request: MatchRequest, actor: Principal, reason: str | None) -> MatchRequest:
    """The tutor declines; the learner is offered the next suggestion."""
    if actor.sub != request.tutor_id and not actor.is_admin:
        raise Forbidden("Only the requested tutor can decline", code="forbidden")
    _ensure_pending(request)
    _answer(session, request, to=RequestStatus.declined, at=utcnow())
    session.add(request)
    _request_event(session, request, actor=actor.sub, to=RequestStatus.declined, from_=RequestStatus.pending, reason=reason)
    _offer_next(session, settings, request, "was declined")
    session.commit()
    session.refresh(request)
    return request


def cancel(*, session: Session, request: MatchRequest, actor: Principal) -> MatchRequest:
    """The learner withdraws a pending request."""
    if actor.sub != request.learner_id and not actor.is_admin:
        raise Forbidden("Only the learner can cancel their request", code="forbidden")
    _ensure_pending(request)
    _answer(session, request, to=RequestStatus.cancelled, at=utcnow())
    session.add(request)
    _request_event(session, request, actor=actor.sub, to=RequestStatus.cancelled, from_=RequestStatus.pending)
    session.commit()
    session.refresh(request)
    return request


def expire_requests(*, session: Session, settings: Settings) -> int:
    """Expire unanswered requests past their TTL and offer the learners the next suggestion (periodic worker)."""
    due = session.exec(
        select(MatchRequest).where(MatchRequest.status == RequestStatus.pending, col(MatchRequest.expires_at) <= utcnow())
    ).all()
    expired = 0
    for request in due:
        try:
            _answer(session, request, to=RequestStatus.expired, at=None)
        except Conflict:
            continue  # answered meanwhile
        _request_event(session, request, actor=SYSTEM, to=RequestStatus.expired, from_=RequestStatus.pending, reason="no answer in time")
        session.flush()
        _offer_next(session, settings, request, "expired without an answer")
        expired += 1
    session.commit()
    return expired


def list_requests(
    *,
    session: Session,
    user_id: str | None,
    role: str | None = None,
    status: RequestStatus | None = None,
    topic_id: int | None = None,
) -> list[MatchRequest]:
    """Requests where the user is learner or tutor (user_id None = all, for staff)."""
    query = select(MatchRequest).order_by(col(MatchRequest.id).desc())
    if user_id is not None:
        if role == "learner":
            query = query.where(MatchRequest.learner_id == user_id)
        elif role == "tutor":
            query = query.where(MatchRequest.tutor_id == user_id)
        else:
            query = query.where((col(MatchRequest.learner_id) == user_id) | (col(MatchRequest.tutor_id) == user_id))
    if status is not None:
        query = query.where(MatchRequest.status == status)
    if topic_id is not None:
        query = query.where(MatchRequest.topic_id == topic_id)
    return list(session.exec(query.limit(1000)).all())


# --- pairings -----------------------------------------------------------------------------------


def get_pairing(*, session: Session, pairing_id: int) -> Pairing:
    """A pairing or 404."""
    pairing = session.get(Pairing, pairing_id)
    if pairing is None:
        raise NotFound("Pairing not found", code="pairing_not_found")
    return pairing


def _ensure_party(pairing: Pairing, actor: Principal) -> None:
    if actor.sub in (pairing.learner_id, pairing.tutor_id) or actor.has_role("supervisor", "admin"):
        return
    raise Forbidden("Only the learner, the tutor or staff can act on this pairing", code="forbidden")


def confirm_pairing(*, session: Session, pairing: Pairing, actor: Principal) -> Pairing:
    """A party confirms a pairing proposed by a cohort run (after which the run cannot be rolled back)."""
    if actor.sub not in (pairing.learner_id, pairing.tutor_id):
        raise Forbidden("Only the learner or the tutor can confirm", code="forbidden")
    if pairing.status != PairingStatus.active:
        raise Conflict(f"This pairing is {pairing.status}", code="pairing_not_active")
    if pairing.confirmed_at is None:
        pairing.confirmed_at = utcnow()
        session.add(pairing)
        pairing_event(session, pairing, actor=actor.sub, to="confirmed", from_=PairingStatus.active)
        session.commit()
        session.refresh(pairing)
    return pairing


def end_pairing(*, session: Session, pairing: Pairing, actor: Principal, reason: str) -> Pairing:
    """Either side (or staff) ends an active pairing with a reason; the other side is told."""
    _ensure_party(pairing, actor)
    if pairing.status != PairingStatus.active:
        raise Conflict(f"This pairing is already {pairing.status}", code="pairing_not_active")
    pairing.status, pairing.ended_at, pairing.ended_by, pairing.end_reason = PairingStatus.ended, utcnow(), actor.sub, reason
    session.add(pairing)
    pairing_event(session, pairing, actor=actor.sub, to=PairingStatus.ended, from_=PairingStatus.active, reason=reason)
    topic = crud.get_topic(session=session, topic_id=pairing.topic_id)
    for user_id in {pairing.learner_id, pairing.tutor_id} - {actor.sub}:
        crud.notify(
            session=session, user_id=user_id, kind="pairing_ended", title=f"Pairing for {topic.name} ended", body=reason, link=f"/matching/pairings/{pairing.id}"
        )
    session.commit()
    session.refresh(pairing)
    return pairing


def list_pairings(
    *,
    session: Session,
    user_id: str | None,
    learner_id: str | None = None,
    tutor_id: str | None = None,
    topic_id: int | None = None,
    status: PairingStatus | None = None,
    run_id: int | None = None,
) -> list[Pairing]:
    """Pairings of one user (user_id) or, for staff, all with filters."""
    query = select(Pairing).order_by(col(Pairing.id).desc())
    if user_id is not None:
        query = query.where((col(Pairing.learner_id) == user_id) | (col(Pairing.tutor_id) == user_id))
    for column, value in ((Pairing.learner_id, learner_id), (Pairing.tutor_id, tutor_id), (Pairing.topic_id, topic_id), (Pairing.status, status), (Pairing.run_id, run_id)):
        if value is not None:
            query = query.where(column == value)
    return list(session.exec(query.limit(2000)).all())


def public_requests(*, session: Session, requests: Sequence[MatchRequest]) -> list[MatchRequestPublic]:
    """Requests with both sides' display names, so each side knows who is asking or being asked."""
    learner_ids = {r.learner_id for r in requests}
    tutor_ids = {r.tutor_id for r in requests}
    learners = dict(session.exec(select(LearnerProfile.user_id, LearnerProfile.display_name).where(col(LearnerProfile.user_id).in_(learner_ids))).all())
    tutors = dict(session.exec(select(TutorProfile.user_id, TutorProfile.display_name).where(col(TutorProfile.user_id).in_(tutor_ids))).all())
    return [
        MatchRequestPublic.model_validate(r, update={"learner_name": learners.get(r.learner_id), "tutor_name": tutors.get(r.tutor_id)})
        for r in requests
    ]
