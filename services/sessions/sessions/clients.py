"""Calls to other services: the approval check (matching) and completed-session events (feedback)."""

from typing import Any, Protocol

from kit.errors import AppError, BadGateway
from kit.http import ClientCredentials, ServiceClient
from kit.outbox import check_delivery
from sessions.core.config import Settings


class ApprovalChecker(Protocol):
    def is_approved(self, *, tutor_id: str, topic_id: int) -> tuple[bool, str | None]: ...


def _credentials(settings: Settings) -> ClientCredentials | None:
    if settings.client_id is None:
        return None
    return ClientCredentials(settings.token_url, settings.client_id, settings.client_secret)


class HttpApprovalChecker:
    """Asks matching whether a tutor is approved for a topic; unreachable -> 502 approval_check_unavailable."""

    def __init__(self, settings: Settings) -> None:
        self.client = ServiceClient(
            settings.matching_url, credentials=_credentials(settings), timeout=settings.http_timeout_seconds, retries=settings.http_retries
        )

    def is_approved(self, *, tutor_id: str, topic_id: int) -> tuple[bool, str | None]:
        try:
            response = self.client.get("/api/matching/approvals/check", params={"tutor_id": tutor_id, "topic_id": topic_id})
            if response.status_code != 200:
                raise BadGateway(f"matching answered {response.status_code}")
            body: dict[str, Any] = response.json()
        except (AppError, ValueError, OSError) as exc:
            message = exc.message if isinstance(exc, AppError) else str(exc)
            raise BadGateway(
                f"Cannot verify the tutor's approval right now ({message}); the session was not created",
                code="approval_check_unavailable",
            ) from exc
        return bool(body.get("approved")), body.get("reason")


class FeedbackSender:
    """Outbox handler: POST a completed session to feedback with the outbox key as Idempotency-Key."""

    def __init__(self, settings: Settings) -> None:
        self.client = ServiceClient(
            settings.feedback_url, credentials=_credentials(settings), timeout=settings.http_timeout_seconds, retries=settings.http_retries
        )

    def __call__(self, key: str, payload: dict[str, Any]) -> None:
        response = self.client.post(
            "/api/feedback/events/session-completed", json=payload, headers={"Idempotency-Key": key}, retry_writes=True
        )
        check_delivery(response, receiver="feedback")
