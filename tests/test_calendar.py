"""Calendar reminders: read back with a real iCalendar parser; nothing private in the file.

The plan comes from the shipped prompt packs and a journal with a session yesterday (so exercises
are due and coming) and one logged for next week (so there is a day to prepare).
"""

from __future__ import annotations

import stat
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from icalendar import Calendar

from kapjournal.calendar import PREPARE, plan_ics, reminders
from kapjournal.cli import cli
from kapjournal.exercises import builtin_prompt_dirs, load_packs
from kapjournal.journal import Journal
from kapjournal.plan import Plan
from kapjournal.records import DosingSession, Reflection
from tests.conftest import FAST_KDF, PASSPHRASE, FrozenClock

INTENTION = "to meet my grief without running from it"
DOSE = "0.5 mg/kg ketamine, split"
STEP = "Call my sister on Sunday and say the hard thing"


@pytest.fixture
def journal(tmp_path: Path, clock: FrozenClock) -> Journal:
    catalog = load_packs(builtin_prompt_dirs())
    journal, _ = Journal.create(tmp_path / "j.kapj", PASSPHRASE, clock=clock, kdf=FAST_KDF)
    now = clock.now
    clock.now = now - timedelta(days=3)
    session = journal.add(
        DosingSession, when=clock.now, route="sublingual", dose=DOSE, intention=INTENTION,
        notes="felt the ketamine come on slowly",
    )  # fmt: skip
    small = catalog.get("small-step")
    assert small is not None and small.commitment_step is not None
    answers = ["", "", ""]
    answers[small.commitment_step - 1] = STEP
    clock.now = now - timedelta(days=1)
    journal.add(Reflection, exercise_id="small-step", session_id=session.id, answers=tuple(answers))
    clock.now = now
    journal.add(DosingSession, when=now + timedelta(days=5), route="im", dose=DOSE)
    return journal


def parse(text: str) -> list[dict[str, object]]:
    calendar = Calendar.from_ical(text)
    return [
        {
            "summary": str(e.get("summary")),
            "start": e.decoded("dtstart"),
            "end": e.decoded("dtend"),
            "uid": str(e.get("uid")),
            "alarms": [a for a in e.walk("VALARM")],
        }
        for e in calendar.walk("VEVENT")
    ]


def the_plan(journal: Journal) -> Plan:
    return journal.plan(load_packs(builtin_prompt_dirs()))


def test_the_calendar_parses_and_holds_every_coming_item(journal: Journal) -> None:
    plan = the_plan(journal)
    text = plan_ics(plan, journal.clock())
    events = parse(text)
    expected = plan.due_today() + plan.coming()
    assert len(expected) >= 3 and len(events) == len(expected) + 1
    exercise_days = sorted(e["start"] for e in events if e["summary"] != PREPARE)
    assert exercise_days == sorted(max(i.opens, plan.today) for i in expected)
    for event in events:
        assert isinstance(event["start"], date)  # all-day: a date, no time zone to get wrong
        assert event["end"] == event["start"] + timedelta(days=1)  # type: ignore[operator]
        assert len(event["alarms"]) == 1  # type: ignore[arg-type]
    assert len({e["uid"] for e in events}) == len(events)
    minutes = {i.exercise.minutes for i in expected}
    titles = {e["summary"] for e in events}
    assert titles == {PREPARE} | {f"kapjournal: a {m}-minute exercise" for m in minutes}


def test_the_day_before_the_next_session_says_to_prepare(journal: Journal) -> None:
    plan = the_plan(journal)
    assert plan.next_session is not None
    events = parse(plan_ics(plan, journal.clock()))
    prepare = [e for e in events if e["summary"] == PREPARE]
    day = plan.next_session.when.astimezone(journal.clock().tzinfo).date()
    assert [e["start"] for e in prepare] == [day - timedelta(days=1)]


def test_nothing_private_reaches_the_calendar(journal: Journal) -> None:
    catalog = load_packs(builtin_prompt_dirs())
    plan = the_plan(journal)
    text = plan_ics(plan, journal.clock())
    unfolded = text.replace("\r\n ", "").casefold()
    private = [INTENTION, DOSE, STEP, "ketamine", "sublingual", "lozenge", "injection", "mg"]
    for item in plan.due_today() + plan.coming():
        ex = item.filled()
        private += [ex.title, ex.intro[:40], *(s[:40] for s in ex.steps), ex.category]
    for words in private:
        assert words.strip().casefold() not in unfolded, words
    for exercise in catalog.exercises.values():  # not even an exercise that is not planned
        assert exercise.title.casefold() not in unfolded


def test_the_text_follows_rfc_5545_framing(journal: Journal) -> None:
    text = plan_ics(the_plan(journal), journal.clock())
    lines = text.split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR" and lines[-1] == ""
    assert "\n" not in text.replace("\r\n", "")  # CRLF only
    assert all(len(line.encode()) <= 75 for line in lines)


def test_without_a_next_session_there_is_nothing_to_prepare(
    tmp_path: Path, clock: FrozenClock
) -> None:
    journal, _ = Journal.create(tmp_path / "j.kapj", PASSPHRASE, clock=clock, kdf=FAST_KDF)
    plan = the_plan(journal)
    assert plan.next_session is None
    assert [r for r in reminders(plan, clock.now) if r.title == PREPARE] == []
    assert len(parse(plan_ics(plan, clock.now))) == len(plan.due_today() + plan.coming())


def test_the_command_writes_a_new_private_file_and_never_overwrites(
    journal: Journal, tmp_path: Path
) -> None:
    journal.lock()
    out = tmp_path / "plan.ics"
    env = {"KAPJOURNAL_JOURNAL": str(tmp_path / "j.kapj"), "KAPJOURNAL_PASSPHRASE": PASSPHRASE}
    result = CliRunner().invoke(cli, ["plan", "--ics", "-o", str(out)], env=env)
    assert result.exit_code == 0, result.stderr
    assert "Wrote " in result.stderr and f" to {out}." in result.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    first = out.read_bytes()
    assert parse(first.decode())
    again = CliRunner().invoke(cli, ["plan", "--ics", "-o", str(out)], env=env)
    assert again.exit_code == 1 and "already exists" in again.stderr
    assert out.read_bytes() == first
    printed = CliRunner().invoke(cli, ["plan", "--ics"], env=env)
    assert printed.exit_code == 0 and printed.stdout.startswith("BEGIN:VCALENDAR")
    wrong = CliRunner().invoke(cli, ["plan", "-o", str(tmp_path / "x.ics")], env=env)
    assert wrong.exit_code != 0 and not (tmp_path / "x.ics").exists()
