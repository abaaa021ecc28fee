"""Settings base every service extends."""

from typing import Literal

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET = "dev-only-not-secret"


class ServiceSettings(BaseSettings):
    """Environment-driven settings; production refuses unsafe defaults."""

    model_config = SettingsConfigDict(env_file=None, extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    service_name: str = "service"
    database_url: str = "sqlite:///./var/service.db"
    log_level: str = "INFO"
    log_json: bool = True

    auth_issuer: str = "nearpeer-gateway"
    auth_audience: str = "nearpeer-api"
    auth_jwks_url: str = "http://127.0.0.1:8000/.well-known/jwks.json"
    auth_jwks_json: str | None = None

    gateway_url: str = "http://127.0.0.1:8000"
    token_url: str = "http://127.0.0.1:8000/api/auth/token"
    client_id: str | None = None
    client_secret: str = DEV_SECRET
    http_timeout_seconds: float = 5.0
    http_retries: int = 3

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def production_problems(self) -> list[str]:
        """Name every setting that is unsafe for production."""
        problems: list[str] = []
        if self.is_sqlite:
            problems.append("DATABASE_URL must point to PostgreSQL in production, not SQLite")
        for name, value in self.secret_values().items():
            if not value or value == DEV_SECRET or value.startswith("dev-"):
                problems.append(f"{name.upper()} must be set to a real secret in production")
        return problems

    def secret_values(self) -> dict[str, str | None]:
        """Secrets this service needs; subclasses add their own."""
        if self.client_id is None:
            return {}
        return {"client_secret": self.client_secret}

    @model_validator(mode="after")
    def _fail_fast_in_production(self) -> "ServiceSettings":
        if self.environment == "production":
            problems = self.production_problems()
            if problems:
                raise ValueError("unsafe production settings: " + "; ".join(problems))
        return self
