"""`python -m <service> migrate|serve` for every service."""

import argparse
import os
from collections.abc import Callable
from pathlib import Path

import uvicorn
from pydantic import ValidationError

from kit.config import ServiceSettings
from kit.migrations import upgrade_to_head


def load_settings(*, service: str, settings_factory: Callable[[], ServiceSettings]) -> ServiceSettings:
    """Build the settings or stop naming each bad setting, never echoing its value (it may be a secret)."""
    try:
        return settings_factory()
    except ValidationError as exc:
        names = [".".join(str(part) for part in error["loc"]).upper() or "settings" for error in exc.errors()]
        problems = "; ".join(f"{name}: {error['msg']}" for name, error in zip(names, exc.errors(), strict=True))
        raise SystemExit(f"{service}: invalid settings: {problems}") from None


def run_cli(*, service: str, app_path: str, migrations: Path, settings_factory: Callable[[], ServiceSettings]) -> None:
    """Parse the command line and migrate or serve."""
    parser = argparse.ArgumentParser(prog=service)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="apply pending migrations")
    serve = sub.add_parser("serve", help="run the HTTP server")
    serve.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8001")))
    serve.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    settings = load_settings(service=service, settings_factory=settings_factory)
    if args.command == "migrate":
        upgrade_to_head(migrations, settings.database_url)
        return
    uvicorn.run(
        app_path,
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        loop="uvloop",
        http="httptools",
        access_log=False,
        log_config=None,
        timeout_graceful_shutdown=5,
    )
