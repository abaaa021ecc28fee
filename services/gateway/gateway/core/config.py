"""Gateway settings, from the environment (prefix-free, as every service)."""

from pathlib import Path
from typing import ClassVar

from kit.config import ServiceSettings

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
UPSTREAMS = ("matching", "sessions", "feedback")


class Settings(ServiceSettings):
    requires_client_credentials: ClassVar[bool] = False  # the gateway mints its own service tokens

    service_name: str = "gateway"
    database_url: str = "sqlite:///./var/gateway.db"

    signing_key_path: str = "./var/keys/signing-key.pem"
    access_token_ttl_seconds: int = 900
    client_token_ttl_seconds: int = 900
    refresh_token_ttl_days: int = 14

    matching_url: str = "http://127.0.0.1:8001"
    sessions_url: str = "http://127.0.0.1:8002"
    feedback_url: str = "http://127.0.0.1:8003"
    frontend_dist: str | None = None

    login_max_failures: int = 10  # per username and address, in the window
    login_max_failures_per_address: int = 100
    login_window_seconds: float = 900

    upstream_connect_timeout: float = 2.0
    upstream_read_timeout: float = 30.0
    upstream_pool_size: int = 256
    # Below uvicorn's 5 s keep-alive, so the gateway drops idle upstream connections before the service does.
    upstream_keepalive_seconds: float = 4.0
    openapi_cache_seconds: float = 30.0

    # argon2id cost: OWASP's first recommended configuration (19 MiB, 2 passes, 1 lane); production refuses less. Tests lower it.
    password_time_cost: int = 2
    password_memory_kib: int = 19456
    password_parallelism: int = 1

    @property
    def upstreams(self) -> dict[str, str]:
        """Service name -> base URL."""
        return {"matching": self.matching_url, "sessions": self.sessions_url, "feedback": self.feedback_url}

    @property
    def secure_cookies(self) -> bool:
        return bool(self.environment != "development")

    def production_problems(self) -> list[str]:
        problems: list[str] = list(super().production_problems())
        if not Path(self.signing_key_path).is_file():
            problems.append(f"SIGNING_KEY_PATH must name an existing PEM RSA private key in production ({self.signing_key_path} is missing)")
        if self.password_memory_kib < 19456 or self.password_time_cost < 2:
            problems.append("PASSWORD_MEMORY_KIB/PASSWORD_TIME_COST are below the OWASP argon2id minimum (19456 KiB, 2 passes)")
        return problems
