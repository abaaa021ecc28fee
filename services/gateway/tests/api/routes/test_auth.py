import base64
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from jose import jwt
from sqlmodel import Session, select

from gateway.core.security import Passwords
from gateway.models import RefreshToken, User
from kit.db import utcnow
from kit.pytest_plugin import Auth
from kit.testing import SigningKey
from tests.factories import DEFAULT_PASSWORD, make_client, make_user


def login(client: TestClient, username: str, password: str = DEFAULT_PASSWORD) -> dict[str, object]:
    response = client.post("/api/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def test_login_returns_tokens_cookie_and_claims(client: TestClient, db: Session, signing_key: SigningKey) -> None:
    user = make_user(db, username="ines", roles=["tutor", "learner"], full_name="Inès Moreau")
    response = client.post("/api/auth/login", json={"username": "INES", "password": DEFAULT_PASSWORD})
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 900 and body["refresh_token"]
    cookie = response.headers["set-cookie"]
    assert "np_refresh=" in cookie and "HttpOnly" in cookie and "Path=/api/auth" in cookie and "SameSite=strict" in cookie
    assert "Secure" in cookie  # not development
    assert response.headers["cache-control"] == "no-store"
    header = jwt.get_unverified_header(body["access_token"])
    assert header["alg"] == "RS256" and header["kid"] == signing_key.kid
    claims = jwt.decode(body["access_token"], signing_key.public_pem, algorithms=["RS256"], audience="nearpeer-api", issuer="nearpeer-gateway")
    assert claims["sub"] == user.id and claims["kind"] == "user" and claims["typ"] == "access" and claims["scope"] == ""
    assert claims["roles"] == ["learner", "tutor"] or sorted(claims["roles"]) == ["learner", "tutor"]
    assert claims["username"] == "ines" and claims["name"] == "Inès Moreau" and claims["jti"]
    assert claims["exp"] - claims["iat"] == 900


@pytest.mark.parametrize(("username", "password"), [("ines", "wrong password"), ("nobody", DEFAULT_PASSWORD)])
def test_wrong_credentials_same_answer(client: TestClient, db: Session, username: str, password: str) -> None:
    make_user(db, username="ines")
    response = client.post("/api/auth/login", json={"username": username, "password": password})
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"
    assert response.json()["message"] == "Wrong username or password"
    assert db.exec(select(RefreshToken)).all() == []


def test_disabled_account_cannot_sign_in(client: TestClient, db: Session) -> None:
    make_user(db, username="gone", is_active=False)
    response = client.post("/api/auth/login", json={"username": "gone", "password": DEFAULT_PASSWORD})
    assert response.status_code == 401 and response.json()["code"] == "account_disabled"


def test_login_rehashes_outdated_password_hash(client: TestClient, db: Session) -> None:
    old = Passwords(time_cost=2, memory_kib=512, parallelism=1)
    user = make_user(db, username="oldhash")
    user.password_hash = old.hash(DEFAULT_PASSWORD)
    db.add(user)
    db.commit()
    before = user.password_hash
    login(client, "oldhash")
    db.expire_all()
    after = db.get(User, user.id)
    assert after is not None and after.password_hash != before and "m=1024,t=1" in (after.password_hash or "")
    db.rollback()  # SQLite: every transaction holds the write lock (BEGIN IMMEDIATE)
    login(client, "oldhash")  # the new hash works


def test_me(client: TestClient, db: Session) -> None:
    user = make_user(db, username="lucas", roles=["learner"], email="lucas@example.org")
    token = login(client, "lucas")["access_token"]
    response = client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.json()["id"] == user.id and response.json()["email"] == "lucas@example.org"
    assert client.get("/api/auth/me").json()["code"] == "not_authenticated"


def test_me_refuses_a_machine_client(client: TestClient, auth: Auth) -> None:
    response = client.get("/api/auth/me", headers=auth.client(scopes=["users:read"]))
    assert response.status_code == 403 and response.json()["code"] == "forbidden"


def test_refresh_rotates_and_reuse_revokes_the_family(client: TestClient, db: Session) -> None:
    make_user(db, username="amina")
    first = login(client, "amina")["refresh_token"]
    second_response = client.post("/api/auth/refresh", json={"refresh_token": first})
    assert second_response.status_code == 200
    second = second_response.json()["refresh_token"]
    assert second != first
    third = client.post("/api/auth/refresh", json={"refresh_token": second}).json()["refresh_token"]
    # A thief replays the first token: the whole family dies, including the newest token.
    replay = client.post("/api/auth/refresh", json={"refresh_token": first})
    assert replay.status_code == 401 and replay.json()["code"] == "refresh_token_reused"
    newest = client.post("/api/auth/refresh", json={"refresh_token": third})
    assert newest.status_code == 401 and newest.json()["code"] == "refresh_token_revoked"
    tokens = db.exec(select(RefreshToken)).all()
    assert len(tokens) == 3 and all(t.revoked_at is not None for t in tokens)
    assert len({t.family_id for t in tokens}) == 1


def test_refresh_from_cookie(db: Session, app: object) -> None:
    make_user(db, username="cookie")
    with TestClient(app, base_url="https://testserver") as secure:  # type: ignore[arg-type]
        login(secure, "cookie")
        response = secure.post("/api/auth/refresh")
        assert response.status_code == 200 and response.json()["access_token"]
        assert "np_refresh=" in response.headers["set-cookie"]
        logout = secure.post("/api/auth/logout")
        assert logout.status_code == 204
        assert 'np_refresh=""' in logout.headers["set-cookie"] or "Max-Age=0" in logout.headers["set-cookie"]
        again = secure.post("/api/auth/refresh")
        assert again.status_code == 401 and again.json()["code"] == "not_authenticated"


def test_refresh_without_token_and_unknown_token(client: TestClient) -> None:
    assert client.post("/api/auth/refresh", json={}).json()["code"] == "not_authenticated"
    unknown = client.post("/api/auth/refresh", json={"refresh_token": "nope"})
    assert unknown.status_code == 401 and unknown.json()["code"] == "invalid_refresh_token"


def test_expired_refresh_token(client: TestClient, db: Session) -> None:
    make_user(db, username="late")
    token = login(client, "late")["refresh_token"]
    stored = db.exec(select(RefreshToken)).one()
    stored.expires_at = utcnow() - timedelta(seconds=1)
    db.add(stored)
    db.commit()
    response = client.post("/api/auth/refresh", json={"refresh_token": token})
    assert response.status_code == 401 and response.json()["code"] == "refresh_token_expired"


def test_logout_revokes_the_family(client: TestClient, db: Session) -> None:
    make_user(db, username="bye")
    token = login(client, "bye")["refresh_token"]
    assert client.post("/api/auth/logout", json={"refresh_token": token}).status_code == 204
    response = client.post("/api/auth/refresh", json={"refresh_token": token})
    assert response.status_code == 401 and response.json()["code"] == "refresh_token_revoked"


def test_refresh_for_a_deactivated_user_is_refused(client: TestClient, db: Session) -> None:
    user = make_user(db, username="soon")
    token = login(client, "soon")["refresh_token"]
    user.is_active = False
    db.add(user)
    db.commit()
    response = client.post("/api/auth/refresh", json={"refresh_token": token})
    assert response.status_code == 401 and response.json()["code"] == "account_disabled"


# --- client credentials --------------------------------------------------------------------------

SECRET = "x" * 43


def _basic(client_id: str, secret: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


def test_client_credentials_basic_auth(client: TestClient, db: Session, signing_key: SigningKey) -> None:
    make_client(db, client_id="timetable", scopes=["timetable:read", "timetable:write"], secret=SECRET)
    response = client.post("/api/auth/token", data={"grant_type": "client_credentials"}, headers=_basic("timetable", SECRET))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["scope"] == "timetable:read timetable:write" and body["token_type"] == "bearer" and body["expires_in"] == 900
    claims = jwt.decode(body["access_token"], signing_key.public_pem, algorithms=["RS256"], audience="nearpeer-api")
    assert claims["kind"] == "client" and claims["sub"] == "timetable" and claims["roles"] == []
    assert claims["scope"] == "timetable:read timetable:write"


def test_client_credentials_form_fields_and_narrowing(client: TestClient, db: Session) -> None:
    make_client(db, client_id="timetable", scopes=["timetable:read", "timetable:write"], secret=SECRET)
    response = client.post(
        "/api/auth/token",
        data={"grant_type": "client_credentials", "client_id": "timetable", "client_secret": SECRET, "scope": "timetable:read"},
    )
    assert response.status_code == 200 and response.json()["scope"] == "timetable:read"


def test_client_credentials_beyond_scope(client: TestClient, db: Session) -> None:
    make_client(db, client_id="timetable", scopes=["timetable:read"], secret=SECRET)
    response = client.post(
        "/api/auth/token", data={"grant_type": "client_credentials", "scope": "timetable:read users:read"}, headers=_basic("timetable", SECRET)
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_scope" and response.json()["error"] == "invalid_scope"


@pytest.mark.parametrize(
    ("client_id", "secret", "revoked"), [("timetable", "wrong" * 9, False), ("nobody", SECRET, False), ("timetable", SECRET, True)]
)
def test_client_credentials_refused(client: TestClient, db: Session, client_id: str, secret: str, revoked: bool) -> None:
    make_client(db, client_id="timetable", secret=SECRET, revoked=revoked)
    response = client.post("/api/auth/token", data={"grant_type": "client_credentials"}, headers=_basic(client_id, secret))
    assert response.status_code == 401 and response.json()["code"] == "invalid_client"


def test_client_credentials_bad_grant(client: TestClient, db: Session) -> None:
    make_client(db, client_id="timetable", secret=SECRET)
    wrong = client.post("/api/auth/token", data={"grant_type": "password"}, headers=_basic("timetable", SECRET))
    assert wrong.status_code == 400 and wrong.json()["code"] == "unsupported_grant_type"
    missing = client.post("/api/auth/token", data={}, headers=_basic("timetable", SECRET))
    assert missing.status_code == 400 and missing.json()["code"] == "invalid_request"
    no_auth = client.post("/api/auth/token", data={"grant_type": "client_credentials"})
    assert no_auth.status_code == 401 and no_auth.json()["code"] == "invalid_client"


def test_jwks_publishes_the_signing_key(client: TestClient, signing_key: SigningKey) -> None:
    keys = client.get("/.well-known/jwks.json").json()["keys"]
    assert [k["kid"] for k in keys] == [signing_key.kid]
    assert keys[0]["alg"] == "RS256" and keys[0]["kty"] == "RSA" and "d" not in keys[0]
