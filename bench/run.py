"""Run every bench/bench_*.py and write bench/results.json and bench/REPORT.md."""

import importlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count(), "cpu": cpu}


def run_one(name: str) -> tuple[list[dict[str, Any]], str]:
    """Run one benchmark module in its own process (each service's models own a process-wide metadata)."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        code = (
            "import json, sys; sys.path.insert(0, sys.argv[1]); import importlib; m = importlib.import_module(sys.argv[2]); "
            "json.dump({'entries': m.run(), 'description': getattr(m, 'DESCRIPTION', '')}, open(sys.argv[3], 'w'))"
        )
        result = subprocess.run([sys.executable, "-c", code, str(HERE), name, out.name], check=False)
        if result.returncode != 0:
            failed = {"name": f"{name} (failed)", "value": None, "unit": "", "reference": None, "ratio": None, "notes": f"exit {result.returncode}; see the console"}
            return [failed], ""
        data = json.loads(Path(out.name).read_text())
        return list(data["entries"]), str(data["description"])


def main() -> None:
    only = set(sys.argv[1:])
    results: list[dict[str, Any]] = []
    sections: dict[str, str] = {}
    for path in sorted(HERE.glob("bench_*.py")):
        name = path.stem
        if only and name not in only:
            continue
        print(f"== {name}", flush=True)
        started = time.monotonic()
        entries, description = run_one(name)
        for entry in entries:
            print(f"   {entry['name']}: {entry['value']} {entry['unit']} (reference {entry.get('reference')}, ratio {entry.get('ratio')})", flush=True)
        for entry in entries:
            entry["bench"] = name
        results.extend(entries)
        sections[name] = _section(name, description, entries, time.monotonic() - started)
    if only and (HERE / "results.json").exists():
        previous = [e for e in json.loads((HERE / "results.json").read_text()) if e.get("bench") not in only]
        results = previous + results
        for entry in previous:
            bench = str(entry.get("bench"))
            if bench not in sections:
                same = [e for e in previous if e.get("bench") == bench]
                sections[bench] = _section(bench, _previous_description(bench), same, 0.0)
    (HERE / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    (HERE / "REPORT.md").write_text(_report([sections[k] for k in sorted(sections)]))


def _previous_description(bench: str) -> str:
    try:
        return str(getattr(importlib.import_module(bench), "DESCRIPTION", ""))
    except Exception:  # noqa: BLE001 - the description is only prose
        return ""


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.3f}" if abs(value) < 100 else f"{value:,.1f}"
    return "—" if value is None else str(value)


def _section(name: str, description: str, entries: list[dict[str, Any]], seconds: float) -> str:
    rows = "\n".join(
        f"| {e['name']} | {_fmt(e['value'])} | {e['unit']} | {_fmt(e.get('reference'))} | {_fmt(e.get('ratio'))} | {e.get('notes', '')} |"
        for e in entries
    )
    return (
        f"## {name}\n\n{description.strip()}\n\n| entry | value | unit | reference | ratio | notes |\n|---|---|---|---|---|---|\n{rows}\n\n"
        + (f"(this benchmark took {seconds:.0f} s)\n" if seconds else "(figures from an earlier run of this benchmark)\n")
    )


def _report(sections: list[str]) -> str:
    info = machine()
    head = (
        "# Benchmark report\n\n"
        "Written by `make bench` (bench/run.py). Each figure is a median of repeated runs unless its notes say otherwise; "
        "each `reference` is measured in the same run on the same machine, and `ratio` = value / reference, so the ratios "
        "stay meaningful on this shared, noisy machine.\n\n"
        f"Machine: {info['cpu']}, {info['cpus']} CPUs, Python {info['python']}, {info['platform']}. "
        f"Run at {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.\n\n"
    )
    return head + "\n".join(sections)


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    main()
