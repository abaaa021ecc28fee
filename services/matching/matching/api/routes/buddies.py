from fastapi import APIRouter

from matching import buddies
from matching.api.deps import AdminUser, SessionDep, SettingsDep, UpstreamsDep
from matching.models import BuddyRequest, BuddyResult

router = APIRouter(prefix="/api/matching/buddies", tags=["buddies"])


@router.post("", response_model=BuddyResult, status_code=200)
def assign_buddies(data: BuddyRequest, session: SessionDep, settings: SettingsDep, ups: UpstreamsDep, user: AdminUser) -> BuddyResult:
    return buddies.assign(session=session, settings=settings, data=data, actor=user, ups=ups)
