"""Settings base every service extends."""

from typing import ClassVar, Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET = "dev-only-not-secret"
# A client secret must carry 32 random bytes: `secrets.token_urlsafe(32)` gives 43 characters (64-character alphabet,
# ~40 distinct); `token_hex(32)` gives 64 (16 distinct). Fewer characters, or a repetitive string, is refused.
MIN_CLIENT_SECRET_LENGTH = 43
MIN_CLIENT_SECRET_DISTINCT = 12


def strong_secret(value: str) -> bool:
    """Long and varied enough to hold 32 random bytes (see MIN_CLIENT_SECRET_LENGTH)."""
    return len(value) >= MIN_CLIENT_SECRET_LENGTH and len(set(value)) >= MIN_CLIENT_SECRET_DISTINCT


class ServiceSettings(BaseSettings):
    """Environment-driven settings; production refuses unsafe defaults."""

    model_config = SettingsConfigDict(env_file=None, extra="ignore")
    # Services call each other with their own client credentials; the gateway (which mints its own tokens) says False.
    requires_client_credentials: ClassVar[bool] = True

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
    # Request bodies this process accepts (kit.limits): every route, and routes marked BULK_BODY (imports, pushes).
    max_body_bytes: int = 1 << 20
    max_bulk_body_bytes: int = 20 << 20
    # How long a process may answer from its cached copy of an account's state (revocation window on top of delivery).
    account_state_cache_seconds: float = Field(default=5.0, ge=0, le=60)
    # Idempotency records older than this are purged (the retry horizon of callers, outbox relays included).
    idempotency_ttl_hours: int = Field(default=48, ge=1)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def production_problems(self) -> list[str]:
        """Name every setting that is unsafe for production."""
        problems: list[str] = []
        if self.is_sqlite:
            problems.append("DATABASE_URL must point to PostgreSQL in production, not SQLite")
        if self.requires_client_credentials and not self.client_id:
            problems.append("CLIENT_ID must be set in production (the service's client at the gateway)")
        for name, value in self.secret_values().items():
            if not value or value == DEV_SECRET or value.startswith("dev-"):
                problems.append(f"{name.upper()} must be set to a real secret in production")
            elif name == "client_secret" and not strong_secret(value):
                problems.append(
                    f"CLIENT_SECRET must carry 32 random bytes: at least {MIN_CLIENT_SECRET_LENGTH} characters with"
                    f" {MIN_CLIENT_SECRET_DISTINCT}+ distinct ones (e.g. python -c 'import secrets; print(secrets.token_urlsafe(32))')"
                )
        return problems

    def secret_values(self) -> dict[str, str | None]:
        """Secrets this service needs; subclasses add their own."""
        if self.client_id is None and not self.requires_client_credentials:
            return {}
        return {"client_secret": self.client_secret}

    @model_validator(mode="after")
    def _fail_fast_in_production(self) -> "ServiceSettings":
        if self.environment == "production":
            problems = self.production_problems()
            if problems:
                raise ValueError("unsafe production settings: " + "; ".join(problems))
        return self
