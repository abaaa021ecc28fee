from fastapi import APIRouter

from sessions.api.routes import (
    admin,
    agenda,
    availability,
    bookings,
    calendar,
    events,
    feeds,
    notifications,
    sessions,
    timetable,
    webhooks,
)

ROUTERS: list[APIRouter] = [
    sessions.router,
    bookings.router,
    availability.router,
    agenda.router,
    timetable.router,
    feeds.router,
    calendar.router,
    webhooks.router,
    events.router,
    notifications.router,
    admin.router,
]
