"""Account events from the gateway (kit.accounts): a deactivated account or an older token is refused here too."""

from fastapi.testclient import TestClient

from kit.pytest_plugin import Auth
from kit.testing import check_account_revocation


def test_deactivated_accounts_and_revoked_tokens_are_refused(client: TestClient, auth: Auth) -> None:
    check_account_revocation(client, auth, "sessions")
