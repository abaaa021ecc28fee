import time

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from gateway.throttle import LoginThrottle, TooManyAttempts
from tests.factories import DEFAULT_PASSWORD, make_user


def test_failed_sign_ins_are_throttled_per_username_and_address(client: TestClient, db: Session) -> None:
    make_user(db, username="target")
    make_user(db, username="bystander")
    for _ in range(10):
        assert client.post("/api/auth/login", json={"username": "target", "password": "guess"}).status_code == 401
    blocked = client.post("/api/auth/login", json={"username": "TARGET", "password": DEFAULT_PASSWORD})
    assert blocked.status_code == 429
    assert blocked.json()["code"] == "too_many_attempts" and blocked.json()["retry_after"] > 0
    assert client.post("/api/auth/login", json={"username": "bystander", "password": DEFAULT_PASSWORD}).status_code == 200


def test_success_resets_the_username_counter_and_the_window_slides() -> None:
    throttle = LoginThrottle(per_user=2, per_address=3, window_seconds=0.2)
    throttle.failed("a", "1.2.3.4")
    throttle.succeeded("a", "1.2.3.4")
    throttle.failed("a", "1.2.3.4")
    throttle.check("a", "1.2.3.4")  # one failure since the success
    throttle.failed("b", "1.2.3.4")
    throttle.failed("c", "1.2.3.4")
    with pytest.raises(TooManyAttempts):
        throttle.check("d", "1.2.3.4")  # the address has used its 3 failures
    throttle.check("d", "5.6.7.8")
    time.sleep(0.25)
    throttle.check("d", "1.2.3.4")
