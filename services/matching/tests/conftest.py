import socket

import pytest
from sqlmodel import SQLModel

import matching.models  # noqa: F401 - registers the tables
from kit.pytest_plugin import ServiceSpec
from matching.core.config import MIGRATIONS, Settings
from matching.main import create_app

pytest_plugins = ["kit.pytest_plugin"]


def closed_port_url() -> str:
    """A loopback URL nothing listens on (sessions and feedback are 'down' unless a test mocks them)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def test_settings(url: str, jwks: str) -> Settings:
    down = closed_port_url()
    return Settings(
        environment="test",
        database_url=url,
        auth_jwks_json=jwks,
        sessions_url=down,
        feedback_url=down,
        upstream_timeout_seconds=0.5,
    )


@pytest.fixture(scope="session")
def service_spec() -> ServiceSpec:
    return ServiceSpec(
        name="matching",
        migrations=MIGRATIONS,
        metadata=SQLModel.metadata,
        app_factory=lambda url, jwks: create_app(test_settings(url, jwks), run_workers=False),
    )


@pytest.fixture
def settings(app) -> Settings:  # type: ignore[no-untyped-def]
    result: Settings = app.state.settings
    return result
