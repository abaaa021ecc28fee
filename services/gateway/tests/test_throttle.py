from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from gateway.main import create_app
from gateway.models import LoginCounter
from gateway.throttle import LoginThrottle, ThrottlePolicy, TooManyAttempts
from kit.db import utcnow
from tests.conftest import make_settings
from tests.factories import DEFAULT_PASSWORD, make_user

ATTACKER = ("203.0.113.7", 40000)
OWNER = ("198.51.100.2", 40001)


class Clock:
    """A frozen clock the tests move by hand (no sleeping, no timing assertions)."""

    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock(app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> Clock:
    frozen = Clock()
    monkeypatch.setattr(app.state.login_throttle, "clock", frozen)
    return frozen


def _login(client: TestClient, username: str, password: str = "guess", **headers: str) -> tuple[int, dict[str, object]]:
    response = client.post("/api/auth/login", json={"username": username, "password": password}, headers=headers)
    return response.status_code, response.json()


def test_an_attackers_address_slows_down_while_the_owner_signs_in_from_another(app: FastAPI, db: Session, clock: Clock) -> None:
    make_user(db, username="target")
    with TestClient(app, client=ATTACKER) as attacker, TestClient(app, client=OWNER) as owner:
        for _ in range(5):  # the free failures
            assert _login(attacker, "target")[0] == 401
        status, body = _login(attacker, "TARGET", DEFAULT_PASSWORD)  # even the right password waits
        assert (status, body["code"], body["retry_after"]) == (429, "too_many_attempts", 1)
        assert _login(owner, "target", DEFAULT_PASSWORD)[0] == 200
        clock.advance(1.5)
        assert _login(attacker, "target")[0] == 401
        assert _login(attacker, "target")[1]["retry_after"] == 2  # escalating: 1 s, 2 s, 4 s, ...
        clock.advance(2.5)
        assert _login(attacker, "target")[0] == 401
        assert _login(attacker, "target")[1]["retry_after"] == 4


def test_rotating_x_forwarded_for_from_an_untrusted_peer_buys_no_guesses(app: FastAPI, db: Session, clock: Clock) -> None:
    make_user(db, username="target")
    with TestClient(app, client=ATTACKER) as attacker:
        for n in range(5):
            assert _login(attacker, "target", **{"X-Forwarded-For": f"10.9.8.{n}"})[0] == 401
        status, body = _login(attacker, "target", **{"X-Forwarded-For": "10.9.8.200"})
        assert status == 429 and body["code"] == "too_many_attempts"


def test_a_trusted_proxy_passes_on_the_clients_address(database_url: str, key_file: Path, db: Session) -> None:
    make_user(db, username="target")
    app = create_app(make_settings(database_url, key_file, trusted_proxies="10.0.0.0/8"), run_workers=False)
    app.state.login_throttle.clock = Clock()
    with TestClient(app, client=("10.0.0.5", 1)) as proxy:
        for n in range(5):  # the left-most address is forged by the client; the right-most untrusted one counts
            assert _login(proxy, "target", **{"X-Forwarded-For": f"6.6.6.{n}, 203.0.113.7, 10.0.0.9"})[0] == 401
        assert _login(proxy, "target", **{"X-Forwarded-For": "203.0.113.7"})[0] == 429
        assert _login(proxy, "target", DEFAULT_PASSWORD, **{"X-Forwarded-For": "198.51.100.2"})[0] == 200
    app.state.engine.dispose()


def test_success_clears_the_account_and_address_counter(app: FastAPI, db: Session, clock: Clock) -> None:
    make_user(db, username="owner")
    with TestClient(app, client=OWNER) as owner:
        for _ in range(4):
            assert _login(owner, "owner")[0] == 401
        assert _login(owner, "owner", DEFAULT_PASSWORD)[0] == 200
        for _ in range(4):
            assert _login(owner, "owner")[0] == 401  # would be the 5th..8th failure without the reset
        assert _login(owner, "owner", DEFAULT_PASSWORD)[0] == 200


@pytest.fixture
def two_gateways(database_url: str, key_file: Path) -> Iterator[tuple[FastAPI, FastAPI]]:
    """Two gateway instances, each with its own engine (as two processes or replicas would have), on one database."""
    apps = (create_app(make_settings(database_url, key_file), run_workers=False), create_app(make_settings(database_url, key_file), run_workers=False))
    shared = Clock()
    for one in apps:
        one.state.login_throttle.clock = shared
    yield apps
    for one in apps:
        one.state.engine.dispose()


def test_two_gateway_instances_share_the_counts(two_gateways: tuple[FastAPI, FastAPI], db: Session) -> None:
    make_user(db, username="target")
    first, second = two_gateways
    with TestClient(first, client=ATTACKER) as a, TestClient(second, client=ATTACKER) as b:
        for client in (a, b, a, b, a):
            assert _login(client, "target")[0] == 401
        assert _login(b, "target", DEFAULT_PASSWORD)[0] == 429
        assert _login(a, "target", DEFAULT_PASSWORD)[0] == 429


def _throttle(engine: Engine, clock: Clock, **policy: float) -> LoginThrottle:
    return LoginThrottle(engine, ThrottlePolicy(**policy), clock=clock)  # type: ignore[arg-type]


def test_one_address_has_a_ceiling_over_every_account(engine: Engine) -> None:
    clock = Clock()
    throttle = _throttle(engine, clock, per_address=3, window=60)
    for name in ("a", "b", "c"):
        throttle.check(name, "1.2.3.4")
        throttle.failed(name, "1.2.3.4")
    with pytest.raises(TooManyAttempts):
        throttle.check("d", "1.2.3.4")  # password spraying from one address
    throttle.check("d", "5.6.7.8")
    clock.advance(61)
    throttle.check("d", "1.2.3.4")


def test_the_account_ceiling_slows_new_addresses_but_not_one_the_owner_used(engine: Engine) -> None:
    clock = Clock()
    throttle = _throttle(engine, clock, account_ceiling=3, account_slowdown=30)
    throttle.succeeded("owner", "198.51.100.2")  # the owner's usual address
    for n in range(3):  # a distributed guesser: one failure from each of many addresses
        throttle.failed("owner", f"203.0.113.{n}")
    with pytest.raises(TooManyAttempts) as refused:
        throttle.check("owner", "203.0.113.99")
    assert refused.value.extra["retry_after"] == 30
    throttle.check("owner", "198.51.100.2")
    clock.advance(31)
    throttle.check("owner", "203.0.113.99")


def test_counters_restart_after_a_quiet_window_and_stale_rows_are_purged(engine: Engine) -> None:
    clock = Clock()
    throttle = _throttle(engine, clock, free_failures=2, window=60, account_window=60, max_delay=60, known_days=1)
    throttle.failed("a", "1.2.3.4")
    throttle.failed("a", "1.2.3.4")
    with pytest.raises(TooManyAttempts):
        throttle.check("a", "1.2.3.4")
    throttle.succeeded("b", "1.2.3.4")
    clock.advance(120)
    throttle.check("a", "1.2.3.4")
    throttle.failed("a", "1.2.3.4")  # the first failure of a new run: no delay
    throttle.check("a", "1.2.3.4")
    clock.advance(120)
    assert throttle.purge() == 3  # pair, address and account counters; the known-address marker stays a day
    with Session(engine) as session:
        assert [row.key for row in session.exec(select(LoginCounter)).all()] == ["known:b|1.2.3.4"]
    clock.advance(86400)
    assert throttle.purge() == 1
