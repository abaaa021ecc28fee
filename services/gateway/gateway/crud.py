"""Users, refresh tokens and machine clients: data access and the rules around them."""

import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import String, cast, func, or_, update
from sqlmodel import Session, col, select

from gateway import accounts, audit
from gateway.core.security import Passwords, digest, digest_matches, generate_password, new_opaque_token
from gateway.models import AuditAction, Client, ClientCreate, RefreshToken, Role, User, UserCreate, UserUpdate
from kit.auth import Principal
from kit.db import utcnow
from kit.errors import Conflict, NotFound, Unauthorized

# --- users ---------------------------------------------------------------------------------------


def get_user(*, session: Session, user_id: str) -> User:
    """A user or 404 `user_not_found`."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"User {user_id} does not exist", code="user_not_found")
    return user


def get_user_by_username(*, session: Session, username: str) -> User | None:
    """The user with that username (case-insensitive), if any."""
    return session.exec(select(User).where(User.username == username.strip().lower())).first()


def existing_usernames(*, session: Session, usernames: Sequence[str]) -> set[str]:
    """Which of these (normalised) usernames are taken."""
    if not usernames:
        return set()
    return set(session.exec(select(User.username).where(col(User.username).in_(list(usernames)))).all())


def create_user(*, session: Session, data: UserCreate, password_hash: str, actor: Principal | None, commit: bool = True) -> User:
    """Insert a user (the username must be free), with its audit entry."""
    if get_user_by_username(session=session, username=data.username) is not None:
        raise Conflict(f"Username {data.username} is taken", code="username_taken", field="body.username")
    user = User(
        username=data.username, full_name=data.full_name, email=data.email, roles=list(data.roles),
        password_hash=password_hash,
    )
    session.add(user)
    audit.record(
        session=session, actor=actor, action=AuditAction.user_created, target_type="user", target_id=user.id,
        summary=f"created {user.username} ({', '.join(user.roles)})", details={"username": user.username, "roles": list(user.roles)},
    )
    if commit:
        session.commit()
    return user


def list_users(
    *, session: Session, role: Role | None, q: str | None, is_active: bool | None, limit: int, offset: int
) -> tuple[list[User], int]:
    """A page of users ordered by username, and the total matching the filters."""
    query = select(User)
    if role is not None:
        # Roles live in a JSON array; its text form holds each role quoted on both backends.
        query = query.where(cast(User.roles, String).like(f'%"{role.value}"%'))
    if q:
        query = query.where(or_(col(User.username).icontains(q, autoescape=True), col(User.full_name).icontains(q, autoescape=True)))
    if is_active is not None:
        query = query.where(User.is_active == is_active)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    users = session.exec(query.order_by(col(User.username)).limit(limit).offset(offset)).all()
    return list(users), int(total)


def lookup_users(*, session: Session, ids: Sequence[str]) -> list[User]:
    """Users with these ids (unknown ids are left out)."""
    return list(session.exec(select(User).where(col(User.id).in_(list(ids))).order_by(col(User.username))).all())


def update_user(*, session: Session, user: User, data: UserUpdate, actor: Principal) -> User:
    """Apply an admin's changes (audited); deactivation revokes refresh tokens; a change of state or roles revokes access tokens."""
    changes = data.model_dump(exclude_unset=True)
    if user.id == actor.sub:
        if changes.get("is_active") is False:
            raise Conflict("You cannot deactivate your own account", code="cannot_deactivate_self", field="body.is_active")
        if "roles" in changes and changes["roles"] is not None and Role.admin not in changes["roles"]:
            raise Conflict("You cannot remove your own admin role", code="cannot_demote_self", field="body.roles")
    changed: dict[str, Any] = {}
    for key, value in changes.items():
        if value is None and key != "email":
            continue
        if key == "roles":
            value = [Role(r) for r in value]
        before = getattr(user, key)
        if before != value:
            changed[key] = {"from": _plain(before), "to": _plain(value)}
        setattr(user, key, value)
    user.updated_at = utcnow()
    session.add(user)
    if changes.get("is_active") is False:
        revoke_user_tokens(session=session, user_id=user.id)
    if "is_active" in changed or "roles" in changed:
        # Tokens issued before this change stop working at the gateway at once and at the services on delivery.
        accounts.bump_token_version(session, user)
        accounts.publish(session, user=user)
    if changed:
        action = AuditAction.user_deactivated if changed.get("is_active", {}).get("to") is False else AuditAction.user_updated
        audit.record(
            session=session, actor=actor, action=action, target_type="user", target_id=user.id,
            summary=f"{action.value.split('.')[1]} {user.username}: {', '.join(sorted(changed))}",
            details={"username": user.username, "changes": changed},
        )
    session.commit()
    return user


