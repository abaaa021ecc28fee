"""Every file of the real-world iCalendar corpus: imported with a known count, or refused.

Expected counts were established by reading each file and counting by hand (small
files) or with an independent counter (text parsing + dateutil.rrule, no icalendar /
recurring-ical-events / sessions code) for rie_issue42.ics -- never by recording what
parse_feed returns. Windows are [start, end) in UTC; an occurrence counts when it
overlaps the window.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from sessions.calendar import FeedParseError, parse_feed

HERE = Path(__file__).resolve().parent
REPO_ROOT = Path(__file__).resolve().parents[4]
IN_REPO_FEEDS = HERE / "data" / "corpus"


def _shared_corpus() -> Path:
    override = os.environ.get("NEARPEER_ICS_CORPUS")
    return Path(override) if override else REPO_ROOT / ".." / "shared" / "ics-corpus"


@dataclass(frozen=True)
class Imports:
    """The feed imports; ``count`` occurrences overlap [start, end)."""

    start: str
    end: str
    count: int
    why: str


@dataclass(frozen=True)
class Refused:
    """The feed is refused at ``line`` with a reason containing ``reason``."""

    line: int | None
    reason: str
    why: str


EXPECTED: dict[str, Imports | Refused] = {
    "feeds/ical__google_calendar_public_holidays.ics": Imports(
        "2022-01-01", "2023-01-01", 36,
        "111 one-day all-day holidays 2021-2023, 36 dated 2022; X-WR-TIMEZONE UTC, so the "
        "2021-12-31 ones end exactly at the window start and 2023-01-01 starts at its end",
    ),
    "feeds/ical__google_dtstart_until_mismatch.ics": Imports(
        "2023-10-01", "2024-02-01", 13,
        "weekly Thursday from 2023-10-05, DATE UNTIL 2023-12-31: Oct 5..Dec 28 = 13",
    ),
    "feeds/ical__missing_colon.ics": Refused(2, "has no ':'", "line 2 has no colon"),
    "feeds/ical__office_356_custom_timezone.ics": Imports(
        "2024-04-01", "2026-06-01", 51,
        "event 1: biweekly Thu UNTIL = its own start -> 1; event 2: biweekly Tue 2024-05-21 "
        "to UNTIL 2026-05-05 (714 days -> 52 instances) minus 2 EXDATEs on the grid -> 50",
    ),
    "feeds/ical__office_365_extended_timezone.ics": Imports(
        "2024-04-01", "2024-05-01", 1,
        "one event, Windows TZID 'W. Europe Standard Time' without VTIMEZONE",
    ),
    "feeds/ical__office_365_invalid_timezone.ics": Imports(
        "2024-04-01", "2024-05-01", 1,
        "one event whose TZID 'Customized Time Zone' is undefined: kept, with a warning",
    ),
    "feeds/ical__rrule-exdate-mismatch.ics": Imports(
        "2023-12-01", "2024-02-01", 11,
        "all-day Sat+Sun from Sun 2023-12-24 (zero-length, read as one day): Dec 24, 30, 31 "
        "+ 8 January weekend days; both EXDATEs precede DTSTART so remove nothing",
    ),
    "feeds/icalendar__america_new_york.ics": Imports(
        "2014-08-01", "2014-09-01", 1, "one event in a custom-named New York VTIMEZONE"
    ),
    "feeds/icalendar__big_bad_calendar.ics": Refused(
        1, "never closed", "VCALENDAR never closed (and its VEVENTs are empty)"
    ),
    "feeds/icalendar__bom_calendar.ics": Imports(
        "2000-01-01", "2030-01-01", 0, "BOM + CRLF around an empty VCALENDAR"
    ),
    "feeds/icalendar__broken_ical.ics": Refused(
        4, "malformed property name or parameters", "'DTSTART;;VALUE=...' on line 4"
    ),
    "feeds/icalendar__fuzz_testcase_vtimezone_lone_cr.ics": Refused(
        2, "control character", "form feeds / lone CR inside the TZID on line 2"
    ),
    "feeds/icalendar__issue_1081_invalid_rrule_freq.ics": Refused(
        7, "RRULE", "FREQ=INVALID_TYPE_CAUSES_ERROR on line 7"
    ),
    "feeds/icalendar__issue_112_missing_tzinfo_on_exdate.ics": Imports(
        "2013-09-01", "2013-11-01", 11,
        "bare VEVENT; Fri+Sat from Sat 2013-09-07 until Oct 24 23:59 EDT: Sep 7 + 5 Fri/Sat "
        "pairs (Sep 13 .. Oct 19) = 13 minus EXDATEs Oct 11, Oct 12",
    ),
    "feeds/icalendar__issue_218_bad_tzid.ics": Imports(
        "2017-02-01", "2017-04-01", 1, "one event in the file's own 'UTC+11' VTIMEZONE"
    ),
    "feeds/icalendar__issue_466_respect_unique_timezone.ics": Imports(
        "2022-10-01", "2022-12-01", 6,
        "weekly Friday from 2022-10-21 in '/Europe/CUSTOM': Oct 21, 28, Nov 4, 11, 18, 25",
    ),
    "feeds/icalendar__issue_722_missing_timezones.ics": Refused(
        9, "no DTSTART", "second VEVENT (line 9) has only a RECURRENCE-ID"
    ),
    "feeds/icalendar__parsing_error.ics": Imports(
        "2008-03-01", "2008-04-01", 40,
        "two all-day dailies Mar 3-23 (21 days) minus EXDATE Mar 11 = 20 each; the empty "
        "EXDATE of the second is ignored with a warning",
    ),
    "feeds/icalendar__small_bad_calendar.ics": Refused(
        1, "never closed", "truncated: no END:VCALENDAR"
    ),
    "feeds/icalendar__x_location.ics": Imports(
        "2016-10-24", "2016-11-07", 6,
        "weekdays from Fri 2016-10-28: Oct 28 + Oct 31..Nov 4",
    ),
    "feeds/icaljs__blank_line_mid.ics": Refused(3, "blank line", "blank line 3 inside VCALENDAR"),
    "feeds/icaljs__recur_instances.ics": Imports(
        "2012-10-01", "2013-06-01", 8,
        "first Tuesdays Oct 2 (moved to 15:00), Nov 6, Jan 1, Mar 5, May 7 (Dec 4, Feb 5, "
        "Apr 2 excluded) + RDATEs Nov 5 (moved to Nov 6 20:00), Nov 10, Nov 30",
    ),
    "feeds/libical__recur-errors.ics": Imports(
        "1997-01-01", "1999-01-01", 24,
        "four bare UID-less VEVENTs (RFC 5545 examples, TZID US-Eastern undefined): "
        "COUNT=4 + COUNT=4 + COUNT=6 + COUNT=10",
    ),
    "feeds/rie__Germany_Holidays.ics": Imports(
        "2019-01-01", "2021-01-01", 34,
        "34 single holidays 2019-2020 with empty RRULE and DTEND == DTSTART",
    ),
    "feeds/rie__bad_rrule_missing_until_event.ics": Refused(
        9, "UNTL", "RRULE part 'UNTL' on line 9"
    ),
    "feeds/rie__daylight_saving_time.ics": Imports(
        "2018-10-15", "2018-11-05", 12,
        "Chaostreff Oct 24, #TEC Mon Oct 15/22/29, repairCafe override moved to Oct 20, "
        "OK Lab and machBar Plenum Tue Oct 16/30 each, OpenLab Thu Oct 18/25/Nov 1",
    ),
    "feeds/rie__each_week_but_two_deleted.ics": Imports(
        "2019-03-01", "2019-05-01", 6, "weekly COUNT=8 minus two EXDATEs given in UTC"
    ),
    "feeds/rie__end_before_start_event.ics": Refused(
        32, "before DTSTART", "DTEND 08:00 < DTSTART 08:30 (line 32)"
    ),
    "feeds/rie__fablab_cottbus.ics": Imports(
        "2018-10-01", "2018-11-01", 9,
        "8 single October 2018 workshops + the monthly first-Saturday Repair Cafe (Oct 6)",
    ),
    "feeds/rie__issue_117_until_before_dtstart.ics": Imports(
        "2023-09-01", "2023-11-01", 0,
        "UNTIL before DTSTART: a series truncated before its first instance (warning)",
    ),
    "feeds/rie__issue_201_mixed_datetime_and_date.ics": Imports(
        "2023-07-01", "2023-09-01", 1, "DATE start with DATE-TIME end: one all-day range"
    ),
    "feeds/rie__issue_28_rrule_with_UTC_endinginZ.ics": Imports(
        "2020-04-01", "2020-09-15", 24,
        "two biweekly all-day Thursday series Apr 2..Sep 3 and Apr 9..Sep 10 (12 each), "
        "three instances moved by a day; window ends before the ambiguous UNTIL days",
    ),
    "feeds/rie__issue_48_dst.ics": Imports(
        "2020-10-26", "2020-11-09", 12,
        "weeks of Oct 26 and Nov 2 (US DST ends Nov 1): Thu 12:30 Nov 5, Tue 12:30 Nov 3, "
        "Fri 14:15 Oct 30 (Nov 6 excluded), Fri 10:15 x2, Mon 10:15 x2, Tue 14:15 Nov 3, "
        "Tue 10:15 x2, Thu 10:15 x2",
    ),
    "feeds/rie__issue_62_moved_event.ics": Imports(
        "2021-11-01", "2022-03-01", 4,
        "last Fridays Nov 26, Dec 31 (override listed first, moved to Dec 17), Jan 28, Feb 25",
    ),
    "feeds/rie__issue_75_range_parameter.ics": Imports(
        "2024-09-01", "2024-10-01", 16,
        "every 2nd day Sep 1..29 (15, THISANDFUTURE shifts keep all of them in September) "
        "+ RDATE Sep 14",
    ),
    "feeds/rie__issue_86_x_wr_timezone_without_time_zone_in_dt.ics": Imports(
        "2021-09-01", "2021-10-01", 1, "one floating event read in X-WR-TIMEZONE"
    ),
    "feeds/rie__recurring_events_moved.ics": Imports(
        "2019-03-01", "2019-04-01", 7,
        "daily Mar 18-20 (3, one edited) + daily Mar 7-10 (4, two moved); UNTILs inclusive",
    ),
    "large/libical_large.ics": Refused(
        354, "no DTSTART",
        "concatenated RFC 2445 samples; the iTIP METHOD:CANCEL VEVENT at line 354 has no "
        "DTSTART (before it only tolerated quirks: bare VEVENTs, a missing UID, bad "
        "DTSTAMPs, VTODO/VJOURNAL/VFREEBUSY)",
    ),
    "large/rie_issue42.ics": Imports(
        "2011-01-01", "2012-01-01", 1161,
        "4778-event Google export; independent counter over 2011 (its own 'Europe/lisbon' "
        "VTIMEZONE is CET, not Lisbon; DTSTART counts even when off the rule)",
    ),
}  # fmt: skip


def corpus_path(name: str) -> Path:
    """Prefer the in-repo copy (feeds/ and large/); fall back to the shared corpus."""
    folder, filename = name.split("/", 1)
    in_repo = (IN_REPO_FEEDS if folder == "feeds" else IN_REPO_FEEDS / folder) / filename
    if in_repo.exists():
        return in_repo
    path = _shared_corpus() / folder / filename
    if not path.exists():
        message = f"iCalendar corpus file {path} is missing (set NEARPEER_ICS_CORPUS)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


def _utc(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T00:00:00+00:00")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file(name: str) -> None:
    expected = EXPECTED[name]
    data = corpus_path(name).read_bytes()
    if isinstance(expected, Refused):
        with pytest.raises(FeedParseError) as refused:
            parse_feed(data, window_start=_utc("1990-01-01"), window_end=_utc("2030-01-01"))
        assert refused.value.line == expected.line, refused.value
        assert expected.reason in refused.value.reason
        return
    result = parse_feed(data, window_start=_utc(expected.start), window_end=_utc(expected.end))
    assert len(result.occurrences) == expected.count, expected.why
    keys = [o.recurrence_key for o in result.occurrences]
    assert len(set(keys)) == len(keys)
    for occurrence in result.occurrences:
        assert occurrence.start.utcoffset() is not None
        assert occurrence.end >= occurrence.start
        assert occurrence.status in {"CONFIRMED", "TENTATIVE"}


def test_every_corpus_file_has_an_expectation() -> None:
    listed = {f"feeds/{p.name}" for p in IN_REPO_FEEDS.glob("*.ics")}
    listed |= {f"large/{p.name}" for p in (IN_REPO_FEEDS / "large").glob("*.ics")}
    shared = _shared_corpus()
    if shared.is_dir():
        listed |= {f"{p.parent.name}/{p.name}" for p in shared.glob("*/*.ics")}
    assert listed == set(EXPECTED), sorted(listed ^ set(EXPECTED))


def test_in_repo_copies_match_the_shared_corpus() -> None:
    shared = _shared_corpus() / "feeds"
    if not shared.is_dir():
        pytest.skip("shared corpus not available")
    for path in [*IN_REPO_FEEDS.glob("*.ics"), *(IN_REPO_FEEDS / "large").glob("*.ics")]:
        source = shared / path.name if path.parent == IN_REPO_FEEDS else shared.parent / "large" / path.name
        assert path.read_bytes() == source.read_bytes(), path.name
