"""SIGTERM drains: a service process stops accepting connections but finishes the request in flight, then exits.

Kubernetes sends SIGTERM after the preStop sleep (deploy/k8s/base), compose and podman on `stop`; a rollout or a
scale-down must not cut a request in half. A real `python -m feedback serve` process, a request whose body is still
arriving when the signal lands."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from devstack import ROOT, free_port


def start_feedback(tmp_path: Path) -> tuple[subprocess.Popen[bytes], int]:
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PORT")},
        "ENVIRONMENT": "development",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'feedback.db'}",
        "PYTHONUNBUFFERED": "1",
    }
    subprocess.run([sys.executable, "-m", "feedback", "migrate"], env=env, cwd=ROOT, check=True, capture_output=True)
    port = free_port()
    log = (tmp_path / "feedback.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "feedback", "serve", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process, port
        except httpx.HTTPError:
            pass
        assert process.poll() is None and time.monotonic() < deadline, (tmp_path / "feedback.log").read_text()
        time.sleep(0.2)


def read_response(sock: socket.socket) -> tuple[int, bytes]:
    """Status and body of one HTTP/1.1 answer with a Content-Length."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"connection closed before the answer's headers: {data!r}"
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    lines = head.decode().split("\r\n")
    length = next(int(line.split(":", 1)[1]) for line in lines if line.lower().startswith("content-length:"))
    while len(body) < length:
        chunk = sock.recv(65536)
        assert chunk, f"connection closed mid-answer: {body!r}"
        body += chunk
    return int(lines[0].split()[1]), body


def test_sigterm_lets_the_request_in_flight_finish_and_refuses_new_connections(tmp_path: Path) -> None:
    process, port = start_feedback(tmp_path)
    try:
        body = json.dumps({"session_id": "00000000-0000-0000-0000-000000000000", "quote": "x" * 200}).encode()
        head = (
            f"POST /api/feedback/flags HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode()
        sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        sock.sendall(head + body[:50])  # the request is in flight: its body is still arriving
        sock.settimeout(0.5)
        try:
            early = sock.recv(1)
        except TimeoutError:
            early = b""
        assert early == b"", "the service answered before the body was complete: the request was not in flight"
        sock.settimeout(10)

        process.send_signal(signal.SIGTERM)
        time.sleep(1.0)
        assert process.poll() is None, "the process exited with a request in flight"
        refused = False
        try:
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
        except OSError:
            refused = True
        assert refused, "a new connection was accepted after SIGTERM"

        sock.sendall(body[50:])
        status, answer = read_response(sock)
        sock.close()
        # Unauthenticated, so refused, but answered in full in the common error shape.
        assert status == 401, (status, answer)
        assert json.loads(answer)["code"]
        # uvicorn drains, then re-raises the signal it caught: "killed by SIGTERM" is its normal, clean exit.
        assert process.wait(timeout=15) in (0, -signal.SIGTERM)
        log = (tmp_path / "feedback.log").read_text()
        assert "Traceback" not in log, log[-3000:]
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
