"""Revoked authority: the gateway refuses tokens of deactivated accounts, revoked clients and older token versions,
and tells the services about every account change through its outbox.

`AccountGate` keeps two per-process caches, each entry at most `account_cache_seconds` old: verified tokens (so the
proxy verifies a token's signature once per window, not per call) and the account or client state behind them (one
primary-key lookup on a miss). `kit.auth.get_principal` calls `check` for the gateway's own routes; the proxy calls
`admit` before forwarding.
"""

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import anyio
from jose import jwt
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from gateway.core.config import UPSTREAMS, Settings
from gateway.core.security import KeyRing, access_claims
from gateway.models import Client, User
from kit.auth import Principal, TokenVerifier
from kit.db import READ_ONLY_OPTION, utcnow
from kit.errors import AppError, Unauthorized
from kit.http import ServiceClient
from kit.outbox import check_delivery, enqueue

CACHE_MAX_ENTRIES = 10_000
SELF_CLIENT_ID = "svc-gateway"
EVENTS_SCOPE = "accounts:events"
TOPIC_PREFIX = "accounts."
OUTBOX_WORKER = "gateway-outbox"


@dataclass(frozen=True)
class AccountState:
    active: bool
    token_version: int


class AccountGate:
    """Refuses tokens the gateway's database no longer backs; caches verification and state for a few seconds."""

    def __init__(self, engine: Engine, verifier: TokenVerifier, *, ttl_seconds: float) -> None:
        self.engine = engine.execution_options(**{READ_ONLY_OPTION: True})
        self.verifier = verifier
        self.ttl = ttl_seconds
        self._tokens: dict[str, tuple[float, Principal]] = {}
        self._states: dict[tuple[str, str], tuple[float, AccountState | None]] = {}
        self._lock = threading.Lock()

    def _remember(self, cache: dict[Any, Any], key: Any, value: Any) -> None:
        with self._lock:
            if len(cache) >= CACHE_MAX_ENTRIES:
                cache.clear()
            cache[key] = value

    def verify(self, token: str) -> Principal:
        """The token's principal: from the cache, or verified (signature, claims) and cached until min(ttl, expiry)."""
        now = time.monotonic()
        entry = self._tokens.get(token)
        if entry is not None and now < entry[0]:
            return entry[1]
        principal = self.verifier.verify(token)
        left = float(jwt.get_unverified_claims(token)["exp"]) - time.time()
        self._remember(self._tokens, token, (now + min(self.ttl, left), principal))
        return principal

    def _cached_state(self, principal: Principal) -> tuple[bool, AccountState | None]:
        entry = self._states.get((principal.kind, principal.sub))
        if entry is not None and time.monotonic() - entry[0] < self.ttl:
            return True, entry[1]
        return False, None

    def load_state(self, principal: Principal) -> AccountState | None:
        """One primary-key lookup of the user or client (None: unknown to this gateway), cached."""
        started = time.monotonic()
        with self.engine.connect() as connection:
            if principal.kind == "user":
                table = User.__table__  # type: ignore[attr-defined]
                row = connection.execute(select(table.c.is_active, table.c.token_version).where(table.c.id == principal.sub)).first()
                state = AccountState(bool(row[0]), int(row[1])) if row is not None else None
            else:
                table = Client.__table__  # type: ignore[attr-defined]
                row = connection.execute(select(table.c.revoked_at).where(table.c.id == principal.sub)).first()
                state = AccountState(row[0] is None, 0) if row is not None else None
        self._remember(self._states, (principal.kind, principal.sub), (started, state))
        return state

    @staticmethod
    def refusal(principal: Principal, state: AccountState | None) -> AppError | None:
        """Why the state refuses this principal (None: it does not)."""
        if state is None:  # not a gateway account (e.g. the gateway's own service identity): nothing to revoke
            return None
        if not state.active:
            if principal.kind == "client":
                return Unauthorized("This client was revoked", code="token_revoked")
            return Unauthorized("This account is deactivated", code="account_inactive")
        if principal.token_version < state.token_version:
            return Unauthorized("This token was revoked; sign in again", code="token_revoked")
        return None

    def check(self, principal: Principal) -> None:
        """Raise 401 `account_inactive` / `token_revoked` (kit.auth.get_principal calls this on the gateway's routes)."""
        hit, state = self._cached_state(principal)
        refusal = self.refusal(principal, state if hit else self.load_state(principal))
        if refusal is not None:
            raise refusal

    async def admit(self, headers: Iterable[tuple[bytes, bytes]]) -> AppError | None:
        """Before proxying: None to forward, else the refusal. No bearer token: the service decides."""
        token = bearer_token(headers)
        if token is None:
            return None
        try:
            principal = self.verify(token)
        except AppError as exc:
            return exc
        hit, state = self._cached_state(principal)
        if not hit:
            state = await anyio.to_thread.run_sync(self.load_state, principal)
        return self.refusal(principal, state)

    def forget(self, subject: str) -> None:
        """Drop a cached state (this process changed it)."""
        with self._lock:
            self._states.pop(("user", subject), None)
            self._states.pop(("client", subject), None)

    def clear(self) -> None:
        with self._lock:
            self._states.clear()
            self._tokens.clear()


