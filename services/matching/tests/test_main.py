from fastapi.testclient import TestClient

from kit.pytest_plugin import Auth

MIB = 1 << 20


def test_the_service_refuses_a_body_over_its_own_limit(client: TestClient, auth: Auth) -> None:
    """Reached directly (no gateway in front), the service still bounds what it reads: 413 in the common shape."""
    response = client.post(
        "/api/matching/topics",
        content=b"{" + b" " * MIB + b"}",
        headers=auth.user(roles=["admin"]) | {"Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large" and response.json()["request_id"]


def test_integers_beyond_a_column_are_a_422_naming_the_field(client: TestClient, auth: Auth) -> None:
    response = client.get(f"/api/matching/topics/{2**31}", headers=auth.user())
    assert response.status_code == 422 and response.json()["details"][0]["field"] == "path.topic_id"
    response = client.get("/api/matching/pairings", params={"topic_id": 2**63}, headers=auth.user())
    assert response.status_code == 422 and response.json()["details"][0]["field"] == "query.topic_id"


def test_bulk_profile_routes_take_the_bulk_limit(client: TestClient, auth: Auth) -> None:
    """A faculty's worth of profiles may pass 1 MiB: those routes are marked bulk (20 MiB by default)."""
    body = b'[{"user_id": "' + b"x" * (2 * MIB) + b'"}]'
    response = client.post(
        "/api/matching/learners/bulk",
        content=body,
        headers=auth.user(roles=["admin"]) | {"Content-Type": "application/json"},
    )
    assert response.status_code == 422
