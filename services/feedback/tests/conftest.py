import pytest
from sqlmodel import SQLModel

import feedback.models  # noqa: F401 - registers the tables
from feedback.core.config import MIGRATIONS, Settings
from feedback.main import create_app
from kit.pytest_plugin import ServiceSpec

pytest_plugins = ["kit.pytest_plugin"]


@pytest.fixture(scope="session")
def service_spec() -> ServiceSpec:
    return ServiceSpec(
        name="feedback",
        migrations=MIGRATIONS,
        metadata=SQLModel.metadata,
        app_factory=lambda url, jwks: create_app(
            Settings(environment="test", database_url=url, auth_jwks_json=jwks), run_workers=False
        ),
    )
