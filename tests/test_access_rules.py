"""Every guarded operation of the combined API, called through the gateway by every role that must not get in.

The rules come from the published document (`x-required-roles`, `x-required-scopes`, `x-authenticated`), which the
kit derives from the routes' own authorization dependencies, so a new route is covered without editing this file.
"""

import re
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from flow_support import Crowd, Person, ok

from devstack import Stack

ROLES = ("learner", "tutor", "supervisor", "admin")
METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def spec(stack: Stack) -> dict[str, Any]:
    document: dict[str, Any] = httpx.get(f"{stack.url}/api/openapi.json", timeout=30).json()
    assert not document["info"].get("x-missing-services"), "every service must be up for this test"
    return document


@pytest.fixture(scope="module")
def people(stack: Stack, admin_password: str) -> Iterator[dict[str, Person]]:
    token = httpx.post(f"{stack.url}/api/auth/login", json={"username": "admin", "password": admin_password}).json()["access_token"]
    with httpx.Client(base_url=stack.url, timeout=30, headers={"Authorization": f"Bearer {token}"}) as admin:
        crowd = Crowd(stack.url, admin)
        yield {role: crowd.person(role) for role in ROLES}
        crowd.close()


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method.upper(), path, op) for path, item in spec["paths"].items() for method, op in item.items() if method in METHODS]


def _url(path: str, op: dict[str, Any]) -> str:
    """The path with each parameter filled by a value of the right type (the resource need not exist)."""
    kinds = {p["name"]: p.get("schema", {}).get("type") for p in op.get("parameters", []) if p.get("in") == "path"}
    return re.sub(r"\{(\w+)\}", lambda m: "1" if kinds.get(m.group(1)) == "integer" else str(uuid.uuid4()), path)


def test_the_document_marks_guarded_operations(spec: dict[str, Any]) -> None:
    operations = _operations(spec)
    admin_only = [(m, p) for m, p, op in operations if op.get("x-required-roles") == ["admin"]]
    assert len(admin_only) >= 30, admin_only
    for prefix in ("/api/admin/", "/api/matching/", "/api/sessions/", "/api/feedback/"):
        assert any(p.startswith(prefix) for _, p in admin_only), f"no admin-only operation under {prefix}"
    public = {(m, p) for m, p, op in operations if not op.get("x-authenticated")}
    assert ("POST", "/api/auth/login") in public and ("GET", "/api/admin/users") not in public


def test_anonymous_callers_get_401_on_every_authenticated_operation(spec: dict[str, Any], gw: httpx.Client) -> None:
    checked = 0
    for method, path, op in _operations(spec):
        if not op.get("x-authenticated"):
            continue
        response = gw.request(method, _url(path, op), json={})
        assert (response.status_code, response.json()["code"]) == (401, "not_authenticated"), f"{method} {path}: {response.text}"
        checked += 1
    assert checked >= 100


def test_every_role_outside_an_operations_rule_gets_403(spec: dict[str, Any], people: dict[str, Person]) -> None:
    checked = 0
    for method, path, op in _operations(spec):
        allowed = op.get("x-required-roles")
        if not allowed:
            continue
        for role in ROLES:
            if role in allowed:
                continue
            response = people[role].api.request(method, _url(path, op), json={})
            assert (response.status_code, response.json()["code"]) == (403, "forbidden"), f"{role} {method} {path}: {response.text}"
            checked += 1
    assert checked >= 150


def test_admin_gets_past_the_guard_of_every_admin_operation(spec: dict[str, Any], people: dict[str, Person]) -> None:
    for method, path, op in _operations(spec):
        if "admin" not in (op.get("x-required-roles") or []) or method != "GET":
            continue
        response = people["admin"].api.get(_url(path, op))
        assert response.status_code not in (401, 403), f"admin GET {path}: {response.text}"


def test_a_machine_client_without_the_scope_gets_403(spec: dict[str, Any], stack: Stack, people: dict[str, Person]) -> None:
    admin = people["admin"].api
    registered = ok(admin.post("/api/admin/clients", json={"name": f"Scope-less {uuid.uuid4().hex[:6]}", "scopes": ["sessions:read"]}), 201)
    token = ok(
        httpx.post(
            f"{stack.url}/api/auth/token", data={"grant_type": "client_credentials"}, auth=(registered["client_id"], registered["client_secret"])
        )
    )["access_token"]
    checked = 0
    with httpx.Client(base_url=stack.url, timeout=30, headers={"Authorization": f"Bearer {token}"}) as client:
        for method, path, op in _operations(spec):
            scopes = op.get("x-required-scopes") or []
            if not op.get("x-required-roles") or "sessions:read" in scopes:
                continue
            response = client.request(method, _url(path, op), json={})
            assert (response.status_code, response.json()["code"]) == (403, "forbidden"), f"client {method} {path}: {response.text}"
            checked += 1
    assert checked >= 50
