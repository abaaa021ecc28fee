from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from gateway.main import create_app
from gateway.openapi import merge_specs
from tests.conftest import make_settings
from tests.upstream import free_port, serve, spec_app

ERROR = {"type": "object", "properties": {"code": {"type": "string"}}}


def _spec(service: str, schemas: dict[str, Any], paths: dict[str, Any]) -> dict[str, Any]:
    return {"openapi": "3.1.0", "info": {"title": service, "version": "1"}, "paths": paths, "components": {"schemas": schemas},
            "tags": [{"name": "topics"}]}


def _op(op_id: str, ref: str) -> dict[str, Any]:
    return {"get": {"operationId": op_id, "responses": {"200": {"content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}}}}}


MATCHING = _spec(
    "matching",
    {"ErrorBody": ERROR, "Notification": {"type": "object", "properties": {"id": {"type": "integer"}}},
     "Inbox": {"type": "object", "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/Notification"}}}}},
    {"/api/matching/topics": _op("topics-list_topics", "ErrorBody"), "/api/matching/inbox": _op("notifications-list_notifications", "Inbox"),
     "/healthz": _op("matching-health-alive", "ErrorBody")},
)
SESSIONS = _spec(
    "sessions",
    {"ErrorBody": ERROR, "Notification": {"type": "object", "properties": {"id": {"type": "string"}}}},
    {"/api/sessions/inbox": _op("notifications-list_notifications", "Notification")},
)


def test_merge_dedupes_identical_and_prefixes_different_schemas() -> None:
    own = {"openapi": "3.1.0", "info": {"title": "gw", "version": "1"}, "paths": {"/api/auth/me": _op("auth-me", "ErrorBody")},
           "components": {"schemas": {"ErrorBody": ERROR}}}
    merged = merge_specs(own, {"matching": MATCHING, "sessions": SESSIONS, "feedback": None}, order=("matching", "sessions", "feedback"))
    schemas = merged["components"]["schemas"]
    assert set(schemas) == {"ErrorBody", "Notification", "Inbox", "SessionsNotification"}
    assert schemas["Notification"]["properties"]["id"]["type"] == "integer"
    assert schemas["SessionsNotification"]["properties"]["id"]["type"] == "string"
    sessions_ref = merged["paths"]["/api/sessions/inbox"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert sessions_ref == "#/components/schemas/SessionsNotification"
    assert "/healthz" not in merged["paths"]
    assert set(merged["paths"]) == {"/api/auth/me", "/api/matching/topics", "/api/matching/inbox", "/api/sessions/inbox"}
    ids = [op["operationId"] for item in merged["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids)) and "sessions_notifications-list_notifications" in ids
    assert merged["info"]["x-missing-services"] == ["feedback"]
    assert own["components"]["schemas"] == {"ErrorBody": ERROR}  # inputs untouched


def test_merge_renames_schemas_that_refer_to_renamed_ones() -> None:
    own = {"openapi": "3.1.0", "info": {}, "paths": {}, "components": {"schemas": {}}}
    other = _spec("sessions", {"Notification": {"type": "string"}, "Inbox": {"type": "object", "properties": {"items": {"$ref": "#/components/schemas/Notification"}}}},
                  {"/api/sessions/inbox": _op("inbox-get", "Inbox")})
    merged = merge_specs(own, {"matching": MATCHING, "sessions": other}, order=("matching", "sessions"))
    schemas = merged["components"]["schemas"]
    assert schemas["SessionsInbox"]["properties"]["items"]["$ref"] == "#/components/schemas/SessionsNotification"
    assert schemas["Inbox"] == MATCHING["components"]["schemas"]["Inbox"]


@pytest.fixture
def gw_with_specs(database_url: str, key_file: Path) -> Iterator[TestClient]:
    with serve(spec_app("matching", MATCHING)) as matching, serve(spec_app("sessions", SESSIONS)) as sessions:
        down = f"http://127.0.0.1:{free_port()}"
        app = create_app(make_settings(database_url, key_file, matching_url=matching, sessions_url=sessions, feedback_url=down))
        with TestClient(app) as client:
            yield client


def test_combined_document_served(gw_with_specs: TestClient) -> None:
    spec = gw_with_specs.get("/api/openapi.json").json()
    assert spec["info"]["x-missing-services"] == ["feedback"]
    prefixes = {path.split("/")[2] for path in spec["paths"] if path.startswith("/api/")}
    assert {"auth", "admin", "users", "matching", "sessions"} <= prefixes
    ids = [op["operationId"] for item in spec["paths"].values() for op in item.values() if isinstance(op, dict)]
    assert len(ids) == len(set(ids)) and all("-" in i for i in ids)
    assert "gateway-auth-login" in ids and "gateway-admin-import_users" in ids
    assert "text/csv" in spec["paths"]["/api/admin/users/import"]["post"]["requestBody"]["content"]
    docs = gw_with_specs.get("/api/docs")
    assert docs.status_code == 200 and "/api/openapi.json" in docs.text
