"""Cohort matching runs: build the instance in bulk, solve it, store a dry run; publish or roll back."""

import logging
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import select as sa_select
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from kit.auth import Principal
from kit.db import utcnow
from kit.errors import Conflict, NotFound, ValidationFailed
from matching import approvals, crud, rules, solvers
from matching.core.config import Settings
from matching.models import (
    Approval,
    Breakdown,
    Exclusion,
    LearnerProfile,
    LearnerTopic,
    MatchRun,
    Pairing,
    PairingStatus,
    RunCreate,
    RunMode,
    RunPair,
    RunPublic,
    RunResult,
    RunStatus,
    RunTotals,
    RunUnmatched,
    TutorProfile,
    TutorTopic,
)
from matching.pairings import pairing_event, start_pairings
from matching.suggestions import faculty_today

logger = logging.getLogger("matching.runs")
SCALE = 1000
SYSTEM = "system"
OFFLINE_CRITERIA = ("topic_fit", "stage_gap", "format", "language", "load")
# How tutors rank learners in the stable mode: the learner's need for the topic first, then the stage gap and language.
TUTOR_PREF_WEIGHTS = {"topic_fit": 0.5, "stage_gap": 0.3, "language": 0.2}


def create_run(*, session: Session, data: RunCreate, actor: str) -> MatchRun:
    """Queue a cohort run after checking its topics."""
    for index, topic_id in enumerate(data.topic_ids):
        crud.get_open_topic(session=session, topic_id=topic_id, field=f"body.topic_ids.{index}")
    if len(set(data.topic_ids)) != len(data.topic_ids):
        raise ValidationFailed("A topic is listed twice", code="duplicate_topic", field="body.topic_ids")
    if data.mode == RunMode.optimal and data.proposing is not None:
        raise ValidationFailed("`proposing` only applies to the stable mode", code="proposing_only_for_stable", field="body.proposing")
    run = MatchRun(
        cohort=data.cohort,
        topic_ids=data.topic_ids,
        mode=data.mode,
        proposing=(data.proposing or "learners") if data.mode == RunMode.stable else None,
        created_by=actor,
    )
    session.add(run)
    session.commit()
    session.refresh(run)
    return run


def get_run(*, session: Session, run_id: int) -> MatchRun:
    """A run or 404."""
    run = session.get(MatchRun, run_id)
    if run is None:
        raise NotFound("Run not found", code="run_not_found")
    return run


def run_public(run: MatchRun, *, with_result: bool = True) -> RunPublic:
    """A run with its totals and (optionally) the full dry-run result."""
    result = RunResult.model_validate_json(run.result) if run.result and with_result else None
    totals = result.totals if result is not None else None
    if totals is None and run.pairs is not None:
        totals = RunTotals(
            pairs=run.pairs,
            total_score=run.total_score or 0.0,
            unmatched=run.unmatched_count or 0,
            optimum_total=run.optimum_total,
            gap_pct=run.gap_pct,
        )
    return RunPublic.model_validate(run, update={"result": result, "totals": totals})


def list_runs(*, session: Session, cohort: str | None = None) -> list[MatchRun]:
    """Runs, newest first."""
    query = select(MatchRun).order_by(col(MatchRun.id).desc())
    if cohort is not None:
        query = query.where(MatchRun.cohort == cohort)
    return list(session.exec(query.limit(200)).all())


# --- building the instance ----------------------------------------------------------------------


@dataclass
class Built:
    instance: solvers.Instance
    demand_learner: list[str]
    demand_topic: npt.NDArray[np.int64]
    tutor_ids: list[str]
    criteria: dict[str, npt.NDArray[np.float64]]
    unmatched_reason: list[str | None]  # per demand, when it has no usable edge at all


