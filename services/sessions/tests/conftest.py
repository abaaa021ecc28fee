from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from sqlmodel import SQLModel

import sessions.models  # noqa: F401 - registers the tables
from kit.pytest_plugin import Auth, ServiceSpec
from sessions.core.config import MIGRATIONS, Settings
from sessions.main import create_app
from tests.factories import FakeApprovals, People, Receiver

pytest_plugins = ["kit.pytest_plugin"]


@pytest.fixture(scope="session")
def service_spec() -> ServiceSpec:
    return ServiceSpec(
        name="sessions",
        migrations=MIGRATIONS,
        metadata=SQLModel.metadata,
        app_factory=lambda url, jwks: create_app(
            Settings(
                environment="test",
                database_url=url,
                auth_jwks_json=jwks,
                matching_url="http://127.0.0.1:9",
                feedback_url="http://127.0.0.1:9",
                fetch_allow_loopback=True,  # feeds and webhooks of the tests are served on loopback
            ),
            run_workers=False,
        ),
    )


@pytest.fixture(autouse=True)
def approvals(request: pytest.FixtureRequest) -> Iterator[FakeApprovals]:
    fake = FakeApprovals()
    if "app" in request.fixturenames or "client" in request.fixturenames:
        app: FastAPI = request.getfixturevalue("app")
        previous = app.state.approval_checker
        app.state.approval_checker = fake
        yield fake
        app.state.approval_checker = previous
    else:
        yield fake


@pytest.fixture
def live_server(app: FastAPI) -> Iterator[str]:
    """The app on a real uvicorn server on a free port (workers off), for concurrency tests."""
    import socket
    import threading
    import time

    import uvicorn

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off", access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(5)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def people(auth: Auth) -> People:
    """Headers for the usual callers (a tutor, an admin, learners, the timetable system)."""
    return People(auth)
