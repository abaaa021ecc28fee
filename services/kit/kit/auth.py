"""Token verification (JWKS, RS256 pinned) and authorization helpers."""

import json
import threading
import time
from collections.abc import Callable
from typing import Annotated, Any, Literal

import httpx
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from jose import jwt
from jose.exceptions import ExpiredSignatureError, JWTClaimsError, JWTError
from pydantic import BaseModel

from kit.access import AccessRule
from kit.errors import Forbidden, Unauthorized

ALGORITHM = "RS256"
ROLES = ("learner", "tutor", "supervisor", "admin")


class Principal(BaseModel):
    """Who is calling: a user or a machine client."""

    sub: str
    kind: Literal["user", "client"]
    username: str | None = None
    name: str | None = None
    roles: list[str] = []
    scopes: list[str] = []
    token: str = ""
    token_version: int = 0  # claim `ver`: the account's token version when the token was issued

    def has_role(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)

    def has_scope(self, *scopes: str) -> bool:
        return any(scope in self.scopes for scope in scopes)

    @property
    def is_admin(self) -> bool:
        return self.kind == "user" and "admin" in self.roles


class JwksSource:
    """Fetches and caches the gateway's public keys; refetches on an unknown key id."""

    def __init__(self, url: str | None = None, static_json: str | None = None, min_refresh_seconds: float = 30.0) -> None:
        self.url = url
        self.min_refresh_seconds = min_refresh_seconds
        self._keys: dict[str, dict[str, Any]] = {}
        self._fetched_at = 0.0
        self._lock = threading.Lock()
        if static_json:
            self._load(json.loads(static_json))
            self.url = None

    def _load(self, document: dict[str, Any]) -> None:
        self._keys = {key["kid"]: key for key in document.get("keys", []) if key.get("kid")}

    def key(self, kid: str) -> dict[str, Any] | None:
        if kid in self._keys:
            return self._keys[kid]
        if self.url is None:
            return None
        with self._lock:
            stale = not self._fetched_at or time.monotonic() - self._fetched_at > self.min_refresh_seconds
            if kid not in self._keys and stale:
                self._fetched_at = time.monotonic()
                try:
                    response = httpx.get(self.url, timeout=5.0)
                    response.raise_for_status()
                    self._load(response.json())
                except (httpx.HTTPError, ValueError):
                    return None
        return self._keys.get(kid)


class TokenVerifier:
    """Verifies access tokens: signature (RS256 only), issuer, audience, expiry."""

    def __init__(self, jwks: JwksSource, issuer: str, audience: str) -> None:
        self.jwks = jwks
        self.issuer = issuer
        self.audience = audience

    def verify(self, token: str) -> Principal:
        try:
            header = jwt.get_unverified_header(token)
        except JWTError as exc:
            raise Unauthorized("Malformed token", code="invalid_token") from exc
        if header.get("alg") != ALGORITHM:
            raise Unauthorized("Token algorithm not accepted", code="invalid_token")
        key = self.jwks.key(str(header.get("kid", "")))
        if key is None:
            raise Unauthorized("Token signed by an unknown key", code="invalid_token")
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                audience=self.audience,
                issuer=self.issuer,
                options={"require_exp": True, "require_iat": True, "require_sub": True, "require_aud": True, "require_iss": True},
            )
        except ExpiredSignatureError as exc:
            raise Unauthorized("Token expired", code="token_expired") from exc
        except JWTClaimsError as exc:
            raise Unauthorized(f"Token rejected: {exc}", code="invalid_token") from exc
        except JWTError as exc:
            raise Unauthorized("Invalid token signature", code="invalid_token") from exc
        if claims.get("typ") != "access":
            raise Unauthorized("Not an access token", code="invalid_token")
        version = claims.get("ver", 0)
        if not isinstance(version, int) or isinstance(version, bool) or version < 0:
            raise Unauthorized("Token version is not a whole number", code="invalid_token")
        return Principal(
            sub=str(claims["sub"]),
            kind="client" if claims.get("kind") == "client" else "user",
            username=claims.get("username"),
            name=claims.get("name"),
            roles=list(claims.get("roles", [])),
            scopes=str(claims.get("scope", "")).split(),
            token=token,
            token_version=version,
        )


_bearer = HTTPBearer(auto_error=False, description="Access token from /api/auth/login or /api/auth/token")


def get_principal(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Principal:
    """The authenticated caller; 401 without a valid token, or for a deactivated account or a revoked token."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("Authentication required", code="not_authenticated")
    verifier: TokenVerifier = request.app.state.token_verifier
    principal = verifier.verify(credentials.credentials)
    account_states = getattr(request.app.state, "account_states", None)  # kit.accounts.AccountStates, if mounted
    if account_states is not None:
        account_states.check(principal)
    return principal


get_principal.access_rule = AccessRule()  # type: ignore[attr-defined]
CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


def require(*, roles: tuple[str, ...] = (), scopes: tuple[str, ...] = ()) -> Callable[[Principal], Principal]:
    """Dependency: the caller has one of the roles (users) or one of the scopes (clients)."""

    def check(principal: CurrentPrincipal) -> Principal:
        ensure(principal, roles=roles, scopes=scopes)
        return principal

    check.access_rule = AccessRule(roles=roles, scopes=scopes)  # type: ignore[attr-defined]
    return check


def ensure(principal: Principal, *, roles: tuple[str, ...] = (), scopes: tuple[str, ...] = ()) -> None:
    """Raise 403 unless the caller holds one of the roles or scopes."""
    if principal.kind == "user" and principal.has_role(*roles):
        return
    if principal.kind == "client" and principal.has_scope(*scopes):
        return
    wanted = [f"role {r}" for r in roles] + [f"scope {s}" for s in scopes]
    raise Forbidden("This needs " + " or ".join(wanted) if wanted else "Not allowed", code="forbidden")


def ensure_self_or(principal: Principal, user_id: str, *, roles: tuple[str, ...] = ("admin",), scopes: tuple[str, ...] = ()) -> None:
    """Raise 403 unless the caller is that user or holds one of the roles/scopes."""
    if principal.kind == "user" and principal.sub == user_id:
        return
    ensure(principal, roles=roles, scopes=scopes)


def require_user(principal: CurrentPrincipal) -> Principal:
    """Dependency: a person, not a machine client."""
    if principal.kind != "user":
        raise Forbidden("This needs a signed-in user", code="forbidden")
    return principal


require_user.access_rule = AccessRule(user_only=True)  # type: ignore[attr-defined]


AdminUser = Annotated[Principal, Depends(require(roles=("admin",)))]
SupervisorUser = Annotated[Principal, Depends(require(roles=("supervisor", "admin")))]
SignedInUser = Annotated[Principal, Depends(require_user)]
