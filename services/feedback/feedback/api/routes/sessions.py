from fastapi import APIRouter, status

from feedback import crud
from feedback.api.deps import SessionDep, SettingsDep, SignedInUser, SupervisorUser
from feedback.models import (
    ObservationCreate,
    ObservationPublic,
    Rating,
    RatingAggregate,
    RatingCreate,
    RatingOwnPublic,
    RatingPublic,
    RatingSummary,
    RatingUpdate,
    ReflectionCreate,
    ReflectionPublic,
    SessionAttendance,
    SessionFactPublic,
)
from feedback.reports import CRITERIA
from kit.errors import NotFound

router = APIRouter(prefix="/api/feedback/sessions", tags=["sessions"])


def _own(rating: Rating, window_hours: int) -> RatingOwnPublic:
    return RatingOwnPublic.model_validate(
        rating, update={"editable_until": crud.editable_until(rating=rating, window_hours=window_hours)}
    )


@router.get("", response_model=list[SessionFactPublic])
def list_sessions(session: SessionDep, principal: SignedInUser, topic_id: int | None = None) -> list[SessionFactPublic]:
    return crud.list_sessions(session=session, principal=principal, topic_id=topic_id)


@router.get("/{session_id}", response_model=SessionFactPublic)
def get_session(session_id: str, session: SessionDep, principal: SignedInUser) -> SessionFactPublic:
    fact = crud.get_session_fact(session=session, session_id=session_id)
    if not principal.has_role("supervisor", "admin") and not (
        crud.is_participant(session=session, session_id=session_id, user_id=principal.sub, role=crud.ATTENDEE)
        or crud.is_participant(session=session, session_id=session_id, user_id=principal.sub, role=crud.TUTOR)
    ):
        raise NotFound(f"Session {session_id} is unknown to feedback (not completed yet?)", code="session_not_found")
    return crud.session_public(session=session, fact=fact)


@router.get("/{session_id}/attendance", response_model=SessionAttendance)
def get_attendance(session_id: str, session: SessionDep, _: SupervisorUser) -> SessionAttendance:
    crud.get_session_fact(session=session, session_id=session_id)
    return SessionAttendance(
        session_id=session_id,
        tutor_ids=crud.participant_ids(session=session, session_ids=[session_id], role=crud.TUTOR),
        attendee_ids=crud.participant_ids(session=session, session_ids=[session_id], role=crud.ATTENDEE),
    )


@router.post("/{session_id}/ratings", response_model=RatingOwnPublic, status_code=status.HTTP_201_CREATED)
def create_rating(session_id: str, data: RatingCreate, session: SessionDep, settings: SettingsDep, principal: SignedInUser) -> RatingOwnPublic:
    rating = crud.create_rating(session=session, session_id=session_id, principal=principal, data=data)
    return _own(rating, settings.rating_edit_window_hours)


@router.get("/{session_id}/ratings/me", response_model=RatingOwnPublic)
def get_my_rating(session_id: str, session: SessionDep, settings: SettingsDep, principal: SignedInUser) -> RatingOwnPublic:
    rating = crud.get_own_rating(session=session, session_id=session_id, rater_id=principal.sub)
    if rating is None:
        raise NotFound("You have not rated this session", code="rating_not_found")
    return _own(rating, settings.rating_edit_window_hours)


@router.put("/{session_id}/ratings/me", response_model=RatingOwnPublic)
def update_my_rating(session_id: str, data: RatingUpdate, session: SessionDep, settings: SettingsDep, principal: SignedInUser) -> RatingOwnPublic:
    rating = crud.update_rating(session=session, session_id=session_id, principal=principal, data=data,
                                window_hours=settings.rating_edit_window_hours)
    return _own(rating, settings.rating_edit_window_hours)


@router.get("/{session_id}/ratings/summary", response_model=RatingSummary)
def get_rating_summary(session_id: str, session: SessionDep, principal: SignedInUser) -> RatingSummary:
    crud.get_session_fact(session=session, session_id=session_id)
    crud.ensure_tutor_or_supervisor(session=session, session_id=session_id, principal=principal)
    ratings = crud.list_ratings(session=session, session_id=session_id)
    n = len(ratings)
    means = {c: (sum(getattr(r, c) for r in ratings) / n if n else None) for c in CRITERIA}
    comments = sorted(r.comment for r in ratings if r.comment)  # sorted, not by time: order must not hint at who
    return RatingSummary(session_id=session_id, aggregate=RatingAggregate(n=n, **means), comments=comments)


@router.get("/{session_id}/ratings", response_model=list[RatingPublic])
def list_ratings(session_id: str, session: SessionDep, _: SupervisorUser) -> list[RatingPublic]:
    return [RatingPublic.model_validate(r) for r in crud.list_ratings(session=session, session_id=session_id)]


@router.post("/{session_id}/reflection", response_model=ReflectionPublic, status_code=status.HTTP_201_CREATED)
def create_reflection(session_id: str, data: ReflectionCreate, session: SessionDep, principal: SignedInUser) -> ReflectionPublic:
    return ReflectionPublic.model_validate(crud.create_reflection(session=session, session_id=session_id, principal=principal, data=data))


@router.get("/{session_id}/reflections", response_model=list[ReflectionPublic])
def list_reflections(session_id: str, session: SessionDep, principal: SignedInUser) -> list[ReflectionPublic]:
    crud.get_session_fact(session=session, session_id=session_id)
    crud.ensure_tutor_or_supervisor(session=session, session_id=session_id, principal=principal)
    reflections = crud.list_reflections(session=session, session_id=session_id)
    if not principal.has_role("supervisor", "admin"):
        reflections = [r for r in reflections if r.tutor_id == principal.sub]
    return [ReflectionPublic.model_validate(r) for r in reflections]


@router.post("/{session_id}/observations", response_model=ObservationPublic, status_code=status.HTTP_201_CREATED)
def create_observation(session_id: str, data: ObservationCreate, session: SessionDep, principal: SupervisorUser) -> ObservationPublic:
    return ObservationPublic.model_validate(crud.create_observation(session=session, session_id=session_id, principal=principal, data=data))
