from typing import Annotated

from fastapi import APIRouter, Query, status
from fastapi.responses import JSONResponse

from kit.idempotency import request_hash, run_idempotent
from sessions import webhooks
from sessions.api.deps import AdminUser, OptionalIdempotencyKey, SessionDep, SettingsDep
from sessions.models import WebhookDeliveryPublic, WebhookEndpointCreate, WebhookEndpointCreated, WebhookEndpointPublic

router = APIRouter(prefix="/api/sessions/webhooks", tags=["webhooks"])


@router.post("/endpoints", response_model=WebhookEndpointCreated, status_code=status.HTTP_201_CREATED)
def create_webhook_endpoint(
    data: WebhookEndpointCreate, session: SessionDep, principal: AdminUser, key: OptionalIdempotencyKey, settings: SettingsDep
) -> JSONResponse:
    def action() -> tuple[int, object]:
        endpoint = webhooks.create_endpoint(session=session, data=data, settings=settings)
        return 201, WebhookEndpointCreated.model_validate(endpoint).model_dump(mode="json")

    fingerprint = request_hash("create_webhook_endpoint", data.model_dump(mode="json"))
    code, body = run_idempotent(session, caller=principal.sub, key=key, fingerprint=fingerprint, action=action)
    return JSONResponse(body, status_code=code)


@router.get("/endpoints", response_model=list[WebhookEndpointPublic])
def list_webhook_endpoints(session: SessionDep, _: AdminUser) -> list[WebhookEndpointPublic]:
    return [WebhookEndpointPublic.model_validate(e) for e in webhooks.list_endpoints(session=session)]


@router.post("/endpoints/{endpoint_id}/enable", response_model=WebhookEndpointPublic)
def enable_webhook_endpoint(endpoint_id: int, session: SessionDep, _: AdminUser) -> WebhookEndpointPublic:
    return WebhookEndpointPublic.model_validate(webhooks.set_endpoint_active(session=session, endpoint_id=endpoint_id, active=True))


@router.post("/endpoints/{endpoint_id}/disable", response_model=WebhookEndpointPublic)
def disable_webhook_endpoint(endpoint_id: int, session: SessionDep, _: AdminUser) -> WebhookEndpointPublic:
    return WebhookEndpointPublic.model_validate(webhooks.set_endpoint_active(session=session, endpoint_id=endpoint_id, active=False))


@router.get("/deliveries", response_model=list[WebhookDeliveryPublic])
def list_webhook_deliveries(
    session: SessionDep, _: AdminUser, endpoint_id: int | None = None, status: str | None = None, limit: Annotated[int, Query(ge=1, le=500)] = 100
) -> list[WebhookDeliveryPublic]:
    rows = webhooks.list_deliveries(session=session, endpoint_id=endpoint_id, status=status, limit=limit)
    return [webhooks.delivery_public(session=session, delivery=d) for d in rows]


@router.post("/deliveries/{delivery_id}/replay", response_model=WebhookDeliveryPublic)
def replay_webhook_delivery(delivery_id: int, session: SessionDep, _: AdminUser) -> WebhookDeliveryPublic:
    return webhooks.delivery_public(session=session, delivery=webhooks.replay(session=session, delivery_id=delivery_id))
