import pytest
from sqlmodel import SQLModel

import kit.outbox  # noqa: F401 - registers the outbox table
from kit.config import ServiceSettings
from kit.pytest_plugin import ServiceSpec
from tests.sample.app import MIGRATIONS, create_app

pytest_plugins = ["kit.pytest_plugin"]


@pytest.fixture(scope="session")
def service_spec() -> ServiceSpec:
    return ServiceSpec(
        name="kit",
        migrations=MIGRATIONS,
        metadata=SQLModel.metadata,
        app_factory=lambda url, jwks: create_app(
            ServiceSettings(environment="test", service_name="sample", database_url=url, auth_jwks_json=jwks)
        ),
    )