def _plain(value: Any) -> Any:
    """A JSON-friendly copy of a user field for the audit trail."""
    return [str(v) for v in value] if isinstance(value, list) else value


def set_password(*, session: Session, user: User, password_hash: str, actor: Principal) -> None:
    """Store a new password hash (set by an admin, audited) and sign the user out everywhere (tokens included)."""
    user.password_hash = password_hash
    user.updated_at = utcnow()
    session.add(user)
    revoke_user_tokens(session=session, user_id=user.id)
    accounts.bump_token_version(session, user)
    accounts.publish(session, user=user)
    audit.record(
        session=session, actor=actor, action=AuditAction.user_password_reset, target_type="user", target_id=user.id,
        summary=f"reset the password of {user.username}", details={"username": user.username},
    )
    session.commit()


def authenticate(*, session: Session, passwords: Passwords, username: str, password: str) -> User:
    """The user with these credentials, or 401; upgrades an outdated password hash."""
    user = get_user_by_username(session=session, username=username)
    ok, new_hash = passwords.verify(user.password_hash if user else None, password)
    if user is None or not ok:
        raise Unauthorized("Wrong username or password", code="invalid_credentials")
    if not user.is_active:
        raise Unauthorized("This account is disabled", code="account_disabled")
    if new_hash is not None:
        user.password_hash = new_hash
        session.add(user)
        session.commit()
    return user


# --- refresh tokens ------------------------------------------------------------------------------


def issue_refresh_token(*, session: Session, user_id: str, ttl: timedelta, family_id: str | None = None) -> str:
    """Store a new refresh token (hashed) in a family; returns the token itself."""
    token = new_opaque_token()
    session.add(
        RefreshToken(
            token_hash=digest(token), family_id=family_id or secrets.token_hex(16), user_id=user_id, expires_at=utcnow() + ttl
        )
    )
    session.commit()
    return token


def revoke_family(*, session: Session, family_id: str, now: datetime | None = None) -> None:
    """Revoke every token of a family (not committed)."""
    session.exec(  # type: ignore[call-overload]
        update(RefreshToken)
        .where(col(RefreshToken.family_id) == family_id, col(RefreshToken.revoked_at).is_(None))
        .values(revoked_at=now or utcnow())
    )


def revoke_user_tokens(*, session: Session, user_id: str) -> None:
    """Revoke every refresh token of a user (not committed)."""
    session.exec(  # type: ignore[call-overload]
        update(RefreshToken)
        .where(col(RefreshToken.user_id) == user_id, col(RefreshToken.revoked_at).is_(None))
        .values(revoked_at=utcnow())
    )


def rotate_refresh_token(*, session: Session, token: str, ttl: timedelta) -> tuple[User, str]:
    """Spend a refresh token and issue its successor; a reused token revokes its whole family."""
    stored = session.exec(select(RefreshToken).where(RefreshToken.token_hash == digest(token))).first()
    if stored is None:
        raise Unauthorized("Unknown refresh token", code="invalid_refresh_token")
    now = utcnow()
    if stored.revoked_at is not None:
        raise Unauthorized("This session has been signed out", code="refresh_token_revoked")
    if stored.used_at is not None:
        revoke_family(session=session, family_id=stored.family_id, now=now)
        session.commit()
        raise Unauthorized("Refresh token reused; the session has been revoked", code="refresh_token_reused")
    if stored.expires_at <= now:
        raise Unauthorized("Refresh token expired", code="refresh_token_expired")
    user = session.get(User, stored.user_id)
    if user is None or not user.is_active:
        revoke_family(session=session, family_id=stored.family_id, now=now)
        session.commit()
        raise Unauthorized("This account is disabled", code="account_disabled")
    # Spend it with a guarded update, so two concurrent refreshes cannot both succeed.
    spent = session.exec(  # type: ignore[call-overload]
        update(RefreshToken).where(col(RefreshToken.id) == stored.id, col(RefreshToken.used_at).is_(None)).values(used_at=now)
    )
    if spent.rowcount != 1:
        session.rollback()
        revoke_family(session=session, family_id=stored.family_id, now=now)
        session.commit()
        raise Unauthorized("Refresh token reused; the session has been revoked", code="refresh_token_reused")
    return user, issue_refresh_token(session=session, user_id=user.id, ttl=ttl, family_id=stored.family_id)


