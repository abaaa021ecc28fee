"""Minting access tokens for users and machine clients."""

from gateway.core.config import Settings
from gateway.core.security import KeyRing, access_claims
from gateway.models import Client, User


def user_access_token(*, keys: KeyRing, settings: Settings, user: User) -> str:
    """An access token for a person (roles, username, display name and the account's token version `ver`)."""
    claims = access_claims(
        sub=user.id, kind="user", issuer=settings.auth_issuer, audience=settings.auth_audience,
        ttl_seconds=settings.access_token_ttl_seconds, roles=[str(r) for r in user.roles], scope="",
        username=user.username, name=user.full_name,
    )
    claims["ver"] = user.token_version
    return keys.sign(claims)


def client_access_token(*, keys: KeyRing, settings: Settings, client: Client, scopes: list[str]) -> str:
    """An access token for a machine client, limited to `scopes`."""
    return keys.sign(
        access_claims(
            sub=client.id, kind="client", issuer=settings.auth_issuer, audience=settings.auth_audience,
            ttl_seconds=settings.client_token_ttl_seconds, roles=[], scope=" ".join(scopes), username=None, name=client.name,
        )
    )
