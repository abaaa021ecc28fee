"""A feed that expands without end (issue 10.5), imported by the real import path in its own process.

The probe's 15 KB feed of 100 hourly events without end stored 888,522 items and took the service from 158 MB to
2.1 GB. Imported in a subprocess (so the peak RSS is this import's alone), it must store a bounded number of items,
say so in the feed's status, and stay within a memory budget.
"""

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlmodel import Session

from sessions.core.config import Settings
from sessions.models import TimetableFeed

MEMORY_BUDGET_MB = 100  # the bounded import grows about 20 MB; the unbounded one grew 1.4 GB before it failed

CHILD = r"""
import json, resource, sys
from pathlib import Path

from kit.db import make_engine
from sessions.core.config import Settings
from sessions.feeds import import_bytes

url, feed_id, path = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
data = path.read_bytes()
settings = Settings(environment="test", database_url=url)
engine = make_engine(url)
with engine.connect():
    pass
size_kb = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmSize:"))
limit = (size_kb + 1_500_000) * 1024  # an unbounded import dies here rather than swapping the machine
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
feed = import_bytes(engine=engine, feed_id=feed_id, data=data, settings=settings)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"grew_mb": (peak - before) / 1024, "status": feed.status, "count": feed.event_count}))
"""


def hourly_feed(events: int) -> bytes:
    """`events` hourly events without end, starting yesterday (the probe's feed)."""
    day = datetime.now(UTC) - timedelta(days=1)
    body = "".join(
        f"BEGIN:VEVENT\r\nUID:hourly-{i}@probe\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:Hourly {i}\r\n"
        f"DTSTART:{day:%Y%m%d}T{i % 24:02d}0000Z\r\nDTEND:{day:%Y%m%d}T{i % 24:02d}3000Z\r\nRRULE:FREQ=HOURLY\r\nEND:VEVENT\r\n"
        for i in range(events)
    )
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//probe//EN\r\n" + body + "END:VCALENDAR\r\n").encode()


def test_hundred_hourly_events_without_end_import_bounded_in_items_and_memory(db: Session, database_url: str, tmp_path: Path) -> None:
    data = hourly_feed(100)
    assert len(data) < 20_000
    feed = TimetableFeed(name="probe", url="https://calendar.example.org/probe.ics", owner_type="cohort", owner_id="Y1")
    db.add(feed)
    db.commit()
    assert feed.id is not None
    source = tmp_path / "probe.ics"
    source.write_bytes(data)

    done = subprocess.run(
        [sys.executable, "-c", CHILD, database_url, str(feed.id), str(source)],
        capture_output=True, text=True, timeout=600, env=os.environ | {"PYTHONUNBUFFERED": "1"}, check=False,
    )

    assert done.returncode == 0, done.stderr[-2000:]
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    limits = Settings()
    assert outcome["status"] == "ok"
    assert outcome["count"] == limits.feed_max_occurrences
    assert outcome["grew_mb"] < MEMORY_BUDGET_MB, outcome
    db.expire_all()
    stored = db.get(TimetableFeed, feed.id)
    assert stored is not None
    assert stored.warnings[0].startswith(f"truncated: the feed has more than {limits.feed_max_occurrences} occurrences")
    assert any(f"has more than {limits.feed_max_occurrences_per_event} occurrences" in w for w in stored.warnings)
    db.rollback()
