"""Feedback data access and commands (one transaction per command, validate before writing)."""

from datetime import datetime, timedelta

from sqlalchemy import case, delete, func
from sqlmodel import Session, SQLModel, col, select

from feedback.models import (
    AccuracyFlag,
    Assessment,
    AssessmentCreate,
    Endorsement,
    EndorsementCreate,
    Erratum,
    ErratumRecipient,
    ErratumSession,
    FlagConfirm,
    FlagCreate,
    FlagStatus,
    Notification,
    Observation,
    ObservationCreate,
    Participant,
    Phase,
    Rating,
    RatingCreate,
    RatingUpdate,
    Reflection,
    ReflectionCreate,
    SessionCompleted,
    SessionFact,
    SessionFactPublic,
)
from kit import notifications, outbox
from kit.auth import Principal
from kit.db import utcnow
from kit.errors import Conflict, Forbidden, NotFound, ValidationFailed
from kit.notifications import NotificationRow

SUSPENSION_TOPIC = "matching.suspension"
TUTOR, ATTENDEE = "tutor", "attendee"


# ---------- sessions ----------


def record_session_completed(*, session: Session, event: SessionCompleted) -> tuple[int, SessionFactPublic]:
    """Store (or correct) a completed session with its attendance (writes, does not commit: the route commits)."""
    if event.ends_at <= event.starts_at:
        raise ValidationFailed("ends_at must be after starts_at", code="invalid_interval", field="body.ends_at")
    names = _participant_names(event)
    fact = session.get(SessionFact, event.session_id)
    status_code = 200 if fact is not None else 201
    if fact is None:
        fact = SessionFact(id=event.session_id, topic_id=event.topic_id, topic_name=event.topic_name,
                           format=event.format, starts_at=event.starts_at, ends_at=event.ends_at, cohort=event.cohort)
    else:
        fact.sqlmodel_update(event.model_dump(include={"topic_id", "topic_name", "format", "starts_at", "ends_at", "cohort"}))
        session.execute(delete(Participant).where(col(Participant.session_id) == fact.id))
    session.add(fact)
    session.flush()
    for tutor_id in dict.fromkeys(event.tutor_ids):
        session.add(Participant(session_id=fact.id, user_id=tutor_id, role=TUTOR, display_name=names.get((tutor_id, TUTOR))))
    for attendee_id in dict.fromkeys(event.attendee_ids):
        session.add(Participant(session_id=fact.id, user_id=attendee_id, role=ATTENDEE, display_name=names.get((attendee_id, ATTENDEE))))
    session.flush()
    return status_code, session_public(session=session, fact=fact)


def _participant_names(event: SessionCompleted) -> dict[tuple[str, str], str | None]:
    """Display names by (user id, role); a name for someone missing from the id lists is invalid input."""
    names: dict[tuple[str, str], str | None] = {}
    for role, ids, people, field in ((TUTOR, event.tutor_ids, event.tutors, "tutors"),
                                     (ATTENDEE, event.attendee_ids, event.attendees, "attendees")):
        for index, person in enumerate(people):
            if person.user_id not in ids:
                raise ValidationFailed(f"{person.user_id} is not listed in {field[:-1]}_ids", code="unknown_participant",
                                       field=f"body.{field}.{index}.user_id")
            names[(person.user_id, role)] = person.display_name
    return names


def session_public(*, session: Session, fact: SessionFact) -> SessionFactPublic:
    """A session with its tutors and attendee count (never the attendee ids)."""
    rows = session.exec(select(Participant).where(Participant.session_id == fact.id)).all()
    return SessionFactPublic(
        **fact.model_dump(exclude={"received_at"}),
        tutor_ids=sorted(p.user_id for p in rows if p.role == TUTOR),
        attendee_count=sum(1 for p in rows if p.role == ATTENDEE),
    )


def get_session_fact(*, session: Session, session_id: str, field: str | None = None) -> SessionFact:
    """A completed session or 404."""
    fact = session.get(SessionFact, session_id)
    if fact is None:
        raise NotFound(f"Session {session_id} is unknown to feedback (not completed yet?)", code="session_not_found", field=field)
    return fact


def participant_ids(*, session: Session, session_ids: list[str], role: str) -> list[str]:
    """Distinct users with that role in any of the sessions."""
    query = select(Participant.user_id).where(col(Participant.session_id).in_(session_ids), Participant.role == role)
    return sorted(set(session.exec(query).all()))


