from fastapi import APIRouter
from sqlmodel import Session

from feedback import crud
from feedback.api.deps import SessionDep, SignedInUser, SupervisorUser
from feedback.models import Acknowledgement, ErratumDetail, ErratumPublic, RecipientPublic
from kit.errors import Forbidden

router = APIRouter(prefix="/api/feedback/errata", tags=["errata"])


def erratum_detail(*, session: Session, erratum_id: int) -> ErratumDetail:
    erratum = crud.get_erratum(session=session, erratum_id=erratum_id)
    recipients = crud.erratum_recipients(session=session, erratum_id=erratum_id)
    names = crud.recipient_names(session=session, erratum_id=erratum_id)
    return ErratumDetail.model_validate(erratum, update={
        "session_ids": crud.erratum_sessions(session=session, erratum_id=erratum_id),
        "recipients": [RecipientPublic.model_validate(r, from_attributes=True, update={"display_name": names.get(r.user_id)})
                       for r in recipients],
        "pending": [r.user_id for r in recipients if r.acknowledged_at is None],
    })


@router.get("/{erratum_id}", response_model=ErratumDetail)
def get_erratum(erratum_id: int, session: SessionDep, _: SupervisorUser) -> ErratumDetail:
    return erratum_detail(session=session, erratum_id=erratum_id)


@router.get("/{erratum_id}/content", response_model=ErratumPublic)
def get_erratum_content(erratum_id: int, session: SessionDep, principal: SignedInUser) -> ErratumPublic:
    erratum = crud.get_erratum(session=session, erratum_id=erratum_id)
    recipients = {r.user_id for r in crud.erratum_recipients(session=session, erratum_id=erratum_id)}
    if principal.sub not in recipients and not principal.has_role("supervisor", "admin"):
        raise Forbidden("This erratum was not sent to you", code="not_a_recipient")
    return ErratumPublic.model_validate(erratum, update={"session_ids": crud.erratum_sessions(session=session, erratum_id=erratum_id)})


@router.post("/{erratum_id}/acknowledge", response_model=Acknowledgement)
def acknowledge_erratum(erratum_id: int, session: SessionDep, principal: SignedInUser) -> Acknowledgement:
    recipient = crud.acknowledge_erratum(session=session, erratum_id=erratum_id, user_id=principal.sub)
    assert recipient.acknowledged_at is not None
    return Acknowledgement(erratum_id=erratum_id, acknowledged_at=recipient.acknowledged_at)