def build_instance(*, session: Session, settings: Settings, run: MatchRun) -> Built:
    """Load cohort demands and approved tutors in bulk and build every eligible edge with its score."""
    now = utcnow()
    topic_ids = list(run.topic_ids)
    demand_rows = session.execute(
        sa_select(col(LearnerTopic.learner_id), col(LearnerTopic.topic_id), col(LearnerTopic.priority), col(LearnerProfile.stage), col(LearnerProfile.formats), col(LearnerProfile.languages))
        .join(LearnerProfile, col(LearnerProfile.user_id) == col(LearnerTopic.learner_id))
        .where(col(LearnerProfile.cohort) == run.cohort, col(LearnerTopic.topic_id).in_(topic_ids))
        .order_by(col(LearnerTopic.learner_id), col(LearnerTopic.topic_id))
    ).all()
    paired = set(
        session.exec(select(Pairing.learner_id, Pairing.topic_id).where(Pairing.status == PairingStatus.active, col(Pairing.topic_id).in_(topic_ids))).all()
    )
    demand_rows = [r for r in demand_rows if (r[0], r[1]) not in paired]
    approval_rows = session.execute(
        sa_select(col(Approval.tutor_id), col(Approval.topic_id))
        .join(TutorProfile, col(TutorProfile.user_id) == col(Approval.tutor_id))
        .where(col(Approval.topic_id).in_(topic_ids), *approvals.active_approval_clause(now))
        .where((col(TutorProfile.paused_until).is_(None)) | (col(TutorProfile.paused_until) < faculty_today(settings)))
    ).all()
    tutor_ids = sorted({r[0] for r in approval_rows})
    tutor_index = {t: i for i, t in enumerate(tutor_ids)}
    profiles = {p[0]: p for p in session.execute(
        sa_select(col(TutorProfile.user_id), col(TutorProfile.stage), col(TutorProfile.capacity), col(TutorProfile.formats), col(TutorProfile.languages))
        .where(col(TutorProfile.user_id).in_(tutor_ids))
    ).all()} if tutor_ids else {}
    load = crud.active_pairing_counts(session=session, tutor_ids=tutor_ids)
    offered = set(session.exec(select(TutorTopic.tutor_id, TutorTopic.topic_id).where(col(TutorTopic.topic_id).in_(topic_ids))).all())
    learner_ids = sorted({r[0] for r in demand_rows})
    learner_index = {learner: i for i, learner in enumerate(learner_ids)}
    excluded = session.exec(select(Exclusion.learner_id, Exclusion.tutor_id).where(col(Exclusion.tutor_id).in_(tutor_ids))).all() if tutor_ids else []
    return assemble(
        settings=settings,
        demand_rows=list(demand_rows),
        approval_rows=list(approval_rows),
        tutor_ids=tutor_ids,
        tutor_index=tutor_index,
        profiles=profiles,
        load=load,
        offered=offered,
        learner_index=learner_index,
        excluded=[(e[0], e[1]) for e in excluded if e[0] in learner_index],
    )


