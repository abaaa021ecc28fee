import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from kit.testing import SigningKey
from tests.probe import create_probe

BIG = 2**31


@pytest.fixture(scope="module")
def probe(signing_key: SigningKey) -> Iterator[TestClient]:
    with TestClient(create_probe(json.dumps(signing_key.jwks())), raise_server_exceptions=False) as client:
        yield client


def _refused(response: Any, field: str, code: str) -> None:
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "validation_error" and body["request_id"]
    assert (body["details"][0]["field"], body["details"][0]["code"]) == (field, code), body


@pytest.mark.parametrize("value", [BIG, -BIG - 1, 2**63, 10**40])
def test_integer_path_and_query_parameters_must_fit_a_column(probe: TestClient, value: int) -> None:
    _refused(probe.get(f"/api/probe/items/{value}"), "path.item_id", "out_of_range")
    _refused(probe.get("/api/probe/items/1", params={"limit": value}), "query.limit", "out_of_range")


def test_in_range_integers_and_digit_strings_pass(probe: TestClient) -> None:
    assert probe.get(f"/api/probe/items/{BIG - 1}", params={"limit": -BIG, "code": str(10**30)}).status_code == 200
    assert probe.get(f"/api/probe/codes/{10**30}").json() == {"code": str(10**30)}


def test_nul_is_refused_in_path_query_body_and_form(probe: TestClient) -> None:
    _refused(probe.get("/api/probe/codes/a%00b"), "path.code", "nul_character")
    _refused(probe.get("/api/probe/items/1", params={"code": "a\x00"}), "query.code", "nul_character")
    slot = {"title": "ok", "seats": 1, "starts_at": "2026-01-01T10:00:00Z", "tags": ["fine", "bad\x00"]}
    _refused(probe.post("/api/probe/slots", json=slot), "body.tags.1", "nul_character")
    _refused(probe.put("/api/probe/bulk", json={"deep": [{"k\x00": 1}]}), "body.deep.0.'k\\x00'", "nul_character")
    _refused(probe.post("/api/probe/form", data={"name": "x\x00"}), "body.name", "nul_character")


def test_body_integers_must_fit_a_column(probe: TestClient) -> None:
    _refused(
        probe.post("/api/probe/slots", json={"title": "t", "seats": BIG, "starts_at": "2026-01-01T10:00:00Z"}),
        "body.seats",
        "out_of_range",
    )
    _refused(probe.put("/api/probe/bulk", json={"items": [{"id": 2**63}]}), "body.items.0.id", "out_of_range")


@pytest.mark.parametrize(
    "moment", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:00:00-02:00", "0999-06-01T00:00:00Z", "9000-01-01"]
)
def test_dates_that_would_overflow_are_refused(probe: TestClient, moment: str) -> None:
    _refused(
        probe.post("/api/probe/slots", json={"title": "t", "seats": 1, "starts_at": moment}),
        "body.starts_at",
        "out_of_range",
    )
    _refused(probe.get("/api/probe/items/1", params={"when": moment}), "query.when", "out_of_range")


def test_ordinary_input_passes(probe: TestClient) -> None:
    slot = {"title": "Suturing 2026-01-01", "seats": 12, "starts_at": "2026-01-01T10:00:00+01:00", "tags": ["a"]}
    assert probe.post("/api/probe/slots", json=slot).json() == {"seats": 12}
    assert probe.post("/api/probe/form", data={"name": "Ana"}).json() == {"name": "Ana"}
