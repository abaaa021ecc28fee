"""Placement buddies: a learner starting on a ward gets a near-peer who has already been on it."""

import csv
import io
from datetime import date, timedelta

from pydantic import ValidationError
from sqlmodel import Session, col, select

from kit.auth import Principal
from kit.errors import BadGateway, ValidationFailed
from matching import crud, rules
from matching.core.config import Settings
from matching.models import (
    BuddyPair,
    BuddyRequest,
    BuddyResult,
    BuddyUnmatched,
    Exclusion,
    LearnerProfile,
    Pairing,
    PairingStatus,
    PlacementRow,
    TimetableWindow,
    TutorProfile,
)
from matching.pairings import pairing_event, start_pairings
from matching.upstream import UpstreamError, Upstreams, describe, timetable_placements

MAX_TIMETABLE_WINDOW_DAYS = 366


def parse_rows(data: BuddyRequest) -> list[PlacementRow]:
    """JSON rows plus CSV rows (header: user_id,ward,start,end; ISO dates)."""
    rows = list(data.rows)
    if data.csv:
        reader = csv.DictReader(io.StringIO(data.csv.strip()))
        missing = {"user_id", "ward", "start", "end"} - set(reader.fieldnames or [])
        if missing:
            raise ValidationFailed(f"CSV header lacks {', '.join(sorted(missing))}", code="csv_header", field="body.csv")
        for line, raw in enumerate(reader, start=2):
            try:
                rows.append(PlacementRow.model_validate(raw))
            except ValidationError as exc:
                raise ValidationFailed(f"CSV line {line}: {exc.errors()[0]['msg']}", code="csv_row", field=f"body.csv.{line}") from exc
    for index, row in enumerate(rows):
        if row.end < row.start:
            raise ValidationFailed("A placement ends before it starts", code="placement_dates", field=f"body.rows.{index}.end")
    return rows


def check_window(*, window: TimetableWindow) -> None:
    """Refuse a reversed or oversized timetable window (history included, sessions reads at most about 3 years)."""
    if window.end < window.start:
        raise ValidationFailed("end must not be before start", code="invalid_window", field="body.from_timetable.end")
    if (window.end - window.start).days > MAX_TIMETABLE_WINDOW_DAYS:
        raise ValidationFailed(f"the window is limited to {MAX_TIMETABLE_WINDOW_DAYS} days", code="window_too_large", field="body.from_timetable.end")


def timetable_rows(*, ups: Upstreams, window: TimetableWindow, bearer: str | None) -> list[PlacementRow]:
    """Placements from the sessions timetable, from history_days before the window to its end (502 when unavailable)."""
    try:
        return timetable_placements(ups, start=window.start - timedelta(days=window.history_days), end=window.end, bearer=bearer)
    except UpstreamError as exc:
        raise BadGateway(f"the sessions timetable is unavailable ({describe(exc)}); nothing was changed", code="timetable_unavailable") from exc


def merge_rows(*, given: list[PlacementRow], found: list[PlacementRow]) -> list[PlacementRow]:
    """All rows once each (the same placement sent as a row and found in the timetable counts once)."""
    unique = {(r.user_id, r.ward, r.start, r.end): r for r in [*given, *found]}
    return list(unique.values())


