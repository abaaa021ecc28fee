from typing import Annotated

from fastapi import APIRouter, Query

from matching import suggestions
from matching.api.deps import LearnerUser, SessionDep, SettingsDep, UpstreamsDep
from matching.models import SuggestionList

router = APIRouter(prefix="/api/matching/suggestions", tags=["suggestions"])


@router.get("", response_model=SuggestionList)
def list_suggestions(
    topic_id: int,
    session: SessionDep,
    settings: SettingsDep,
    ups: UpstreamsDep,
    user: LearnerUser,
    k: Annotated[int, Query(ge=1, le=50)] = 5,
) -> SuggestionList:
    return suggestions.suggest(
        session=session, settings=settings, ups=ups, learner_id=user.sub, topic_id=topic_id, k=k, bearer=user.token
    )
