from fastapi import APIRouter, Request, Response, status
from fastapi.responses import JSONResponse

from kit.idempotency import request_hash, run_idempotent
from sessions import feeds
from sessions.api.deps import AdminUser, OptionalIdempotencyKey, SessionDep, SettingsDep
from sessions.models import FeedCreate, FeedPublic

router = APIRouter(prefix="/api/sessions/feeds", tags=["feeds"])


@router.post("", response_model=FeedPublic, status_code=status.HTTP_201_CREATED)
def create_feed(data: FeedCreate, session: SessionDep, principal: AdminUser, key: OptionalIdempotencyKey, settings: SettingsDep) -> JSONResponse:
    def action() -> tuple[int, object]:
        return 201, feeds.feed_public(feeds.create_feed(session=session, data=data, settings=settings)).model_dump(mode="json")

    fingerprint = request_hash("create_feed", data.model_dump(mode="json"))
    code, body = run_idempotent(session, caller=principal.sub, key=key, fingerprint=fingerprint, action=action)
    return JSONResponse(body, status_code=code)


@router.get("", response_model=list[FeedPublic])
def list_feeds(session: SessionDep, _: AdminUser) -> list[FeedPublic]:
    return [feeds.feed_public(f) for f in feeds.list_feeds(session=session)]


@router.get("/{feed_id}", response_model=FeedPublic)
def get_feed(feed_id: int, session: SessionDep, _: AdminUser) -> FeedPublic:
    return feeds.feed_public(feeds.get_feed(session=session, feed_id=feed_id))


@router.post("/{feed_id}/refresh", response_model=FeedPublic)
def refresh_feed(feed_id: int, request: Request, session: SessionDep, _: AdminUser, settings: SettingsDep) -> FeedPublic:
    feeds.get_feed(session=session, feed_id=feed_id)
    session.close()
    return feeds.feed_public(feeds.refresh_feed(engine=request.app.state.engine, feed_id=feed_id, settings=settings))


@router.delete("/{feed_id}", status_code=status.HTTP_204_NO_CONTENT, response_class=Response)
def delete_feed(feed_id: int, session: SessionDep, _: AdminUser) -> Response:
    feeds.delete_feed(session=session, feed_id=feed_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