def assemble(
    *,
    settings: Settings,
    demand_rows: list[Any],
    approval_rows: list[Any],
    tutor_ids: list[str],
    tutor_index: dict[str, int],
    profiles: dict[str, Any],
    load: dict[str, int],
    offered: set[tuple[str, int]],
    learner_index: dict[str, int],
    excluded: list[tuple[str, str]],
) -> Built:
    """Edges per topic as a cross product of its demands and its approved tutors, then vectorised filters."""
    n_d, n_t = len(demand_rows), len(tutor_ids)
    langs: dict[str, int] = {}
    d_topic = np.array([r[1] for r in demand_rows], dtype=np.int64)
    d_priority = np.array([r[2] for r in demand_rows], dtype=np.float64)
    d_stage = np.array([r[3] for r in demand_rows], dtype=np.int64)
    d_fmt = np.array([rules.format_mask(r[4] or []) for r in demand_rows], dtype=np.int64)
    d_lang = np.array([rules.language_mask(r[5] or [], langs) for r in demand_rows], dtype=np.int64)
    d_learner = np.array([learner_index[r[0]] for r in demand_rows], dtype=np.int64)
    t_stage = np.array([profiles[t][1] for t in tutor_ids], dtype=np.int64)
    t_cap = np.array([profiles[t][2] for t in tutor_ids], dtype=np.int64)
    t_fmt = np.array([rules.format_mask(profiles[t][3] or []) for t in tutor_ids], dtype=np.int64)
    t_lang = np.array([rules.language_mask(profiles[t][4] or [], langs) for t in tutor_ids], dtype=np.int64)
    t_load = np.array([load.get(t, 0) for t in tutor_ids], dtype=np.int64)
    remaining = np.maximum(t_cap - t_load, 0)
    # a learner who is also a tutor must not be matched with themselves
    t_as_learner = np.array([learner_index.get(t, -1) for t in tutor_ids], dtype=np.int64)

    by_topic: dict[int, list[int]] = {}
    for tutor, topic in approval_rows:
        by_topic.setdefault(int(topic), []).append(tutor_index[tutor])
    # Demands whose topic has an approved tutor other than the learner themself.
    has_tutor = np.zeros(n_d, dtype=bool)
    ed_parts, et_parts = [], []
    for topic, tutors in by_topic.items():
        demands = np.nonzero(d_topic == topic)[0]
        if demands.size == 0:
            continue
        tutor_arr = np.array(sorted(tutors), dtype=np.int64)
        has_tutor[demands] = True
        if tutor_arr.size == 1:
            has_tutor[demands[d_learner[demands] == t_as_learner[tutor_arr[0]]]] = False
        # The near-peer rule depends only on the two stages: pair each stage of demand with its compatible
        # tutors instead of filtering the whole cross product afterwards (10x fewer candidates at 10k x 2k).
        tutor_stage = t_stage[tutor_arr]
        demand_stage = d_stage[demands]
        for stage in np.unique(demand_stage):
            gap_ok = (tutor_stage - stage >= settings.near_peer_min_gap) & (tutor_stage - stage <= settings.near_peer_max_gap)
            compatible = tutor_arr[gap_ok]
            if compatible.size == 0:
                continue
            group = demands[demand_stage == stage]
            ed_parts.append(np.repeat(group, compatible.size))
            et_parts.append(np.tile(compatible, group.size))
    ed = np.concatenate(ed_parts) if ed_parts else np.zeros(0, dtype=np.int64)
    et = np.concatenate(et_parts) if et_parts else np.zeros(0, dtype=np.int64)
    keep = t_as_learner[et] != d_learner[ed]
    ed, et = ed[keep], et[keep]

    reason: list[str | None] = [None] * n_d
    for demand in np.nonzero(~has_tutor)[0]:
        reason[demand] = "no_approved_tutor"
    has_edge = np.zeros(n_d, dtype=bool)
    has_edge[ed] = True
    for demand in np.nonzero(has_tutor & ~has_edge)[0]:
        reason[demand] = "near_peer_rule"
    stages: list[tuple[str, np.ndarray]] = []
    if excluded:
        codes = np.array([learner_index[lrn] * (n_t + 1) + tutor_index[tut] for lrn, tut in excluded if tut in tutor_index], dtype=np.int64)
        stages.append(("exclusion", ~np.isin(d_learner[ed] * (n_t + 1) + et, codes)))
    stages.append(("capacity", remaining[et] > 0))
    alive = np.ones(ed.size, dtype=bool)
    for name, mask in stages:
        alive &= mask
        still = np.zeros(n_d, dtype=bool)
        still[ed[alive]] = True
        for demand in np.nonzero(has_edge & ~still)[0]:
            if reason[demand] is None:
                reason[demand] = name
        has_edge = still
    ed, et = ed[alive], et[alive]
    modulus = int(d_topic.max()) + 1 if n_d else 1
    offered_codes = np.array([tutor_index[t] * modulus + topic for t, topic in offered if t in tutor_index and topic < modulus], dtype=np.int64)
    off = np.isin(et * modulus + d_topic[ed], offered_codes)
    criteria = {
        "topic_fit": rules.topic_fit(d_priority[ed], off),
        "stage_gap": rules.stage_gap(settings, (t_stage[et] - d_stage[ed]).astype(np.float64)),
        "format": rules.format_fit(d_fmt[ed], t_fmt[et]),
        "language": rules.language_fit(d_lang[ed], t_lang[et]),
        "load": rules.load_fit(t_load[et].astype(np.float64), t_cap[et].astype(np.float64)),
    }
    score = np.maximum(np.rint(rules.combine(settings, criteria) * SCALE), 1).astype(np.int64)
    pref = sum(w * criteria[name] for name, w in TUTOR_PREF_WEIGHTS.items())
    tutor_pref = np.rint(np.asarray(pref) * SCALE).astype(np.int64)
    instance = solvers.Instance(n_d, remaining, ed, et, score, tutor_pref)
    return Built(instance, [r[0] for r in demand_rows], d_topic, tutor_ids, criteria, reason)


# --- executing ----------------------------------------------------------------------------------


def _set_progress(engine: Engine, run_id: int, progress: int) -> None:
    with Session(engine) as session:
        session.exec(update(MatchRun).where(col(MatchRun.id) == run_id).values(progress=progress))  # type: ignore[call-overload]
        session.commit()


