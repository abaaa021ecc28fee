from fastapi.testclient import TestClient

from kit.pytest_plugin import Auth

MIB = 1 << 20


def test_the_service_refuses_a_body_over_its_own_limit(client: TestClient, auth: Auth) -> None:
    """Reached directly (no gateway in front), the service still bounds what it reads: 413 in the common shape."""
    response = client.post(
        "/api/sessions/sessions",
        content=b"{" + b" " * MIB + b"}",
        headers=auth.user(roles=["tutor"]) | {"Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large" and response.json()["request_id"]


def test_a_timetable_push_may_be_larger(client: TestClient, auth: Auth) -> None:
    """The push route is marked bulk (20 MiB by default): a 2 MiB body is read and judged on its content."""
    response = client.put(
        "/api/sessions/timetable/items",
        json={"items": "x" * (2 * MIB)},
        headers=auth.client(scopes=["timetable:write"]),
    )
    assert response.status_code == 422 and response.json()["code"] == "invalid_items"


def test_nul_and_overflowing_dates_are_a_422_naming_the_field(client: TestClient, auth: Auth) -> None:
    headers = auth.client(scopes=["timetable:read"])
    response = client.get("/api/sessions/timetable/items", params={"owner_id": "a\x00b"}, headers=headers)
    assert response.status_code == 422 and response.json()["details"][0]["field"] == "query.owner_id"
    response = client.get(
        "/api/sessions/timetable/items", params={"start": "0001-01-01T00:00:00+01:00"}, headers=headers
    )
    assert response.status_code == 422 and response.json()["details"][0]["field"] == "query.start"
