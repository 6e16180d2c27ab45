"""Dates from outside: bounded to 1900-2100, wall times made instants by the zone's real rules.

Daylight saving is tested against ``zoneinfo`` itself: a time the clocks skip is moved forward
(never stored an hour early), a time they repeat is the first of the two. The system's own zone
(``dates.LOCAL``) must agree with ``zoneinfo`` for the same zone name, instant by instant.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kapjournal import dates, records, trends
from kapjournal.dates import LOCAL, DateError, localize, parse_day, parse_when
from kapjournal.exercises import builtin_prompt_dirs, load_packs
from kapjournal.journal import Journal
from kapjournal.plan import build_plan, session_values
from kapjournal.records import Assessment, CheckIn, DosingSession, Reflection
from kapjournal.summary.build import build_summary
from kapjournal.summary.exporting import summary_from
from kapjournal.tui.screens.sessions import parse_when as form_when
from tests.conftest import FAST_KDF, PASSPHRASE, FrozenClock

NEW_YORK = ZoneInfo("America/New_York")
SANTIAGO = ZoneInfo("America/Santiago")  # its clocks jump at midnight
KIRITIMATI = ZoneInfo("Pacific/Kiritimati")  # UTC+14
PAGO_PAGO = ZoneInfo("Pacific/Pago_Pago")  # UTC-11


@pytest.fixture
def system_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """Run with the process's own time zone set to a name, as the patient's machine would be."""

    def use(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()
        dates._local_offsets.cache_clear()

    yield use
    monkeypatch.undo()
    time.tzset()
    dates._local_offsets.cache_clear()


# --- bounds and reading ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["0001-01-01", "9999-12-31", "1899-12-31", "2101-01-01", "2026-02-30", "x", ""]
)
def test_a_day_outside_the_calendar_we_keep_is_refused_plainly(text: str) -> None:
    with pytest.raises(DateError) as caught:
        parse_day(text)
    message = str(caught.value)
    assert "\n" not in message and ("1900 and 2100" in message or "cannot read" in message)


def test_the_edges_are_inside() -> None:
    assert parse_day("1900-01-01") == date(1900, 1, 1)
    assert parse_day("2100-12-31") == date(2100, 12, 31)
    assert dates.in_bounds(datetime(2100, 12, 31, 23, 59, tzinfo=KIRITIMATI))
    assert not dates.in_bounds(datetime(2026, 1, 1))  # naive: no instant at all


def test_a_date_alone_is_nine_in_the_morning_in_the_zone() -> None:
    when = parse_when("2026-07-01", NEW_YORK)
    assert when.moment == datetime(2026, 7, 1, 9, 0, tzinfo=NEW_YORK)
    assert when.moment.utcoffset() == timedelta(hours=-4) and when.note == ""


def test_an_explicit_offset_is_kept() -> None:
    when = parse_when("2026-11-25T14:30+01:00", NEW_YORK)
    assert when.moment.utcoffset() == timedelta(hours=1) and when.moment.hour == 14


# --- daylight saving -------------------------------------------------------------------------------


def test_a_skipped_time_moves_forward_never_an_hour_early() -> None:
    when = parse_when("2026-03-08 02:30", NEW_YORK)  # clocks jump 02:00 -> 03:00
    assert when.moment.astimezone(UTC) == datetime(2026, 3, 8, 7, 30, tzinfo=UTC)
    assert when.moment.astimezone(NEW_YORK).strftime("%H:%M") == "03:30"
    assert "does not exist" in when.note and "03:30" in when.note


def test_a_skipped_midnight_stays_on_its_day() -> None:
    when = parse_when("2026-09-06 00:30", SANTIAGO)  # clocks jump 00:00 -> 01:00
    local = when.moment.astimezone(SANTIAGO)
    assert local.date() == date(2026, 9, 6) and local.strftime("%H:%M") == "01:30"


def test_a_repeated_time_is_the_first_of_the_two() -> None:
    when = parse_when("2026-11-01 01:30", NEW_YORK)  # 01:00-02:00 happens twice
    assert when.moment.utcoffset() == timedelta(hours=-4)  # still daylight time
    assert when.moment.astimezone(UTC) == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
    assert "twice" in when.note


def test_the_app_form_reads_times_the_same_way() -> None:
    now = datetime(2026, 1, 10, 12, 0, tzinfo=NEW_YORK)
    moved = form_when("2026-03-08 02:30", now)
    assert moved.astimezone(UTC) == datetime(2026, 3, 8, 7, 30, tzinfo=UTC)
    summer = form_when("2026-07-01 09:00", now)  # typed in winter, for a summer day
    assert summer.utcoffset() == timedelta(hours=-4)
    with pytest.raises(ValueError, match="1900 and 2100"):
        form_when("9999-12-31 10:00", now)


@settings(max_examples=300, deadline=None)
@given(st.datetimes(min_value=datetime(1950, 1, 1), max_value=datetime(2090, 12, 31)))
def test_localize_agrees_with_zoneinfo(naive: datetime) -> None:
    when = localize(naive, NEW_YORK)
    first = naive.replace(tzinfo=NEW_YORK, fold=0)
    assert when.moment.astimezone(UTC) == first.astimezone(UTC)  # PEP 495 fold=0, gap included


@pytest.mark.parametrize("zone", ["America/New_York", "Europe/London", "Australia/Lord_Howe",
                                  "America/Santiago", "Pacific/Kiritimati", "UTC"])  # fmt: skip
def test_the_system_zone_agrees_with_zoneinfo(system_zone, zone: str) -> None:  # type: ignore[no-untyped-def]
    system_zone(zone)
    rules = ZoneInfo(zone)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for hours in range(0, 24 * 366, 7):
        instant = start + timedelta(hours=hours, minutes=17)
        assert instant.astimezone(LOCAL).replace(tzinfo=None) == instant.astimezone(rules).replace(
            tzinfo=None
        )
        wall = instant.astimezone(rules).replace(tzinfo=None)
        for fold in (0, 1):
            ours = wall.replace(fold=fold, tzinfo=LOCAL).astimezone(UTC)
            theirs = wall.replace(fold=fold, tzinfo=rules).astimezone(UTC)
            assert ours == theirs, (wall, fold)
    assert localize(datetime(2026, 3, 8, 2, 30), LOCAL).moment.astimezone(UTC) == localize(
        datetime(2026, 3, 8, 2, 30), rules
    ).moment.astimezone(UTC)


def test_the_system_clock_knows_summer_from_winter(system_zone) -> None:  # type: ignore[no-untyped-def]
    system_zone("America/New_York")
    from kapjournal.clock import system_clock

    now = system_clock()
    summer = datetime(2026, 7, 1, 4, 30, tzinfo=UTC)  # 00:30 in New York: a new day in summer
    assert summer.astimezone(now.tzinfo).date() == date(2026, 7, 1)


def test_the_cli_moves_a_skipped_session_time_forward_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "j" / "journal.kapj"
    Journal.create(path, PASSPHRASE, kdf=FAST_KDF)[0].lock()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAPJOURNAL_")}
    env |= {"TZ": "America/New_York", "KAPJOURNAL_JOURNAL": str(path),
            "KAPJOURNAL_PASSPHRASE": PASSPHRASE}  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-m", "kapjournal", "session", "add", "--route", "iv",
         "--date", "2026-03-08 02:30"],
        env=env, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "does not exist" in done.stderr and "03:30" in done.stderr
    (session,) = Journal.unlock(path, PASSPHRASE).sessions()
    assert session.when.astimezone(UTC) == datetime(2026, 3, 8, 7, 30, tzinfo=UTC)


def test_list_prints_local_times_either_side_of_a_clock_change(tmp_path: Path) -> None:
    """list moves many instants at once through the system zone's rules: the times it prints are
    the wall-clock times in New York before and after the spring change."""
    path = tmp_path / "j" / "journal.kapj"
    clock = FrozenClock(datetime(2026, 3, 8, 6, 0, tzinfo=UTC))
    journal, _ = Journal.create(path, PASSPHRASE, clock=clock, kdf=FAST_KDF)
    for hour in (6, 7, 8):  # 01:00 EST, 03:00 EDT, 04:00 EDT on 8 March 2026
        clock.now = datetime(2026, 3, 8, hour, 0, tzinfo=UTC)
        journal.add(CheckIn, mood=hour)
    journal.lock()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAPJOURNAL_")}
    env |= {"TZ": "America/New_York", "KAPJOURNAL_JOURNAL": str(path),
            "KAPJOURNAL_PASSPHRASE": PASSPHRASE}  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-m", "kapjournal", "list"],
        env=env, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    shown = [line.split("  ")[0] for line in done.stdout.splitlines()]
    assert shown == ["2026-03-08 04:00", "2026-03-08 03:00", "2026-03-08 01:00"]


# --- one zone for "today", periods and exports ------------------------------------------------------


def test_a_checkin_in_kiritimati_is_in_an_export_made_in_pago_pago(journal_path: Path) -> None:
    """Kiritimati (UTC+14) and Pago Pago (UTC-11) are 25 hours apart: the same instant falls on
    different days. An export half an hour later, in Pago Pago, must still hold the check-in."""
    written = datetime(2026, 11, 3, 0, 10, tzinfo=KIRITIMATI)
    clock = FrozenClock(written)
    journal, _ = Journal.create(journal_path, PASSPHRASE, clock=clock, kdf=FAST_KDF)
    checkin = journal.add(CheckIn, mood=7)
    clock.now = (written + timedelta(minutes=30)).astimezone(PAGO_PAGO)
    assert clock.now.date() == date(2026, 11, 1)
    summary = summary_from(journal, None, None, "all")
    assert checkin.id in summary.item_ids
    assert [c.mood for c in summary.checkins] == [7]
    journal.lock()


# --- stored records outside the bounds -----------------------------------------------------------------

FAR = datetime(9999, 12, 31, 23, 0, tzinfo=UTC)
EARLY = datetime(1, 1, 1, 0, 30, tzinfo=UTC)


def _stored(when: datetime, number: int) -> list[records.Record]:
    base = {"id": f"id-{number}", "created": when, "updated": when}
    return [
        DosingSession(**{**base, "id": f"s{number}"}, when=when, number=number, route="iv"),
        Reflection(**{**base, "id": f"r{number}"}, body="words", exercise_id="capture"),
        CheckIn(**{**base, "id": f"c{number}"}, mood=4),
        Assessment(**{**base, "id": f"a{number}"}, instrument="phq9", answers=(1,) * 9, score=9),
    ]


@pytest.mark.parametrize("zone", [PAGO_PAGO, KIRITIMATI, timezone(timedelta(hours=-12))])
def test_plan_trends_and_summary_tolerate_any_stored_date(zone: object) -> None:
    stored = [*_stored(FAR, 1), *_stored(EARLY, 2)]
    now = datetime(2026, 11, 2, 9, 0, tzinfo=zone)  # type: ignore[arg-type]
    sessions = [r for r in stored if isinstance(r, DosingSession)]
    reflections = [r for r in stored if isinstance(r, Reflection)]
    checkins = [r for r in stored if isinstance(r, CheckIn)]
    assessments = [r for r in stored if isinstance(r, Assessment)]
    catalog = load_packs(builtin_prompt_dirs())
    plan = build_plan(sessions, reflections, catalog, now)
    assert plan.today == now.date() and plan.due_today()  # the plan is a normal plan
    for session in sessions:
        session_values(session, now)
    today, tz = now.date(), now.tzinfo
    trends.daily_series(checkins, today - timedelta(days=29), today, tz=tz)
    trends.change_since_first_week(checkins, today, tz=tz)
    trends.session_responses(checkins, sessions, tz=tz)
    trends.session_positions(sessions, today - timedelta(days=29), today, tz=tz)
    assert trends.score_series(assessments, "phq9") == []
    build_summary(
        sessions=sessions, reflections=reflections, checkins=checkins, assessments=assessments,
        since=today - timedelta(days=28), until=today, include="all", today=today, tz=tz,
    )  # fmt: skip


def test_a_record_stored_without_an_offset_is_read_as_utc() -> None:
    raw = (
        b'{"kind": "checkin", "id": "x", "created": "2026-01-01T10:00:00",'
        b' "updated": "2026-01-01T10:00:00", "mood": 5}'
    )
    record = records.from_json(raw)
    assert record.created == datetime(2026, 1, 1, 10, 0, tzinfo=UTC)
