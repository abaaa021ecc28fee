"""Cost of the gateway hop: the same authenticated GET straight to the matching service and through the gateway."""

import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from devstack import Stack, free_port  # noqa: E402

DESCRIPTION = """
Authenticated `GET /api/matching/topics` (admin token) sent by `wrk` (1 thread, 5 s per run after a warm-up), once
straight to the matching service and once through the gateway (pure-ASGI proxy on a long-lived aiohttp pool),
alternating, 3 runs each, medians reported. Throughput at 32 connections (saturated); latency at 4 connections
(unsaturated, so p50 shows the hop and not queueing). Both servers run uvicorn with uvloop + httptools, one worker each, on the
same machine as the load generator, on PostgreSQL (under 32 connections the matching service on SQLite stalls for
seconds on its database lock, which would measure SQLite, not the hop). Targets: throughput ratio >= 0.75, p50 added <= 3 ms.
"""

PATH = "/api/matching/topics"
CONNECTIONS = 32
LATENCY_CONNECTIONS = 4
DURATION = "5s"
RUNS = 3


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(url: str, token: str, duration: str = DURATION, connections: int = CONNECTIONS) -> dict[str, float]:
    """One wrk run: requests/s, p50 and p99 latency (ms)."""
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{duration}", "--timeout", "10s", "--latency", "-H", f"Authorization: Bearer {token}", url],
        capture_output=True, text=True, check=True,
    ).stdout
    if "Non-2xx" in out:
        raise RuntimeError(f"non-2xx answers during the benchmark:\n{out}")
    latency = dict(re.findall(r"^\s*(50|99)%\s+(\S+)\s*$", out, re.MULTILINE))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    if rps <= 0:
        raise RuntimeError(f"no answers from {url}:\n{out}")
    return {"rps": rps, "p50": _ms(latency["50"]), "p99": _ms(latency["99"])}


def run() -> list[dict[str, Any]]:
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is not installed (apt-get install -y wrk)")
    with tempfile.TemporaryDirectory(prefix="np-bench-gw-") as scratch:
        stack = Stack(Path(scratch), port=free_port(), database="postgresql")
        try:
            stack.start()
            direct, through, direct_lat, through_lat = _measure(stack)
        finally:
            stack.stop()
            stack.drop_databases()
    return _entries(direct, through, direct_lat, through_lat)


Rows = list[dict[str, float]]


def _measure(stack: Stack) -> tuple[Rows, Rows, Rows, Rows]:
    """Alternate direct and through-gateway runs, throughput then latency."""
    password = stack.secrets["passwords"]["admin"]
    token = httpx.post(f"{stack.url}/api/auth/login", json={"username": "admin", "password": password}, timeout=30).json()["access_token"]
    direct_url, gateway_url = stack.service_url("matching") + PATH, stack.url + PATH
    for url in (direct_url, gateway_url):
        wrk(url, token, "2s")
    direct: list[dict[str, float]] = []
    through: list[dict[str, float]] = []
    direct_lat: list[dict[str, float]] = []
    through_lat: list[dict[str, float]] = []
    for _ in range(RUNS):
        direct.append(wrk(direct_url, token))
        through.append(wrk(gateway_url, token))
        direct_lat.append(wrk(direct_url, token, connections=LATENCY_CONNECTIONS))
        through_lat.append(wrk(gateway_url, token, connections=LATENCY_CONNECTIONS))
    return direct, through, direct_lat, through_lat


def _entries(direct: Rows, through: Rows, direct_lat: Rows, through_lat: Rows) -> list[dict[str, Any]]:
    def med(rows: list[dict[str, float]], key: str) -> float:
        return round(statistics.median(r[key] for r in rows), 3)

    d_rps, g_rps = med(direct, "rps"), med(through, "rps")
    d50, g50 = med(direct_lat, "p50"), med(through_lat, "p50")
    d99, g99 = med(direct_lat, "p99"), med(through_lat, "p99")
    note = f"wrk -t1 -c{CONNECTIONS} -d{DURATION}, median of {RUNS}; reference = direct to the service"
    lat_note = f"wrk -t1 -c{LATENCY_CONNECTIONS} -d{DURATION}, median of {RUNS}; reference = direct to the service"
    return [
        {"name": "gateway hop throughput", "value": g_rps, "unit": "req/s", "reference": d_rps, "ratio": round(g_rps / d_rps, 3),
         "notes": f"{note}; target ratio >= 0.75"},
        {"name": "gateway hop p50", "value": g50, "unit": "ms", "reference": d50, "ratio": round(g50 / d50, 3),
         "notes": f"{lat_note}; added {g50 - d50:.2f} ms (target <= 3 ms)"},
        {"name": "gateway hop p99", "value": g99, "unit": "ms", "reference": d99, "ratio": round(g99 / d99, 3), "notes": lat_note},
    ]


if __name__ == "__main__":
    for entry in run():
        print(entry)
