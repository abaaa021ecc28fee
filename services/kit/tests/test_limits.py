import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from kit.limits import BodyLimitMiddleware
from kit.testing import SigningKey
from tests.probe import create_probe


@pytest.fixture(scope="module")
def probe(signing_key: SigningKey) -> Iterator[TestClient]:
    app = create_probe(json.dumps(signing_key.jwks()), max_body_bytes=1000, max_bulk_body_bytes=5000)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def _too_large(response: Any) -> None:
    assert response.status_code == 413, response.text
    body = response.json()
    assert body["code"] == "payload_too_large" and body["request_id"] == response.headers["x-request-id"]


def test_a_declared_body_over_the_limit_is_refused(probe: TestClient) -> None:
    _too_large(probe.post("/api/probe/raw", content=b"x" * 1001))
    assert probe.post("/api/probe/raw", content=b"x" * 1000).json() == {"size": 1000}


def test_a_chunked_body_is_counted_as_it_arrives(probe: TestClient) -> None:
    _too_large(probe.post("/api/probe/raw", content=iter([b"x" * 600, b"x" * 600])))
    _too_large(
        probe.post(
            "/api/probe/slots", content=iter([b"{" + b" " * 1200 + b"}"]), headers={"Content-Type": "application/json"}
        )
    )
    assert probe.post("/api/probe/raw", content=iter([b"x" * 400, b"x" * 400])).json() == {"size": 800}


def test_bulk_routes_take_the_larger_limit(probe: TestClient) -> None:
    assert probe.put("/api/probe/bulk", json={"k": "x" * 4000}).json() == {"keys": 1}
    _too_large(probe.put("/api/probe/bulk", json={"k": "x" * 5000}))


def test_an_oversized_declared_body_is_not_read() -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        raise AssertionError("the app must not be called")

    async def receive() -> dict[str, Any]:
        raise AssertionError("the body must not be read")

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    middleware = BodyLimitMiddleware(app, limit=10, bulk_limit=10, routes=list)
    scope = {"type": "http", "method": "POST", "path": "/x", "headers": [(b"content-length", b"52428800")]}
    asyncio.run(middleware(scope, receive, send))
    assert sent[0]["status"] == 413
