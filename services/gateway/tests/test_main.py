from fastapi.testclient import TestClient

from kit.pytest_plugin import Auth

MIB = 1 << 20


def test_the_gateway_bounds_the_bodies_of_its_own_routes(client: TestClient, auth: Auth) -> None:
    response = client.post(
        "/api/auth/login", content=b"{" + b" " * MIB + b"}", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large" and response.json()["request_id"]
    csv = b"username,full_name,roles\n" + b"#" * (2 * MIB)
    imported = client.post(
        "/api/admin/users/import", content=csv, headers=auth.user(roles=["admin"]) | {"Content-Type": "text/csv"}
    )
    assert imported.status_code != 413  # a CSV import is a bulk route


def test_login_with_nul_is_a_422_naming_the_field(client: TestClient) -> None:
    response = client.post("/api/auth/login", json={"username": "ad\x00min", "password": "x"})
    assert response.status_code == 422
    assert response.json()["details"][0] == {
        "field": "body.username",
        "code": "nul_character",
        "message": "must not contain the NUL character",
    }
