from typing import Literal

from fastapi import APIRouter, status

from kit.auth import ensure
from matching import pairings
from matching.api.deps import STAFF, LearnerUser, SessionDep, SettingsDep, SignedInUser
from matching.models import MatchRequestCreate, MatchRequestPublic, PairingPublic, Reason, RequestStatus

router = APIRouter(prefix="/api/matching/requests", tags=["requests"])


@router.post("", response_model=MatchRequestPublic, status_code=status.HTTP_201_CREATED)
def create_request(data: MatchRequestCreate, session: SessionDep, settings: SettingsDep, user: LearnerUser) -> MatchRequestPublic:
    request = pairings.create_request(session=session, settings=settings, learner_id=user.sub, data=data)
    return pairings.public_requests(session=session, requests=[request])[0]


@router.get("", response_model=list[MatchRequestPublic])
def list_requests(
    session: SessionDep,
    user: SignedInUser,
    role: Literal["learner", "tutor"] | None = None,
    status: RequestStatus | None = None,
    topic_id: int | None = None,
    all: bool = False,
) -> list[MatchRequestPublic]:
    if all:
        ensure(user, roles=STAFF)
    rows = pairings.list_requests(session=session, user_id=None if all else user.sub, role=role, status=status, topic_id=topic_id)
    return pairings.public_requests(session=session, requests=rows)


@router.get("/{request_id}", response_model=MatchRequestPublic)
def get_request(request_id: int, session: SessionDep, user: SignedInUser) -> MatchRequestPublic:
    request = pairings.get_request(session=session, request_id=request_id)
    if user.sub not in (request.learner_id, request.tutor_id):
        ensure(user, roles=STAFF)
    return pairings.public_requests(session=session, requests=[request])[0]


@router.post("/{request_id}/accept", response_model=PairingPublic)
def accept_request(request_id: int, session: SessionDep, settings: SettingsDep, user: SignedInUser) -> PairingPublic:
    request = pairings.get_request(session=session, request_id=request_id)
    return PairingPublic.model_validate(pairings.accept(session=session, settings=settings, request=request, actor=user))


@router.post("/{request_id}/decline", response_model=MatchRequestPublic)
def decline_request(
    request_id: int, session: SessionDep, settings: SettingsDep, user: SignedInUser, data: Reason | None = None
) -> MatchRequestPublic:
    request = pairings.get_request(session=session, request_id=request_id)
    reason = data.reason if data else None
    declined = pairings.decline(session=session, settings=settings, request=request, actor=user, reason=reason)
    return pairings.public_requests(session=session, requests=[declined])[0]


@router.post("/{request_id}/cancel", response_model=MatchRequestPublic)
def cancel_request(request_id: int, session: SessionDep, user: SignedInUser) -> MatchRequestPublic:
    request = pairings.get_request(session=session, request_id=request_id)
    return pairings.public_requests(session=session, requests=[pairings.cancel(session=session, request=request, actor=user)])[0]
