"""Schema fuzzing: schemathesis over the combined /api/openapi.json, through the real gateway, on this run's database.

Each operation is fuzzed (positive and negative data, a bounded and seeded number of examples) as the identities
allowed past its guard: an administrator, a learner and the timetable machine client; the sign-in operations last,
anonymously. Checks: no 5xx, every answer matches its documented schema and media type. `make test-fuzz` runs it on
SQLite and PostgreSQL; `make test-cross` leaves it out.
"""

import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from flow_support import Crowd, ok
from fuzz_support import FuzzReport, Identity, fuzz

from devstack import Stack, free_port

TIMETABLE_SCOPES = ("sessions:read", "timetable:read", "timetable:write")


@pytest.fixture(scope="module")
def fuzz_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A stack of its own: what the fuzzer creates or throttles stays out of the other cross-service tests."""
    backend = os.environ.get("NEARPEER_TEST_DB", "sqlite")
    data_dir = Path(tmp_path_factory.mktemp(f"np-fuzz-{backend}-{os.getpid()}"))
    # Cheap password hashing: the fuzzer creates and imports many accounts.
    running = Stack(
        data_dir, port=free_port(), database=backend, extra_env={"PASSWORD_MEMORY_KIB": "64", "PASSWORD_TIME_COST": "1"}
    )
    running.start()
    yield running
    running.stop()
    running.drop_databases()


@pytest.fixture(scope="module")
def identities(fuzz_stack: Stack) -> Iterator[dict[str, Identity]]:
    url = fuzz_stack.url
    login = httpx.post(
        f"{url}/api/auth/login",
        json={"username": "admin", "password": fuzz_stack.secrets["passwords"]["admin"]},
        timeout=30,
    )
    admin_token = ok(login)["access_token"]
    with httpx.Client(base_url=url, timeout=30, headers={"Authorization": f"Bearer {admin_token}"}) as admin:
        crowd = Crowd(url, admin)
        learner = crowd.person("learner")
        client = ok(
            admin.post(
                "/api/admin/clients",
                json={"name": f"Fuzz timetable {uuid.uuid4().hex[:6]}", "scopes": list(TIMETABLE_SCOPES)},
            ),
            201,
        )
        granted = ok(
            httpx.post(
                f"{url}/api/auth/token",
                data={"grant_type": "client_credentials"},
                auth=(client["client_id"], client["client_secret"]),
            )
        )
        yield {
            "admin": Identity("admin", admin_token, roles=("admin",)),
            "learner": Identity(
                "learner", str(learner.api.headers["Authorization"]).removeprefix("Bearer "), roles=("learner",)
            ),
            "timetable": Identity("timetable", granted["access_token"], scopes=TIMETABLE_SCOPES),
        }
        crowd.close()


@pytest.fixture(scope="module")
def spec(fuzz_stack: Stack) -> dict[str, Any]:
    document: dict[str, Any] = ok(httpx.get(f"{fuzz_stack.url}/api/openapi.json", timeout=30))
    assert not document["info"].get("x-missing-services"), "every service must be up for this test"
    return document


def _check(report: FuzzReport, started: float, label: str) -> None:
    print(
        f"\nfuzz {label} on {os.environ.get('NEARPEER_TEST_DB', 'sqlite')}: {report.operations} operations, "
        f"{len(report.failures)} failing, {time.monotonic() - started:.0f} s"
    )
    assert report.operations > 0
    assert not report.failures, "\n\n".join(report.failures)


@pytest.mark.parametrize("who", ["admin", "learner", "timetable"])
def test_no_server_error_and_every_answer_as_documented(
    who: str, spec: dict[str, Any], fuzz_stack: Stack, identities: dict[str, Identity]
) -> None:
    started = time.monotonic()
    _check(fuzz(spec, fuzz_stack.url, identities[who]), started, who)


def test_sign_in_operations_anonymously(
    spec: dict[str, Any], fuzz_stack: Stack, identities: dict[str, Identity]
) -> None:
    started = time.monotonic()
    _check(fuzz(spec, fuzz_stack.url, Identity("anonymous", ""), sign_in=True), started, "sign-in")


def test_every_error_answer_is_documented_as_json(spec: dict[str, Any]) -> None:
    """Errors come in the common JSON shape, whatever the operation's success media type (HTML, CSV, calendar)."""
    wrong = []
    for path, item in spec["paths"].items():
        for method, op in item.items():
            for status, response in op.get("responses", {}).items():
                media = set(response.get("content", {}))
                if status[0] in "45" and media != {"application/json"}:
                    wrong.append(f"{method.upper()} {path} {status}: {sorted(media)}")
    assert not wrong, wrong
