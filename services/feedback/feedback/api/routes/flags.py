from fastapi import APIRouter, status

from feedback import crud
from feedback.api.deps import SessionDep, SettingsDep, SignedInUser, SupervisorUser
from feedback.api.routes.errata import erratum_detail
from feedback.models import AccuracyFlag, ErratumDetail, FlagConfirm, FlagCreate, FlagDismiss, FlagPublic, FlagStatus
from kit.auth import ensure_self_or
from kit.db import utcnow

router = APIRouter(prefix="/api/feedback/flags", tags=["flags"])


def flag_public(flag: AccuracyFlag) -> FlagPublic:
    now = utcnow()
    return FlagPublic.model_validate(flag, update={
        "age_hours": round((now - flag.created_at).total_seconds() / 3600, 2),
        "overdue": flag.status == FlagStatus.open.value and now > flag.due_at,
    })


@router.post("", response_model=FlagPublic, status_code=status.HTTP_201_CREATED)
def create_flag(data: FlagCreate, session: SessionDep, settings: SettingsDep, principal: SignedInUser) -> FlagPublic:
    return flag_public(crud.create_flag(session=session, principal=principal, data=data, target_hours=settings.flag_target_hours))


@router.get("", response_model=list[FlagPublic])
def list_flags(session: SessionDep, _: SupervisorUser, status: FlagStatus | None = FlagStatus.open,
               topic_id: int | None = None) -> list[FlagPublic]:
    return [flag_public(f) for f in crud.list_flags(session=session, status=status, topic_id=topic_id)]


@router.get("/{flag_id}", response_model=FlagPublic)
def get_flag(flag_id: int, session: SessionDep, principal: SignedInUser) -> FlagPublic:
    flag = crud.get_flag(session=session, flag_id=flag_id)
    ensure_self_or(principal, flag.flagger_id, roles=("supervisor", "admin"))
    return flag_public(flag)


@router.post("/{flag_id}/dismiss", response_model=FlagPublic)
def dismiss_flag(flag_id: int, data: FlagDismiss, session: SessionDep, principal: SupervisorUser) -> FlagPublic:
    return flag_public(crud.dismiss_flag(session=session, flag_id=flag_id, principal=principal, note=data.note))


@router.post("/{flag_id}/confirm", response_model=ErratumDetail, status_code=status.HTTP_201_CREATED)
def confirm_flag(flag_id: int, data: FlagConfirm, session: SessionDep, principal: SupervisorUser) -> ErratumDetail:
    erratum = crud.confirm_flag(session=session, flag_id=flag_id, principal=principal, data=data)
    return erratum_detail(session=session, erratum_id=erratum.id or 0)
