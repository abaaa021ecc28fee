"""Demo people (one CSV import through the admin API) and the faculty timetable's machine client."""

import csv
import io
import json
import os
from pathlib import Path

from seed.api import DemoApi, SeedError
from seed.faculty import Faculty

ROOT = Path(__file__).resolve().parent.parent.parent
TIMETABLE_SCOPES = ["timetable:write", "timetable:read", "sessions:read"]


def _all_users(api: DemoApi) -> dict[str, str]:
    """username -> id for every user, page by page."""
    ids: dict[str, str] = {}
    offset = 0
    while True:
        page = api.get("/api/admin/users", params={"limit": 500, "offset": offset})
        ids.update({user["username"]: user["id"] for user in page["items"]})
        offset += len(page["items"])
        if not page["items"] or offset >= page["total"]:
            return ids


def seed(api: DemoApi, faculty: Faculty) -> None:
    existing = _all_users(api)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["username", "full_name", "email", "roles", "password"])
    for person in faculty.people:
        if person.username not in existing:
            writer.writerow([person.username, person.full_name, f"{person.username}@faculty.example", ";".join(person.roles), person.password])
    if out.getvalue().count("\n") > 1:
        report = api.post("/api/admin/users/import", content=out.getvalue().encode(), headers={"Content-Type": "text/csv"}, timeout=600)
        print(f"    imported {report['created']} people")
    ids = _all_users(api)
    for person in faculty.people:
        person.id = ids.get(person.username, "")
    missing = [p.username for p in faculty.people if not p.id]
    if missing:
        raise SeedError(f"people missing after the import: {', '.join(missing[:5])}")

    client = api.post("/api/admin/clients", json={"name": "Faculty timetable", "scopes": TIMETABLE_SCOPES})
    target = Path(os.environ.get("NEARPEER_DATA_DIR", ROOT / "var")) / "timetable-client.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump({"client_id": client["client_id"], "client_secret": client["client_secret"], "scopes": client["scopes"]}, handle, indent=2)
    os.chmod(target, 0o600)
    print(f"    registered machine client {client['client_id']} (secret in {target})")
