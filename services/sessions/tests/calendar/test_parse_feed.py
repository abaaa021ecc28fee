"""Behaviour of parse_feed on hand-written feeds and selected corpus files."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from sessions.calendar import FeedParseError, FeedParseResult, parse_feed
from sessions.calendar.classify import classify

UTC = UTC
PARIS = ZoneInfo("Europe/Paris")
Corpus = Callable[[str], bytes]
Parse = Callable[..., FeedParseResult]


def ics(*lines: str) -> bytes:
    """Join content lines with CRLF, the way exporters write them."""
    return ("\r\n".join(lines) + "\r\n").encode()


def vcalendar(*lines: str) -> bytes:
    """Wrap content lines in a minimal VCALENDAR."""
    return ics("BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", *lines, "END:VCALENDAR")


def vevent(*lines: str, uid: str = "e1@test") -> tuple[str, ...]:
    """A VEVENT with a UID and the given properties."""
    return ("BEGIN:VEVENT", f"UID:{uid}", *lines, "END:VEVENT")


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def starts(data: bytes, parse: Parse, **kwargs: object) -> list[datetime]:
    return [o.start for o in parse(data, **kwargs).occurrences]


PARIS_VTIMEZONE = (
    "BEGIN:VTIMEZONE", "TZID:Europe/Paris",
    "BEGIN:DAYLIGHT", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200", "DTSTART:19700329T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", "END:DAYLIGHT",
    "BEGIN:STANDARD", "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100", "DTSTART:19701025T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU", "END:STANDARD",
    "END:VTIMEZONE",
)  # fmt: skip


# --- time zones -------------------------------------------------------------------------


@pytest.mark.parametrize("with_vtimezone", [True, False])
def test_weekly_lecture_stays_at_9_local_across_october_dst_change(parse: Parse, with_vtimezone: bool) -> None:
    data = vcalendar(
        *(PARIS_VTIMEZONE if with_vtimezone else ()),
        *vevent(
            "SUMMARY:CM Cardiologie",
            "DTSTART;TZID=Europe/Paris:20251013T090000",
            "DTEND;TZID=Europe/Paris:20251013T103000",
            "RRULE:FREQ=WEEKLY;COUNT=4",
        ),
    )
    occurrences = parse(data).occurrences
    # CEST (UTC+2) until Sunday 26 October 2025, CET (UTC+1) afterwards.
    assert [o.start for o in occurrences] == [
        utc(2025, 10, 13, 7),
        utc(2025, 10, 20, 7),
        utc(2025, 10, 27, 8),
        utc(2025, 11, 3, 8),
    ]
    assert {o.start.astimezone(PARIS).hour for o in occurrences} == {9}
    assert {o.end - o.start for o in occurrences} == {timedelta(minutes=90)}
    assert occurrences[0].kind == "lecture"


def test_dst_in_real_feeds(parse: Parse, corpus: Corpus) -> None:
    berlin = parse(corpus("rie__daylight_saving_time.ics"), utc(2018, 10, 15), utc(2018, 11, 5))
    open_lab = [o.start for o in berlin.occurrences if o.summary == "OpenLab"]
    assert open_lab == [utc(2018, 10, 18, 16), utc(2018, 10, 25, 16), utc(2018, 11, 1, 17)]
    chicago = parse(corpus("rie__issue_48_dst.ics"), utc(2020, 10, 26), utc(2020, 11, 9))
    friday = [o.start for o in chicago.occurrences if o.uid == "p1lc8@google.com"]
    assert friday == [utc(2020, 10, 30, 15, 15), utc(2020, 11, 6, 16, 15)]


@pytest.mark.parametrize(
    ("tzid", "expected_utc_hour"),
    [
        ("W. Europe Standard Time", 7),
        ("Romance Standard Time", 7),
        ("GMT Standard Time", 8),
        ("Eastern Standard Time", 13),
    ],
)
def test_windows_time_zone_names_without_vtimezone(parse: Parse, tzid: str, expected_utc_hour: int) -> None:
    data = vcalendar(*vevent(f"DTSTART;TZID={tzid}:20260706T090000", "DURATION:PT1H"))
    result = parse(data)
    assert [o.start for o in result.occurrences] == [utc(2026, 7, 6, expected_utc_hour)]
    assert result.warnings == []


def test_exchange_windows_tzid(parse: Parse, corpus: Corpus) -> None:
    result = parse(corpus("ical__office_365_extended_timezone.ics"), utc(2024, 4, 1), utc(2024, 5, 1))
    assert [(o.start, o.end) for o in result.occurrences] == [(utc(2024, 4, 26, 12), utc(2024, 4, 26, 13))]


def test_undefined_tzid_falls_back_to_default_zone_with_warning(parse: Parse, corpus: Corpus) -> None:
    result = parse(corpus("ical__office_365_invalid_timezone.ics"), utc(2024, 4, 1), utc(2024, 5, 1))
    assert [o.start for o in result.occurrences] == [utc(2024, 4, 26, 12)]  # 14:00 Paris
    assert any("line 38" in w and "Customized Time Zone" in w for w in result.warnings)


def test_undefined_tzid_uses_x_wr_timezone_then_known_aliases(parse: Parse) -> None:
    data = vcalendar(
        "X-WR-TIMEZONE:America/New_York",
        *vevent("DTSTART;TZID=Mystery Zone:20260706T090000", uid="a"),
        *vevent("DTSTART;TZID=US-Pacific:20260706T090000", uid="b"),
        *vevent("DTSTART;TZID=europe/london:20260706T090000", uid="c"),
    )
    result = parse(data)
    by_uid = {o.uid: o.start for o in result.occurrences}
    assert by_uid == {"a": utc(2026, 7, 6, 13), "b": utc(2026, 7, 6, 16), "c": utc(2026, 7, 6, 8)}
    assert len([w for w in result.warnings if "TZID" in w]) == 3


def test_custom_vtimezone_definitions_do_not_leak_between_feeds(parse: Parse) -> None:
    def feed(offset: str) -> bytes:
        return vcalendar(
            "BEGIN:VTIMEZONE", "TZID:Campus Time", "BEGIN:STANDARD", "DTSTART:19700101T000000",
            f"TZOFFSETFROM:{offset}", f"TZOFFSETTO:{offset}", "END:STANDARD", "END:VTIMEZONE",
            *vevent("DTSTART;TZID=Campus Time:20251006T090000"),
        )  # fmt: skip

    assert starts(feed("+0100"), parse) == [utc(2025, 10, 6, 8)]
    assert starts(feed("-0500"), parse) == [utc(2025, 10, 6, 14)]


def test_floating_times_use_x_wr_timezone(parse: Parse, corpus: Corpus) -> None:
    data = corpus("rie__issue_86_x_wr_timezone_without_time_zone_in_dt.ics")
    result = parse(data, utc(2021, 9, 1), utc(2021, 10, 1))
    assert [(o.start, o.end) for o in result.occurrences] == [(utc(2021, 9, 16, 19), utc(2021, 9, 16, 20, 45))]


def test_floating_times_without_x_wr_timezone_use_default_tz(parse: Parse) -> None:
    data = vcalendar(*vevent("DTSTART:20251006T090000", "DTEND:20251006T100000"))
    assert starts(data, parse) == [utc(2025, 10, 6, 7)]
    assert starts(data, parse, default_tz="America/New_York") == [utc(2025, 10, 6, 13)]


# --- recurrence ---------------------------------------------------------------------


def test_exdate_rdate_and_override_listed_before_its_master(parse: Parse) -> None:
    data = vcalendar(
        *vevent(
            "RECURRENCE-ID;TZID=Europe/Paris:20250922T140000",
            "DTSTART;TZID=Europe/Paris:20250923T080000",
            "DTEND;TZID=Europe/Paris:20250923T100000",
            "SUMMARY:TD Pharmacologie (déplacé)",
            "LOCATION:Amphi B",
        ),
        *vevent(
            "DTSTART;TZID=Europe/Paris:20250908T140000",
            "DTEND;TZID=Europe/Paris:20250908T160000",
            "SUMMARY:TD Pharmacologie",
            "LOCATION:Salle 101",
            "RRULE:FREQ=WEEKLY;COUNT=5",
            "EXDATE;TZID=Europe/Paris:20250915T140000",
            "RDATE;TZID=Europe/Paris:20251008T100000",
        ),
    )
    occurrences = parse(data).occurrences
    assert [(o.start, o.end) for o in occurrences] == [
        (utc(2025, 9, 8, 12), utc(2025, 9, 8, 14)),
        (utc(2025, 9, 23, 6), utc(2025, 9, 23, 8)),  # moved instance
        (utc(2025, 9, 29, 12), utc(2025, 9, 29, 14)),
        (utc(2025, 10, 6, 12), utc(2025, 10, 6, 14)),
        (utc(2025, 10, 8, 8), utc(2025, 10, 8, 10)),  # RDATE, master's duration
    ]
    moved = occurrences[1]
    assert moved.recurrence_key == "e1@test@2025-09-22T12:00:00Z"
    assert (moved.location, moved.summary) == ("Amphi B", "TD Pharmacologie (déplacé)")
    assert occurrences[0].recurrence_key == "e1@test@2025-09-08T12:00:00Z"


def test_rdate_period_keeps_its_own_duration(parse: Parse, corpus: Corpus) -> None:
    result = parse(corpus("icaljs__recur_instances.ics"), utc(2023, 11, 1), utc(2023, 12, 1))
    assert [(o.start, o.end) for o in result.occurrences] == [
        (utc(2023, 11, 7, 18), utc(2023, 11, 7, 18, 30)),  # first Tuesday, 10:00 PST
        (utc(2023, 11, 23, 9), utc(2023, 11, 23, 9, 30)),  # RDATE
        (utc(2023, 11, 25, 9), utc(2023, 11, 25, 12, 30)),  # RDATE;VALUE=PERIOD
    ]


def test_range_thisandfuture_shifts_later_instances_and_keeps_original_keys(parse: Parse, corpus: Corpus) -> None:
    result = parse(corpus("rie__issue_75_range_parameter.ics"), utc(2024, 9, 1), utc(2024, 10, 1))
    by_key = {o.recurrence_key.split("@", 1)[1]: (o.start, o.end) for o in result.occurrences}
    assert by_key["2024-09-17T12:00:00Z"] == (utc(2024, 9, 17, 9), utc(2024, 9, 17, 16))
    assert by_key["2024-09-14T09:00:00Z"] == (utc(2024, 9, 14, 6), utc(2024, 9, 14, 13))
    assert by_key["2024-09-15T12:00:00Z"] == (utc(2024, 9, 15, 17), utc(2024, 9, 15, 19))
    assert by_key["2024-09-23T12:00:00Z"] == (utc(2024, 9, 24, 14, 22), utc(2024, 9, 24, 16, 13))
    assert any("THISANDFUTURE" in w for w in result.warnings)


def test_all_day_override_of_all_day_series_keeps_the_date_key(parse: Parse, corpus: Corpus) -> None:
    data = corpus("rie__issue_28_rrule_with_UTC_endinginZ.ics")
    result = parse(data, utc(2020, 4, 1), utc(2020, 5, 1))
    moved = [o for o in result.occurrences if o.recurrence_key.endswith("@2020-04-16")]
    assert len(moved) == 1
    assert moved[0].all_day
    assert moved[0].start == datetime(2020, 4, 17, tzinfo=PARIS)  # moved by a day


def test_cancelled_series_and_cancelled_instances_are_excluded(parse: Parse) -> None:
    data = vcalendar(
        *vevent("DTSTART:20251006T080000Z", "RRULE:FREQ=DAILY;COUNT=3", "STATUS:CANCELLED", uid="gone"),
        *vevent("DTSTART:20251006T090000Z", "RRULE:FREQ=DAILY;COUNT=3", "STATUS:tentative", uid="s"),
        *vevent("RECURRENCE-ID:20251007T090000Z", "DTSTART:20251007T090000Z", "STATUS:CANCELLED", uid="s"),
    )  # fmt: skip
    occurrences = parse(data).occurrences
    assert [(o.uid, o.start) for o in occurrences] == [
        ("s", utc(2025, 10, 6, 9)),
        ("s", utc(2025, 10, 8, 9)),
    ]
    assert {o.status for o in occurrences} == {"TENTATIVE"}


def test_until_before_dtstart_gives_no_occurrence_and_a_warning(parse: Parse, corpus: Corpus) -> None:
    result = parse(corpus("rie__issue_117_until_before_dtstart.ics"), utc(2023, 1, 1), utc(2024, 1, 1))
    assert result.occurrences == []
    assert any("UNTIL is before DTSTART" in w for w in result.warnings)


# --- all-day events and the window ------------------------------------------------------


def test_all_day_events_span_local_midnights(parse: Parse, corpus: Corpus) -> None:
    result = parse(corpus("rie__Germany_Holidays.ics"), utc(2019, 1, 1), utc(2021, 1, 1))
    first = result.occurrences[0]
    assert first.all_day and first.summary == "New Year's Day"
    # X-WR-TIMEZONE Etc/GMT; DTEND == DTSTART is read as a one-day event.
    assert (first.start, first.end) == (utc(2019, 1, 1), utc(2019, 1, 2))
    assert first.recurrence_key.endswith("@2019-01-01")
    assert any("one-day event (34x" in w for w in result.warnings)
    assert any("empty RRULE ignored (34x" in w for w in result.warnings)


def test_window_keeps_occurrences_overlapping_it(parse: Parse) -> None:
    data = vcalendar(
        *vevent("DTSTART:20250930T230000Z", "DTEND:20251001T010000Z", uid="overlaps-start"),
        *vevent("DTSTART:20250930T220000Z", "DTEND:20251001T000000Z", uid="ends-at-start"),
        *vevent("DTSTART:20251002T000000Z", "DTEND:20251002T010000Z", uid="starts-at-end"),
        *vevent("DTSTART:20251001T000000Z", uid="instant-at-start"),
        *vevent("DTSTART;VALUE=DATE:20251001", uid="day-1"),
        *vevent("DTSTART;VALUE=DATE:20251002", uid="day-2"),  # starts 22:00 UTC Oct 1
        *vevent("DTSTART;VALUE=DATE:20250930", uid="day-before"),
    )
    result = parse(data, utc(2025, 10, 1), utc(2025, 10, 2))
    assert sorted(o.uid for o in result.occurrences) == [
        "day-1", "day-2", "instant-at-start", "overlaps-start"
    ]  # fmt: skip
    day = next(o for o in result.occurrences if o.uid == "day-1")
    assert (day.start, day.end, day.all_day) == (utc(2025, 9, 30, 22), utc(2025, 10, 1, 22), True)


def test_mixed_date_and_datetime_is_read_as_all_day_range(parse: Parse, corpus: Corpus) -> None:
    data = corpus("rie__issue_201_mixed_datetime_and_date.ics")
    result = parse(data, utc(2023, 7, 1), utc(2023, 9, 1))
    (holiday,) = result.occurrences
    assert holiday.all_day
    assert (holiday.start, holiday.end) == (utc(2023, 7, 23, 22), utc(2023, 8, 16, 22))
    assert any("line 9" in w and "DATE-TIME" in w for w in result.warnings)


# --- file-level quirks -------------------------------------------------------------------


def test_bom_crlf_and_empty_calendar(parse: Parse, corpus: Corpus) -> None:
    result = parse(corpus("icalendar__bom_calendar.ics"))
    assert (result.occurrences, result.calendars) == ([], 1)
    with_event = b"\xef\xbb\xbf" + vcalendar(*vevent("DTSTART:20251006T090000Z"))
    assert starts(with_event, parse) == [utc(2025, 10, 6, 9)]


def test_several_calendars_in_one_file(parse: Parse) -> None:
    data = vcalendar("X-WR-TIMEZONE:Europe/Paris", *vevent("DTSTART:20251006T090000", uid="paris")) + vcalendar(
        "X-WR-TIMEZONE:America/New_York", *vevent("DTSTART:20251006T090000", uid="new-york")
    )
    result = parse(data)
    assert result.calendars == 2
    assert {o.uid: o.start for o in result.occurrences} == {
        "paris": utc(2025, 10, 6, 7),
        "new-york": utc(2025, 10, 6, 13),
    }


def test_same_event_in_two_calendars_is_imported_once(parse: Parse) -> None:
    one = vcalendar(*vevent("DTSTART:20251006T090000Z"))
    result = parse(one + one)
    assert len(result.occurrences) == 1
    assert any("came out twice" in w for w in result.warnings)


def test_duplicate_definitions_keep_the_highest_sequence(parse: Parse) -> None:
    data = vcalendar(
        *vevent("SEQUENCE:2", "DTSTART:20251007T090000Z", "RRULE:FREQ=DAILY;COUNT=2"),
        *vevent("SEQUENCE:1", "DTSTART:20251006T090000Z", "RRULE:FREQ=DAILY;COUNT=2"),
    )
    result = parse(data)
    assert [o.start for o in result.occurrences] == [utc(2025, 10, 7, 9), utc(2025, 10, 8, 9)]
    assert any("line 10" in w and "first at line 4" in w for w in result.warnings)


def test_bare_vevent_export_is_accepted_with_warning(parse: Parse, corpus: Corpus) -> None:
    data = corpus("icalendar__issue_112_missing_tzinfo_on_exdate.ics")
    result = parse(data, utc(2013, 9, 1), utc(2013, 11, 1))
    assert (len(result.occurrences), result.calendars) == (11, 1)
    assert any("not inside a VCALENDAR" in w for w in result.warnings)


def test_folded_lines_and_windows_line_endings(parse: Parse) -> None:
    data = vcalendar(*vevent("SUMMARY:CM Cardio", " logie et", "\tvasculaire", "DTSTART:20251006T090000Z"))
    assert parse(data).occurrences[0].summary == "CM Cardiologie etvasculaire"


def test_legacy_encodings_and_line_endings_are_decoded_with_warning(parse: Parse) -> None:
    latin = vcalendar(*vevent("SUMMARY:Cours d'anatomie \xe9", "DTSTART:20251006T090000Z"))
    cp1252 = latin.decode().encode("cp1252")
    result = parse(cp1252)
    assert result.occurrences[0].summary == "Cours d'anatomie é"
    assert any("Windows-1252" in w for w in result.warnings)
    mac = latin.replace(b"\r\n", b"\r")
    assert len(parse(mac).occurrences) == 1
    utf16 = latin.decode().encode("utf-16")
    assert parse(utf16).occurrences[0].summary == "Cours d'anatomie é"


def test_non_event_components_are_ignored_even_when_broken(parse: Parse) -> None:
    data = vcalendar(
        "BEGIN:VTODO", "DTSTAMP:19970901T1300Z", "END:VTODO",
        *vevent(
            "DTSTART:20251006T090000Z",
            "BEGIN:VALARM", "TRIGGER:nonsense", "ACTION:DISPLAY", "END:VALARM",
        ),
    )  # fmt: skip
    result = parse(data)
    assert len(result.occurrences) == 1
    assert result.warnings == ["ignored components that are not events: 1 VTODO"]


def test_missing_uids_are_synthesised_stably_and_uniquely(parse: Parse, corpus: Corpus) -> None:
    data = corpus("icalendar__parsing_error.ics")
    first = parse(data, utc(2008, 3, 1), utc(2008, 4, 1))
    second = parse(data, utc(2008, 3, 1), utc(2008, 4, 1))
    uids = sorted({o.uid for o in first.occurrences})
    assert len(uids) == 2 and uids == sorted({o.uid for o in second.occurrences})
    assert [o.recurrence_key for o in first.occurrences] == [o.recurrence_key for o in second.occurrences]
    assert any(w == "line 19: empty EXDATE value ignored" for w in first.warnings)


def test_invalid_non_essential_property_is_only_a_warning(parse: Parse) -> None:
    data = vcalendar(*vevent("DTSTART:20251006T090000Z", "CREATED:00001231T000000Z"))
    result = parse(data)
    assert len(result.occurrences) == 1
    assert any("line 7" in w and "CREATED" in w for w in result.warnings)


def test_dtend_and_duration_together_use_dtend(parse: Parse, corpus: Corpus) -> None:
    result = parse(corpus("rie__recurring_events_moved.ics"), utc(2019, 3, 1), utc(2019, 4, 1))
    moved = [o for o in result.occurrences if o.recurrence_key.endswith("2019-03-08T01:00:00Z")]
    assert [(o.start, o.end) for o in moved] == [(utc(2019, 3, 8), utc(2019, 3, 8, 1))]
    assert sum("DTEND and DURATION" in w for w in result.warnings) == 2


# --- classification ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("summary", "categories", "kind"),
    [
        ("CM Cardiologie", (), "lecture"),
        ("TD de pharmacologie", (), "lecture"),
        ("Cours magistral d'anatomie", (), "lecture"),
        ("Lecture: Immunology", (), "lecture"),
        ("Examen final", (), "exam"),
        ("Partiel S1", (), "exam"),
        ("Épreuve écrite", (), "exam"),
        ("Examen de stage", (), "exam"),
        ("Garde aux urgences", (), "on_call"),
        ("On-call night", (), "on_call"),
        ("Stage de chirurgie", (), "rotation"),
        ("Clinical placement", (), "rotation"),
        ("Réunion pédagogique", (), "other"),
        ("Regarder la vidéo", (), "other"),
        ("CMV infection", (), "other"),
        ("Meeting", ("LECTURE",), "lecture"),
        ("Exam review", ("Teaching",), "lecture"),
    ],
)
def test_classification(summary: str, categories: tuple[str, ...], kind: str) -> None:
    assert classify(summary, categories) == kind


def test_categories_drive_kind_end_to_end(parse: Parse) -> None:
    data = vcalendar(*vevent("SUMMARY:Urgences", "CATEGORIES:GARDE,Hospital", "DTSTART:20251006T180000Z"))
    assert parse(data).occurrences[0].kind == "on_call"


# --- refusals ----------------------------------------------------------------------------


REFUSALS = {
    "missing colon": (["BEGIN:VCALENDAR", "BEGIN:VEVENT", "UID:x", "SUMMARY", "END:VEVENT", "END:VCALENDAR"], 4, "no ':'"),
    "bad parameter": (["BEGIN:VCALENDAR", "BEGIN:VEVENT", "DTSTART;TZID:20251006T090000", "END:VEVENT", "END:VCALENDAR"], 3, "parameters"),
    "blank line": (["BEGIN:VCALENDAR", "BEGIN:VEVENT", "UID:x", "", "DTSTART:20251006T090000Z", "END:VEVENT", "END:VCALENDAR"], 4, "blank line inside VEVENT"),
    "truncated event": (["BEGIN:VCALENDAR", "BEGIN:VEVENT", "UID:x", "END:VEVENT", "BEGIN:VEVENT", "UID:y", "DTSTART:2025"], 5, "VEVENT opened at line 5 is never closed"),
    "mismatched END": (["BEGIN:VCALENDAR", "BEGIN:VEVENT", "DTSTART:20251006T090000Z", "END:VTODO", "END:VCALENDAR"], 4, "does not match BEGIN:VEVENT"),
    "END without BEGIN": (["BEGIN:VCALENDAR", "END:VCALENDAR", "END:VEVENT"], 3, "without a matching BEGIN"),
    "DTEND before DTSTART": (["BEGIN:VCALENDAR", "BEGIN:VEVENT", "UID:x", "DTSTART:20251006T090000Z", "DTEND:20251006T080000Z", "END:VEVENT", "END:VCALENDAR"], 5, "before DTSTART"),
    "negative DURATION": (["BEGIN:VCALENDAR", "BEGIN:VEVENT", "UID:x", "DTSTART:20251006T090000Z", "DURATION:-PT1H", "END:VEVENT", "END:VCALENDAR"], 5, "negative DURATION"),
    "invalid FREQ": (["BEGIN:VCALENDAR", "BEGIN:VEVENT", "UID:x", "DTSTART:20251006T090000Z", "RRULE:FREQ=SOMETIMES", "END:VEVENT", "END:VCALENDAR"], 5, "invalid RRULE"),
    "INTERVAL=0": (["BEGIN:VCALENDAR", "BEGIN:VEVENT", "UID:x", "DTSTART:20251006T090000Z", "RRULE:FREQ=DAILY;INTERVAL=0", "END:VEVENT", "END:VCALENDAR"], 5, "INTERVAL=0 is out of range"),
    "minutely rule": (["BEGIN:VCALENDAR", "BEGIN:VEVENT", "UID:x", "DTSTART:20251006T090000Z", "RRULE:FREQ=MINUTELY", "END:VEVENT", "END:VCALENDAR"], 5, "finer than hourly"),
    "two DTENDs": (["BEGIN:VCALENDAR", "BEGIN:VEVENT", "UID:x", "DTSTART:20251006T090000Z", "DTEND:20251006T100000Z", "DTEND:20251006T110000Z", "END:VEVENT", "END:VCALENDAR"], 5, "more than one DTEND"),
    "no DTSTART": (["BEGIN:VCALENDAR", "BEGIN:VEVENT", "UID:x", "END:VEVENT", "END:VCALENDAR"], 2, "no DTSTART"),
    "bad DTSTART": (["BEGIN:VCALENDAR", "BEGIN:VEVENT", "UID:x", "DTSTART:2025-10-06", "END:VEVENT", "END:VCALENDAR"], 4, "invalid DTSTART value"),
    "bad EXDATE": (["BEGIN:VCALENDAR", "BEGIN:VEVENT", "UID:x", "DTSTART:20251006T090000Z", "RRULE:FREQ=DAILY", "EXDATE:tomorrow", "END:VEVENT", "END:VCALENDAR"], 6, "invalid EXDATE"),
    "HTML login page": (["<!DOCTYPE html>", "<html><body>Please log in</body></html>"], 1, "not an iCalendar feed"),
    "NUL byte": (["BEGIN:VCALENDAR", "BEGIN:VEVENT", "SUMMARY:a\x00b", "END:VEVENT", "END:VCALENDAR"], 3, "U+0000"),
    "property outside": (["BEGIN:VCALENDAR", "END:VCALENDAR", "SUMMARY:stray"], 3, "outside any component"),
    "line number after folds": (["BEGIN:VCALENDAR", "BEGIN:VEVENT", "DESCRIPTION:a", " b", " c", "UID:x", "DTSTART:20251006T090000Z", "DTEND:20251006T080000Z", "END:VEVENT", "END:VCALENDAR"], 8, "before DTSTART"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_malformed_feeds_are_refused_with_line_numbers(parse: Parse, case: str) -> None:
    lines, line, reason = REFUSALS[case]
    with pytest.raises(FeedParseError) as refused:
        parse(ics(*lines))
    assert (refused.value.line, reason in refused.value.reason) == (line, True), refused.value
    assert str(refused.value).startswith(f"line {line}: ")


@pytest.mark.parametrize("data", [b"", b"\r\n\r\n", b"\xef\xbb\xbf"])
def test_empty_input_is_refused(parse: Parse, data: bytes) -> None:
    with pytest.raises(FeedParseError, match="empty feed") as refused:
        parse(data)
    assert refused.value.line is None


def test_invalid_arguments_are_programming_errors() -> None:
    data = ics("BEGIN:VCALENDAR", "END:VCALENDAR")
    with pytest.raises(ValueError, match="timezone-aware"):
        parse_feed(data, window_start=datetime(2025, 1, 1), window_end=utc(2026, 1, 1))
    with pytest.raises(ValueError, match="after"):
        parse_feed(data, window_start=utc(2026, 1, 1), window_end=utc(2025, 1, 1))
    with pytest.raises(ValueError, match="default_tz"):
        parse_feed(data, window_start=utc(2025, 1, 1), window_end=utc(2026, 1, 1), default_tz="Mars/Olympus")
