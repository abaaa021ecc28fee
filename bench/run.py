"""Run every bench/bench_*.py and write bench/results.json and bench/REPORT.md."""

import importlib
import json
import os
import platform
import sys
import time
import traceback
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


def main() -> None:
    only = set(sys.argv[1:])
    results: list[dict[str, Any]] = []
    sections: list[str] = []
    for path in sorted(HERE.glob("bench_*.py")):
        name = path.stem
        if only and name not in only:
            continue
        print(f"== {name}", flush=True)
        started = time.monotonic()
        try:
            module = importlib.import_module(name)
            entries = module.run()
        except Exception:  # noqa: BLE001 - one failing bench must not hide the others
            traceback.print_exc()
            entries = [{"name": f"{name} (failed)", "value": None, "unit": "", "reference": None, "ratio": None, "notes": traceback.format_exc(limit=3)[-400:]}]
            module = None
        for entry in entries:
            print(f"   {entry['name']}: {entry['value']} {entry['unit']} (reference {entry.get('reference')}, ratio {entry.get('ratio')})", flush=True)
        results.extend(entries)
        sections.append(_section(name, getattr(module, "DESCRIPTION", ""), entries, time.monotonic() - started))
    if only and (HERE / "results.json").exists():
        previous = [e for e in json.loads((HERE / "results.json").read_text()) if not any(e["name"] == r["name"] for r in results)]
        results = previous + results
    (HERE / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    (HERE / "REPORT.md").write_text(_report(sections))


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
        f"(this benchmark took {seconds:.0f} s)\n"
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
