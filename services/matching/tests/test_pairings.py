import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from kit.auth import Principal
from kit.errors import AppError
from matching import pairings, runs
from matching.core.config import Settings
from matching.models import MatchRequest, MatchRequestCreate, Pairing, PairingStatus, RequestStatus, RunCreate
from tests import factories as f

TUTOR = Principal(sub="tutor", kind="user", roles=["tutor"])


def pending_requests(db: Session, settings: Settings, *, tutor_capacity: int, learners: int) -> list[int]:
    topic = f.topic(db)
    f.tutor(db, user_id="tutor", stage=4, capacity=tutor_capacity, approve_for=[topic.id])
    ids = []
    for index in range(learners):
        learner = f.learner(db, user_id=f"learner-{index}", stage=2, topics={topic.id: 3})
        data = MatchRequestCreate(tutor_id="tutor", topic_id=topic.id)
        ids.append(int(pairings.create_request(session=db, settings=settings, learner_id=learner.user_id, data=data).id or 0))
    return f.done(db, ids)


def accept_concurrently(engine: Engine, settings: Settings, request_ids: list[int], actor: Principal = TUTOR) -> list[str]:
    """Each request accepted in its own thread and database session, all released at once: 'ok' or the error code."""
    barrier = threading.Barrier(len(request_ids))

    def accept(request_id: int) -> str:
        with Session(engine, expire_on_commit=False) as session:
            barrier.wait()
            try:
                request = pairings.get_request(session=session, request_id=request_id)
                pairings.accept(session=session, settings=settings, request=request, actor=actor)
            except AppError as exc:
                return f"{exc.status} {exc.code}"
            return "ok"

    with ThreadPoolExecutor(max_workers=len(request_ids)) as pool:
        return list(pool.map(accept, request_ids))


def test_twelve_concurrent_accepts_for_one_place_make_one_pairing(engine: Engine, db: Session, settings: Settings) -> None:
    request_ids = pending_requests(db, settings, tutor_capacity=1, learners=12)
    outcomes = accept_concurrently(engine, settings, request_ids)
    assert outcomes.count("ok") == 1, outcomes
    assert sorted(set(outcomes) - {"ok"}) == ["409 tutor_full"], outcomes
    db.expire_all()
    active = db.exec(select(Pairing).where(Pairing.tutor_id == "tutor", Pairing.status == PairingStatus.active)).all()
    assert len(active) == 1
    statuses = [r.status for r in db.exec(select(MatchRequest)).all()]
    assert sorted(statuses).count(RequestStatus.accepted) == 1
    assert statuses.count(RequestStatus.pending) == 11  # refused accepts change nothing
    db.rollback()


def test_concurrent_accepts_fill_exactly_the_capacity(engine: Engine, db: Session, settings: Settings) -> None:
    request_ids = pending_requests(db, settings, tutor_capacity=3, learners=8)
    outcomes = accept_concurrently(engine, settings, request_ids)
    assert outcomes.count("ok") == 3, outcomes
    db.expire_all()
    assert len(db.exec(select(Pairing).where(Pairing.status == PairingStatus.active)).all()) == 3
    db.rollback()


def test_the_same_request_accepted_twice_at_once_pairs_once(engine: Engine, db: Session, settings: Settings) -> None:
    (request_id,) = pending_requests(db, settings, tutor_capacity=5, learners=1)
    admin = Principal(sub="admin", kind="user", roles=["admin"])
    outcomes = accept_concurrently(engine, settings, [request_id] * 6, actor=admin)
    assert outcomes.count("ok") == 1, outcomes
    db.expire_all()
    assert len(db.exec(select(Pairing)).all()) == 1
    db.rollback()


def test_run_publication_waits_for_a_concurrent_accept_and_respects_capacity(engine: Engine, db: Session, settings: Settings) -> None:
    topic = f.topic(db)
    f.tutor(db, user_id="tutor", stage=4, capacity=1, approve_for=[topic.id])
    f.learner(db, user_id="in-run", stage=2, cohort="Y2", topics={topic.id: 5})
    run = f.done(db, runs.create_run(session=db, data=RunCreate(cohort="Y2", topic_ids=[topic.id]), actor="admin"))
    assert runs.process_queued(engine=engine, settings=settings) == 1
    admin = Principal(sub="admin", kind="user", roles=["admin"])
    outcome: list[str] = []

    def publish() -> None:
        with Session(engine, expire_on_commit=False) as session:
            try:
                runs.publish(session=session, run=runs.get_run(session=session, run_id=int(run.id or 0)), actor=admin)
                outcome.append("published")
            except AppError as exc:
                outcome.append(exc.code)

    with Session(engine, expire_on_commit=False) as accepting:
        # Another path takes the tutor's only place and has not committed yet.
        pairings.start_pairings(session=accepting, pairings=[Pairing(learner_id="elsewhere", tutor_id="tutor", topic_id=topic.id, source="request")])
        publisher = threading.Thread(target=publish)
        publisher.start()
        publisher.join(timeout=3)  # the guarded publication waits for the lock; unguarded code is done by now
        accepting.commit()
    publisher.join()
    assert outcome == ["tutor_full"]
    db.expire_all()
    assert [p.learner_id for p in db.exec(select(Pairing).where(Pairing.status == PairingStatus.active)).all()] == ["elsewhere"]
    db.rollback()
