from fastapi import APIRouter

from matching import buddies
from matching.api.deps import AdminUser, SessionDep, SettingsDep
from matching.models import BuddyRequest, BuddyResult

router = APIRouter(prefix="/api/matching/buddies", tags=["buddies"])


@router.post("", response_model=BuddyResult)
def assign_buddies(data: BuddyRequest, session: SessionDep, settings: SettingsDep, user: AdminUser) -> BuddyResult:
    return buddies.assign(session=session, settings=settings, data=data, actor=user)
