import base64
import hashlib
import hmac
import json
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from kit.pytest_plugin import Auth
from kit.testing import SigningKey

PATH = "/api/sample/things/admin"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _forge(header: dict[str, object], claims: dict[str, object], signature: bytes = b"") -> str:
    return f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}.{_b64(signature)}"


def _claims(key: SigningKey) -> dict[str, object]:
    token = key.token(roles=["admin"])
    payload = token.split(".")[1]
    decoded: dict[str, object] = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return decoded


def test_admin_token_is_accepted(client: TestClient, auth: Auth) -> None:
    response = client.get(PATH, headers=auth.user(roles=["admin"]))
    assert response.status_code == 200
    assert response.json()["name"] == "secret"


@pytest.mark.parametrize("role", ["learner", "tutor", "supervisor"])
def test_other_roles_are_forbidden(client: TestClient, auth: Auth, role: str) -> None:
    response = client.get(PATH, headers=auth.user(roles=[role]))
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_alg_none_is_refused(client: TestClient, signing_key: SigningKey) -> None:
    token = _forge({"alg": "none", "typ": "JWT", "kid": signing_key.kid}, _claims(signing_key))
    response = client.get(PATH, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"


def test_hs256_signed_with_public_key_is_refused(client: TestClient, signing_key: SigningKey) -> None:
    header = {"alg": "HS256", "typ": "JWT", "kid": signing_key.kid}
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(_claims(signing_key)).encode())}"
    signature = hmac.new(signing_key.public_pem.encode(), signing_input.encode(), hashlib.sha256).digest()
    response = client.get(PATH, headers={"Authorization": f"Bearer {signing_input}.{_b64(signature)}"})
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"


def test_expired_token_is_refused(client: TestClient, signing_key: SigningKey) -> None:
    token = signing_key.token(roles=["admin"], ttl=timedelta(seconds=-5))
    response = client.get(PATH, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert response.json()["code"] == "token_expired"


def test_wrong_audience_is_refused(client: TestClient, signing_key: SigningKey) -> None:
    token = signing_key.token(roles=["admin"], audience="someone-else")
    response = client.get(PATH, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"


def test_wrong_issuer_is_refused(client: TestClient, signing_key: SigningKey) -> None:
    token = signing_key.token(roles=["admin"], issuer="evil")
    assert client.get(PATH, headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_foreign_key_with_same_kid_is_refused(client: TestClient, signing_key: SigningKey) -> None:
    forger = SigningKey(kid=signing_key.kid)
    response = client.get(PATH, headers={"Authorization": f"Bearer {forger.token(roles=['admin'])}"})
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"


def test_refresh_typed_token_is_not_an_access_token(client: TestClient, signing_key: SigningKey) -> None:
    token = signing_key.token(roles=["admin"], typ="refresh")
    assert client.get(PATH, headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_missing_token_is_401(client: TestClient) -> None:
    response = client.get(PATH)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_client_needs_scope(client: TestClient, auth: Auth) -> None:
    assert client.get("/api/sample/things/scoped", headers=auth.client(scopes=["things:read"])).status_code == 200
    refused = client.get("/api/sample/things/scoped", headers=auth.client(scopes=["other:read"]))
    assert refused.status_code == 403
    assert "scope things:read" in refused.json()["message"]


def test_client_with_admin_role_claim_is_not_admin(client: TestClient, signing_key: SigningKey) -> None:
    token = signing_key.token("timetable", kind="client", roles=["admin"], scopes=["timetable:write"])
    assert client.get(PATH, headers={"Authorization": f"Bearer {token}"}).status_code == 403