def is_participant(*, session: Session, session_id: str, user_id: str, role: str) -> bool:
    """Whether the user had that role in the session."""
    return session.get(Participant, (session_id, user_id, role)) is not None


def ensure_attendee(*, session: Session, session_id: str, principal: Principal) -> None:
    """403 unless the caller attended the session."""
    if not is_participant(session=session, session_id=session_id, user_id=principal.sub, role=ATTENDEE):
        raise Forbidden("Only attendees of this session may do this", code="not_an_attendee")


def ensure_tutor_or_supervisor(*, session: Session, session_id: str, principal: Principal) -> None:
    """403 unless the caller taught the session or supervises."""
    if principal.kind == "user" and principal.has_role("supervisor", "admin"):
        return
    if not is_participant(session=session, session_id=session_id, user_id=principal.sub, role=TUTOR):
        raise Forbidden("Only the tutors of this session or supervisors may see this", code="not_the_tutor")


def list_sessions(*, session: Session, principal: Principal, topic_id: int | None = None, limit: int = 200) -> list[SessionFactPublic]:
    """Sessions the caller attended or taught; supervisors see all. Newest first."""
    query = select(SessionFact).order_by(col(SessionFact.starts_at).desc()).limit(limit)
    if topic_id is not None:
        query = query.where(SessionFact.topic_id == topic_id)
    if not principal.has_role("supervisor", "admin"):
        mine = select(Participant.session_id).where(Participant.user_id == principal.sub)
        query = query.where(col(SessionFact.id).in_(mine))
    return [session_public(session=session, fact=f) for f in session.exec(query).all()]


# ---------- ratings ----------


def editable_until(*, rating: Rating, window_hours: int) -> datetime:
    """When a rating becomes final."""
    return rating.created_at + timedelta(hours=window_hours)


def get_own_rating(*, session: Session, session_id: str, rater_id: str) -> Rating | None:
    """The caller's rating of a session."""
    return session.exec(select(Rating).where(Rating.session_id == session_id, Rating.rater_id == rater_id)).first()


def create_rating(*, session: Session, session_id: str, principal: Principal, data: RatingCreate) -> Rating:
    """Rate an attended session once."""
    get_session_fact(session=session, session_id=session_id)
    ensure_attendee(session=session, session_id=session_id, principal=principal)
    if get_own_rating(session=session, session_id=session_id, rater_id=principal.sub) is not None:
        raise Conflict("You already rated this session; edit it with PUT", code="already_rated")
    rating = Rating.model_validate(data, update={"session_id": session_id, "rater_id": principal.sub, "rater_name": principal.name})
    session.add(rating)
    session.commit()
    session.refresh(rating)
    return rating


def update_rating(*, session: Session, session_id: str, principal: Principal, data: RatingUpdate, window_hours: int) -> Rating:
    """Edit one's rating while the edit window is open."""
    get_session_fact(session=session, session_id=session_id)
    ensure_attendee(session=session, session_id=session_id, principal=principal)
    rating = get_own_rating(session=session, session_id=session_id, rater_id=principal.sub)
    if rating is None:
        raise NotFound("You have not rated this session yet", code="rating_not_found")
    if utcnow() > editable_until(rating=rating, window_hours=window_hours):
        raise Conflict(f"Ratings are final {window_hours} hours after they are given", code="rating_final")
    rating.sqlmodel_update(data.model_dump())
    rating.updated_at = utcnow()
    session.add(rating)
    session.commit()
    session.refresh(rating)
    return rating


def list_ratings(*, session: Session, session_id: str) -> list[Rating]:
    """Every rating of a session (supervisor view)."""
    get_session_fact(session=session, session_id=session_id)
    return list(session.exec(select(Rating).where(Rating.session_id == session_id).order_by(col(Rating.id))).all())


# ---------- assessments ----------


