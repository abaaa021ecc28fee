"""Background work that survives the request: a periodic thread with a clean stop."""

import logging
import threading
from collections.abc import Callable

logger = logging.getLogger("kit.workers")


class PeriodicWorker:
    """Calls `job` every `interval` seconds on its own thread until stopped; `wake()` runs it now."""

    def __init__(self, name: str, job: Callable[[], object], interval: float) -> None:
        self.name = name
        self.job = job
        self.interval = interval
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name=self.name, daemon=True)
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.job()
            except Exception:
                logger.exception("worker %s failed", self.name)
            self._wake.wait(self.interval)
            self._wake.clear()
