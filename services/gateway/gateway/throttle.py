"""Brake on password guessing: failed sign-ins per (username, address) and per address, in a sliding window."""

import threading
import time
from collections import deque

from kit.errors import AppError


class TooManyAttempts(AppError):
    status, code = 429, "too_many_attempts"


class LoginThrottle:
    """In-process counters (one gateway process; replicas would each count on their own)."""

    def __init__(self, *, per_user: int, per_address: int, window_seconds: float) -> None:
        self.limits = {"user": per_user, "address": per_address}
        self.window = window_seconds
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def _keys(self, username: str, address: str) -> list[tuple[str, str]]:
        return [("user", f"{username.strip().lower()}|{address}"), ("address", address)]

    def _recent(self, key: tuple[str, str], now: float) -> deque[float]:
        stamps = self._failures.setdefault(key, deque())
        while stamps and now - stamps[0] > self.window:
            stamps.popleft()
        return stamps

    def check(self, username: str, address: str) -> None:
        """Raise 429 `too_many_attempts` while either counter is at its limit."""
        now = time.monotonic()
        with self._lock:
            for key in self._keys(username, address):
                stamps = self._recent(key, now)
                if len(stamps) >= self.limits[key[0]]:
                    retry_after = int(self.window - (now - stamps[0])) + 1
                    raise TooManyAttempts(
                        f"Too many failed sign-ins; try again in {retry_after} s", extra={"retry_after": retry_after}
                    )

    def failed(self, username: str, address: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key in self._keys(username, address):
                self._recent(key, now).append(now)

    def succeeded(self, username: str, address: str) -> None:
        with self._lock:
            self._failures.pop(self._keys(username, address)[0], None)