def solve(built: Built, run: MatchRun) -> tuple[solvers.Assignment, RunTotals]:
    """Solve with the run's mode and compute totals (stable runs also get the optimum and the gap)."""
    instance = built.instance
    if run.mode == RunMode.optimal:
        assignment = solvers.solve_optimal(instance)
        optimum, blocking = assignment.total, None
    else:
        assignment = solvers.solve_stable(instance, proposing=run.proposing or "learners")
        optimum = solvers.solve_optimal(instance).total
        blocking = solvers.blocking_pairs(instance, assignment)
    solvers.check_feasible(instance, assignment)
    matched = int(np.count_nonzero(assignment.edge_of_demand >= 0))
    gap = 0.0 if optimum == 0 else round(100.0 * (optimum - assignment.total) / optimum, 3)
    totals = RunTotals(
        pairs=matched,
        total_score=assignment.total / SCALE,
        unmatched=instance.n_demands - matched,
        optimum_total=optimum / SCALE,
        gap_pct=gap if run.mode == RunMode.stable else 0.0,
        blocking_pairs=blocking,
    )
    return assignment, totals


def result_of(built: Built, assignment: solvers.Assignment, totals: RunTotals) -> RunResult:
    """The stored dry run: each pair with its breakdown, each unmatched demand with its reason."""
    inst = built.instance
    pairs, unmatched = [], []
    for demand, edge in enumerate(assignment.edge_of_demand.tolist()):
        learner, topic = built.demand_learner[demand], int(built.demand_topic[demand])
        if edge < 0:
            unmatched.append(RunUnmatched(learner_id=learner, topic_id=topic, reason=built.unmatched_reason[demand] or "capacity"))
            continue
        breakdown = Breakdown(**{name: round(float(values[edge]), 4) for name, values in built.criteria.items()})
        pairs.append(
            RunPair(learner_id=learner, tutor_id=built.tutor_ids[int(inst.edge_tutor[edge])], topic_id=topic, score=int(inst.edge_score[edge]) / SCALE, breakdown=breakdown)
        )
    return RunResult(pairs=pairs, unmatched=unmatched, totals=totals)


def execute_run(*, engine: Engine, settings: Settings, run_id: int) -> None:
    """Run a claimed run to its stored result (status done), or record why it failed."""
    try:
        with Session(engine, expire_on_commit=False) as session:
            run = get_run(session=session, run_id=run_id)
            built = build_instance(session=session, settings=settings, run=run)
        _set_progress(engine, run_id, 40)
        assignment, totals = solve(built, run)
        _set_progress(engine, run_id, 85)
        result = result_of(built, assignment, totals)
        with Session(engine) as session:
            run = get_run(session=session, run_id=run_id)
            run.result = result.model_dump_json()
            run.pairs, run.total_score, run.unmatched_count = totals.pairs, totals.total_score, totals.unmatched
            run.optimum_total, run.gap_pct = totals.optimum_total, totals.gap_pct
            run.status, run.progress, run.finished_at = RunStatus.done, 100, utcnow()
            session.add(run)
            session.commit()
    except Exception as exc:
        logger.exception("run %s failed", run_id)
        with Session(engine) as session:
            run = get_run(session=session, run_id=run_id)
            run.status, run.error, run.finished_at = RunStatus.failed, f"{type(exc).__name__}: {exc}"[:2000], utcnow()
            session.add(run)
            session.commit()


def claim_next(*, engine: Engine) -> int | None:
    """Atomically move the oldest queued run to running; None when nothing is queued."""
    with Session(engine) as session:
        run_id = session.exec(select(MatchRun.id).where(MatchRun.status == RunStatus.queued).order_by(col(MatchRun.id)).limit(1)).first()
        if run_id is None:
            return None
        claimed = session.exec(  # type: ignore[call-overload]
            update(MatchRun)
            .where(col(MatchRun.id) == run_id, col(MatchRun.status) == RunStatus.queued)
            .values(status=RunStatus.running, started_at=utcnow(), progress=5)
        )
        session.commit()
        return int(run_id) if claimed.rowcount == 1 else None


def process_queued(*, engine: Engine, settings: Settings) -> int:
    """Execute every queued run (the worker's job); returns how many ran."""
    count = 0
    while (run_id := claim_next(engine=engine)) is not None:
        execute_run(engine=engine, settings=settings, run_id=run_id)
        count += 1
    return count


