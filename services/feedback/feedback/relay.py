"""Delivery of outbox messages to matching (tutor suspensions), retried until they land or are refused for good."""

from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy.engine import Engine

from feedback.core.config import Settings
from feedback.crud import SUSPENSION_TOPIC
from kit.http import ClientCredentials, ServiceClient
from kit.outbox import DEFAULT_MAX_REFUSALS, OutboxRelay, check_delivery
from kit.workers import PeriodicWorker

SUSPENSIONS_PATH = "/api/matching/approvals/suspensions"


def matching_client(settings: Settings, transport: httpx.BaseTransport | None = None) -> ServiceClient:
    """A client calling matching with feedback's own service token."""
    credentials = (
        ClientCredentials(settings.token_url, settings.client_id, settings.client_secret) if settings.client_id else None
    )
    return ServiceClient(settings.matching_url, credentials=credentials, timeout=settings.http_timeout_seconds,
                         retries=settings.http_retries, transport=transport)


def make_relay(engine: Engine, client: ServiceClient, *, max_refusals: int = DEFAULT_MAX_REFUSALS) -> OutboxRelay:
    """The relay with one handler per outbox topic."""

    def deliver_suspension(key: str, payload: dict[str, Any]) -> None:
        body = {**payload, "erratum_id": str(payload["erratum_id"])}  # matching takes ids as strings
        response = client.post(SUSPENSIONS_PATH, headers={"Idempotency-Key": key}, json=body, retry_writes=True)
        check_delivery(response, receiver="matching")

    return OutboxRelay(engine, {SUSPENSION_TOPIC: deliver_suspension}, max_refusals=max_refusals)


def outbox_worker(app: FastAPI) -> PeriodicWorker:
    """Background relay of the outbox, every few seconds."""
    settings: Settings = app.state.settings
    relay = make_relay(app.state.engine, matching_client(settings), max_refusals=settings.outbox_max_refusals)
    return PeriodicWorker("feedback-outbox", relay.drain, settings.outbox_interval_seconds)
