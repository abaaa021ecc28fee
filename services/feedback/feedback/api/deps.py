"""Dependencies as Annotated aliases for the routes."""

from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from feedback.core.config import Settings
from kit.auth import AdminUser, CurrentPrincipal, SignedInUser, SupervisorUser
from kit.db import get_session


def get_settings(request: Request) -> Settings:
    """The settings the app was built with."""
    settings: Settings = request.app.state.settings
    return settings


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]

__all__ = ["AdminUser", "CurrentPrincipal", "SessionDep", "SettingsDep", "SignedInUser", "SupervisorUser"]
