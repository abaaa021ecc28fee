"""A request id given to the gateway reaches the service's JSON logs, and comes back to the caller."""

import json
import time
import uuid

import httpx

from devstack import Stack


def test_request_id_is_carried_across_the_hop(stack: Stack, admin: httpx.Client) -> None:
    request_id = f"trace-{uuid.uuid4().hex[:12]}"
    response = admin.get("/api/matching/topics", headers={"X-Request-ID": request_id})
    assert response.status_code == 200
    assert response.headers["x-request-id"] == request_id
    deadline = time.monotonic() + 5
    found: list[dict[str, object]] = []
    while time.monotonic() < deadline and not found:
        lines = (stack.logs / "matching.log").read_text().splitlines()
        found = [json.loads(line) for line in lines if request_id in line and line.startswith("{")]
        time.sleep(0.1)
    assert found, "the matching service did not log the request id"
    assert found[0]["request_id"] == request_id
    assert found[0]["service"] == "matching"


def test_service_down_is_502_and_recovers(stack: Stack, admin: httpx.Client) -> None:
    stack.stop_service("feedback")
    try:
        response = admin.get("/api/feedback/notifications")
        assert response.status_code == 502
        body = response.json()
        assert body["code"] == "upstream_unavailable"
        assert body["request_id"]
    finally:
        stack.start_service("feedback")
    assert admin.get("/api/feedback/notifications").status_code == 200
