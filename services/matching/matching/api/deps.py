"""Dependencies as Annotated aliases for the routes."""

from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from kit.auth import AdminUser, CurrentPrincipal, Principal, SignedInUser, SupervisorUser, require
from kit.db import get_session
from matching.core.config import Settings
from matching.upstream import Upstreams, upstreams

SessionDep = Annotated[Session, Depends(get_session)]


def get_settings(request: Request) -> Settings:
    """The app's settings."""
    settings: Settings = request.app.state.settings
    return settings


def get_upstreams(request: Request) -> Upstreams:
    """Clients for sessions and feedback."""
    return upstreams(request.app)


SettingsDep = Annotated[Settings, Depends(get_settings)]
UpstreamsDep = Annotated[Upstreams, Depends(get_upstreams)]
LearnerUser = Annotated[Principal, Depends(require(roles=("learner",)))]
TutorUser = Annotated[Principal, Depends(require(roles=("tutor",)))]
ApprovalReader = Annotated[Principal, Depends(require(roles=("supervisor", "admin"), scopes=("matching:read",)))]
SuspensionClient = Annotated[Principal, Depends(require(scopes=("matching:approvals.suspend",)))]

STAFF = ("supervisor", "admin")

__all__ = [
    "STAFF",
    "AdminUser",
    "ApprovalReader",
    "CurrentPrincipal",
    "LearnerUser",
    "SessionDep",
    "SettingsDep",
    "SignedInUser",
    "SupervisorUser",
    "SuspensionClient",
    "TutorUser",
    "UpstreamsDep",
]
