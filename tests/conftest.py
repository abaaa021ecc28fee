"""Cross-service tests: the real gateway and services as processes on loopback ports."""

import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from devstack import Stack, free_port


def _backend() -> str:
    return os.environ.get("NEARPEER_TEST_DB", "sqlite")


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    data_dir = Path(tmp_path_factory.mktemp(f"np-{_backend()}-{os.getpid()}"))
    running = Stack(data_dir, port=free_port(), database=_backend())
    running.start()
    yield running
    running.stop()
    running.drop_databases()


@pytest.fixture(scope="session")
def admin_password(stack: Stack) -> str:
    return stack.secrets["passwords"]["admin"]


@pytest.fixture
def gw(stack: Stack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=stack.url, timeout=30) as client:
        yield client


@pytest.fixture
def admin(stack: Stack, admin_password: str) -> Iterator[httpx.Client]:
    token = httpx.post(f"{stack.url}/api/auth/login", json={"username": "admin", "password": admin_password}).json()["access_token"]
    with httpx.Client(base_url=stack.url, timeout=30, headers={"Authorization": f"Bearer {token}"}) as client:
        yield client
