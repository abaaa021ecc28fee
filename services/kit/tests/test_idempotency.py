import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from kit import idempotency
from kit.db import utcnow
from kit.errors import Conflict, ValidationFailed
from kit.idempotency import DONE, PENDING, purge_expired, request_hash, run_idempotent
from kit.outbox import OutboxMessage
from kit.pytest_plugin import Auth
from tests.sample.app import IdempotencyRecord

ORDERS = "/api/sample/things/orders"


def _counting() -> tuple[list[int], Any]:
    runs: list[int] = []

    def action() -> tuple[int, Any]:
        runs.append(1)
        return 201, {"n": len(runs)}

    return runs, action


def _effects(engine: Engine) -> int:
    with Session(engine) as db:
        return int(db.exec(select(func.count()).select_from(OutboxMessage)).one())


def test_replays_the_first_answer_per_caller_and_refuses_another_request(db: Session) -> None:
    runs, action = _counting()
    fingerprint = request_hash("t", {"a": 1})
    assert run_idempotent(db, caller="u", key="k", fingerprint=fingerprint, action=action) == (201, {"n": 1})
    assert run_idempotent(db, caller="u", key="k", fingerprint=fingerprint, action=action) == (201, {"n": 1})
    assert run_idempotent(db, caller="other", key="k", fingerprint=fingerprint, action=action) == (201, {"n": 2})
    with pytest.raises(ValidationFailed) as caught:
        run_idempotent(db, caller="u", key="k", fingerprint=request_hash("t", {"a": 2}), action=action)
    assert (caught.value.status, caught.value.code) == (422, "idempotency_key_reused")
    assert len(runs) == 2
    records = db.exec(select(IdempotencyRecord)).all()
    assert {(r.caller, r.status, r.status_code) for r in records} == {("u", DONE, 201), ("other", DONE, 201)}
    db.rollback()


def test_without_a_key_the_action_just_runs(db: Session) -> None:
    runs, action = _counting()
    run_idempotent(db, caller="u", key=None, fingerprint="f", action=action)
    run_idempotent(db, caller="u", key=None, fingerprint="f", action=action)
    assert len(runs) == 2
    assert db.exec(select(IdempotencyRecord)).all() == []
    db.rollback()


def test_a_failed_attempt_writes_nothing_and_releases_the_key(db: Session, engine: Engine) -> None:
    def failing() -> tuple[int, Any]:
        db.add(OutboxMessage(topic="t", key="effect-1", payload="{}"))
        db.flush()
        raise Conflict("no", code="refused")

    with pytest.raises(Conflict):
        run_idempotent(db, caller="u", key="k", fingerprint="f", action=failing)
    assert _effects(engine) == 0
    assert db.exec(select(IdempotencyRecord)).all() == []
    _, action = _counting()
    assert run_idempotent(db, caller="u", key="k", fingerprint="f", action=action) == (201, {"n": 1})
    db.rollback()


