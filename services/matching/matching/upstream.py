"""Calls to the sessions and feedback services on the suggestion path: short timeout, one attempt."""

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import numpy as np
import numpy.typing as npt
from fastapi import FastAPI

from kit.errors import AppError
from kit.http import ClientCredentials, ServiceClient
from matching.core.config import Settings
from matching.models import PlacementRow

WORK_START_HOUR, WORK_END_HOUR = 8, 20
# Reading a whole faculty's placements is an admin command, not the suggestion path: it may take a while.
TIMETABLE_TIMEOUT_SECONDS = 30.0
UpstreamError = (AppError, httpx.HTTPError, ValueError, KeyError, TypeError)


class Upstreams:
    """The two clients the suggestion path uses, built once per app."""

    def __init__(self, settings: Settings) -> None:
        credentials = (
            ClientCredentials(settings.token_url, settings.client_id, settings.client_secret) if settings.client_id else None
        )
        timeout = settings.upstream_timeout_seconds
        self.sessions = ServiceClient(settings.sessions_url, credentials=credentials, timeout=timeout, retries=1)
        self.feedback = ServiceClient(settings.feedback_url, credentials=credentials, timeout=timeout, retries=1)
        self.settings = settings

    def close(self) -> None:
        self.sessions.close()
        self.feedback.close()


def upstreams(app: FastAPI) -> Upstreams:
    """The app's upstream clients (created on first use)."""
    existing = getattr(app.state, "upstreams", None)
    if existing is None:
        existing = Upstreams(app.state.settings)
        app.state.upstreams = existing
    return existing  # type: ignore[no-any-return]


def _parse_busy(body: Any) -> dict[str, list[tuple[datetime, datetime]]]:
    """The sessions shape [{user_id, busy: [{starts_at, ends_at}]}]; {user_id: [...]} and start/end keys are accepted too."""
    if isinstance(body, dict) and isinstance(body.get("busy"), dict):
        body = body["busy"]
    if isinstance(body, dict) and isinstance(body.get("users"), list):
        body = body["users"]
    items: list[tuple[str, Any]]
    if isinstance(body, dict):
        items = list(body.items())
    elif isinstance(body, list):
        items = [(str(entry["user_id"]), entry.get("busy", [])) for entry in body]
    else:
        raise ValueError("unexpected freebusy shape")
    out: dict[str, list[tuple[datetime, datetime]]] = {}
    for user_id, intervals in items:
        out[str(user_id)] = [
            (datetime.fromisoformat(i.get("starts_at") or i["start"]), datetime.fromisoformat(i.get("ends_at") or i["end"])) for i in intervals
        ]
    return out


def working_slots(settings: Settings, start: datetime) -> list[tuple[datetime, datetime]]:
    """Weekday working hours (faculty time zone) over the horizon, as one-hour slots."""
    zone = ZoneInfo(settings.faculty_timezone)
    local = start.astimezone(zone).replace(minute=0, second=0, microsecond=0)
    slots = []
    for day in range(settings.suggestion_horizon_days):
        base = (local + timedelta(days=day)).replace(hour=0)
        if base.weekday() >= 5:
            continue
        for hour in range(WORK_START_HOUR, WORK_END_HOUR):
            slot_start = base.replace(hour=hour)
            if slot_start >= local:
                slots.append((slot_start, slot_start + timedelta(hours=1)))
    return slots


def free_mask(slots: list[tuple[datetime, datetime]], busy: list[tuple[datetime, datetime]]) -> npt.NDArray[np.bool_]:
    """True for every slot the person is free in."""
    free = np.ones(len(slots), dtype=bool)
    for index, (slot_start, slot_end) in enumerate(slots):
        for busy_start, busy_end in busy:
            if busy_start < slot_end and busy_end > slot_start:
                free[index] = False
                break
    return free


def shared_free_time(ups: Upstreams, *, learner_id: str, tutor_ids: list[str], now: datetime, bearer: str | None) -> dict[str, float]:
    """Share of the learner's free working hours the tutor is free too, per tutor (raises on upstream trouble)."""
    settings = ups.settings
    slots = working_slots(settings, now)
    end = now + timedelta(days=settings.suggestion_horizon_days)
    response = ups.sessions.get(
        "/api/sessions/freebusy",
        params={"user_ids": ",".join([learner_id, *tutor_ids]), "start": now.isoformat(), "end": end.isoformat()},
        bearer=None if ups.sessions.credentials else bearer,
    )
    response.raise_for_status()
    busy = _parse_busy(response.json())
    learner_free = free_mask(slots, busy.get(learner_id, []))
    denominator = max(int(learner_free.sum()), 1)
    return {t: float((learner_free & free_mask(slots, busy.get(t, []))).sum()) / denominator for t in tutor_ids}


def quality(ups: Upstreams, *, tutor_ids: list[str], topic_id: int, bearer: str | None) -> dict[str, float]:
    """Feedback quality (0..1) per tutor for the topic; tutors without data are absent (raises on upstream trouble)."""
    response = ups.feedback.get(
        "/api/feedback/quality",
        params={"tutor_ids": ",".join(tutor_ids), "topic_id": topic_id},
        bearer=None if ups.feedback.credentials else bearer,
    )
    response.raise_for_status()
    return {str(row["tutor_id"]): float(row["score"]) for row in response.json()}


def describe(exc: BaseException) -> str:
    """A short reason for a missing criterion."""
    if isinstance(exc, AppError):
        return str(exc.message)
    if isinstance(exc, httpx.HTTPStatusError):
        return f"answered {exc.response.status_code}"
    return f"{type(exc).__name__}: {exc}"[:200]


def timetable_placements(ups: Upstreams, *, start: date, end: date, bearer: str | None) -> list[PlacementRow]:
    """Per-person placements overlapping [start, end] from the sessions timetable (raises on upstream trouble)."""
    response = ups.sessions.get(
        "/api/sessions/timetable/placements",
        params={"start": start.isoformat(), "end": end.isoformat()},
        bearer=None if ups.sessions.credentials else bearer,
        timeout=TIMETABLE_TIMEOUT_SECONDS,
    )
    response.raise_for_status()
    body = response.json()
    if not isinstance(body, list):
        raise ValueError("unexpected placements shape")
    # Ward names are cut to what a placement row holds (sessions allows longer locations), the same way for everyone.
    return [PlacementRow.model_validate({**row, "ward": str(row["ward"])[:200]}) for row in body]
