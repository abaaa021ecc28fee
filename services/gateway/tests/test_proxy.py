from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlmodel import Session, col

from gateway.main import create_app
from gateway.models import Client, User
from kit.db import utcnow
from kit.pytest_plugin import Auth
from tests.conftest import make_settings
from tests.factories import DEFAULT_PASSWORD, make_client, make_user
from tests.upstream import echo_app, free_port, serve


@pytest.fixture(scope="module")
def upstream() -> Iterator[str]:
    with serve(echo_app("matching")) as url:
        yield url


@pytest.fixture
def gw(upstream: str, database_url: str, key_file: Path) -> Iterator[TestClient]:
    down = f"http://127.0.0.1:{free_port()}"
    app = create_app(make_settings(database_url, key_file, matching_url=upstream, sessions_url=down, upstream_read_timeout=0.5))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def test_forwards_path_query_body_and_headers(gw: TestClient, auth: Auth) -> None:
    bearer = auth.user()["Authorization"]
    response = gw.post(
        "/api/matching/echo/a%20b/c?x=1&y=%C3%A9&x=2", content=b'{"k": 1}',
        headers={"Authorization": bearer, "Content-Type": "application/json", "X-Request-ID": "trace-1", "Connection": "keep-alive"},
    )
    assert response.status_code == 200
    seen = response.json()
    assert seen["method"] == "POST" and seen["path"] == "/api/matching/echo/a b/c" and seen["query"] == "x=1&y=%C3%A9&x=2"
    assert seen["body"] == '{"k": 1}'
    assert seen["headers"]["authorization"] == bearer
    assert seen["headers"]["x-request-id"] == "trace-1"
    assert seen["headers"]["x-forwarded-proto"] == "http"
    assert response.headers["x-request-id"] == "trace-1"
    assert response.headers.get_list("x-request-id") == ["trace-1"]
    assert response.headers["x-upstream"] == "yes" and response.headers["set-cookie"] == "a=b; Path=/"


def test_mints_a_request_id_and_passes_status(gw: TestClient) -> None:
    response = gw.get("/api/matching/echo/x", params={"status": 404})
    assert response.status_code == 404
    minted = response.headers["x-request-id"]
    assert minted and response.json()["headers"]["x-request-id"] == minted


def test_no_content_and_streamed_bodies(gw: TestClient) -> None:
    assert gw.delete("/api/matching/empty").status_code == 204
    big = gw.get("/api/matching/big")
    assert big.status_code == 200 and len(big.content) == 32 * 65536


def test_upstream_down_is_502(gw: TestClient) -> None:
    response = gw.get("/api/sessions/anything", headers={"X-Request-ID": "down-1"})
    assert response.status_code == 502
    body = response.json()
    assert body["code"] == "upstream_unavailable" and body["status"] == 502 and body["request_id"] == "down-1"


def test_slow_upstream_is_504(gw: TestClient) -> None:
    response = gw.get("/api/matching/slow")
    assert response.status_code == 504 and response.json()["code"] == "upstream_timeout"


def test_gateway_paths_are_not_proxied(gw: TestClient) -> None:
    assert gw.get("/api/auth/me").json()["code"] == "not_authenticated"
    assert gw.get("/api/unknown/x").status_code == 404
    assert gw.get("/healthz").json()["service"] == "gateway"


def test_readyz_reports_upstreams_but_stays_ready(gw: TestClient) -> None:
    response = gw.get("/readyz")
    assert response.status_code == 200
    checks = response.json()["checks"]
    assert checks["database"] == "ok" and checks["migrations"] == "ok"
    assert checks["upstream.sessions"].startswith("unreachable")
    assert checks["upstream.matching"] != "ok"  # the fake has no /readyz


@pytest.fixture
def flaky_upstream() -> Iterator[str]:
    """Drops every other connection without answering (as when a keep-alive connection is closed under our feet)."""
    import socket
    import threading

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    count = {"n": 0}

    def loop() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            count["n"] += 1
            with conn:
                conn.recv(65536)
                if count["n"] % 2 == 1:
                    continue  # close without a byte
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n[]")

    threading.Thread(target=loop, daemon=True).start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    server.close()


def test_idempotent_calls_retry_once_on_a_dropped_connection(flaky_upstream: str, database_url: str, key_file: Path) -> None:
    app = create_app(make_settings(database_url, key_file, feedback_url=flaky_upstream))
    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.get("/api/feedback/x").status_code == 200  # dropped, retried, answered
        response = client.post("/api/feedback/x", json={})  # not retried: the request may have been processed
        assert response.status_code == 502 and response.json()["code"] == "upstream_unavailable"


def test_a_deactivated_account_is_refused_before_the_service_is_reached(gw: TestClient, db: Session) -> None:
    user = make_user(db, username="leaver")
    token = gw.post("/api/auth/login", json={"username": "leaver", "password": DEFAULT_PASSWORD}).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert gw.get("/api/matching/echo/x", headers=headers).status_code == 200
    db.exec(update(User).where(col(User.id) == user.id).values(is_active=False))  # type: ignore[call-overload]
    db.commit()
    gw.app.state.account_states.forget(user.id)  # type: ignore[attr-defined]  # as another replica's change, once its cache lapsed
    refused = gw.get("/api/matching/echo/x", headers=headers)
    assert refused.status_code == 401 and refused.json()["code"] == "account_inactive"
    assert "method" not in refused.json()  # the echo service did not answer


def test_an_older_token_version_is_refused_before_proxying(gw: TestClient, db: Session, auth: Auth) -> None:
    user = make_user(db, username="demoted", token_version=3)
    old = gw.get("/api/matching/echo/x", headers=auth.user(user.id, ver=2))
    assert old.status_code == 401 and old.json()["code"] == "token_revoked"
    assert gw.get("/api/matching/echo/x", headers=auth.user(user.id, ver=3)).status_code == 200


def test_a_revoked_clients_token_is_refused_before_proxying_and_on_gateway_routes(gw: TestClient, db: Session) -> None:
    client = make_client(db, scopes=["users:read"], secret="k" * 43)
    token = gw.post("/api/auth/token", data={"grant_type": "client_credentials"}, auth=(client.id, "k" * 43)).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert gw.get("/api/matching/echo/x", headers=headers).status_code == 200
    db.exec(update(Client).where(col(Client.id) == client.id).values(revoked_at=utcnow()))  # type: ignore[call-overload]
    db.commit()
    gw.app.state.account_states.forget(client.id)  # type: ignore[attr-defined]
    for response in (gw.get("/api/matching/echo/x", headers=headers), gw.get("/api/users/lookup", params={"ids": "a"}, headers=headers)):
        assert response.status_code == 401 and response.json()["code"] == "token_revoked"


def test_invalid_tokens_stop_at_the_gateway_and_anonymous_calls_go_through(gw: TestClient) -> None:
    refused = gw.get("/api/matching/echo/x", headers={"Authorization": "Bearer not-a-token"})
    assert refused.status_code == 401 and refused.json()["code"] == "invalid_token"
    assert gw.get("/api/matching/echo/x").json()["method"] == "GET"  # the service decides about anonymous calls


def test_proxied_answers_carry_the_security_headers(gw: TestClient) -> None:
    response = gw.get("/api/matching/echo/x")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["content-security-policy"].startswith("default-src 'none'")
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
