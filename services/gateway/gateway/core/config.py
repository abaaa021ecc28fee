"""Gateway settings, from the environment (prefix-free, as every service)."""

import ipaddress
from pathlib import Path
from typing import ClassVar

from pydantic import Field, field_validator

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

    # Sign-in throttling (gateway.throttle), counted in the database. Per account and address: `login_free_failures`
    # failures, then each further attempt waits 1 s, 2 s, 4 s, ... up to `login_max_delay_seconds`. Per address (all
    # accounts): `login_max_failures_per_address`. Per account (all addresses): past `login_account_ceiling`, only one
    # attempt per `login_account_slowdown_seconds` from addresses with no recent success on it. Counters restart after
    # a quiet window (no failure for `login_window_seconds`, or `login_account_window_seconds` for the account ceiling).
    login_free_failures: int = Field(default=5, ge=1)
    login_max_delay_seconds: float = Field(default=900, gt=0)
    login_max_failures_per_address: int = Field(default=100, ge=1)
    login_window_seconds: float = Field(default=900, gt=0)
    login_account_ceiling: int = Field(default=50, ge=1)
    login_account_window_seconds: float = Field(default=3600, gt=0)
    login_account_slowdown_seconds: float = Field(default=30, ge=0)
    login_known_address_days: int = Field(default=30, ge=0)
    # Comma-separated CIDRs of reverse proxies whose X-Forwarded-For is believed (default: none, the peer is the client).
    trusted_proxies: str = ""

    # Revocation: how long this process trusts its cached copy of an account (or client) and of a verified token.
    account_cache_seconds: float = Field(default=5.0, ge=0, le=5)
    # The outbox that tells the services about account changes (docs/gateway.md, "Revocation").
    outbox_interval_seconds: float = Field(default=1.0, gt=0)
    outbox_max_refusals: int = Field(default=5, ge=1)

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

    @field_validator("trusted_proxies")
    @classmethod
    def _check_proxies(cls, value: str) -> str:
        for item in value.split(","):
            if item.strip():
                try:
                    ipaddress.ip_network(item.strip(), strict=False)
                except ValueError as exc:
                    raise ValueError(f"TRUSTED_PROXIES: {item.strip()!r} is not an address or CIDR") from exc
        return value

    @property
    def trusted_networks(self) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        """TRUSTED_PROXIES parsed."""
        return [ipaddress.ip_network(item.strip(), strict=False) for item in self.trusted_proxies.split(",") if item.strip()]

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
