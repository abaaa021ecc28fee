from fastapi import APIRouter, Request, Response

from sessions import publish
from sessions.api.deps import SessionDep, SettingsDep, SignedInUser
from sessions.models import FeedUrl

router = APIRouter(prefix="/api/sessions/calendar", tags=["calendar"])


def _url(settings_base: str, token: str) -> str:
    return f"{settings_base.rstrip('/')}/api/sessions/calendar/{token}.ics"


@router.get("/feed-url", response_model=FeedUrl)
def get_feed_url(session: SessionDep, principal: SignedInUser, settings: SettingsDep) -> FeedUrl:
    token, record = publish.feed_token(session=session, user_id=principal.sub, secret=settings.calendar_token_secret)
    return FeedUrl(url=_url(settings.public_base_url, token), created_at=record.created_at, note="Anyone with this link can read your sessions; rotate it if it leaks.")


@router.post("/feed-url/rotate", response_model=FeedUrl)
def rotate_feed_url(session: SessionDep, principal: SignedInUser, settings: SettingsDep) -> FeedUrl:
    token, record = publish.feed_token(session=session, user_id=principal.sub, secret=settings.calendar_token_secret, rotate=True)
    return FeedUrl(url=_url(settings.public_base_url, token), created_at=record.created_at, note="The previous link no longer works.")


@router.get("/{token}.ics", response_model=None, responses={200: {"content": {"text/calendar": {}}}, 304: {"description": "Not modified"}})
def get_personal_calendar(token: str, request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    user_id = publish.owner_of_token(session=session, token=token)
    items = publish.sessions_for_person(session=session, user_id=user_id)
    body = publish.render_calendar(
        session=session, items=items, name="NearPeer sessions", base_url=settings.public_base_url, zone_name=settings.faculty_timezone
    )
    etag = publish.etag_of(body)
    headers = {"ETag": etag, "Cache-Control": "private, max-age=300"}
    if publish.none_match(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="text/calendar; charset=utf-8", headers=headers)
