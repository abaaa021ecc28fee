from typing import Annotated

from fastapi import APIRouter, Query

from gateway import crud
from gateway.api.deps import SessionDep, UserReader
from gateway.models import UserName
from kit.errors import ValidationFailed

router = APIRouter(prefix="/api/users", tags=["users"])

MAX_IDS = 200


@router.get("/lookup", response_model=list[UserName])
def lookup_users(session: SessionDep, _: UserReader, ids: Annotated[str, Query(description="Comma-separated user ids")]) -> list[UserName]:
    """Display names for user ids (admins, or machine clients with scope users:read); unknown ids are left out."""
    wanted = [i.strip() for i in ids.split(",") if i.strip()]
    if len(wanted) > MAX_IDS:
        raise ValidationFailed(f"At most {MAX_IDS} ids per call", code="too_many_ids", field="query.ids")
    return [UserName(id=u.id, username=u.username, full_name=u.full_name) for u in crud.lookup_users(session=session, ids=wanted)]
