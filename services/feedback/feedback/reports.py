"""Programme report, quality signal and portfolio: aggregation in SQL, statistics with scipy."""

import csv
import io
import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from scipy import stats
from sqlalchemy import ColumnElement, and_, func, literal_column, text
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from feedback.crud import ATTENDEE, TUTOR, list_endorsements, list_observations
from feedback.models import (
    AccuracyFlag,
    Assessment,
    EndorsementPublic,
    Erratum,
    FlagStatus,
    ObservationPublic,
    PairedChange,
    Participant,
    Phase,
    Portfolio,
    PortfolioErratum,
    ProgrammeReport,
    QualitySignal,
    Rating,
    RatingAggregate,
    SessionFact,
    TaughtCount,
)

CRITERIA = ("clarity", "accuracy", "usefulness", "tutor_approach")


@dataclass(frozen=True)
class ReportFilters:
    cohort: str | None = None
    topic_id: int | None = None
    tutor_id: str | None = None
    start: datetime | None = None
    end: datetime | None = None

    def as_dict(self) -> dict[str, str | int | None]:
        return {
            "cohort": self.cohort,
            "topic_id": self.topic_id,
            "tutor_id": self.tutor_id,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
        }


def session_conditions(filters: ReportFilters) -> list[ColumnElement[bool]]:
    """WHERE clauses on session_fact for the filters (start inclusive, end exclusive)."""
    conditions: list[ColumnElement[bool]] = []
    if filters.cohort is not None:
        conditions.append(col(SessionFact.cohort) == filters.cohort)
    if filters.topic_id is not None:
        conditions.append(col(SessionFact.topic_id) == filters.topic_id)
    if filters.start is not None:
        conditions.append(col(SessionFact.starts_at) >= filters.start)
    if filters.end is not None:
        conditions.append(col(SessionFact.starts_at) < filters.end)
    if filters.tutor_id is not None:
        taught = select(Participant.session_id).where(Participant.user_id == filters.tutor_id, Participant.role == TUTOR)
        conditions.append(col(SessionFact.id).in_(taught))
    return conditions


def in_filtered_sessions(session_id: Any, filters: ReportFilters) -> list[ColumnElement[bool]]:
    """Restrict rows by their session_id; no join at all when there is no filter (the FK guarantees the session)."""
    conditions = session_conditions(filters)
    if not conditions:
        return [session_id.is_not(None)]
    return [session_id.in_(sa_select(col(SessionFact.id)).where(*conditions))]


def tune_for_reporting(session: Session) -> None:
    """On PostgreSQL, give this transaction's sorts and hashes enough memory not to spill to disk."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL work_mem = '64MB'"))


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def rating_aggregate(*, session: Session, filters: ReportFilters) -> RatingAggregate:
    """Mean of each criterion and n over the ratings of the filtered sessions."""
    query = (
        sa_select(func.count(col(Rating.id)), *[func.avg(getattr(Rating, c)) for c in CRITERIA])
        .where(*in_filtered_sessions(col(Rating.session_id), filters))
    )
    row = session.execute(query).one()
    return RatingAggregate(n=int(row[0]), **{c: _float(v) for c, v in zip(CRITERIA, row[1:], strict=True)})


def _paired_sums(*, session: Session, filters: ReportFilters) -> dict[str, Any]:
    """Per learner and topic: first 'before' vs last 'after' (in the filtered sessions); summed in SQL."""
    first_before = (
        sa_select(
            col(Assessment.learner_id), col(Assessment.topic_id), col(Assessment.confidence), col(Assessment.anxiety),
            col(Assessment.retrospective),
            func.row_number().over(partition_by=(col(Assessment.learner_id), col(Assessment.topic_id)),
                                   order_by=(col(Assessment.created_at), col(Assessment.id))).label("rn"),
        )
        .where(col(Assessment.phase) == Phase.before.value)
    )
    if filters.topic_id is not None:
        first_before = first_before.where(col(Assessment.topic_id) == filters.topic_id)
    last_after = (
        sa_select(
            col(Assessment.learner_id), col(Assessment.topic_id), col(Assessment.confidence), col(Assessment.anxiety),
            func.row_number().over(partition_by=(col(Assessment.learner_id), col(Assessment.topic_id)),
                                   order_by=(col(Assessment.created_at).desc(), col(Assessment.id).desc())).label("rn"),
        )
        .where(col(Assessment.phase) == Phase.after.value, *in_filtered_sessions(col(Assessment.session_id), filters))
    )
    b = first_before.subquery("b")
    a = last_after.subquery("a")
    dc = a.c.confidence - b.c.confidence
    da = a.c.anxiety - b.c.anxiety
    query = (
        sa_select(
            func.count().label("n"),
            func.sum(b.c.confidence).label("conf_before"), func.sum(a.c.confidence).label("conf_after"),
            func.sum(dc).label("conf_d"), func.sum(dc * dc).label("conf_d2"),
            func.sum(b.c.anxiety).label("anx_before"), func.sum(a.c.anxiety).label("anx_after"),
            func.sum(da).label("anx_d"), func.sum(da * da).label("anx_d2"),
            func.count().filter(b.c.retrospective.is_(True)).label("retrospective"),
        )
        .select_from(b)
        .join(a, and_(a.c.learner_id == b.c.learner_id, a.c.topic_id == b.c.topic_id))
        .where(b.c.rn == 1, a.c.rn == 1)
    )
    return dict(session.execute(query).one()._mapping)


def paired_change(*, n: int, sum_before: int, sum_after: int, sum_d: int, sum_d2: int, min_n: int) -> PairedChange:
    """Mean paired difference (after - before), its 95% CI (Student t, scipy) and Cohen's d_z."""
    min_n = max(min_n, 2)
    if n < min_n:
        return PairedChange(enough_data=False, n=n, min_n=min_n)
    mean = sum_d / n
    # Integer sums keep this exact; the variance of the differences, unbiased.
    variance = max((sum_d2 - sum_d * sum_d / n) / (n - 1), 0.0)
    sd = math.sqrt(variance)
    if sd > 0:
        low, high = stats.t.interval(0.95, n - 1, loc=mean, scale=sd / math.sqrt(n))
        dz: float | None = mean / sd
    else:
        low, high, dz = mean, mean, None
    return PairedChange(
        enough_data=True, n=n, min_n=min_n, mean_before=sum_before / n, mean_after=sum_after / n,
        mean_diff=mean, sd_diff=sd, ci_low=float(low), ci_high=float(high), effect_size_dz=dz,
    )


