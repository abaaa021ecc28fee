"""Delivery of outbox messages to sessions (approval suspensions), retried until they land or are refused for good."""

from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy.engine import Engine

from kit.http import ClientCredentials, ServiceClient
from kit.outbox import DEFAULT_MAX_REFUSALS, OutboxRelay, check_delivery
from kit.workers import PeriodicWorker
from matching.approvals import APPROVAL_SUSPENDED_TOPIC
from matching.core.config import Settings

APPROVAL_SUSPENDED_PATH = "/api/sessions/events/approval-suspended"


def sessions_client(settings: Settings, transport: httpx.BaseTransport | None = None) -> ServiceClient:
    """A client calling sessions with matching's own service token (scope sessions:events)."""
    credentials = (
        ClientCredentials(settings.token_url, settings.client_id, settings.client_secret) if settings.client_id else None
    )
    return ServiceClient(settings.sessions_url, credentials=credentials, timeout=settings.http_timeout_seconds,
                         retries=settings.http_retries, transport=transport)


def make_relay(engine: Engine, client: ServiceClient, *, max_refusals: int = DEFAULT_MAX_REFUSALS) -> OutboxRelay:
    """The relay with one handler per outbox topic."""

    def deliver_suspension(key: str, payload: dict[str, Any]) -> None:
        response = client.post(APPROVAL_SUSPENDED_PATH, headers={"Idempotency-Key": key}, json=payload, retry_writes=True)
        check_delivery(response, receiver="sessions")

    return OutboxRelay(engine, {APPROVAL_SUSPENDED_TOPIC: deliver_suspension}, max_refusals=max_refusals)


def outbox_worker(app: FastAPI) -> PeriodicWorker:
    """Background relay of the outbox, every few seconds."""
    settings: Settings = app.state.settings
    relay = make_relay(app.state.engine, sessions_client(settings), max_refusals=settings.outbox_max_refusals)
    return PeriodicWorker("matching-outbox", relay.drain, settings.outbox_interval_seconds)
