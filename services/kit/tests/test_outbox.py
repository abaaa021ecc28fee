from datetime import timedelta

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from kit.db import utcnow
from kit.errors import Conflict, NotFound
from kit.outbox import (
    DEFAULT_MAX_REFUSALS,
    LEASE_SECONDS,
    MAX_BACKOFF_SECONDS,
    DeliveryFailed,
    DeliveryRefused,
    OutboxMessage,
    OutboxRelay,
    check_delivery,
    enqueue,
    replay,
)


def _messages(engine: Engine) -> list[OutboxMessage]:
    with Session(engine) as session:
        return list(session.exec(select(OutboxMessage)).all())


def test_enqueue_is_idempotent_by_key(engine: Engine) -> None:
    with Session(engine) as session:
        enqueue(session, topic="t", key="k1", payload={"a": 1})
        session.commit()
        enqueue(session, topic="t", key="k1", payload={"a": 1})
        session.commit()
    assert len(_messages(engine)) == 1


def test_failed_delivery_is_kept_and_retried_until_it_lands(engine: Engine) -> None:
    received: list[tuple[str, dict[str, object]]] = []
    receiver_up = False

    def deliver(key: str, payload: dict[str, object]) -> None:
        if not receiver_up:
            raise ConnectionError("receiver down")
        received.append((key, payload))

    with Session(engine) as session:
        enqueue(session, topic="thing.created", key="k-1", payload={"n": 1})
        session.commit()
    relay = OutboxRelay(engine, {"thing.created": deliver})
    assert relay.drain() == 0
    [message] = _messages(engine)
    assert message.attempts == 1 and message.delivered_at is None and "receiver down" in (message.last_error or "")

    with Session(engine) as session:  # make it due again without waiting for the backoff
        stored = session.get(OutboxMessage, message.id)
        assert stored is not None
        stored.next_attempt_at = stored.created_at
        session.add(stored)
        session.commit()
    receiver_up = True
    assert relay.drain() == 1
    assert relay.drain() == 0
    assert received == [("k-1", {"n": 1})]
    assert relay.pending() == 0