def paired_changes(*, session: Session, filters: ReportFilters, min_n: int) -> tuple[PairedChange, PairedChange, int]:
    """Confidence and anxiety paired changes, and how many pairs have a retrospective 'before'."""
    sums = _paired_sums(session=session, filters=filters)
    n = int(sums["n"] or 0)

    def change(prefix: str) -> PairedChange:
        return paired_change(n=n, sum_before=int(sums[f"{prefix}_before"] or 0), sum_after=int(sums[f"{prefix}_after"] or 0),
                             sum_d=int(sums[f"{prefix}_d"] or 0), sum_d2=int(sums[f"{prefix}_d2"] or 0), min_n=min_n)

    return change("conf"), change("anx"), int(sums["retrospective"] or 0)


def programme_report(*, session: Session, filters: ReportFilters, min_n: int) -> ProgrammeReport:
    """Sessions, attendance, ratings, flags, errata and paired confidence/anxiety change."""
    tune_for_reporting(session)
    conditions = session_conditions(filters)
    sessions_held = session.exec(select(func.count()).select_from(SessionFact).where(*conditions)).one()
    attendees = [col(Participant.role) == ATTENDEE, *in_filtered_sessions(col(Participant.session_id), filters)]
    # One hashed pass gives both numbers (count(DISTINCT ...) would sort in PostgreSQL).
    per_learner = (
        sa_select(col(Participant.user_id), func.count().label("times")).where(*attendees)
        .group_by(col(Participant.user_id)).subquery()
    )
    distinct_learners, attendance = session.execute(
        sa_select(func.count(), func.coalesce(func.sum(per_learner.c.times), 0))
    ).one()
    flag_row = session.exec(
        select(func.count(), func.count(col(AccuracyFlag.id)).filter(col(AccuracyFlag.status) == FlagStatus.open.value))
        .select_from(AccuracyFlag)
        .join(SessionFact, col(SessionFact.id) == col(AccuracyFlag.session_id))
        .where(*conditions)
    ).one()
    errata = session.exec(
        select(func.count())
        .select_from(Erratum)
        .join(AccuracyFlag, col(AccuracyFlag.id) == col(Erratum.flag_id))
        .join(SessionFact, col(SessionFact.id) == col(AccuracyFlag.session_id))
        .where(*conditions)
    ).one()
    confidence, anxiety, retrospective = paired_changes(session=session, filters=filters, min_n=min_n)
    return ProgrammeReport(
        filters=filters.as_dict(),
        pairs_with_retrospective_before=retrospective,
        sessions_held=int(sessions_held),
        attendance=int(attendance),
        distinct_learners=int(distinct_learners),
        ratings=rating_aggregate(session=session, filters=filters),
        flags=int(flag_row[0]),
        flags_open=int(flag_row[1] or 0),
        errata=int(errata),
        confidence_change=confidence,
        anxiety_change=anxiety,
    )


