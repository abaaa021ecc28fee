import httpx
import pytest

from kit.errors import BadGateway
from kit.http import ClientCredentials, ServiceClient, is_refusal
from kit.logging import set_request_id


def test_get_is_retried_on_503_and_carries_request_id() -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(503 if len(calls) < 3 else 200, json={"ok": True})

    set_request_id("rid-1")
    client = ServiceClient("http://svc", transport=httpx.MockTransport(handler), retries=3)
    assert client.get("/x").json() == {"ok": True}
    assert len(calls) == 3
    assert calls[0].headers["x-request-id"] == "rid-1"
    set_request_id(None)


def test_post_is_not_retried_by_default() -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(503)

    client = ServiceClient("http://svc", transport=httpx.MockTransport(handler), retries=3)
    with pytest.raises(BadGateway):
        client.post("/x", json={})
    assert len(calls) == 1


def test_unreachable_service_is_bad_gateway() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    client = ServiceClient("http://svc", transport=httpx.MockTransport(handler), retries=2)
    with pytest.raises(BadGateway) as excinfo:
        client.get("/x")
    assert excinfo.value.code == "upstream_unavailable"


def test_service_token_is_fetched_once_and_sent() -> None:
    token_calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal token_calls
        if request.url.path == "/token":
            token_calls += 1
            assert request.headers["authorization"].startswith("Basic ")
            return httpx.Response(200, json={"access_token": "tok", "expires_in": 900})
        assert request.headers["authorization"] == "Bearer tok"
        return httpx.Response(200, json={})

    credentials = ClientCredentials("http://svc/token", "svc-a", "secret")
    client = ServiceClient("http://svc", credentials=credentials, transport=httpx.MockTransport(handler))
    client.get("/a")
    client.get("/b")
    assert token_calls == 1


def test_caller_headers_are_merged() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={})

    client = ServiceClient("http://svc", transport=httpx.MockTransport(handler))
    client.post("/x", json={}, headers={"Idempotency-Key": "k-9"}, bearer="tok")
    assert seen[0].headers["idempotency-key"] == "k-9"
    assert seen[0].headers["authorization"] == "Bearer tok"


@pytest.mark.parametrize(("status", "refused"), [(400, True), (403, True), (404, True), (422, True), (408, False), (409, False),
                                                 (423, False), (425, False), (429, False), (200, False), (500, False), (503, False)])
def test_only_a_4xx_that_would_repeat_is_a_refusal(status: int, refused: bool) -> None:
    assert is_refusal(status) is refused
