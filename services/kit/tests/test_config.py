import pytest
from pydantic import ValidationError

from kit.config import ServiceSettings


def test_production_refuses_sqlite_and_default_secret() -> None:
    with pytest.raises(ValidationError) as excinfo:
        ServiceSettings(environment="production", database_url="sqlite:///x.db", client_id="svc-x")
    message = str(excinfo.value)
    assert "DATABASE_URL" in message
    assert "CLIENT_SECRET" in message


def test_production_accepts_real_settings() -> None:
    settings = ServiceSettings(
        environment="production", database_url="postgresql+psycopg://db/x", client_id="svc-x", client_secret="s3cr3t-from-vault"
    )
    assert not settings.is_sqlite


def test_development_allows_defaults() -> None:
    assert ServiceSettings().environment == "development"
