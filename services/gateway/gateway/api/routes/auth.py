from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Cookie, Form, Request, Response, status

from gateway import crud, tokens
from gateway.addresses import client_address
from gateway.api.deps import KeysDep, PasswordsDep, SessionDep, SettingsDep, SignedInUser
from gateway.core.config import Settings
from gateway.core.security import basic_credentials
from gateway.models import ClientToken, LoginRequest, RefreshRequest, TokenPair, User, UserPublic
from gateway.throttle import LoginThrottle
from kit.errors import BadRequest, ErrorBody, Unauthorized

router = APIRouter(prefix="/api/auth", tags=["auth"])

COOKIE = "np_refresh"
COOKIE_PATH = "/api/auth"
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _set_cookie(response: Response, settings: Settings, token: str) -> None:
    response.set_cookie(
        COOKIE, token, max_age=settings.refresh_token_ttl_days * 86400, path=COOKIE_PATH, httponly=True,
        samesite="strict", secure=settings.secure_cookies,
    )


def _pair(*, keys: KeysDep, settings: Settings, user: User, refresh: str, response: Response) -> TokenPair:
    _set_cookie(response, settings, refresh)
    response.headers.update(NO_STORE)
    return TokenPair(
        access_token=tokens.user_access_token(keys=keys, settings=settings, user=user), refresh_token=refresh,
        expires_in=settings.access_token_ttl_seconds,
    )


@router.post("/login", response_model=TokenPair, summary="Sign in with username and password", responses={429: {"model": ErrorBody}})
def login(
    data: LoginRequest, request: Request, response: Response, session: SessionDep, settings: SettingsDep, keys: KeysDep, passwords: PasswordsDep
) -> TokenPair:
    """Tokens for a person; also sets the HttpOnly `np_refresh` cookie (path /api/auth) for the web app."""
    throttle: LoginThrottle = request.app.state.login_throttle
    address = client_address(request.scope, settings.trusted_networks)
    throttle.check(data.username, address)
    try:
        user = crud.authenticate(session=session, passwords=passwords, username=data.username, password=data.password)
    except Unauthorized as exc:
        session.rollback()  # end the read first: on SQLite the counter's write would otherwise wait for its lock
        if exc.code == "invalid_credentials":
            throttle.failed(data.username, address)
        raise
    session.commit()
    throttle.succeeded(data.username, address)
    refresh = crud.issue_refresh_token(session=session, user_id=user.id, ttl=timedelta(days=settings.refresh_token_ttl_days))
    return _pair(keys=keys, settings=settings, user=user, refresh=refresh, response=response)


@router.post("/refresh", response_model=TokenPair, summary="Exchange a refresh token (body or cookie) for new tokens")
def refresh(
    response: Response, session: SessionDep, settings: SettingsDep, keys: KeysDep,
    data: RefreshRequest | None = None, np_refresh: Annotated[str | None, Cookie(include_in_schema=False)] = None,
) -> TokenPair:
    """Refresh tokens rotate: the one given is spent; presenting a spent one revokes the whole session family."""
    token = (data.refresh_token if data else None) or np_refresh
    if not token:
        raise Unauthorized("No refresh token given", code="not_authenticated")
    user, new_refresh = crud.rotate_refresh_token(session=session, token=token, ttl=timedelta(days=settings.refresh_token_ttl_days))
    return _pair(keys=keys, settings=settings, user=user, refresh=new_refresh, response=response)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT, summary="Revoke the refresh token's session and clear the cookie")
def logout(
    session: SessionDep, settings: SettingsDep, data: RefreshRequest | None = None,
    np_refresh: Annotated[str | None, Cookie(include_in_schema=False)] = None,
) -> Response:
    token = (data.refresh_token if data else None) or np_refresh
    if token:
        crud.revoke_refresh_token(session=session, token=token)
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    response.delete_cookie(COOKIE, path=COOKIE_PATH, httponly=True, samesite="strict", secure=settings.secure_cookies)
    return response


@router.get("/me", response_model=UserPublic, summary="The signed-in user")
def me(principal: SignedInUser, session: SessionDep) -> UserPublic:
    user = session.get(User, principal.sub)
    if user is None or not user.is_active:  # AccountGate already refused a known deactivated account
        raise Unauthorized("This account is disabled", code="account_disabled")
    return UserPublic.model_validate(user)


@router.post("/token", response_model=ClientToken, summary="OAuth 2 client-credentials grant for machine clients")
def client_token(
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    keys: KeysDep,
    grant_type: Annotated[str | None, Form()] = None,
    scope: Annotated[str | None, Form(description="Space-separated subset of the client's scopes")] = None,
    client_id: Annotated[str | None, Form()] = None,
    client_secret: Annotated[str | None, Form()] = None,
) -> ClientToken:
    """Client authentication by HTTP Basic or `client_id`/`client_secret` form fields (RFC 6749 section 4.4)."""
    if grant_type != "client_credentials":
        code = "invalid_request" if grant_type is None else "unsupported_grant_type"
        raise BadRequest("grant_type must be client_credentials", code=code, field="body.grant_type", extra={"error": code})
    basic = basic_credentials(request.headers.get("authorization"))
    if basic is not None:
        client_id, client_secret = basic
    if not client_id or not client_secret:
        raise Unauthorized("Client authentication failed", code="invalid_client", extra={"error": "invalid_client"})
    client = crud.authenticate_client(session=session, client_id=client_id, secret=client_secret)
    granted = list(client.scopes)
    if scope is not None and scope.strip():
        asked = scope.split()
        beyond = [s for s in asked if s not in client.scopes]
        if beyond:
            raise BadRequest(
                f"Scope not granted to this client: {' '.join(beyond)}", code="invalid_scope", field="body.scope", extra={"error": "invalid_scope"}
            )
        granted = sorted(set(asked))
    response.headers.update(NO_STORE)
    return ClientToken(
        access_token=tokens.client_access_token(keys=keys, settings=settings, client=client, scopes=granted),
        expires_in=settings.client_token_ttl_seconds,
        scope=" ".join(granted),
    )
