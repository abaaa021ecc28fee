"""Test helpers shared by every service: signing keys, databases built from real migrations."""

import os
import subprocess
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jose import jwk, jwt
from sqlalchemy import MetaData, text
from sqlalchemy.engine import Engine

from kit.migrations import upgrade_to_head

PG_ADMIN_DSN = os.environ.get("NEARPEER_PG_ADMIN_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")


class SigningKey:
    """An RSA key pair that mints tokens the way the gateway does."""

    def __init__(self, kid: str | None = None) -> None:
        self.kid = kid or uuid.uuid4().hex[:12]
        self._private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.private_pem = self._private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()
        self.public_pem = self._private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode()

    def jwks(self) -> dict[str, Any]:
        public = jwk.construct(self.public_pem, "RS256").to_dict()
        public.update({"kid": self.kid, "use": "sig", "alg": "RS256"})
        return {"keys": [{k: (v.decode() if isinstance(v, bytes) else v) for k, v in public.items()}]}

    def token(
        self,
        sub: str | None = None,
        *,
        roles: list[str] | None = None,
        scopes: list[str] | None = None,
        kind: str = "user",
        username: str | None = None,
        issuer: str = "nearpeer-gateway",
        audience: str = "nearpeer-api",
        ttl: timedelta = timedelta(minutes=15),
        **extra: Any,
    ) -> str:
        now = datetime.now(UTC)
        claims = {
            "sub": sub or str(uuid.uuid4()),
            "iss": issuer,
            "aud": audience,
            "iat": int(now.timestamp()),
            "exp": int((now + ttl).timestamp()),
            "typ": "access",
            "kind": kind,
            "roles": roles if roles is not None else ["learner"],
            "scope": " ".join(scopes or []),
            "username": username,
            "jti": uuid.uuid4().hex,
            **extra,
        }
        return str(jwt.encode(claims, self.private_pem, algorithm="RS256", headers={"kid": self.kid}))


def selected_backend() -> str:
    """`sqlite` (default) or `postgresql`, from NEARPEER_TEST_DB."""
    backend = os.environ.get("NEARPEER_TEST_DB", "sqlite")
    if backend not in ("sqlite", "postgresql"):
        raise RuntimeError(f"NEARPEER_TEST_DB must be sqlite or postgresql, not {backend!r}")
    return backend


def ensure_postgres() -> None:
    """Reach PostgreSQL, starting it when CI asks; never skip silently under CI."""
    for attempt in range(2):
        try:
            with psycopg.connect(PG_ADMIN_DSN, connect_timeout=3):
                return
        except psycopg.OperationalError:
            if attempt == 0:
                subprocess.run(
                    "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start",
                    shell=True,
                    check=False,
                    capture_output=True,
                )
                time.sleep(2)
    raise RuntimeError(f"PostgreSQL is not reachable at {PG_ADMIN_DSN} (tried to start it)")


def create_test_database(name: str, tmp_dir: Path) -> str:
    """A fresh empty database for one test session; returns its URL."""
    if selected_backend() == "sqlite":
        return f"sqlite:///{tmp_dir / (name + '.db')}"
    ensure_postgres()
    db_name = f"nptest_{name}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{db_name}"')
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{db_name}"


def drop_test_database(url: str) -> None:
    """Remove a database made by create_test_database."""
    if not url.startswith("postgresql"):
        return
    db_name = url.rsplit("/", 1)[1]
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')


def migrated_database(name: str, tmp_dir: Path, migrations: Path) -> str:
    """Create a database and build it from the service's real migrations."""
    url = create_test_database(name, tmp_dir)
    upgrade_to_head(migrations, url)
    return url


def clear_tables(engine: Engine, metadata: MetaData) -> None:
    """Empty every table (migrations stay), so each test starts clean."""
    tables = [t for t in reversed(metadata.sorted_tables) if t.name != "alembic_version"]
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            if names:
                connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(table.delete())


def check_account_revocation(client: Any, auth: Any, service: str) -> None:
    """Each domain service: the gateway's account events reach it and it refuses a deactivated account or an older token.

    `client` is the service's TestClient, `auth` the plugin's Auth; probes the service's notifications inbox.
    """
    events, probe = f"/api/{service}/accounts/events", f"/api/{service}/notifications"
    user = str(uuid.uuid4())

    def publish(version: int, *, active: bool) -> int:
        body = {"user_id": user, "active": active, "token_version": version, "roles": ["learner"], "occurred_at": datetime.now(UTC).isoformat()}
        headers = auth.client("svc-gateway", scopes=["accounts:events"]) | {"Idempotency-Key": f"account-{user}-{version}"}
        return int(client.post(events, json=body, headers=headers).status_code)

    old_token = auth.user(user, roles=["learner"])
    assert client.get(probe, headers=old_token).status_code == 200
    assert publish(1, active=False) == 204
    inactive = client.get(probe, headers=auth.user(user, roles=["learner"], ver=1))
    assert (inactive.status_code, inactive.json()["code"]) == (401, "account_inactive")
    assert publish(2, active=True) == 204
    revoked = client.get(probe, headers=old_token)
    assert (revoked.status_code, revoked.json()["code"]) == (401, "token_revoked")
    assert client.get(probe, headers=auth.user(user, roles=["learner"], ver=2)).status_code == 200
