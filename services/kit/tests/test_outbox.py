from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from kit.outbox import OutboxMessage, OutboxRelay, enqueue


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