def assign(*, session: Session, settings: Settings, data: BuddyRequest, actor: Principal, ups: Upstreams) -> BuddyResult:
    """Pair each learner starting a placement with a near-peer who finished one on the same ward before it."""
    crud.get_open_topic(session=session, topic_id=data.topic_id, field="body.topic_id")
    rows = parse_rows(data)
    window = data.from_timetable
    if window is not None:
        check_window(window=window)
        rows = merge_rows(given=rows, found=timetable_rows(ups=ups, window=window, bearer=actor.token))
    people = sorted({r.user_id for r in rows})
    stages: dict[str, int] = {}
    for user_id, stage in session.exec(select(LearnerProfile.user_id, LearnerProfile.stage).where(col(LearnerProfile.user_id).in_(people))).all():
        stages[user_id] = stage
    for user_id, stage in session.exec(select(TutorProfile.user_id, TutorProfile.stage).where(col(TutorProfile.user_id).in_(people))).all():
        stages[user_id] = max(stage, stages.get(user_id, 0))
    excluded = set(session.exec(select(Exclusion.learner_id, Exclusion.tutor_id).where(col(Exclusion.learner_id).in_(people))).all())
    already = set(
        session.exec(
            select(Pairing.learner_id).where(Pairing.topic_id == data.topic_id, Pairing.status == PairingStatus.active, col(Pairing.learner_id).in_(people))
        ).all()
    )
    load: dict[str, int] = {}
    pairs: list[BuddyPair] = []
    unmatched: list[BuddyUnmatched] = []
    for row in sorted(rows, key=lambda r: (r.start, r.user_id)):
        if window is not None and not window.start <= row.start <= window.end:
            continue  # only history
        learner_stage = stages.get(row.user_id)
        if learner_stage is None or row.user_id in already:
            if learner_stage is None:
                unmatched.append(BuddyUnmatched(learner_id=row.user_id, ward=row.ward, start=row.start, reason="no_profile"))
            continue
        been = [r for r in rows if r.ward == row.ward and r.end < row.start and r.user_id != row.user_id and r.user_id in stages]
        reason, best = _choose(settings, row.user_id, learner_stage, been, stages, excluded, load, data.max_per_buddy, row.start)
        if best is None:
            unmatched.append(BuddyUnmatched(learner_id=row.user_id, ward=row.ward, start=row.start, reason=reason))
            continue
        load[best] = load.get(best, 0) + 1
        already.add(row.user_id)
        pairs.append(BuddyPair(learner_id=row.user_id, buddy_id=best, ward=row.ward, start=row.start))
    if not data.dry_run:
        _publish(session, data.topic_id, pairs, actor)
    return BuddyResult(pairs=pairs, unmatched=unmatched)


def _choose(
    settings: Settings,
    learner_id: str,
    learner_stage: int,
    been: list[PlacementRow],
    stages: dict[str, int],
    excluded: set[tuple[str, str]],
    load: dict[str, int],
    limit: int,
    start: date,
) -> tuple[str, str | None]:
    """The least-loaded eligible buddy (most recent on the ward first), or the reason there is none."""
    if not been:
        return "no_previous_student", None
    peers = [r for r in been if rules.near_peer_problem(settings, tutor_stage=stages[r.user_id], learner_stage=learner_stage) is None]
    if not peers:
        return "near_peer_rule", None
    allowed = [r for r in peers if (learner_id, r.user_id) not in excluded]
    if not allowed:
        return "exclusion", None
    free = [r for r in allowed if load.get(r.user_id, 0) < limit]
    if not free:
        return "capacity", None
    best = min(free, key=lambda r: (load.get(r.user_id, 0), (start - r.end).days, r.user_id))
    return "", best.user_id


def _publish(session: Session, topic_id: int, pairs: list[BuddyPair], actor: Principal) -> None:
    topic = crud.get_topic(session=session, topic_id=topic_id)
    created = [Pairing(learner_id=pair.learner_id, tutor_id=pair.buddy_id, topic_id=topic_id, source="buddy") for pair in pairs]
    start_pairings(session=session, pairings=created, check_capacity=False)  # bounded by max_per_buddy, not tutor capacity
    for pair, pairing in zip(pairs, created, strict=True):
        pair.pairing_id = pairing.id
        pairing_event(session, pairing, actor=actor.sub, to=PairingStatus.active, from_=None, reason=f"placement buddy on {pair.ward}")
        crud.notify(session=session, user_id=pair.learner_id, kind="buddy_assigned", title=f"Your placement buddy for {pair.ward}", body=f"{topic.name}: a near-peer who was on this ward will help you settle in.", link=f"/matching/pairings/{pairing.id}")
        crud.notify(session=session, user_id=pair.buddy_id, kind="buddy_assigned", title=f"You are a placement buddy on {pair.ward}", body=f"A younger student starts on {pair.ward} on {pair.start}.", link=f"/matching/pairings/{pairing.id}")
    session.commit()
