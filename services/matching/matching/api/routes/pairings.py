from fastapi import APIRouter

from kit.auth import ensure
from matching import pairings
from matching.api.deps import STAFF, SessionDep, SignedInUser
from matching.models import EndReason, PairingPublic, PairingStatus

router = APIRouter(prefix="/api/matching/pairings", tags=["pairings"])


@router.get("", response_model=list[PairingPublic])
def list_pairings(
    session: SessionDep,
    user: SignedInUser,
    all: bool = False,
    learner_id: str | None = None,
    tutor_id: str | None = None,
    topic_id: int | None = None,
    status: PairingStatus | None = None,
    run_id: int | None = None,
) -> list[PairingPublic]:
    if all:
        ensure(user, roles=STAFF)
    rows = pairings.list_pairings(
        session=session,
        user_id=None if all else user.sub,
        learner_id=learner_id,
        tutor_id=tutor_id,
        topic_id=topic_id,
        status=status,
        run_id=run_id,
    )
    return [PairingPublic.model_validate(p) for p in rows]


@router.get("/{pairing_id}", response_model=PairingPublic)
def get_pairing(pairing_id: int, session: SessionDep, user: SignedInUser) -> PairingPublic:
    pairing = pairings.get_pairing(session=session, pairing_id=pairing_id)
    if user.sub not in (pairing.learner_id, pairing.tutor_id):
        ensure(user, roles=STAFF)
    return PairingPublic.model_validate(pairing)


@router.post("/{pairing_id}/confirm", response_model=PairingPublic)
def confirm_pairing(pairing_id: int, session: SessionDep, user: SignedInUser) -> PairingPublic:
    pairing = pairings.get_pairing(session=session, pairing_id=pairing_id)
    return PairingPublic.model_validate(pairings.confirm_pairing(session=session, pairing=pairing, actor=user))


@router.post("/{pairing_id}/end", response_model=PairingPublic)
def end_pairing(pairing_id: int, data: EndReason, session: SessionDep, user: SignedInUser) -> PairingPublic:
    pairing = pairings.get_pairing(session=session, pairing_id=pairing_id)
    return PairingPublic.model_validate(pairings.end_pairing(session=session, pairing=pairing, actor=user, reason=data.reason))
