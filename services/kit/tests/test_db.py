import threading

from sqlalchemy import text
from sqlalchemy.engine import Engine

from kit.db import READ_ONLY_OPTION


def test_readers_do_not_wait_for_a_writer(engine: Engine) -> None:
    writer_has_lock = threading.Event()
    release = threading.Event()

    def hold_write_lock() -> None:
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO outbox_message (topic, key, payload, created_at, attempts, next_attempt_at) VALUES ('t', 'lock', '{}', '2026-01-01', 0, '2026-01-01')"))
            writer_has_lock.set()
            release.wait(10)

    thread = threading.Thread(target=hold_write_lock)
    thread.start()
    try:
        assert writer_has_lock.wait(5)
        reader = engine.execution_options(**{READ_ONLY_OPTION: True})
        with reader.connect() as connection:
            # a deferred reader sees the last committed state at once, while the writer still holds the lock
            assert connection.execute(text("SELECT count(*) FROM outbox_message")).scalar_one() == 0
    finally:
        release.set()
        thread.join()
