"""A time budget for one import, enforced even inside library loops that never hand control back.

dateutil searches up to year 9999 for a rule that never matches without yielding once, so checking the clock
between occurrences is not enough: a watchdog timer raises `BudgetExceeded` asynchronously in the importing thread
when the deadline passes. It derives from BaseException so that no library `except Exception` swallows it.
"""

from __future__ import annotations

import ctypes
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager


class BudgetExceeded(BaseException):  # a signal like KeyboardInterrupt, not an error
    """The import ran out of its time budget."""


def _raise_in(thread_id: int, exception: type[BaseException] | None) -> None:
    # None withdraws an exception that was set but not raised yet.
    target = ctypes.py_object(exception) if exception is not None else None
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), target)


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Raise BudgetExceeded in the calling thread if the block runs longer than `seconds` (wall clock)."""
    thread_id = threading.get_ident()
    guard = threading.Lock()
    armed = [True]

    def expire() -> None:
        with guard:
            if armed[0]:
                _raise_in(thread_id, BudgetExceeded)

    timer = threading.Timer(max(seconds, 0.0), expire)
    timer.daemon = True
    started = time.monotonic()
    timer.start()
    try:
        yield
    finally:
        with guard:  # after this, the timer can no longer fire into unrelated code
            armed[0] = False
            _raise_in(thread_id, None)
        timer.cancel()
    if time.monotonic() - started > seconds:  # the deadline passed in a stretch the timer could not interrupt
        raise BudgetExceeded
