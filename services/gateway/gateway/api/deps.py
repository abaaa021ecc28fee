"""Dependencies as Annotated aliases for the routes."""

from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from gateway.core.config import Settings
from gateway.core.security import KeyRing, Passwords
from kit.auth import AdminUser, CurrentPrincipal, Principal, SignedInUser, require
from kit.db import get_session


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_keys(request: Request) -> KeyRing:
    keys: KeyRing = request.app.state.keys
    return keys


def get_passwords(request: Request) -> Passwords:
    passwords: Passwords = request.app.state.passwords
    return passwords


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
KeysDep = Annotated[KeyRing, Depends(get_keys)]
PasswordsDep = Annotated[Passwords, Depends(get_passwords)]
UserReader = Annotated[Principal, Depends(require(roles=("admin",), scopes=("users:read",)))]

__all__ = ["AdminUser", "CurrentPrincipal", "KeysDep", "PasswordsDep", "SessionDep", "SettingsDep", "SignedInUser", "UserReader"]
