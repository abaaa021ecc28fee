from fastapi import APIRouter

from matching.api.routes import (
    admin,
    approvals,
    buddies,
    exclusions,
    learners,
    notifications,
    pairings,
    requests,
    runs,
    suggestions,
    topics,
    tutors,
)

ROUTERS: list[APIRouter] = [
    topics.router,
    learners.router,
    tutors.router,
    approvals.router,
    exclusions.router,
    suggestions.router,
    requests.router,
    pairings.router,
    runs.router,
    notifications.router,
    buddies.router,
    admin.router,
]