def test_message_enqueued_by_a_route_commits_with_it(client, auth, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/api/sample/things/events", json={"name": "abc", "size": 3}, headers=auth.user())
    assert response.status_code == 202
    assert [m.key for m in _messages(engine)] == ["thing-abc"]


def _make_due(engine: Engine) -> None:
    """Skip the backoff (or an expired lease) without waiting."""
    with Session(engine) as session:
        for message in session.exec(select(OutboxMessage)).all():
            message.next_attempt_at = utcnow() - timedelta(seconds=1)
            session.add(message)
        session.commit()


def _enqueue(engine: Engine, key: str = "k-1") -> None:
    with Session(engine) as session:
        enqueue(session, topic="thing.created", key=key, payload={"n": 1})
        session.commit()


def test_check_delivery_tells_refusals_from_failures() -> None:
    check_delivery(httpx.Response(201), receiver="r")
    with pytest.raises(DeliveryRefused, match="r answered 422"):
        check_delivery(httpx.Response(422, text="bad"), receiver="r")
    for status in (429, 409, 500, 503):
        with pytest.raises(DeliveryFailed):
            check_delivery(httpx.Response(status), receiver="r")


def test_repeatedly_refused_message_is_parked_as_dead_and_kept(engine: Engine) -> None:
    calls: list[str] = []

    def refuse(key: str, payload: dict[str, object]) -> None:
        calls.append(key)
        raise DeliveryRefused("receiver answered 422")

    _enqueue(engine)
    relay = OutboxRelay(engine, {"thing.created": refuse}, max_refusals=3)
    for _ in range(2):
        assert relay.drain() == 0
        _make_due(engine)
    [message] = _messages(engine)
    assert (message.refusals, message.dead_at) == (2, None)
    assert relay.drain() == 0
    [message] = _messages(engine)
    assert message.dead_at is not None and message.delivered_at is None
    assert (message.attempts, message.refusals) == (3, 3)
    assert "422" in (message.last_error or "")
    _make_due(engine)
    assert relay.drain() == 0
    assert len(calls) == 3  # a dead message is not tried again
    assert relay.pending() == 0


def test_by_default_the_fifth_refusal_parks_a_message(engine: Engine) -> None:
    def refuse(key: str, payload: dict[str, object]) -> None:
        raise DeliveryRefused("receiver answered 400")

    _enqueue(engine)
    relay = OutboxRelay(engine, {"thing.created": refuse})
    for _ in range(DEFAULT_MAX_REFUSALS - 1):
        relay.drain()
        _make_due(engine)
    assert _messages(engine)[0].dead_at is None
    relay.drain()
    assert _messages(engine)[0].dead_at is not None and DEFAULT_MAX_REFUSALS == 5


def test_transient_failures_never_park_a_message(engine: Engine) -> None:
    failures = [ConnectionError("down"), DeliveryFailed("503"), DeliveryFailed("429"), TimeoutError("slow")] * 3

    def flaky(key: str, payload: dict[str, object]) -> None:
        raise failures.pop()

    _enqueue(engine)
    relay = OutboxRelay(engine, {"thing.created": flaky}, max_refusals=1)
    for _ in range(12):
        assert relay.drain() == 0
        _make_due(engine)
    [message] = _messages(engine)
    assert (message.attempts, message.refusals, message.dead_at) == (12, 0, None)
    assert relay.pending() == 1


def test_backoff_is_exponential_and_capped(engine: Engine) -> None:
    def down(key: str, payload: dict[str, object]) -> None:
        raise ConnectionError("down")

    _enqueue(engine)
    with Session(engine) as session:
        stored = session.exec(select(OutboxMessage)).one()
        stored.attempts = 20
        session.add(stored)
        session.commit()
    before = utcnow()
    assert OutboxRelay(engine, {"thing.created": down}).drain() == 0
    [message] = _messages(engine)
    wait = (message.next_attempt_at - before).total_seconds()
    assert MAX_BACKOFF_SECONDS - 5 <= wait <= MAX_BACKOFF_SECONDS + 5


def test_replayed_dead_message_is_delivered(engine: Engine) -> None:
    receiver_fixed = False
    received: list[str] = []

    def deliver(key: str, payload: dict[str, object]) -> None:
        if not receiver_fixed:
            raise DeliveryRefused("receiver answered 404")
        received.append(key)

    _enqueue(engine)
    relay = OutboxRelay(engine, {"thing.created": deliver}, max_refusals=1)
    assert relay.drain() == 0
    [dead] = _messages(engine)
    assert dead.dead_at is not None and dead.id is not None

    receiver_fixed = True
    with Session(engine) as session:
        revived = replay(session=session, message_id=dead.id)
    assert revived.dead_at is None and revived.attempts == 1
    assert revived.next_attempt_at <= utcnow()
    assert relay.drain() == 1
    assert received == ["k-1"]
    [done] = _messages(engine)
    assert done.delivered_at is not None and done.attempts == 1


def test_replay_refuses_unknown_and_delivered_and_leaves_pending_alone(engine: Engine) -> None:
    _enqueue(engine, "a")
    _enqueue(engine, "b")
    OutboxRelay(engine, {"thing.created": lambda key, payload: None}, batch=1).drain()
    delivered, pending = sorted(_messages(engine), key=lambda m: m.id or 0)
    assert delivered.delivered_at is not None and pending.delivered_at is None
    with Session(engine) as session:
        with pytest.raises(NotFound):
            replay(session=session, message_id=9999)
        with pytest.raises(Conflict) as conflict:
            replay(session=session, message_id=delivered.id or 0)
        assert conflict.value.code == "outbox_message_delivered"
        same = replay(session=session, message_id=pending.id or 0)
    assert same.next_attempt_at == pending.next_attempt_at and same.dead_at is None


def test_a_leased_message_is_not_claimed_twice_until_the_lease_runs_out(engine: Engine) -> None:
    _enqueue(engine)
    relay = OutboxRelay(engine, {"thing.created": lambda key, payload: None})
    claimed = relay._claim()  # a relay that then dies before settling
    assert [key for _, _, key, _ in claimed] == ["k-1"]
    [leased] = _messages(engine)
    assert leased.next_attempt_at > utcnow() + timedelta(seconds=LEASE_SECONDS - 10)
    assert relay.drain() == 0 and relay._claim() == []
    _make_due(engine)  # the lease ran out
    assert relay.drain() == 1
    assert relay.pending() == 0
