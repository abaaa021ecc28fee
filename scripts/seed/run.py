"""Seed the demo faculty once per data directory, service by service, through the gateway."""

import importlib
import json
import os
import time
from typing import Any

from seed.api import DemoApi
from seed.faculty import build_faculty

ORDER = ("gateway", "matching", "sessions", "feedback")


def seed_once(stack: Any) -> None:
    """Run every service's seed that has not run yet for this data directory."""
    marker = stack.data_dir / "seeded.json"
    done: list[str] = json.loads(marker.read_text()) if marker.exists() else []
    todo = [name for name in ORDER if name not in done]
    if not todo:
        return
    os.environ["NEARPEER_DATA_DIR"] = str(stack.data_dir)
    passwords = stack.secrets["passwords"]
    faculty = build_faculty(passwords)
    api = DemoApi.login(stack.url, "admin", passwords["admin"])
    if "gateway" in done:
        _fill_ids(api, faculty)
    for name in todo:
        try:
            module = importlib.import_module(f"seed.{name}")
        except ModuleNotFoundError:
            print(f"  seed: no demo data for {name} yet")
            continue
        started = time.monotonic()
        print(f"  seeding {name} ...", flush=True)
        module.seed(api, faculty)
        print(f"  seeded {name} in {time.monotonic() - started:.1f}s", flush=True)
        done.append(name)
        marker.write_text(json.dumps(done))


def _fill_ids(api: DemoApi, faculty: Any) -> None:
    """Recover user ids when the gateway part was seeded by an earlier run."""
    offset = 0
    ids: dict[str, str] = {}
    while True:
        page = api.get("/api/admin/users", params={"limit": 500, "offset": offset})
        ids.update({u["username"]: u["id"] for u in page["items"]})
        offset += len(page["items"])
        if not page["items"] or offset >= page["total"]:
            break
    for person in faculty.people:
        person.id = ids.get(person.username, "")
