"""Start the whole NearPeer system as real processes: `make run`, the cross-service tests and the benchmarks use it."""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
SERVICES = ("matching", "sessions", "feedback")
SERVICE_SCOPES = {
    "svc-matching": ["sessions:freebusy", "timetable:read", "feedback:quality", "users:read", "sessions:events"],
    "svc-sessions": ["feedback:events", "matching:read", "users:read"],
    "svc-feedback": ["matching:approvals.suspend", "sessions:read", "users:read"],
}
DEMO_ACCOUNTS = ("admin", "supervisor", "tutor", "learner", "student")
PG_ADMIN_DSN = os.environ.get("NEARPEER_PG_ADMIN_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def load_or_create_secrets(path: Path) -> dict[str, dict[str, str]]:
    """Service client secrets and demo passwords, made once per data directory and kept."""
    if path.exists():
        stored: dict[str, dict[str, str]] = json.loads(path.read_text())
        return stored
    data = {
        "clients": {name: secrets.token_urlsafe(32) for name in SERVICE_SCOPES},
        "passwords": {name: f"{name}-{secrets.token_hex(4)}" for name in DEMO_ACCOUNTS},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2))
    path.chmod(0o600)
    return data


@dataclass
class Stack:
    """The gateway and the three services on loopback ports, on SQLite or PostgreSQL."""

    data_dir: Path
    port: int = 8000
    database: str = "sqlite"
    frontend_dist: Path | None = None
    extra_env: dict[str, str] = field(default_factory=dict)
    quiet: bool = True
    ports: dict[str, int] = field(default_factory=dict)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    pg_databases: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.data_dir = self.data_dir.resolve()
        self.logs = self.data_dir / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.secrets = load_or_create_secrets(self.data_dir / "secrets.json")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def service_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    def database_url(self, name: str) -> str:
        if self.database == "sqlite":
            return f"sqlite:///{self.data_dir / (name + '.db')}"
        db_name = f"{self.data_dir.name.replace('-', '_').lower()}_{name}"[:60]
        if db_name not in self.pg_databases:
            self._create_pg_database(db_name)
            self.pg_databases.append(db_name)
        return f"postgresql+psycopg://postgres@127.0.0.1:5432/{db_name}"

    def _create_pg_database(self, db_name: str) -> None:
        import psycopg

        with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (db_name,)).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{db_name}"')

    def env_for(self, name: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("PORT", "DATABASE_URL")}
        env.update(
            ENVIRONMENT="development",
            DATABASE_URL=self.database_url(name),
            AUTH_JWKS_URL=f"{self.url}/.well-known/jwks.json",
            GATEWAY_URL=self.url,
            TOKEN_URL=f"{self.url}/api/auth/token",
            PUBLIC_BASE_URL=self.url,
            FACULTY_TIMEZONE=os.environ.get("FACULTY_TIMEZONE", "Europe/Paris"),
            PYTHONUNBUFFERED="1",
        )
        for service in SERVICES:
            env[f"{service.upper()}_URL"] = self.service_url(service)
        client = f"svc-{name}"
        if client in SERVICE_SCOPES:
            env.update(CLIENT_ID=client, CLIENT_SECRET=self.secrets["clients"][client])
        if name == "gateway":
            env.update(SIGNING_KEY_PATH=str(self.data_dir / "keys" / "signing-key.pem"))
            if self.frontend_dist is not None:
                env["FRONTEND_DIST"] = str(self.frontend_dist)
        env.update(self.extra_env)
        return env

    def _run(self, name: str, *args: str) -> None:
        log = self.logs / f"{name}-setup.log"
        with log.open("ab") as out:
            result = subprocess.run([sys.executable, "-m", name, *args], env=self.env_for(name), stdout=out, stderr=out, cwd=ROOT)
        if result.returncode != 0:
            raise RuntimeError(f"`python -m {name} {' '.join(args)}` failed; see {log}:\n{log.read_text()[-3000:]}")

    def prepare(self) -> None:
        """Pick ports, migrate every database, bootstrap the admin and the service clients."""
        for name in SERVICES:
            self.ports.setdefault(name, free_port())
        self.ports["gateway"] = self.port
        for name in ("gateway", *SERVICES):
            self._run(name, "migrate")
        clients_file = self.data_dir / "service-clients.json"
        clients = {cid: {"secret": self.secrets["clients"][cid], "scopes": scopes} for cid, scopes in SERVICE_SCOPES.items()}
        clients_file.write_text(json.dumps(clients, indent=2))
        clients_file.chmod(0o600)
        self.extra_env.setdefault("BOOTSTRAP_ADMIN_PASSWORD", self.secrets["passwords"]["admin"])
        self._run("gateway", "bootstrap", "--admin-username", "admin", "--service-clients", str(clients_file))

    def start(self) -> Stack:
        """Start all four processes and wait until each is ready."""
        self.prepare()
        for name in (*SERVICES, "gateway"):
            out = (self.logs / f"{name}.log").open("ab")
            self.processes[name] = subprocess.Popen(
                [sys.executable, "-m", name, "serve", "--port", str(self.ports[name])],
                env=self.env_for(name),
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=ROOT,
                start_new_session=True,
            )
        try:
            self.wait_ready()
        except Exception:
            self.stop()
            raise
        return self

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        pending = {name: f"http://127.0.0.1:{port}/{'healthz' if name == 'gateway' else 'readyz'}" for name, port in self.ports.items()}
        while pending:
            for name, url in list(pending.items()):
                process = self.processes.get(name)
                if process is not None and process.poll() is not None:
                    raise RuntimeError(f"{name} exited with {process.returncode}; see {self.logs / (name + '.log')}")
                try:
                    if httpx.get(url, timeout=1.0).status_code == 200:
                        del pending[name]
                except httpx.HTTPError:
                    pass
            if pending and time.monotonic() > deadline:
                raise RuntimeError(f"not ready after {timeout}s: {', '.join(pending)}")
            if pending:
                time.sleep(0.2)

    def stop_service(self, name: str) -> None:
        """Stop one process (tests use this to take a service down)."""
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)

    def start_service(self, name: str) -> None:
        """Start one process again on its port."""
        out = (self.logs / f"{name}.log").open("ab")
        self.processes[name] = subprocess.Popen(
            [sys.executable, "-m", name, "serve", "--port", str(self.ports[name])],
            env=self.env_for(name), stdout=out, stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=True,
        )
        self.wait_ready()

    def stop(self) -> None:
        for name in list(self.processes):
            self.stop_service(name)

    def drop_databases(self) -> None:
        if not self.pg_databases:
            return
        import psycopg

        with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
            for db_name in self.pg_databases:
                conn.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
        self.pg_databases.clear()

    def __enter__(self) -> Stack:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()