def bearer_token(headers: Iterable[tuple[bytes, bytes]]) -> str | None:
    """The bearer token of raw ASGI headers, if any."""
    for name, value in headers:
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            return (token.strip() or None) if scheme.lower() == "bearer" else None
    return None


# --- publishing account changes -------------------------------------------------------------------


def bump_token_version(session: Session, user: User) -> None:
    """Increment the user's token version in the database (atomic, so concurrent changes cannot reuse a version)."""
    session.add(user)
    user.token_version = User.token_version + 1  # type: ignore[assignment]
    session.flush()
    session.refresh(user, ["token_version"])


def publish(session: Session, *, user: User) -> None:
    """Enqueue the user's current state for every service, in the caller's transaction."""
    payload = {
        "user_id": user.id, "active": user.is_active, "token_version": user.token_version,
        "roles": [str(role) for role in user.roles], "occurred_at": utcnow().isoformat(),
    }
    for service in UPSTREAMS:
        enqueue(session, topic=TOPIC_PREFIX + service, key=f"account-{user.id}-v{user.token_version}-{service}", payload=payload)


def account_changed(app: Any, user_id: str) -> None:
    """After a committed change: this process refuses old tokens at once, and the relay delivers now."""
    gate: AccountGate | None = getattr(app.state, "account_states", None)
    if gate is not None:
        gate.forget(user_id)
    for worker in getattr(app.state, "workers", []):
        if worker.name == OUTBOX_WORKER:
            worker.wake()


class SelfToken:
    """The gateway's own service token (client `svc-gateway`, scope `accounts:events`), minted with its key ring."""

    def __init__(self, keys: KeyRing, settings: Settings) -> None:
        self.keys = keys
        self.settings = settings
        self._token = ""
        self._expires_at = 0.0
        self._lock = threading.Lock()

    def token(self) -> str:
        with self._lock:
            if time.monotonic() < self._expires_at - 60:
                return self._token
            ttl = self.settings.client_token_ttl_seconds
            self._token = self.keys.sign(
                access_claims(
                    sub=SELF_CLIENT_ID, kind="client", issuer=self.settings.auth_issuer, audience=self.settings.auth_audience,
                    ttl_seconds=ttl, roles=[], scope=EVENTS_SCOPE, username=None, name="NearPeer gateway",
                )
            )
            self._expires_at = time.monotonic() + ttl
            return self._token


class AccountEventSender:
    """Outbox handler: POST an account change to one service (`Idempotency-Key` = the message key)."""

    def __init__(self, *, service: str, base_url: str, token: SelfToken, settings: Settings) -> None:
        self.service = service
        self.token = token
        self.client = ServiceClient(base_url, timeout=settings.http_timeout_seconds, retries=settings.http_retries)

    def __call__(self, key: str, payload: dict[str, Any]) -> None:
        response = self.client.post(
            f"/api/{self.service}/accounts/events", json=payload, headers={"Idempotency-Key": key}, bearer=self.token.token(),
            retry_writes=True,
        )
        check_delivery(response, receiver=self.service)


def account_event_handlers(keys: KeyRing, settings: Settings) -> dict[str, AccountEventSender]:
    """One outbox handler per service, sharing the gateway's service token."""
    token = SelfToken(keys, settings)
    return {
        TOPIC_PREFIX + service: AccountEventSender(service=service, base_url=base, token=token, settings=settings)
        for service, base in settings.upstreams.items()
    }