def create_assessment(*, session: Session, principal: Principal, data: AssessmentCreate) -> Assessment:
    """Record a before (once, before first attendance on the topic) or after (attended session) assessment."""
    if data.retrospective and data.phase != Phase.before:
        raise ValidationFailed("Only a 'before' assessment can be retrospective", code="retrospective_after", field="body.retrospective")
    topic_id: int
    session_id: str | None
    if data.phase == Phase.before and data.retrospective:
        topic_id, session_id = _check_retrospective_before(session=session, principal=principal, data=data)
    elif data.phase == Phase.before:
        if data.topic_id is None:
            raise ValidationFailed("A 'before' assessment needs topic_id", code="topic_required", field="body.topic_id")
        if data.session_id is not None:
            raise ValidationFailed("A prospective 'before' is not linked to a session", code="session_not_allowed", field="body.session_id")
        topic_id = data.topic_id
        _ensure_no_before(session=session, learner_id=principal.sub, topic_id=topic_id)
        attended = session.exec(select(Participant.session_id).join(SessionFact, col(SessionFact.id) == Participant.session_id).where(
            Participant.user_id == principal.sub, Participant.role == ATTENDEE, SessionFact.topic_id == topic_id)).first()
        if attended is not None:
            raise Conflict("'Before' must come before your first session on the topic (or be a retrospective one)",
                           code="before_after_attendance")
        session_id = None
    else:
        if data.session_id is None:
            raise ValidationFailed("An 'after' assessment needs session_id", code="session_required", field="body.session_id")
        fact = get_session_fact(session=session, session_id=data.session_id, field="body.session_id")
        if data.topic_id is not None and data.topic_id != fact.topic_id:
            raise ValidationFailed("topic_id does not match the session's topic", code="topic_mismatch", field="body.topic_id")
        ensure_attendee(session=session, session_id=fact.id, principal=principal)
        existing = session.exec(select(Assessment.id).where(
            Assessment.learner_id == principal.sub, Assessment.session_id == fact.id, Assessment.phase == Phase.after.value)).first()
        if existing is not None:
            raise Conflict("You already gave your 'after' assessment for this session", code="after_already_recorded")
        topic_id, session_id = fact.topic_id, fact.id
    assessment = Assessment(learner_id=principal.sub, topic_id=topic_id, phase=data.phase.value, session_id=session_id,
                            confidence=data.confidence, anxiety=data.anxiety, retrospective=data.retrospective)
    session.add(assessment)
    session.commit()
    session.refresh(assessment)
    return assessment


def _ensure_no_before(*, session: Session, learner_id: str, topic_id: int) -> None:
    existing = session.exec(select(Assessment.id).where(
        Assessment.learner_id == learner_id, Assessment.topic_id == topic_id, Assessment.phase == Phase.before.value)).first()
    if existing is not None:
        raise Conflict("You already gave your 'before' assessment for this topic", code="before_already_recorded")


def _check_retrospective_before(*, session: Session, principal: Principal, data: AssessmentCreate) -> tuple[int, str]:
    """A retrospective 'before' is tied to the learner's first attended session on the topic."""
    if data.session_id is None:
        raise ValidationFailed("A retrospective 'before' needs the session_id of your first session on the topic",
                               code="session_required", field="body.session_id")
    fact = get_session_fact(session=session, session_id=data.session_id, field="body.session_id")
    if data.topic_id is not None and data.topic_id != fact.topic_id:
        raise ValidationFailed("topic_id does not match the session's topic", code="topic_mismatch", field="body.topic_id")
    ensure_attendee(session=session, session_id=fact.id, principal=principal)
    _ensure_no_before(session=session, learner_id=principal.sub, topic_id=fact.topic_id)
    earlier = session.exec(select(Participant.session_id).join(SessionFact, col(SessionFact.id) == Participant.session_id).where(
        Participant.user_id == principal.sub, Participant.role == ATTENDEE, SessionFact.topic_id == fact.topic_id,
        SessionFact.starts_at < fact.starts_at)).first()
    if earlier is not None:
        raise Conflict("A retrospective 'before' must be linked to your first session on the topic", code="not_first_session",
                       field="body.session_id")
    return fact.topic_id, fact.id


def list_own_assessments(*, session: Session, learner_id: str, topic_id: int | None = None) -> list[Assessment]:
    """A learner's assessments in time order."""
    query = select(Assessment).where(Assessment.learner_id == learner_id).order_by(col(Assessment.created_at), col(Assessment.id))
    if topic_id is not None:
        query = query.where(Assessment.topic_id == topic_id)
    return list(session.exec(query).all())


def topic_names(*, session: Session, topic_ids: set[int]) -> dict[int, str]:
    """Latest known name of each topic, from the sessions we know."""
    if not topic_ids:
        return {}
    rows = session.exec(select(SessionFact.topic_id, SessionFact.topic_name).where(col(SessionFact.topic_id).in_(topic_ids))
                        .order_by(col(SessionFact.starts_at))).all()
    return {topic_id: name for topic_id, name in rows}


# ---------- notifications ----------


