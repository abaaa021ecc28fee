#!/usr/bin/env python3
"""Write every secret NearPeer needs as one file each (compose `secrets:`, Kubernetes Secrets): `make_secrets.py DIR`.

Existing files are kept (running it again only adds what is missing), so DIR stays the single source of truth.
Standard library plus the `openssl` command. `--rotate-signing-key` retires keys/signing-key.pem (kept, still
published in the JWKS, as keys/signing-key.previous-<UTC stamp>.pem, the gateway's own naming) and makes a new one.
`--postgres-host` names the database host in the four DATABASE_URL files (compose: the service `postgres`).
"""

from __future__ import annotations

import argparse
import json
import secrets
import subprocess
import time
from pathlib import Path

# The scopes of the service clients, exactly as scripts/devstack.py gives them (docs/INTEGRATION.md).
SERVICE_SCOPES = {
    "svc-matching": ["sessions:freebusy", "timetable:read", "feedback:quality", "users:read", "sessions:events"],
    "svc-sessions": ["feedback:events", "matching:read", "users:read"],
    "svc-feedback": ["matching:approvals.suspend", "sessions:read", "users:read"],
}
DATABASES = ("gateway", "matching", "sessions", "feedback")


def write(path: Path, text: str) -> None:
    """Create a secret file once (0644 inside a 0700 directory: containers run as another uid and must read it)."""
    if path.exists():
        return
    path.write_text(text)
    path.chmod(0o644)


def new_signing_key(path: Path) -> None:
    """An RSA-2048 private key in PEM (PKCS#8), as the gateway's own rotate-key writes."""
    subprocess.run(
        ["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", str(path)],
        check=True,
        capture_output=True,
    )
    path.chmod(0o644)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--postgres-host", default="postgres")
    parser.add_argument("--rotate-signing-key", action="store_true")
    args = parser.parse_args()
    out: Path = args.directory
    out.mkdir(parents=True, exist_ok=True)
    out.chmod(0o700)
    keys = out / "keys"
    keys.mkdir(exist_ok=True)
    keys.chmod(0o755)
    write(out / "postgres-password", secrets.token_urlsafe(32))
    password = (out / "postgres-password").read_text().strip()
    for name in DATABASES:
        write(
            out / f"{name}-database-url", f"postgresql+psycopg://postgres:{password}@{args.postgres_host}:5432/{name}"
        )
    write(out / "admin-password", secrets.token_urlsafe(18))
    write(out / "calendar-token-secret", secrets.token_urlsafe(32))
    for client in SERVICE_SCOPES:
        write(out / f"{client.removeprefix('svc-')}-client-secret", secrets.token_urlsafe(32))
    clients = {
        client: {"secret": (out / f"{client.removeprefix('svc-')}-client-secret").read_text().strip(), "scopes": scopes}
        for client, scopes in SERVICE_SCOPES.items()
    }
    (out / "service-clients.json").write_text(json.dumps(clients, indent=2) + "\n")  # always in step with the files
    (out / "service-clients.json").chmod(0o644)
    current = keys / "signing-key.pem"
    if args.rotate_signing_key and current.exists():
        current.rename(keys / f"signing-key.previous-{time.strftime('%Y%m%d%H%M%S', time.gmtime())}.pem")
    if not current.exists():
        new_signing_key(current)
    print(f"secrets in {out}")


if __name__ == "__main__":
    main()