def flatten(data: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """Nested dict to (dotted.metric, value) rows."""
    rows: list[tuple[str, Any]] = []
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            rows.extend(flatten(value, f"{name}."))
        else:
            rows.append((name, value))
    return rows


def csv_cell(value: Any) -> str:
    """Booleans as true/false, None empty, floats with full precision (repr round-trips)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def report_csv(report: ProgrammeReport) -> str:
    """The report as `metric,value` CSV rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["metric", "value"])
    for metric, value in flatten(report.model_dump(mode="json")):
        writer.writerow([metric, csv_cell(value)])
    return buffer.getvalue()


# ---------- quality signal for matching ----------


def quality_signals(*, session: Session, tutor_ids: list[str], topic_id: int | None, prior_weight: float) -> list[QualitySignal]:
    """Per tutor: mean rating mapped to 0..1, shrunk toward the global mean: (n*mean_t + m*global)/(n+m)."""
    per_rating = (col(Rating.clarity) + col(Rating.accuracy) + col(Rating.usefulness) + col(Rating.tutor_approach)) / literal_column("4.0")
    scope = [col(SessionFact.topic_id) == topic_id] if topic_id is not None else []
    global_row = session.exec(
        select(func.count(), func.avg(per_rating)).select_from(Rating)
        .join(SessionFact, col(SessionFact.id) == col(Rating.session_id)).where(*scope)
    ).one()
    global_mean = (float(global_row[1]) - 1) / 4 if global_row[0] else 0.5
    rows = session.exec(
        select(col(Participant.user_id), func.count(), func.avg(per_rating))
        .select_from(Rating)
        .join(SessionFact, col(SessionFact.id) == col(Rating.session_id))
        .join(Participant, and_(col(Participant.session_id) == col(Rating.session_id), col(Participant.role) == TUTOR))
        .where(col(Participant.user_id).in_(tutor_ids), *scope)
        .group_by(col(Participant.user_id))
    ).all()
    found = {user_id: (int(n), (float(mean) - 1) / 4) for user_id, n, mean in rows}
    signals = []
    for tutor_id in dict.fromkeys(tutor_ids):
        n, mean = found.get(tutor_id, (0, global_mean))
        score = (n * mean + prior_weight * global_mean) / (n + prior_weight) if n + prior_weight > 0 else global_mean
        signals.append(QualitySignal(tutor_id=tutor_id, topic_id=topic_id, score=round(min(max(score, 0.0), 1.0), 6), n=n))
    return signals


# ---------- portfolio ----------


def portfolio(*, session: Session, tutor_id: str, min_n: int) -> Portfolio:
    """A tutor's teaching record, without any rater identity."""
    facts = session.exec(
        select(SessionFact).join(Participant, col(Participant.session_id) == col(SessionFact.id))
        .where(col(Participant.user_id) == tutor_id, col(Participant.role) == TUTOR)
    ).all()
    grouped: dict[tuple[int, str], list[SessionFact]] = defaultdict(list)
    for fact in facts:
        grouped[(fact.topic_id, fact.format)].append(fact)
    taught = [
        TaughtCount(topic_id=topic_id, topic_name=items[-1].topic_name, format=fmt, sessions=len(items),
                    hours=round(sum((f.ends_at - f.starts_at).total_seconds() for f in items) / 3600, 2))
        for (topic_id, fmt), items in sorted(grouped.items())
    ]
    learners = session.exec(
        select(func.count(func.distinct(col(Participant.user_id))))
        .where(col(Participant.role) == ATTENDEE, col(Participant.session_id).in_([f.id for f in facts]))
    ).one() if facts else 0
    filters = ReportFilters(tutor_id=tutor_id)
    confidence, anxiety, _ = paired_changes(session=session, filters=filters, min_n=min_n)
    errata = session.exec(select(Erratum).where(Erratum.tutor_id == tutor_id).order_by(col(Erratum.created_at).desc())).all()
    return Portfolio(
        tutor_id=tutor_id,
        sessions_taught=len(facts),
        hours=round(sum(t.hours for t in taught), 2),
        learners_reached=int(learners),
        taught=taught,
        ratings=rating_aggregate(session=session, filters=filters),
        confidence_change=confidence,
        anxiety_change=anxiety,
        observations=[ObservationPublic.model_validate(o) for o in list_observations(session=session, tutor_id=tutor_id)],
        endorsements=[EndorsementPublic.model_validate(e) for e in list_endorsements(session=session, tutor_id=tutor_id)],
        errata=[PortfolioErratum.model_validate(e, from_attributes=True) for e in errata],
    )