def banner(stack: Stack) -> str:
    passwords = stack.secrets["passwords"]
    lines = [
        "",
        "NearPeer is running.",
        f"  Web app and API:   {stack.url}/",
        f"  API docs:          {stack.url}/api/docs",
        f"  Logs:              {stack.logs}/",
        "",
        "Demo logins (username / password):",
    ]
    for username in ("admin", "supervisor", "tutor", "learner"):
        lines.append(f"  {username:<12} {passwords[username]}")
    lines += [f"  (every other demo student: password {passwords['student']})", "", "Press Ctrl-C to stop.", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description="Run NearPeer locally")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--data-dir", type=Path, default=ROOT / "var")
    parser.add_argument("--no-seed", action="store_true")
    args = parser.parse_args()
    dist = ROOT / "frontend" / "dist"
    stack = Stack(args.data_dir, port=args.port, frontend_dist=dist if (dist / "index.html").exists() else None)
    stopping = False

    def on_signal(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    print(f"Starting NearPeer (data in {stack.data_dir}) ...", flush=True)
    stack.start()
    try:
        if not args.no_seed:
            from seed.run import seed_once

            seed_once(stack)
        print(banner(stack), flush=True)
        while not stopping:
            for name, process in stack.processes.items():
                if process.poll() is not None:
                    print(f"{name} stopped unexpectedly (exit {process.returncode}); see {stack.logs / (name + '.log')}")
                    stopping = True
            time.sleep(0.5)
    finally:
        print("Stopping NearPeer ...", flush=True)
        stack.stop()
        print("Stopped.", flush=True)


if __name__ == "__main__":
    main()
