from pathlib import Path

import pytest
from sqlmodel import SQLModel

import gateway.models  # noqa: F401 - registers the tables
from gateway.core.config import MIGRATIONS, Settings
from gateway.core.security import key_id
from gateway.main import create_app
from kit.pytest_plugin import ServiceSpec
from kit.testing import SigningKey

pytest_plugins = ["kit.pytest_plugin"]

# Cheap argon2 parameters: the tests hash many passwords.
FAST_PASSWORDS = {"password_time_cost": 1, "password_memory_kib": 1024, "password_parallelism": 1}


@pytest.fixture(scope="session")
def signing_key() -> SigningKey:
    """The kit's test key, with the key id the gateway derives from it, so both mint interchangeable tokens."""
    key = SigningKey()
    key.kid = key_id(key.private_pem)
    return key


@pytest.fixture(scope="session")
def key_file(signing_key: SigningKey, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("keys") / "signing-key.pem"
    path.write_text(signing_key.private_pem)
    return path


def make_settings(database_url: str, key_file: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "environment": "test", "database_url": database_url, "signing_key_path": str(key_file), "log_json": False,
        "matching_url": "http://127.0.0.1:9", "sessions_url": "http://127.0.0.1:9", "feedback_url": "http://127.0.0.1:9",
        **FAST_PASSWORDS, **overrides,
    }
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def service_spec(key_file: Path) -> ServiceSpec:
    return ServiceSpec(
        name="gateway",
        migrations=MIGRATIONS,
        metadata=SQLModel.metadata,
        app_factory=lambda url, jwks: create_app(make_settings(url, key_file), run_workers=False),
    )


@pytest.fixture(autouse=True)
def _fresh_gate(request: pytest.FixtureRequest) -> None:
    """The session-wide app caches verified tokens and account states: start each test without them."""
    if "client" in request.fixturenames:
        request.getfixturevalue("app").state.account_states.clear()
