import json

from fastapi.testclient import TestClient

from kit.pytest_plugin import Auth
from kit.testing import SigningKey
from tests.probe import create_probe


def test_validation_error_names_the_field(client: TestClient, auth: Auth) -> None:
    response = client.post("/api/sample/things", json={"name": "x", "size": 0}, headers=auth.user())
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert {d["field"] for d in body["details"]} == {"body.name", "body.size"}
    assert body["request_id"]


def test_app_error_keeps_code_and_field(client: TestClient, auth: Auth) -> None:
    response = client.post("/api/sample/things", json={"name": "taken", "size": 2}, headers=auth.user())
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "name_taken"
    assert body["details"] == [{"field": "body.name", "code": "name_taken", "message": "That name is taken"}]


def test_unknown_route_has_the_common_shape(client: TestClient) -> None:
    response = client.get("/api/sample/nowhere")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_request_id_is_carried(client: TestClient) -> None:
    response = client.get("/healthz", headers={"X-Request-ID": "abc123"})
    assert response.headers["x-request-id"] == "abc123"
    minted = client.get("/healthz")
    assert len(minted.headers["x-request-id"]) == 32


def test_operation_ids_are_tag_and_name(client: TestClient) -> None:
    spec = client.get("/api/sample/openapi.json").json()
    ids = {op["operationId"] for path in spec["paths"].values() for op in path.values()}
    assert "sample-things-create_thing" in ids
    error_schema = spec["paths"]["/api/sample/things"]["post"]["responses"]["422"]["content"]["application/json"][
        "schema"
    ]
    assert error_schema["$ref"].endswith("/ErrorBody")


def test_unexpected_error_body_carries_the_request_id(signing_key: SigningKey) -> None:
    with TestClient(create_probe(json.dumps(signing_key.jwks())), raise_server_exceptions=False) as probe:
        response = probe.get("/api/probe/boom", headers={"X-Request-ID": "trace-500"})
        minted = probe.get("/api/probe/boom")
    assert response.status_code == 500
    assert response.json()["code"] == "internal_error"
    assert response.json()["request_id"] == response.headers["x-request-id"] == "trace-500"
    assert minted.json()["request_id"] == minted.headers["x-request-id"]


def test_errors_of_a_non_json_operation_are_documented_as_json(signing_key: SigningKey) -> None:
    with TestClient(create_probe(json.dumps(signing_key.jwks()))) as probe:
        responses = probe.get("/api/probe/openapi.json").json()["paths"]["/api/probe/page"]["get"]["responses"]
        refused = probe.get("/api/probe/page")
    assert list(responses["200"]["content"]) == ["text/html"]
    assert responses["401"]["content"] == {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
    assert refused.status_code == 401 and refused.headers["content-type"] == "application/json"
