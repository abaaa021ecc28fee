"""Matching settings, from the environment (prefix-free, as every service)."""

from pathlib import Path

from kit.config import ServiceSettings

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


class Settings(ServiceSettings):
    service_name: str = "matching"
    database_url: str = "sqlite:///./var/matching.db"
    sessions_url: str = "http://127.0.0.1:8002"
    feedback_url: str = "http://127.0.0.1:8003"
    faculty_timezone: str = "Europe/Paris"

    near_peer_min_gap: int = 1
    near_peer_max_gap: int = 3
    near_peer_ideal_gap: int = 2
    request_ttl_hours: int = 72

    # Suggestion/run score weights (each criterion is in [0, 1]; missing ones are left out and the rest renormalised).
    weight_topic_fit: float = 0.30
    weight_stage_gap: float = 0.15
    weight_shared_free_time: float = 0.15
    weight_format: float = 0.10
    weight_language: float = 0.10
    weight_load: float = 0.10
    weight_quality: float = 0.10

    # Upstream calls on the suggestion path: short timeout, no retry loop (a missing criterion beats a slow answer).
    upstream_timeout_seconds: float = 1.0
    suggestion_horizon_days: int = 14
    suggestion_shortlist: int = 30

    worker_interval_seconds: float = 60.0
    run_poll_seconds: float = 2.0
    # Outbox to sessions (approval suspended): relay period, and permanent refusals (4xx) before a message is parked.
    outbox_interval_seconds: float = 5.0
    outbox_max_refusals: int = 5

    def weights(self) -> dict[str, float]:
        """Criterion -> weight."""
        return {
            "topic_fit": self.weight_topic_fit,
            "stage_gap": self.weight_stage_gap,
            "shared_free_time": self.weight_shared_free_time,
            "format": self.weight_format,
            "language": self.weight_language,
            "load": self.weight_load,
            "quality": self.weight_quality,
        }
