"""Fixtures every service's tests share; a service's conftest provides `service_spec`."""

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import MetaData
from sqlalchemy.engine import Engine
from sqlmodel import Session

from kit.testing import SigningKey, clear_tables, drop_test_database, migrated_database, selected_backend


@dataclass
class ServiceSpec:
    name: str
    migrations: Path
    metadata: MetaData
    app_factory: Callable[[str, str], FastAPI]  # (database_url, jwks_json) -> app without workers


class Auth:
    """Builds Authorization headers for any kind of caller."""

    def __init__(self, key: SigningKey) -> None:
        self.key = key

    def user(self, sub: str | None = None, *, roles: list[str] | None = None, **claims: Any) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key.token(sub, roles=roles, **claims)}"}

    def client(self, client_id: str = "timetable", *, scopes: list[str]) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key.token(client_id, kind='client', roles=[], scopes=scopes)}"}


def pytest_report_header() -> str:
    return f"nearpeer test database: {selected_backend()}"


@pytest.fixture(scope="session")
def signing_key() -> SigningKey:
    return SigningKey()


@pytest.fixture(scope="session")
def auth(signing_key: SigningKey) -> Auth:
    return Auth(signing_key)


@pytest.fixture(scope="session")
def database_url(service_spec: ServiceSpec, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = migrated_database(service_spec.name, tmp_path_factory.mktemp("db"), service_spec.migrations)
    os.environ["NEARPEER_TEST_DATABASE_URL"] = url
    yield url
    drop_test_database(url)


@pytest.fixture(scope="session")
def app(service_spec: ServiceSpec, database_url: str, signing_key: SigningKey) -> Iterator[FastAPI]:
    application = service_spec.app_factory(database_url, json.dumps(signing_key.jwks()))
    yield application
    application.state.engine.dispose()


@pytest.fixture(scope="session")
def engine(app: FastAPI) -> Engine:
    result: Engine = app.state.engine
    return result


@pytest.fixture(autouse=True)
def _clean_database(request: pytest.FixtureRequest) -> Iterator[None]:
    uses_db = {"engine", "client", "db", "app"} & set(request.fixturenames)
    engine = request.getfixturevalue("engine") if uses_db else None
    spec = request.getfixturevalue("service_spec") if uses_db else None
    yield
    if engine is not None and spec is not None:
        clear_tables(engine, spec.metadata)
        account_states = getattr(request.getfixturevalue("app").state, "account_states", None)
        if account_states is not None:  # cached account states must not outlive the rows of the test that made them
            account_states.clear()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def db(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session
