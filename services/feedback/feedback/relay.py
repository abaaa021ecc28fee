"""Delivery of outbox messages to matching (tutor suspensions), retried until they land."""

from contextvars import ContextVar
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy.engine import Engine

from feedback.core.config import Settings
from feedback.crud import SUSPENSION_TOPIC
from kit.http import ClientCredentials, ServiceClient
from kit.outbox import OutboxRelay
from kit.workers import PeriodicWorker

SUSPENSIONS_PATH = "/api/matching/approvals/suspensions"


_extra_headers: ContextVar[dict[str, str] | None] = ContextVar("feedback_extra_headers", default=None)


class DeliveryFailed(RuntimeError):
    pass


class HeaderServiceClient(ServiceClient):
    """ServiceClient that can add per-call headers (the kit's `request` builds headers itself and rejects `headers=`)."""

    def _headers(self, bearer: str | None) -> dict[str, str]:
        return {**super()._headers(bearer), **(_extra_headers.get() or {})}

    def post_with_headers(self, path: str, *, headers: dict[str, str], **kwargs: Any) -> httpx.Response:
        token = _extra_headers.set(headers)
        try:
            response: httpx.Response = self.post(path, **kwargs)
            return response
        finally:
            _extra_headers.reset(token)


def matching_client(settings: Settings, transport: httpx.BaseTransport | None = None) -> HeaderServiceClient:
    """A client calling matching with feedback's own service token."""
    credentials = (
        ClientCredentials(settings.token_url, settings.client_id, settings.client_secret) if settings.client_id else None
    )
    return HeaderServiceClient(settings.matching_url, credentials=credentials, timeout=settings.http_timeout_seconds,
                         retries=settings.http_retries, transport=transport)


def make_relay(engine: Engine, client: HeaderServiceClient) -> OutboxRelay:
    """The relay with one handler per outbox topic."""

    def deliver_suspension(key: str, payload: dict[str, Any]) -> None:
        response = client.post_with_headers(SUSPENSIONS_PATH, headers={"Idempotency-Key": key}, json=payload, retry_writes=True)
        if response.status_code >= 300:
            raise DeliveryFailed(f"matching answered {response.status_code}: {response.text[:200]}")

    return OutboxRelay(engine, {SUSPENSION_TOPIC: deliver_suspension})


def outbox_worker(app: FastAPI) -> PeriodicWorker:
    """Background relay of the outbox, every few seconds."""
    settings: Settings = app.state.settings
    relay = make_relay(app.state.engine, matching_client(settings))
    return PeriodicWorker("feedback-outbox", relay.drain, settings.outbox_interval_seconds)
