"""Token attacks against a real service behind the real gateway: each forged or stale credential is refused."""

import base64
import hashlib
import hmac
import json
import time
import uuid
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jose import jwk, jwt

from devstack import Stack

PROTECTED = "/api/matching/topics"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {"sub": str(uuid.uuid4()), "iss": "nearpeer-gateway", "aud": "nearpeer-api", "iat": now, "exp": now + 600,
              "jti": uuid.uuid4().hex, "typ": "access", "kind": "user", "roles": ["admin"], "scope": "", "username": "mallory", "name": "M"}
    claims.update(overrides)
    return claims


@pytest.fixture(scope="module")
def jwks(stack: Stack) -> dict[str, Any]:
    keys: dict[str, Any] = httpx.get(f"{stack.url}/.well-known/jwks.json", timeout=10).json()
    return keys


@pytest.fixture(scope="module")
def real_key(stack: Stack, jwks: dict[str, Any]) -> tuple[str, str]:
    """(kid, private PEM) of the gateway's signing key, as an insider who stole it from disk would have it."""
    pem = (stack.data_dir / "keys" / "signing-key.pem").read_text()
    return jwks["keys"][0]["kid"], pem


def _refused(gw: httpx.Client, token: str, code: str = "invalid_token") -> None:
    response = gw.get(PROTECTED, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401, response.text
    assert response.json()["code"] == code


def test_a_genuine_token_works(gw: httpx.Client, real_key: tuple[str, str]) -> None:
    kid, pem = real_key
    token = jwt.encode(_claims(), pem, algorithm="RS256", headers={"kid": kid})
    assert gw.get(PROTECTED, headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_alg_none_is_refused(gw: httpx.Client, jwks: dict[str, Any]) -> None:
    header = _b64(json.dumps({"alg": "none", "typ": "JWT", "kid": jwks["keys"][0]["kid"]}).encode())
    body = _b64(json.dumps(_claims()).encode())
    _refused(gw, f"{header}.{body}.")


def test_hs256_with_the_public_key_as_secret_is_refused(gw: httpx.Client, jwks: dict[str, Any]) -> None:
    public_pem = jwk.construct(jwks["keys"][0], "RS256").to_pem()
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": jwks["keys"][0]["kid"]}).encode())
    body = _b64(json.dumps(_claims()).encode())
    signature = _b64(hmac.new(public_pem, f"{header}.{body}".encode(), hashlib.sha256).digest())
    _refused(gw, f"{header}.{body}.{signature}")


def test_expired_token_is_refused(gw: httpx.Client, real_key: tuple[str, str]) -> None:
    kid, pem = real_key
    now = int(time.time())
    _refused(gw, jwt.encode(_claims(iat=now - 3600, exp=now - 60), pem, algorithm="RS256", headers={"kid": kid}), "token_expired")


@pytest.mark.parametrize("claims", [{"aud": "some-other-api"}, {"iss": "someone-else"}, {"typ": "refresh"}])
def test_wrong_audience_issuer_or_type_is_refused(gw: httpx.Client, real_key: tuple[str, str], claims: dict[str, str]) -> None:
    kid, pem = real_key
    _refused(gw, jwt.encode(_claims(**claims), pem, algorithm="RS256", headers={"kid": kid}))


def test_foreign_key_with_the_real_kid_is_refused(gw: httpx.Client, jwks: dict[str, Any]) -> None:
    foreign = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    _refused(gw, jwt.encode(_claims(), foreign.decode(), algorithm="RS256", headers={"kid": jwks["keys"][0]["kid"]}))


def test_replayed_refresh_token_revokes_the_family(gw: httpx.Client, admin: httpx.Client) -> None:
    username = f"victim{uuid.uuid4().hex[:6]}"
    created = admin.post("/api/admin/users", json={"username": username, "full_name": "Victim", "roles": ["learner"]}).json()
    first = gw.post("/api/auth/login", json={"username": username, "password": created["generated_password"]}).json()
    second = gw.post("/api/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert second.status_code == 200
    replay = gw.post("/api/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert replay.status_code == 401 and replay.json()["code"] == "refresh_token_reused"
    legit = gw.post("/api/auth/refresh", json={"refresh_token": second.json()["refresh_token"]})
    assert legit.status_code == 401 and legit.json()["code"] == "refresh_token_revoked"
    # The access token already issued stays valid until it expires (short lifetime; documented).
    assert gw.get(PROTECTED, headers={"Authorization": f"Bearer {second.json()['access_token']}"}).status_code == 200


def test_machine_client_cannot_go_beyond_its_scopes(gw: httpx.Client, admin: httpx.Client) -> None:
    registered = admin.post("/api/admin/clients", json={"name": "Read-only timetable", "scopes": ["timetable:read"]}).json()
    auth = (registered["client_id"], registered["client_secret"])
    beyond = gw.post("/api/auth/token", data={"grant_type": "client_credentials", "scope": "timetable:write"}, auth=auth)
    assert beyond.status_code == 400 and beyond.json()["code"] == "invalid_scope"
    token = gw.post("/api/auth/token", data={"grant_type": "client_credentials"}, auth=auth).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    for method, path in [
        ("GET", "/api/admin/users"),
        ("GET", "/api/users/lookup?ids=x"),
        ("GET", "/api/matching/approvals/check?tutor_id=x&topic_id=1"),
        ("GET", PROTECTED),  # a signed-in-person route
    ]:
        response = gw.request(method, path, headers=headers)
        assert response.status_code == 403, f"{path}: {response.text}"
        assert response.json()["code"] == "forbidden"
    revoked = admin.post(f"/api/admin/clients/{registered['client_id']}/revoke")
    assert revoked.status_code == 200
    after = gw.post("/api/auth/token", data={"grant_type": "client_credentials"}, auth=auth)
    assert after.status_code == 401 and after.json()["code"] == "invalid_client"
