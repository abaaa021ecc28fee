"""Matching service application."""

from fastapi import FastAPI
from sqlmodel import Session

from kit.app import create_service_app
from kit.workers import PeriodicWorker
from matching import approvals, pairings, runs
from matching.api.routes import ROUTERS
from matching.api.routes.runs import RUN_WORKER
from matching.core.config import MIGRATIONS, Settings
from matching.relay import outbox_worker


def housekeeping(app: FastAPI) -> None:
    """Record approval expiries and expire unanswered requests."""
    with Session(app.state.engine, expire_on_commit=False) as session:
        approvals.record_expiries(session=session)
    with Session(app.state.engine, expire_on_commit=False) as session:
        pairings.expire_requests(session=session, settings=app.state.settings)


def housekeeping_worker(app: FastAPI) -> PeriodicWorker:
    """Periodic expiry of approvals and requests."""
    return PeriodicWorker("matching-housekeeping", lambda: housekeeping(app), app.state.settings.worker_interval_seconds)


def run_worker(app: FastAPI) -> PeriodicWorker:
    """Picks queued cohort runs from the database; runs interrupted by a stop are queued again first."""
    runs.requeue_interrupted(engine=app.state.engine)
    return PeriodicWorker(
        RUN_WORKER, lambda: runs.process_queued(engine=app.state.engine, settings=app.state.settings), app.state.settings.run_poll_seconds
    )


def create_app(settings: Settings | None = None, *, run_workers: bool = True) -> FastAPI:
    """Build the matching service."""
    settings = settings or Settings()
    app: FastAPI = create_service_app(
        settings,
        title="NearPeer matching",
        description="Topic catalogue, near-peer profiles, faculty approvals, match requests and cohort matching.",
        migrations=MIGRATIONS,
        routers=ROUTERS,
        workers=[housekeeping_worker, run_worker, outbox_worker],
        run_workers=run_workers,
    )
    return app
