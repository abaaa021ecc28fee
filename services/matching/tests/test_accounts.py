"""Account events from the gateway (kit.accounts): a deactivated account or an older token is refused here too."""

import uuid

from fastapi.testclient import TestClient

from kit.db import utcnow
from kit.pytest_plugin import Auth

EVENTS = "/api/matching/accounts/events"
PROBE = "/api/matching/notifications"  # any route for a signed-in user


def _publish(client: TestClient, auth: Auth, user_id: str, *, version: int, active: bool) -> int:
    body = {"user_id": user_id, "active": active, "token_version": version, "roles": ["learner"], "occurred_at": utcnow().isoformat()}
    headers = auth.client("svc-gateway", scopes=["accounts:events"]) | {"Idempotency-Key": f"account-{user_id}-{version}"}
    return client.post(EVENTS, json=body, headers=headers).status_code


def test_deactivated_accounts_and_revoked_tokens_are_refused(client: TestClient, auth: Auth) -> None:
    user = str(uuid.uuid4())
    old_token = auth.user(user, roles=["learner"])
    assert client.get(PROBE, headers=old_token).status_code == 200
    assert _publish(client, auth, user, version=1, active=False) == 204
    inactive = client.get(PROBE, headers=auth.user(user, roles=["learner"], ver=1))
    assert (inactive.status_code, inactive.json()["code"]) == (401, "account_inactive")
    assert _publish(client, auth, user, version=2, active=True) == 204
    revoked = client.get(PROBE, headers=old_token)
    assert (revoked.status_code, revoked.json()["code"]) == (401, "token_revoked")
    assert client.get(PROBE, headers=auth.user(user, roles=["learner"], ver=2)).status_code == 200