def revoke_refresh_token(*, session: Session, token: str) -> None:
    """Sign out: revoke the family of this refresh token, if it exists."""
    stored = session.exec(select(RefreshToken).where(RefreshToken.token_hash == digest(token))).first()
    if stored is not None:
        revoke_family(session=session, family_id=stored.family_id)
        session.commit()


# --- machine clients -----------------------------------------------------------------------------


def get_client(*, session: Session, client_id: str) -> Client:
    """A client or 404 `client_not_found`."""
    client = session.get(Client, client_id)
    if client is None:
        raise NotFound(f"Client {client_id} does not exist", code="client_not_found")
    return client


def create_client(
    *, session: Session, data: ClientCreate, actor: Principal | None, client_id: str | None = None, secret: str | None = None
) -> tuple[Client, str]:
    """Register a machine client; returns it and its secret (shown once)."""
    secret = secret or new_opaque_token()
    client = Client(id=client_id or f"client-{secrets.token_hex(8)}", name=data.name, scopes=data.scopes, secret_hash=digest(secret))
    session.add(client)
    audit.record(
        session=session, actor=actor, action=AuditAction.client_created, target_type="client", target_id=client.id,
        summary=f"registered {client.name} ({', '.join(client.scopes)})", details={"name": client.name, "scopes": list(client.scopes)},
    )
    session.commit()
    return client, secret


def list_clients(*, session: Session, limit: int, offset: int) -> tuple[list[Client], int]:
    """A page of clients by creation date, and the total."""
    total = session.exec(select(func.count()).select_from(Client)).one()
    clients = session.exec(select(Client).order_by(col(Client.created_at), col(Client.id)).limit(limit).offset(offset)).all()
    return list(clients), int(total)


def rotate_client_secret(*, session: Session, client: Client, actor: Principal) -> str:
    """Replace a client's secret; the old one stops working at once."""
    if client.revoked_at is not None:
        raise Conflict("This client is revoked", code="client_revoked")
    secret = new_opaque_token()
    client.secret_hash = digest(secret)
    client.secret_rotated_at = utcnow()
    session.add(client)
    audit.record(
        session=session, actor=actor, action=AuditAction.client_secret_rotated, target_type="client", target_id=client.id,
        summary=f"rotated the secret of {client.name}", details={"name": client.name},
    )
    session.commit()
    return secret


def revoke_client(*, session: Session, client: Client, actor: Principal) -> Client:
    """Stop a client from getting new tokens (idempotent; audited once)."""
    if client.revoked_at is None:
        client.revoked_at = utcnow()
        session.add(client)
        audit.record(
            session=session, actor=actor, action=AuditAction.client_revoked, target_type="client", target_id=client.id,
            summary=f"revoked {client.name}", details={"name": client.name},
        )
        session.commit()
    return client


def authenticate_client(*, session: Session, client_id: str, secret: str) -> Client:
    """The active client with these credentials, or 401 `invalid_client`."""
    client = session.get(Client, client_id)
    ok = digest_matches(secret, client.secret_hash if client else "0" * 64)
    if client is None or not ok or client.revoked_at is not None:
        raise Unauthorized("Client authentication failed", code="invalid_client", extra={"error": "invalid_client"})
    return client


def new_password(*, passwords: Passwords, password: str | None) -> tuple[str, str | None]:
    """(hash, the generated password or None when one was given)."""
    generated = None if password else generate_password()
    return passwords.hash(password or generated or ""), generated
