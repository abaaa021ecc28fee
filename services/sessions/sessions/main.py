"""Sessions service application."""

from fastapi import FastAPI

from kit.app import create_service_app
from kit.outbox import OutboxRelay
from kit.workers import PeriodicWorker
from sessions import feeds
from sessions.api.routes import ROUTERS
from sessions.clients import FeedbackSender, HttpApprovalChecker
from sessions.core.config import MIGRATIONS, Settings
from sessions.service import FEEDBACK_TOPIC
from sessions.webhooks import WebhookRelay


def outbox_relay(app: FastAPI) -> OutboxRelay:
    """The relay that delivers completed sessions to feedback."""
    settings: Settings = app.state.settings
    return OutboxRelay(app.state.engine, {FEEDBACK_TOPIC: FeedbackSender(settings)}, max_refusals=settings.outbox_max_refusals)


def create_app(settings: Settings | None = None, *, run_workers: bool = True) -> FastAPI:
    """Build the sessions service."""
    settings = settings or Settings()

    def outbox_worker(app: FastAPI) -> PeriodicWorker:
        return PeriodicWorker("sessions-outbox", outbox_relay(app).drain, settings.outbox_interval_seconds)

    def webhook_worker(app: FastAPI) -> PeriodicWorker:
        relay = WebhookRelay(app.state.engine, settings=settings)
        return PeriodicWorker("sessions-webhooks", relay.drain, settings.webhook_interval_seconds)

    def feed_worker(app: FastAPI) -> PeriodicWorker:
        return PeriodicWorker(
            "sessions-feeds", lambda: feeds.refresh_due_feeds(engine=app.state.engine, settings=settings), min(60.0, settings.feed_fetch_interval_seconds)
        )

    app = create_service_app(
        settings,
        title="NearPeer sessions",
        description="Teaching sessions and bookings, timetable integration (pull, push, publish), clash checks and webhooks.",
        migrations=MIGRATIONS,
        routers=ROUTERS,
        workers=[outbox_worker, webhook_worker, feed_worker],
        run_workers=run_workers,
    )
    app.state.approval_checker = HttpApprovalChecker(settings)
    result: FastAPI = app
    return result