def requeue_interrupted(*, engine: Engine) -> int:
    """At startup: a run left `running` by a stopped process goes back to the queue."""
    with Session(engine) as session:
        result = session.exec(  # type: ignore[call-overload]
            update(MatchRun).where(col(MatchRun.status) == RunStatus.running).values(status=RunStatus.queued, progress=0, started_at=None)
        )
        session.commit()
        return int(result.rowcount)


# --- publishing ---------------------------------------------------------------------------------


def publish(*, session: Session, run: MatchRun, actor: Principal) -> MatchRun:
    """Create every pairing of the dry run (and notify both sides) in one transaction, or none."""
    if run.status != RunStatus.done or not run.result:
        raise Conflict(f"Only a finished dry run can be published (this one is {run.status})", code="run_not_publishable")
    result = RunResult.model_validate_json(run.result)
    topic_ids = {p.topic_id for p in result.pairs}
    already = set(
        session.exec(select(Pairing.learner_id, Pairing.topic_id).where(Pairing.status == PairingStatus.active, col(Pairing.topic_id).in_(topic_ids))).all()
    ) if topic_ids else set()
    for index, pair in enumerate(result.pairs):
        if (pair.learner_id, pair.topic_id) in already:
            raise Conflict(
                f"Learner {pair.learner_id} is already paired for topic {pair.topic_id}; run the matching again",
                code="learner_matched_twice",
                field=f"result.pairs.{index}",
            )
    now = utcnow()
    active_approvals = set(
        session.exec(select(Approval.tutor_id, Approval.topic_id).where(col(Approval.topic_id).in_(topic_ids), *approvals.active_approval_clause(now))).all()
    ) if topic_ids else set()
    for index, pair in enumerate(result.pairs):
        if (pair.tutor_id, pair.topic_id) not in active_approvals:
            raise Conflict(f"Tutor {pair.tutor_id} is no longer approved for topic {pair.topic_id}; run the matching again", code="approval_changed", field=f"result.pairs.{index}")
    names = crud.topic_paths(session=session)
    pairings = [
        Pairing(learner_id=p.learner_id, tutor_id=p.tutor_id, topic_id=p.topic_id, source="run", run_id=run.id, score=p.score, created_at=now)
        for p in result.pairs
    ]
    start_pairings(session=session, pairings=pairings)  # locks the tutors and re-checks their room (tutor_full)
    for pairing in pairings:
        pairing_event(session, pairing, actor=actor.sub, to=PairingStatus.active, from_=None, reason=f"run {run.id} published")
        topic = names.get(pairing.topic_id, "a topic")
        crud.notify(session=session, user_id=pairing.learner_id, kind="pairing_proposed", title=f"You have a tutor for {topic}", body="Confirm the pairing or tell us if it does not work.", link=f"/matching/pairings/{pairing.id}")
        crud.notify(session=session, user_id=pairing.tutor_id, kind="pairing_proposed", title=f"You have a new learner for {topic}", body="Confirm the pairing or tell us if it does not work.", link=f"/matching/pairings/{pairing.id}")
    run.status, run.published_at = RunStatus.published, now
    session.add(run)
    session.commit()
    session.refresh(run)
    return run


def rollback(*, session: Session, run: MatchRun, actor: Principal) -> MatchRun:
    """Undo a published run while nobody has confirmed or ended any of its pairings."""
    if run.status != RunStatus.published:
        raise Conflict(f"Only a published run can be rolled back (this one is {run.status})", code="run_not_published")
    pairings = list(session.exec(select(Pairing).where(Pairing.run_id == run.id)).all())
    acted = [p for p in pairings if p.confirmed_at is not None or p.status != PairingStatus.active]
    if acted:
        raise Conflict(f"{len(acted)} pairing(s) of this run were already confirmed or ended", code="run_already_accepted")
    for pairing in pairings:
        pairing.status, pairing.ended_at, pairing.ended_by, pairing.end_reason = PairingStatus.rolled_back, utcnow(), actor.sub, f"run {run.id} rolled back"
        session.add(pairing)
        pairing_event(session, pairing, actor=actor.sub, to=PairingStatus.rolled_back, from_=PairingStatus.active, reason=f"run {run.id} rolled back")
        for user_id in (pairing.learner_id, pairing.tutor_id):
            crud.notify(session=session, user_id=user_id, kind="pairing_withdrawn", title="A proposed pairing was withdrawn", body="The faculty withdrew this cohort matching; a new one will follow.")
    run.status, run.rolled_back_at = RunStatus.rolled_back, utcnow()
    session.add(run)
    session.commit()
    session.refresh(run)
    return run

