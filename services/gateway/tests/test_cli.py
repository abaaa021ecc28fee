import json
from pathlib import Path

import pytest
from sqlmodel import Session, select

from gateway.cli import bootstrap, main
from gateway.core.security import digest
from gateway.models import Client, User
from tests.conftest import make_settings


def test_bootstrap_is_idempotent(database_url: str, key_file: Path, tmp_path: Path, db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOOTSTRAP_ADMIN_PASSWORD", "first admin password")
    clients = tmp_path / "clients.json"
    clients.write_text(json.dumps({"svc-matching": {"secret": "a" * 43, "scopes": ["users:read", "sessions:freebusy"]}}))
    settings = make_settings(database_url, key_file)
    assert bootstrap(settings, admin_username="admin", clients_file=clients) == ["created admin user admin", "created client svc-matching"]
    assert bootstrap(settings, admin_username="admin", clients_file=clients) == []
    clients.write_text(json.dumps({"svc-matching": {"secret": "b" * 43, "scopes": ["users:read"]}}))
    assert bootstrap(settings, admin_username="admin", clients_file=clients) == ["updated client svc-matching"]
    client = db.exec(select(Client)).one()
    assert client.secret_hash == digest("b" * 43) and client.scopes == ["users:read"]
    admin = db.exec(select(User)).one()
    assert admin.roles == ["admin"] and admin.is_active
    db.rollback()
    clients.write_text(json.dumps({"svc-matching": {"secret": "short", "scopes": ["users:read"]}}))
    with pytest.raises(SystemExit):
        bootstrap(settings, admin_username="admin", clients_file=clients)


def test_serve_leaves_forwarded_headers_to_the_gateway(monkeypatch: pytest.MonkeyPatch) -> None:
    """uvicorn would otherwise believe X-Forwarded-For from any loopback peer (rotating it bought more guesses)."""
    seen: dict[str, object] = {}
    monkeypatch.setattr("gateway.cli.uvicorn.run", lambda *args, **kwargs: seen.update(kwargs))
    main(["serve", "--port", "8123"])
    assert seen["proxy_headers"] is False