def notify(*, session: Session, user_id: str, kind: str, title: str, body: str, link: str | None) -> NotificationRow:
    """Add an in-app notification in the caller's transaction (flush to read its id)."""
    return notifications.notify(session, model=Notification, user_id=user_id, kind=kind, title=title, body=body, link=link)


# ---------- flags and errata ----------


def create_flag(*, session: Session, principal: Principal, data: FlagCreate, target_hours: int) -> AccuracyFlag:
    """An attendee flags something taught as possibly wrong."""
    fact = get_session_fact(session=session, session_id=data.session_id, field="body.session_id")
    ensure_attendee(session=session, session_id=fact.id, principal=principal)
    now = utcnow()
    flag = AccuracyFlag(session_id=fact.id, topic_id=fact.topic_id, flagger_id=principal.sub, flagger_name=principal.name,
                        quote=data.quote, source=data.source, comment=data.comment, created_at=now,
                        due_at=now + timedelta(hours=target_hours))
    session.add(flag)
    session.commit()
    session.refresh(flag)
    return flag


def list_flags(*, session: Session, status: FlagStatus | None, topic_id: int | None, limit: int = 500) -> list[AccuracyFlag]:
    """The supervisor queue: overdue first, then oldest."""
    overdue = case((col(AccuracyFlag.due_at) < utcnow(), 0), else_=1)
    query = select(AccuracyFlag).order_by(overdue, col(AccuracyFlag.created_at), col(AccuracyFlag.id)).limit(limit)
    if status is not None:
        query = query.where(AccuracyFlag.status == status.value)
    if topic_id is not None:
        query = query.where(AccuracyFlag.topic_id == topic_id)
    return list(session.exec(query).all())


def get_flag(*, session: Session, flag_id: int) -> AccuracyFlag:
    """A flag or 404."""
    flag = session.get(AccuracyFlag, flag_id)
    if flag is None:
        raise NotFound(f"Flag {flag_id} does not exist", code="flag_not_found")
    return flag


def _ensure_open(flag: AccuracyFlag) -> None:
    if flag.status != FlagStatus.open.value:
        raise Conflict(f"This flag was already {flag.status}", code="flag_already_reviewed")


def dismiss_flag(*, session: Session, flag_id: int, principal: Principal, note: str) -> AccuracyFlag:
    """Close a flag without correction and tell the flagger why."""
    flag = get_flag(session=session, flag_id=flag_id)
    _ensure_open(flag)
    flag.status, flag.reviewed_by, flag.reviewed_at, flag.review_note = FlagStatus.dismissed.value, principal.sub, utcnow(), note
    session.add(flag)
    notify(session=session, user_id=flag.flagger_id, kind="flag_dismissed", title="Your accuracy flag was reviewed",
           body=f"A supervisor reviewed your flag on \u201c{flag.quote[:120]}\u201d and found no correction was needed: {note}",
           link=f"/feedback/flags/{flag.id}")
    session.commit()
    session.refresh(flag)
    return flag


