"""`python -m gateway migrate | serve | bootstrap | openapi | rotate-key`."""

import argparse
import json
import os
import sys
from pathlib import Path

import uvicorn
from pydantic import ValidationError
from sqlmodel import Session

from gateway import crud
from gateway.core.config import MIGRATIONS, Settings
from gateway.core.security import Passwords, digest, rotate_key
from gateway.models import Client, ClientCreate, Role, UserCreate
from kit.db import make_engine, utcnow
from kit.migrations import upgrade_to_head

MIN_CLIENT_SECRET = 24


def bootstrap(settings: Settings, *, admin_username: str, clients_file: Path | None) -> list[str]:
    """Create the first admin and the service clients, or bring them up to date; returns what changed."""
    changes: list[str] = []
    engine = make_engine(settings.database_url)
    passwords = Passwords(time_cost=settings.password_time_cost, memory_kib=settings.password_memory_kib,
                          parallelism=settings.password_parallelism)
    with Session(engine, expire_on_commit=False) as session:
        if crud.get_user_by_username(session=session, username=admin_username) is None:
            password = os.environ.get("BOOTSTRAP_ADMIN_PASSWORD")
            if not password:
                raise SystemExit("BOOTSTRAP_ADMIN_PASSWORD must be set to create the admin user")
            data = UserCreate(username=admin_username, full_name="Administrator", roles=[Role.admin], password=password)
            crud.create_user(session=session, data=data, password_hash=passwords.hash(password), actor=None)
            changes.append(f"created admin user {data.username}")
        if clients_file is not None:
            wanted: dict[str, dict[str, object]] = json.loads(clients_file.read_text())
            for client_id, spec in wanted.items():
                secret = str(spec["secret"])
                if len(secret) < MIN_CLIENT_SECRET:
                    raise SystemExit(f"the secret of {client_id} is shorter than {MIN_CLIENT_SECRET} characters")
                data_client = ClientCreate(name=str(spec.get("name", client_id)), scopes=list(spec["scopes"]))  # type: ignore[call-overload]
                existing = session.get(Client, client_id)
                if existing is None:
                    crud.create_client(session=session, data=data_client, client_id=client_id, secret=secret, actor=None)
                    changes.append(f"created client {client_id}")
                    continue
                if existing.secret_hash != digest(secret) or existing.scopes != data_client.scopes or existing.revoked_at:
                    if existing.secret_hash != digest(secret):
                        existing.secret_rotated_at = utcnow()
                    existing.secret_hash, existing.scopes, existing.revoked_at = digest(secret), data_client.scopes, None
                    session.add(existing)
                    session.commit()
                    changes.append(f"updated client {client_id}")
    engine.dispose()
    return changes


def write_openapi(settings: Settings, out: Path) -> dict[str, object]:
    """The combined document from the running services (the gateway's own part is built in process)."""
    from gateway.main import create_app
    from gateway.openapi import fetch_all_sync, merge_specs

    app = create_app(settings, run_workers=False)
    spec = merge_specs(app.openapi(), fetch_all_sync(settings.upstreams), order=tuple(settings.upstreams))
    out.write_text(json.dumps(spec, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    app.state.engine.dispose()
    return spec


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="gateway")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="apply pending migrations")
    serve = sub.add_parser("serve", help="run the HTTP server")
    serve.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    serve.add_argument("--workers", type=int, default=1)
    boot = sub.add_parser("bootstrap", help="create the admin user and the service clients (idempotent)")
    boot.add_argument("--admin-username", default="admin")
    boot.add_argument("--service-clients", type=Path, default=None, help='JSON {"client-id": {"secret": ..., "scopes": [...]}}')
    spec = sub.add_parser("openapi", help="write the combined OpenAPI document (the services must be running)")
    spec.add_argument("--out", type=Path, required=True)
    sub.add_parser("rotate-key", help="retire the signing key (still published) and generate a new one")
    args = parser.parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as exc:
        raise SystemExit(f"gateway: {exc.errors()[0]['msg']}") from exc
    if args.command == "migrate":
        upgrade_to_head(MIGRATIONS, settings.database_url)
    elif args.command == "bootstrap":
        for line in bootstrap(settings, admin_username=args.admin_username, clients_file=args.service_clients) or ["nothing to change"]:
            print(f"bootstrap: {line}")
    elif args.command == "openapi":
        result = write_openapi(settings, args.out)
        info = result.get("info")
        missing = info.get("x-missing-services") if isinstance(info, dict) else None
        print(f"wrote {args.out}" + (f" (missing: {', '.join(missing)})" if missing else ""), file=sys.stderr)
    elif args.command == "rotate-key":
        kid = rotate_key(Path(settings.signing_key_path))
        print(f"new signing key {kid}; restart the gateway to sign with it (services pick it up from the JWKS)")
    else:
        uvicorn.run(
            "gateway.main:create_app", factory=True, host=args.host, port=args.port, workers=args.workers, loop="uvloop",
            http="httptools", access_log=False, log_config=None, timeout_graceful_shutdown=5,
            # The gateway reads X-Forwarded-For itself, and only from TRUSTED_PROXIES (gateway.addresses).
            proxy_headers=False,
        )
