"""Dependencies as Annotated aliases for the routes."""

from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from kit.auth import AdminUser, CurrentPrincipal, Principal, SignedInUser, SupervisorUser, require
from kit.db import get_session
from kit.idempotency import OptionalIdempotencyKey
from sessions.clients import ApprovalChecker
from sessions.core.config import Settings

SessionDep = Annotated[Session, Depends(get_session)]


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_approval_checker(request: Request) -> ApprovalChecker:
    checker: ApprovalChecker = request.app.state.approval_checker
    return checker


SettingsDep = Annotated[Settings, Depends(get_settings)]
ApprovalCheckerDep = Annotated[ApprovalChecker, Depends(get_approval_checker)]
TimetableWriter = Annotated[Principal, Depends(require(roles=("admin",), scopes=("timetable:write",)))]
TimetableReader = Annotated[Principal, Depends(require(roles=("admin",), scopes=("timetable:read", "timetable:write")))]
SessionsReader = Annotated[Principal, Depends(require(roles=("learner", "tutor", "supervisor", "admin"), scopes=("sessions:read",)))]
EventsPublisher = Annotated[Principal, Depends(require(scopes=("sessions:events",)))]

__all__ = [
    "AdminUser",
    "ApprovalCheckerDep",
    "CurrentPrincipal",
    "EventsPublisher",
    "OptionalIdempotencyKey",
    "SessionDep",
    "SessionsReader",
    "SettingsDep",
    "SignedInUser",
    "SupervisorUser",
    "TimetableReader",
    "TimetableWriter",
]
