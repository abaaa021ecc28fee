
from fastapi import APIRouter, status
from fastapi.responses import JSONResponse

from kit.auth import ensure_self_or
from kit.idempotency import IdempotencyKey, request_hash, run_idempotent
from kit.limits import BULK_BODY
from matching import approvals
from matching.api.deps import STAFF, ApprovalReader, SessionDep, SignedInUser, SupervisorUser, SuspensionClient
from matching.models import (
    ApprovalCheck,
    ApprovalCreate,
    ApprovalDetail,
    ApprovalPublic,
    ApprovalStatus,
    ApprovalTransition,
    SuspensionIn,
    SuspensionResult,
)

router = APIRouter(prefix="/api/matching/approvals", tags=["approvals"])


@router.post("", response_model=ApprovalPublic, status_code=status.HTTP_201_CREATED)
def create_approval(data: ApprovalCreate, session: SessionDep, user: SupervisorUser) -> ApprovalPublic:
    return approvals.approval_public(approvals.create_approval(session=session, data=data, actor=user.sub))


@router.post("/bulk", response_model=list[ApprovalPublic], status_code=status.HTTP_201_CREATED, openapi_extra=BULK_BODY)
def bulk_create_approvals(items: list[ApprovalCreate], session: SessionDep, user: SupervisorUser) -> list[ApprovalPublic]:
    return [approvals.approval_public(a) for a in approvals.bulk_create_approvals(session=session, items=items, actor=user.sub)]


@router.get("", response_model=list[ApprovalPublic])
def list_approvals(
    session: SessionDep,
    user: SignedInUser,
    tutor_id: str | None = None,
    topic_id: int | None = None,
    status: ApprovalStatus | None = None,
) -> list[ApprovalPublic]:
    if not user.has_role(*STAFF):
        tutor_id = user.sub  # tutors see their own approvals only
    rows = approvals.list_approvals(session=session, tutor_id=tutor_id, topic_id=topic_id, status=status)
    return [approvals.approval_public(a) for a in rows]


@router.get("/check", response_model=ApprovalCheck)
def check_approval(tutor_id: str, topic_id: int, session: SessionDep, _: ApprovalReader) -> ApprovalCheck:
    return approvals.check(session=session, tutor_id=tutor_id, topic_id=topic_id)


@router.post("/suspensions", response_model=SuspensionResult)
def suspend_approval(data: SuspensionIn, session: SessionDep, client: SuspensionClient, key: IdempotencyKey) -> JSONResponse:
    def action() -> tuple[int, object]:
        return 200, approvals.suspend_from_feedback(session=session, data=data, client=client.sub)

    # The outbox key names one erratum's suspension: a redelivery is answered as the first was, whatever its body.
    fingerprint = request_hash("suspend_approval", None)
    code, body = run_idempotent(session, caller=client.sub, key=key, fingerprint=fingerprint, action=action)
    return JSONResponse(body, status_code=code)


@router.get("/{approval_id}", response_model=ApprovalDetail)
def get_approval(approval_id: int, session: SessionDep, user: SignedInUser) -> ApprovalDetail:
    approval = approvals.get_approval(session=session, approval_id=approval_id)
    ensure_self_or(user, approval.tutor_id, roles=STAFF)
    return approvals.approval_detail(session=session, approval=approval)


@router.post("/{approval_id}/transition", response_model=ApprovalDetail)
def transition_approval(approval_id: int, data: ApprovalTransition, session: SessionDep, user: SupervisorUser) -> ApprovalDetail:
    approval = approvals.get_approval(session=session, approval_id=approval_id)
    approval = approvals.transition(session=session, approval=approval, data=data, actor=user.sub)
    return approvals.approval_detail(session=session, approval=approval)
