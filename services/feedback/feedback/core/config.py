"""Feedback settings, from the environment (prefix-free, as every service)."""

from pathlib import Path

from kit.config import ServiceSettings

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


class Settings(ServiceSettings):
    service_name: str = "feedback"
    database_url: str = "sqlite:///./var/feedback.db"
    matching_url: str = "http://127.0.0.1:8001"
    faculty_timezone: str = "Europe/Paris"
    rating_edit_window_hours: int = 48
    flag_target_hours: int = 72
    report_min_n: int = 10
    # Weight m of the global mean in the quality score: (n*mean_t + m*global)/(n+m).
    quality_prior_weight: float = 10.0
    outbox_interval_seconds: float = 5.0
    # Permanent refusals (4xx) of an outbox message before it is parked as dead (docs/feedback.md).
    outbox_max_refusals: int = 5
