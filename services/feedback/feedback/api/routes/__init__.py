from fastapi import APIRouter

from feedback.api.routes import (
    admin,
    assessments,
    endorsements,
    errata,
    events,
    flags,
    notifications,
    portfolio,
    reports,
    sessions,
)

ROUTERS: list[APIRouter] = [
    events.router,
    sessions.router,
    assessments.router,
    flags.router,
    errata.router,
    notifications.router,
    endorsements.router,
    portfolio.router,
    reports.router,
    reports.quality_router,
    admin.router,
]
