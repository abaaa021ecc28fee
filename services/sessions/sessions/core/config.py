"""Sessions settings, from the environment (prefix-free, as every service)."""

import json
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, field_validator
from pydantic_settings import NoDecode

from kit.config import DEV_SECRET, ServiceSettings
from kit.netguard import FetchPolicy, parse_allow_list

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


class Settings(ServiceSettings):
    service_name: str = "sessions"
    database_url: str = "sqlite:///./var/sessions.db"
    matching_url: str = "http://127.0.0.1:8001"
    feedback_url: str = "http://127.0.0.1:8003"
    public_base_url: str = "http://127.0.0.1:8000"
    faculty_timezone: str = "Europe/Paris"
    working_hours_start: str = "08:00"
    working_hours_end: str = "19:00"

    feed_fetch_interval_seconds: float = 3600.0
    feed_fetch_timeout_seconds: float = 20.0
    feed_max_bytes: int = 20_000_000
    feed_window_past_days: int = 30
    feed_window_future_days: int = 400
    # Recurrence bounds of one feed import (docs/sessions.md): occurrences kept per event (the first ones in the
    # window) and per feed (the earliest ones), and the time one import may take before the feed is refused.
    feed_max_occurrences_per_event: int = Field(default=1000, ge=1)
    feed_max_occurrences: int = Field(default=20_000, ge=1)
    feed_import_budget_seconds: float = Field(default=30.0, gt=0)

    outbox_interval_seconds: float = 5.0
    # Permanent refusals (4xx) of an outbox message before it is parked as dead (docs/sessions.md).
    outbox_max_refusals: int = 5
    webhook_interval_seconds: float = 5.0
    webhook_timeout_seconds: float = 10.0
    # Items longer than this are looked up separately by the clash check (see docs/sessions.md).
    long_item_hours: int = 24
    # Feeds and webhooks reach public addresses only, plus what FETCH_ALLOW names: CIDRs, addresses or exact host
    # names, each with an optional :port (comma-separated or a JSON list). Rules: kit/netguard.py.
    fetch_allow: Annotated[list[str], NoDecode] = []
    fetch_allow_loopback: bool = False  # development only; refused in production
    fetch_max_redirects: int = Field(default=5, ge=0, le=20)
    # Derives the secret calendar feed tokens (only their hashes are stored); rotating it revokes every link.
    calendar_token_secret: str = DEV_SECRET

    @field_validator("fetch_allow", mode="before")
    @classmethod
    def _split_allow_list(cls, value: Any) -> Any:
        if isinstance(value, str):
            text = value.strip()
            value = json.loads(text) if text.startswith("[") else [v.strip() for v in text.split(",") if v.strip()]
        parse_allow_list(value)  # ValueError names the bad entry
        return value

    def fetch_policy(self, *, timeout: float, max_bytes: int, follow_redirects: bool) -> FetchPolicy:
        """Where feeds and webhooks may connect (kit.netguard)."""
        return FetchPolicy(
            allow=parse_allow_list(self.fetch_allow),
            allow_loopback=self.fetch_allow_loopback,
            timeout=timeout,
            max_bytes=max_bytes,
            max_redirects=self.fetch_max_redirects if follow_redirects else 0,
        )

    def production_problems(self) -> list[str]:
        problems = super().production_problems()
        if self.fetch_allow_loopback:
            problems.append("FETCH_ALLOW_LOOPBACK is for development only; name the hosts in FETCH_ALLOW instead")
        return problems

    def secret_values(self) -> dict[str, str | None]:
        values: dict[str, str | None] = dict(super().secret_values())
        values["calendar_token_secret"] = self.calendar_token_secret
        return values