def test_a_retry_waits_for_the_running_first_attempt_and_replays_it(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    retry_waiting = threading.Event()
    real_sleep = idempotency.time.sleep

    def sleep(seconds: float) -> None:
        retry_waiting.set()
        real_sleep(seconds)

    monkeypatch.setattr(idempotency.time, "sleep", sleep)
    runs: list[str] = []

    def first_action() -> tuple[int, Any]:
        assert retry_waiting.wait(30), "the retry never waited"
        runs.append("first")
        return 201, {"by": "first"}

    def retry_action() -> tuple[int, Any]:
        runs.append("retry")
        return 201, {"by": "retry"}

    def call(action: Any) -> Any:
        with Session(engine, expire_on_commit=False) as session:
            return run_idempotent(session, caller="u", key="k", fingerprint="f", action=action)

    with ThreadPoolExecutor(max_workers=2) as pool:
        first = pool.submit(call, first_action)
        while not _pending(engine):  # the first attempt holds the claim before the retry starts
            real_sleep(0.005)
        retry = pool.submit(call, retry_action)
        assert first.result(60) == retry.result(60) == (201, {"by": "first"})
    assert runs == ["first"]


def test_a_retry_waiting_for_a_failing_first_attempt_runs_itself(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    retry_waiting = threading.Event()
    real_sleep = idempotency.time.sleep
    monkeypatch.setattr(idempotency.time, "sleep", lambda seconds: (retry_waiting.set(), real_sleep(seconds)))

    def first_action() -> tuple[int, Any]:
        assert retry_waiting.wait(30)
        raise Conflict("first attempt failed", code="refused")

    def call(action: Any) -> Any:
        with Session(engine, expire_on_commit=False) as session:
            return run_idempotent(session, caller="u", key="k", fingerprint="f", action=action)

    with ThreadPoolExecutor(max_workers=2) as pool:
        first = pool.submit(call, first_action)
        while not _pending(engine):
            real_sleep(0.005)
        retry = pool.submit(call, lambda: (201, {"by": "retry"}))
        with pytest.raises(Conflict):
            first.result(60)
        assert retry.result(60) == (201, {"by": "retry"})


def _pending(engine: Engine) -> bool:
    with Session(engine) as db:
        return db.exec(select(IdempotencyRecord).where(IdempotencyRecord.status == PENDING)).first() is not None


def test_a_retry_gives_up_waiting_with_409_in_progress(db: Session, engine: Engine) -> None:
    with Session(engine) as other:
        other.add(IdempotencyRecord(caller="u", key="k", request_hash="f", status=PENDING))
        other.commit()
    runs, action = _counting()
    with pytest.raises(Conflict) as caught:
        run_idempotent(db, caller="u", key="k", fingerprint="f", action=action, wait_seconds=0)
    assert caught.value.code == "idempotency_key_in_progress"
    with pytest.raises(ValidationFailed):  # a different request is refused at once, pending or not
        run_idempotent(db, caller="u", key="k", fingerprint="other", action=action, wait_seconds=0)
    assert runs == []


def test_an_abandoned_claim_is_taken_over(db: Session, engine: Engine) -> None:
    with Session(engine) as other:
        other.add(IdempotencyRecord(caller="u", key="k", request_hash="f", status=PENDING, created_at=utcnow() - timedelta(hours=1)))
        other.commit()
    _, action = _counting()
    assert run_idempotent(db, caller="u", key="k", fingerprint="f", action=action, lease_seconds=60) == (201, {"n": 1})
    record = db.exec(select(IdempotencyRecord)).one()
    assert (record.status, record.status_code) == (DONE, 201)
    db.rollback()


def test_purge_forgets_old_records(db: Session, engine: Engine) -> None:
    db.add(IdempotencyRecord(caller="u", key="old", request_hash="f", status=DONE, status_code=201, body="{}", created_at=utcnow() - timedelta(hours=3)))
    db.add(IdempotencyRecord(caller="u", key="new", request_hash="f", status=DONE, status_code=201, body="{}"))
    db.commit()
    assert purge_expired(engine=engine, ttl_hours=2) == 1
    assert [r.key for r in db.exec(select(IdempotencyRecord)).all()] == ["new"]
    db.rollback()


def test_routes_replay_and_refuse_reuse_with_422(client: TestClient, auth: Auth, engine: Engine) -> None:
    me = auth.user("u-1") | {"Idempotency-Key": "order-1"}
    first = client.post(ORDERS, json={"name": "lamp", "size": 2}, headers=me)
    again = client.post(ORDERS, json={"name": "lamp", "size": 2}, headers=me)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json() == {"name": "lamp", "size": 2}
    assert _effects(engine) == 1
    other = client.post(ORDERS, json={"name": "lamp", "size": 3}, headers=me)
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    assert other.json()["details"][0]["field"] == "header.idempotency-key"
    assert _effects(engine) == 1


def test_routes_check_the_header(client: TestClient, auth: Auth, engine: Engine) -> None:
    body = {"name": "lamp", "size": 2}
    missing = client.post(ORDERS, json=body, headers=auth.user())
    assert (missing.status_code, missing.json()["code"]) == (400, "idempotency_key_required")
    for bad in ("x" * 201, "   "):
        invalid = client.post(ORDERS, json=body, headers=auth.user() | {"Idempotency-Key": bad})
        assert (invalid.status_code, invalid.json()["code"]) == (422, "invalid_idempotency_key")
    assert client.post(ORDERS, json=body, headers=auth.user() | {"Idempotency-Key": "x" * 200}).status_code == 201
    optional = [client.post(f"{ORDERS}-optional-key", json=body, headers=auth.user("u-2")) for _ in range(2)]
    assert [r.status_code for r in optional] == [201, 201]
    assert _effects(engine) == 3


def test_a_refused_request_writes_nothing_and_can_be_retried(client: TestClient, auth: Auth, engine: Engine, db: Session) -> None:
    me = auth.user("u-1") | {"Idempotency-Key": "order-2"}
    refused = client.post(ORDERS, json={"name": "fail", "size": 2}, headers=me)
    assert (refused.status_code, refused.json()["code"]) == (409, "order_refused")
    assert _effects(engine) == 0
    assert db.exec(select(IdempotencyRecord)).all() == []
    db.rollback()  # end the read (on SQLite it holds the write lock)
    assert client.post(ORDERS, json={"name": "fail", "size": 2}, headers=me).status_code == 409  # runs again, not replayed


def test_concurrent_same_key_requests_get_one_effect(client: TestClient, auth: Auth, engine: Engine) -> None:
    barrier = threading.Barrier(8)
    me = auth.user("u-1") | {"Idempotency-Key": "order-3"}

    def send(_: int) -> tuple[int, Any]:
        barrier.wait()
        response = client.post(ORDERS, json={"name": "desk", "size": 1}, headers=me)
        return response.status_code, response.json()

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(send, range(8)))
    assert answers == [(201, {"name": "desk", "size": 1})] * 8
    assert _effects(engine) == 1
