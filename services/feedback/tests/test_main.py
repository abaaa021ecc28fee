from fastapi.testclient import TestClient

from kit.pytest_plugin import Auth

MIB = 1 << 20


def test_the_service_refuses_a_body_over_its_own_limit(client: TestClient, auth: Auth) -> None:
    """Reached directly (no gateway in front), the service still bounds what it reads: 413 in the common shape."""
    response = client.post(
        "/api/feedback/flags",
        content=b"{" + b" " * MIB + b"}",
        headers=auth.user() | {"Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large" and response.json()["request_id"]


def test_certificate_errors_are_json_and_documented_so(client: TestClient, auth: Auth) -> None:
    refused = client.get("/api/feedback/portfolio/someone/certificate")
    assert refused.status_code == 401 and refused.headers["content-type"] == "application/json"
    responses = client.get("/api/feedback/openapi.json").json()["paths"][
        "/api/feedback/portfolio/{tutor_id}/certificate"
    ]["get"]["responses"]
    assert list(responses["200"]["content"]) == ["text/html"]
    assert {status: list(r["content"]) for status, r in responses.items() if status != "200"} == {
        status: ["application/json"] for status in responses if status != "200"
    }
    assert "401" in responses