def confirm_flag(*, session: Session, flag_id: int, principal: Principal, data: FlagConfirm) -> Erratum:
    """Confirm a flag: an erratum to every attendee of the sessions concerned and the tutor; optionally suspend the tutor."""
    flag = get_flag(session=session, flag_id=flag_id)
    _ensure_open(flag)
    fact = get_session_fact(session=session, session_id=flag.session_id)
    tutors = participant_ids(session=session, session_ids=[fact.id], role=TUTOR)
    if data.tutor_id is not None:
        if data.tutor_id not in tutors:
            raise ValidationFailed("tutor_id did not teach the flagged session", code="not_the_tutor", field="body.tutor_id")
        tutor_id = data.tutor_id
    elif len(tutors) == 1:
        tutor_id = tutors[0]
    else:
        raise ValidationFailed("The session had several tutors; say which one the erratum concerns", code="tutor_required", field="body.tutor_id")
    session_ids = list(dict.fromkeys([fact.id, *data.session_ids]))
    for index, other_id in enumerate(data.session_ids):
        other = session.get(SessionFact, other_id)
        same = other is not None and other.topic_id == fact.topic_id and is_participant(
            session=session, session_id=other_id, user_id=tutor_id, role=TUTOR)
        if not same:
            raise ValidationFailed(f"Session {other_id} is not a session of this tutor on this topic",
                                   code="unrelated_session", field=f"body.session_ids.{index}")
    erratum = Erratum(flag_id=flag.id or 0, topic_id=fact.topic_id, topic_name=fact.topic_name, tutor_id=tutor_id,
                      quote=flag.quote, correction=data.correction, suspend_tutor=data.suspend_tutor, created_by=principal.sub)
    session.add(erratum)
    session.flush()
    erratum_id = erratum.id or 0
    for sid in session_ids:
        session.add(ErratumSession(erratum_id=erratum_id, session_id=sid))
    link = f"/feedback/errata/{erratum_id}"
    recipients = [(uid, ATTENDEE) for uid in participant_ids(session=session, session_ids=session_ids, role=ATTENDEE)]
    if tutor_id not in {uid for uid, _ in recipients}:
        recipients.append((tutor_id, TUTOR))
    for user_id, role in recipients:
        note = notify(session=session, user_id=user_id, kind="erratum", title=f"Correction: {fact.topic_name}",
                      body=f"Something taught was corrected. Said: \u201c{flag.quote[:300]}\u201d. Correction: {data.correction}. "
                           "Please read and acknowledge.", link=link)
        session.flush()
        session.add(ErratumRecipient(erratum_id=erratum_id, user_id=user_id, role=role, notification_id=note.id))
    notify(session=session, user_id=flag.flagger_id, kind="flag_confirmed", title="Your accuracy flag was confirmed",
           body="Thank you: a supervisor confirmed your flag and sent a correction to everyone concerned.", link=link)
    flag.status, flag.reviewed_by, flag.reviewed_at = FlagStatus.confirmed.value, principal.sub, utcnow()
    flag.erratum_id = erratum_id
    session.add(flag)
    if data.suspend_tutor:
        outbox.enqueue(session, topic=SUSPENSION_TOPIC, key=f"feedback-suspension-{erratum_id}", payload={
            "tutor_id": tutor_id, "topic_id": fact.topic_id, "erratum_id": str(erratum_id),
            "reason": data.reason or f"Erratum {erratum_id}: {data.correction[:200]}",
        })
    session.commit()
    session.refresh(erratum)
    return erratum


def get_erratum(*, session: Session, erratum_id: int) -> Erratum:
    """An erratum or 404."""
    erratum = session.get(Erratum, erratum_id)
    if erratum is None:
        raise NotFound(f"Erratum {erratum_id} does not exist", code="erratum_not_found")
    return erratum


def erratum_sessions(*, session: Session, erratum_id: int) -> list[str]:
    """Sessions an erratum concerns."""
    return sorted(session.exec(select(ErratumSession.session_id).where(ErratumSession.erratum_id == erratum_id)).all())


def erratum_recipients(*, session: Session, erratum_id: int) -> list[ErratumRecipient]:
    """Everyone an erratum was sent to."""
    query = select(ErratumRecipient).where(ErratumRecipient.erratum_id == erratum_id).order_by(col(ErratumRecipient.user_id))
    return list(session.exec(query).all())


def recipient_names(*, session: Session, erratum_id: int) -> dict[str, str]:
    """Display names of an erratum's recipients, from the sessions it concerns (for supervisor views only)."""
    sessions = select(ErratumSession.session_id).where(ErratumSession.erratum_id == erratum_id)
    recipients = select(ErratumRecipient.user_id).where(ErratumRecipient.erratum_id == erratum_id)
    rows = session.exec(
        select(Participant.user_id, Participant.display_name)
        .join(SessionFact, col(SessionFact.id) == Participant.session_id)
        .where(col(Participant.session_id).in_(sessions), col(Participant.user_id).in_(recipients),
               col(Participant.display_name).is_not(None))
        .order_by(col(SessionFact.starts_at), col(Participant.role))
    ).all()
    return {user_id: name for user_id, name in rows if name}  # the latest session's name wins


def acknowledge_erratum(*, session: Session, erratum_id: int, user_id: str) -> ErratumRecipient:
    """A recipient acknowledges an erratum (idempotent); its notification becomes read."""
    get_erratum(session=session, erratum_id=erratum_id)
    recipient = session.get(ErratumRecipient, (erratum_id, user_id))
    if recipient is None:
        raise Forbidden("This erratum was not sent to you", code="not_a_recipient")
    if recipient.acknowledged_at is None:
        now = utcnow()
        recipient.acknowledged_at = now
        session.add(recipient)
        if recipient.notification_id is not None:
            note = session.get(Notification, recipient.notification_id)
            if note is not None and note.read_at is None:
                note.read_at = now
                session.add(note)
        session.commit()
        session.refresh(recipient)
    return recipient


