"""Feedback service application."""

from fastapi import FastAPI

from feedback.api.routes import ROUTERS
from feedback.core.config import MIGRATIONS, Settings
from feedback.relay import outbox_worker
from kit.app import create_service_app


def create_app(settings: Settings | None = None, *, run_workers: bool = True) -> FastAPI:
    """Build the feedback service."""
    settings = settings or Settings()
    app: FastAPI = create_service_app(
        settings,
        title="NearPeer feedback",
        description="Session ratings, confidence and anxiety, accuracy flags and errata, supervision, portfolios, reports.",
        migrations=MIGRATIONS,
        routers=ROUTERS,
        workers=[outbox_worker],
        run_workers=run_workers,
    )
    return app
