"""Brake on password guessing, counted in the gateway database so every process and replica shares it.

Three counters of failed sign-ins (`login_counter` rows), each restarting after a quiet window with no failure:
- per account and address: `free_failures` free, then each further attempt waits 1 s, 2 s, 4 s, ... up to
  `max_delay`. An attacker's address slows down; the owner at another address is not touched by it.
- per address, over all accounts: past `per_address` failures the address is refused for `window` (password spraying).
- per account, over all addresses: past `account_ceiling` failures, one attempt per `account_slowdown` seconds, except
  from addresses where the account signed in successfully within `known_days` (a distributed guesser cannot lock the
  owner out of their usual address).
A success clears its own account-and-address counter (not the address or account ones, which a guesser holding one
valid account could otherwise reset) and marks the address as known for that account.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, delete, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Engine

from gateway.core.config import Settings
from gateway.models import LoginCounter
from kit.db import READ_ONLY_OPTION, utcnow
from kit.errors import AppError

TABLE = LoginCounter.__table__  # type: ignore[attr-defined]


class TooManyAttempts(AppError):
    status, code = 429, "too_many_attempts"


@dataclass(frozen=True)
class ThrottlePolicy:
    free_failures: int = 5
    max_delay: float = 900
    window: float = 900
    per_address: int = 100
    account_ceiling: int = 50
    account_window: float = 3600
    account_slowdown: float = 30
    known_days: int = 30

    @classmethod
    def of(cls, settings: Settings) -> "ThrottlePolicy":
        return cls(
            free_failures=settings.login_free_failures, max_delay=settings.login_max_delay_seconds, window=settings.login_window_seconds,
            per_address=settings.login_max_failures_per_address, account_ceiling=settings.login_account_ceiling,
            account_window=settings.login_account_window_seconds, account_slowdown=settings.login_account_slowdown_seconds,
            known_days=settings.login_known_address_days,
        )


@dataclass(frozen=True)
class Keys:
    pair: str
    address: str
    account: str
    known: str

    @classmethod
    def of(cls, username: str, address: str) -> "Keys":
        user, addr = username.strip().lower()[:150], address[:64]
        return cls(pair=f"pair:{user}|{addr}", address=f"address:{addr}", account=f"account:{user}", known=f"known:{user}|{addr}")


class LoginThrottle:
    """Database-backed sign-in throttle (see the module docstring); `clock` is injectable for tests."""

    def __init__(self, engine: Engine, policy: ThrottlePolicy, clock: Callable[[], datetime] = utcnow) -> None:
        self.engine = engine
        self.reader = engine.execution_options(**{READ_ONLY_OPTION: True})
        self.policy = policy
        self.clock = clock

    def check(self, username: str, address: str) -> None:
        """Raise 429 `too_many_attempts` (with `retry_after` seconds) while this attempt must wait."""
        keys = Keys.of(username, address)
        now = self.clock()
        with self.reader.connect() as connection:
            rows = {row.key: row for row in connection.execute(
                select(TABLE.c.key, TABLE.c.last_at, TABLE.c.blocked_until).where(TABLE.c.key.in_([keys.pair, keys.address, keys.account, keys.known]))
            )}
        known = keys.known in rows and rows[keys.known].last_at >= now - timedelta(days=self.policy.known_days)
        applicable = [keys.pair, keys.address] + ([] if known else [keys.account])
        until = [rows[key].blocked_until for key in applicable if key in rows and rows[key].blocked_until is not None]
        latest = max(until, default=None)
        if latest is not None and latest > now:
            retry_after = max(1, math.ceil((latest - now).total_seconds()))
            raise TooManyAttempts(f"Too many failed sign-ins; try again in {retry_after} s", extra={"retry_after": retry_after})

    def failed(self, username: str, address: str) -> None:
        """Count a failed sign-in on all three counters, setting each one's delay."""
        keys = Keys.of(username, address)
        now = self.clock()
        policy = self.policy
        with self.engine.begin() as connection:
            pair = _count(connection, keys.pair, now, policy.window)
            if pair >= policy.free_failures:
                _block(connection, keys.pair, now + timedelta(seconds=min(2.0 ** min(pair - policy.free_failures, 30), policy.max_delay)))
            if _count(connection, keys.address, now, policy.window) >= policy.per_address:
                _block(connection, keys.address, now + timedelta(seconds=policy.window))
            if _count(connection, keys.account, now, policy.account_window) >= policy.account_ceiling and policy.account_slowdown > 0:
                _block(connection, keys.account, now + timedelta(seconds=policy.account_slowdown))

    def succeeded(self, username: str, address: str) -> None:
        """Clear this account-and-address counter; remember the address as known for the account."""
        keys = Keys.of(username, address)
        now = self.clock()
        with self.engine.begin() as connection:
            connection.execute(delete(TABLE).where(TABLE.c.key == keys.pair))
            _upsert(connection, {"key": keys.known, "failures": 0, "last_at": now, "blocked_until": None}, {"last_at": now})

    def purge(self) -> int:
        """Delete counters past every window and delay, and markers older than `known_days`; returns how many."""
        now = self.clock()
        stale = now - timedelta(seconds=max(self.policy.window, self.policy.account_window, self.policy.max_delay))
        with self.engine.begin() as connection:
            result = connection.execute(
                delete(TABLE).where(
                    or_(
                        (TABLE.c.key.like("known:%")) & (TABLE.c.last_at < now - timedelta(days=self.policy.known_days)),
                        (~TABLE.c.key.like("known:%")) & (TABLE.c.last_at < stale)
                        & ((TABLE.c.blocked_until.is_(None)) | (TABLE.c.blocked_until < now)),
                    )
                )
            )
        return int(result.rowcount or 0)


def _upsert(connection: Connection, values: dict[str, Any], on_conflict: dict[str, Any]) -> Any:
    insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    statement = insert(TABLE).values(**values)
    return connection.execute(statement.on_conflict_do_update(index_elements=[TABLE.c.key], set_=on_conflict).returning(TABLE.c.failures))


def _count(connection: Connection, key: str, now: datetime, window: float) -> int:
    """Add one failure (restarting the count after a quiet `window`); one statement, so concurrent counts add up."""
    fresh = case((TABLE.c.last_at < now - timedelta(seconds=window), 1), else_=TABLE.c.failures + 1)
    row = _upsert(connection, {"key": key, "failures": 1, "last_at": now, "blocked_until": None}, {"failures": fresh, "last_at": now}).first()
    return int(row[0]) if row is not None else 1


def _block(connection: Connection, key: str, until: datetime) -> None:
    connection.execute(update(TABLE).where(TABLE.c.key == key).values(blocked_until=until))