# ---------- observations, endorsements, reflections ----------


def create_observation(*, session: Session, session_id: str, principal: Principal, data: ObservationCreate) -> Observation:
    """A supervisor's structured observation of a tutor's session."""
    fact = get_session_fact(session=session, session_id=session_id)
    tutors = participant_ids(session=session, session_ids=[fact.id], role=TUTOR)
    tutor_id = data.tutor_id or (tutors[0] if len(tutors) == 1 else None)
    if tutor_id is None:
        raise ValidationFailed("The session had several tutors; say which one was observed", code="tutor_required", field="body.tutor_id")
    if tutor_id not in tutors:
        raise ValidationFailed("tutor_id did not teach this session", code="not_the_tutor", field="body.tutor_id")
    observation = Observation.model_validate(data, update={
        "session_id": fact.id, "tutor_id": tutor_id, "supervisor_id": principal.sub, "supervisor_name": principal.name})
    session.add(observation)
    session.commit()
    session.refresh(observation)
    return observation


def list_observations(*, session: Session, tutor_id: str) -> list[Observation]:
    """Observations of a tutor, newest first."""
    query = select(Observation).where(Observation.tutor_id == tutor_id).order_by(col(Observation.created_at).desc())
    return list(session.exec(query).all())


def create_endorsement(*, session: Session, principal: Principal, data: EndorsementCreate) -> Endorsement:
    """A supervisor endorses a tutor for a topic (once per supervisor, tutor and topic)."""
    existing = session.exec(select(Endorsement.id).where(Endorsement.tutor_id == data.tutor_id, Endorsement.topic_id == data.topic_id,
                                                         Endorsement.supervisor_id == principal.sub)).first()
    if existing is not None:
        raise Conflict("You already endorsed this tutor for this topic", code="already_endorsed")
    topic_name = data.topic_name or topic_names(session=session, topic_ids={data.topic_id}).get(data.topic_id)
    endorsement = Endorsement.model_validate(data, update={
        "topic_name": topic_name, "supervisor_id": principal.sub, "supervisor_name": principal.name})
    session.add(endorsement)
    session.commit()
    session.refresh(endorsement)
    return endorsement


def list_endorsements(*, session: Session, tutor_id: str | None = None, topic_id: int | None = None) -> list[Endorsement]:
    """Endorsements, newest first."""
    query = select(Endorsement).order_by(col(Endorsement.created_at).desc())
    if tutor_id is not None:
        query = query.where(Endorsement.tutor_id == tutor_id)
    if topic_id is not None:
        query = query.where(Endorsement.topic_id == topic_id)
    return list(session.exec(query).all())


def create_reflection(*, session: Session, session_id: str, principal: Principal, data: ReflectionCreate) -> Reflection:
    """The tutor's short reflection on a session they taught (once)."""
    get_session_fact(session=session, session_id=session_id)
    if not is_participant(session=session, session_id=session_id, user_id=principal.sub, role=TUTOR):
        raise Forbidden("Only a tutor of this session may reflect on it", code="not_the_tutor")
    if get_reflection(session=session, session_id=session_id, tutor_id=principal.sub) is not None:
        raise Conflict("You already wrote your reflection for this session", code="already_reflected")
    reflection = Reflection.model_validate(data, update={"session_id": session_id, "tutor_id": principal.sub})
    session.add(reflection)
    session.commit()
    session.refresh(reflection)
    return reflection


def get_reflection(*, session: Session, session_id: str, tutor_id: str) -> Reflection | None:
    """A tutor's reflection on a session."""
    return session.exec(select(Reflection).where(Reflection.session_id == session_id, Reflection.tutor_id == tutor_id)).first()


def list_reflections(*, session: Session, session_id: str) -> list[Reflection]:
    """Every tutor's reflection on a session."""
    return list(session.exec(select(Reflection).where(Reflection.session_id == session_id).order_by(col(Reflection.id))).all())


def count_rows(*, session: Session) -> dict[str, int]:
    """Row counts (diagnostics for tests: bad input changes nothing)."""
    tables: dict[str, type[SQLModel]] = {"rating": Rating, "assessment": Assessment, "flag": AccuracyFlag, "erratum": Erratum, "notification": Notification}
    return {name: int(session.exec(select(func.count()).select_from(model)).one()) for name, model in tables.items()}
