"""The web app's committed client is generated from the running API: fail when it is stale."""

import json
from pathlib import Path

import httpx
import pytest
from export_openapi import canonical

from devstack import Stack

COMMITTED = Path(__file__).resolve().parent.parent / "frontend" / "openapi.json"


def test_combined_spec_covers_every_service(stack: Stack) -> None:
    spec = httpx.get(f"{stack.url}/api/openapi.json", timeout=30).json()
    prefixes = {path.split("/")[2] for path in spec["paths"] if path.startswith("/api/")}
    assert {"auth", "admin", "matching", "sessions", "feedback"} <= prefixes
    ids = [op["operationId"] for path in spec["paths"].values() for op in path.values() if isinstance(op, dict) and "operationId" in op]
    assert len(ids) == len(set(ids)), "operation ids must be unique"
    assert all("-" in op_id for op_id in ids), "operation ids are tag-name"


def test_committed_client_spec_matches_running_api(stack: Stack) -> None:
    running = json.loads(canonical(httpx.get(f"{stack.url}/api/openapi.json", timeout=30).json()))
    committed = json.loads(COMMITTED.read_text())
    if running != committed:
        changed = sorted(
            key
            for part in ("paths", "components")
            for key in set(running.get(part, {})) | set(committed.get(part, {}))
            if running.get(part, {}).get(key) != committed.get(part, {}).get(key)
        )
        pytest.fail(
            "frontend/openapi.json is stale against the running API (differs in: "
            + ", ".join(changed[:15])
            + "). Run `make openapi` and commit frontend/openapi.json and frontend/src/api/schema.d.ts."
        )


def test_docs_page_is_served(stack: Stack) -> None:
    response = httpx.get(f"{stack.url}/api/docs", timeout=10)
    assert response.status_code == 200
    assert "/api/openapi.json" in response.text
