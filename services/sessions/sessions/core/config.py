"""Sessions settings, from the environment (prefix-free, as every service)."""

from pathlib import Path

from kit.config import DEV_SECRET, ServiceSettings

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

    outbox_interval_seconds: float = 5.0
    # Permanent refusals (4xx) of an outbox message before it is parked as dead (docs/sessions.md).
    outbox_max_refusals: int = 5
    webhook_interval_seconds: float = 5.0
    webhook_timeout_seconds: float = 10.0
    # Items longer than this are looked up separately by the clash check (see docs/sessions.md).
    long_item_hours: int = 24
    # Derives the secret calendar feed tokens (only their hashes are stored); rotating it revokes every link.
    calendar_token_secret: str = DEV_SECRET

    def secret_values(self) -> dict[str, str | None]:
        values: dict[str, str | None] = dict(super().secret_values())
        values["calendar_token_secret"] = self.calendar_token_secret
        return values
