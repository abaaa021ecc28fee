import secrets

import pytest
from pydantic import ValidationError

from kit.config import ServiceSettings

STRONG = secrets.token_urlsafe(32)


def test_production_refuses_sqlite_and_default_secret() -> None:
    with pytest.raises(ValidationError) as excinfo:
        ServiceSettings(environment="production", database_url="sqlite:///x.db", client_id="svc-x")
    message = str(excinfo.value)
    assert "DATABASE_URL" in message
    assert "CLIENT_SECRET" in message


def test_production_accepts_real_settings() -> None:
    settings = ServiceSettings(environment="production", database_url="postgresql+psycopg://db/x", client_id="svc-x", client_secret=STRONG)
    assert not settings.is_sqlite
    hex_secret = ServiceSettings(
        environment="production", database_url="postgresql+psycopg://db/x", client_id="svc-x", client_secret=secrets.token_hex(32)
    )
    assert hex_secret.client_id == "svc-x"


def test_production_refuses_a_missing_client_id() -> None:
    with pytest.raises(ValidationError, match="CLIENT_ID must be set"):
        ServiceSettings(environment="production", database_url="postgresql+psycopg://db/x", client_secret=STRONG)


@pytest.mark.parametrize("weak", ["x", "s3cr3t-from-vault", STRONG[:42], "ab" * 40, "0123456789" * 5])
def test_production_refuses_a_client_secret_without_32_bytes_of_entropy(weak: str) -> None:
    with pytest.raises(ValidationError, match="CLIENT_SECRET must carry 32 random bytes"):
        ServiceSettings(environment="production", database_url="postgresql+psycopg://db/x", client_id="svc-x", client_secret=weak)


def test_development_and_test_allow_defaults() -> None:
    assert ServiceSettings().environment == "development"
    assert ServiceSettings(environment="test").client_id is None
