"""Home: first-time welcome, today's panels, due exercises, quick keys, refresh, speed."""

from __future__ import annotations

import stat
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from textual.widgets import Input, ListView

from kapjournal.journal import Journal
from kapjournal.records import CheckIn, Reflection
from kapjournal.tui.app import KapJournalApp
from kapjournal.tui.widgets.chart import MoodChart
from tests.conftest import FrozenClock
from tests.tui.conftest import unlock
from tests.tui.sample import sample_journal_fixture, screen_text  # noqa: F401


async def test_empty_journal_gets_a_warm_first_step(
    make_app: Callable[..., KapJournalApp], existing_journal: Journal
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        assert type(app.screen).__name__ == "HomeScreen"
        text = screen_text(app)
        assert "press c to check in" in text
        assert "Mon 2 Nov" in text
        assert "No check-ins in the last 30 days" in text
        assert "None yet" in str(app.screen.query_one("#last-checkin").content)


async def test_home_shows_session_due_mood_and_last_checkin(
    make_app: Callable[..., KapJournalApp], sample_journal: Journal
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock(pilot)
        screen = app.screen
        assert "Session 4 was yesterday (sublingual lozenge)." in screen_text(app)
        assert '"to let some joy in"' in screen_text(app)
        due = screen.query_one("#due-list", ListView)
        assert len(due.children) >= 1
        spark = str(screen.query_one("#mood-sparkline").content)
        assert len(spark) == 30 and set(spark) <= set("▁▂▃▄▅▆▇█ ")
        markers = str(screen.query_one("#mood-markers").content)
        assert markers.count("▲") == 3  # sessions 12, 26 and 1 days ago fall in the 30 days
        assert markers.index("▲", 20) == 28  # yesterday
        assert "7-day mean" in str(screen.query_one("#mood-means").content)
        last = str(screen.query_one("#last-checkin").content)
        assert "mood 7" in last and "this morning" in last and "slept a little better" in last


async def test_selecting_a_due_exercise_opens_it(
    make_app: Callable[..., KapJournalApp], sample_journal: Journal
) -> None:
    app = make_app()
    opened: list[tuple[str, dict[str, Any]]] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        app.open = lambda name, **kw: opened.append((name, kw))  # type: ignore[method-assign]
        due = app.screen.query_one("#due-list", ListView)
        first = due.children[0]
        due.focus()
        await pilot.press("enter")
        await pilot.pause()
    assert opened == [
        ("exercise", {"exercise_id": first.exercise_id, "session_id": first.session_id})  # type: ignore[attr-defined]
    ]
    assert first.session_id is not None  # type: ignore[attr-defined]


async def test_quick_keys_open_their_screens(
    make_app: Callable[..., KapJournalApp], sample_journal: Journal
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        for key, name in (
            ("c", "CheckInScreen"),
            ("r", "TrendsScreen"),
            ("q", "QuestionnaireScreen"),
            ("comma", "SettingsScreen"),
        ):
            await pilot.press(key)
            await pilot.pause()
            assert type(app.screen).__name__ == name
            await pilot.press("escape")
            await pilot.pause()
            assert type(app.screen).__name__ == "HomeScreen"


async def test_home_refreshes_and_escapes_patient_text(
    make_app: Callable[..., KapJournalApp], existing_journal: Journal
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        assert app.journal is not None
        app.journal.add(CheckIn, mood=4, note="[b]not bold[/b] \x1b[31mred\x1b[0m\x07 end")
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        last = str(app.screen.query_one("#last-checkin").content)
        assert "mood 4" in last
        assert "[b]not bold[/b] red end" in last
        assert "\x1b" not in last and "\x07" not in last


async def test_home_with_ten_thousand_entries_shows_the_latest(
    make_app: Callable[..., KapJournalApp], existing_journal: Journal, clock: FrozenClock
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        journal = app.journal
        assert journal is not None
        start = clock.now - timedelta(days=3000)
        batch = []
        for i in range(10_000):
            clock.now = start + timedelta(hours=7 * i)
            if i % 4:
                batch.append(journal.new(CheckIn, mood=i % 11, note=f"note {i}"))
            else:
                batch.append(journal.new(Reflection, body=f"entry {i}"))
        clock.now = start + timedelta(days=3000)
        journal.save_many(batch)
        # Speed is measured by benchmarks/bench.py, not asserted here.
        await app.screen.reload()  # type: ignore[attr-defined]
        await pilot.pause()
        assert "mood" in str(app.screen.query_one("#last-checkin").content)


async def test_the_small_step_stays_on_home_until_it_is_looked_back_at(
    make_app: Callable[..., KapJournalApp], sample_journal: Journal, clock: FrozenClock
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        journal = app.journal
        assert journal is not None
        panel = app.screen.query_one("#small-step")
        assert not panel.display
        journal.add(
            Reflection,
            exercise_id="small-step",
            answers=("", "", "Walk to the bakery [b]slowly[/b]"),
        )
        await app.screen.reload()  # type: ignore[attr-defined]
        await pilot.pause()
        assert panel.display and panel.border_title == "Your small step"
        text = str(panel.content)
        assert '"Walk to the bakery [b]slowly[/b]"' in text and "before your next session" in text
        clock.advance(days=2)
        journal.add(Reflection, exercise_id="small-step-followup", answers=("I went once.",))
        await app.screen.reload()  # type: ignore[attr-defined]
        await pilot.pause()
        assert not panel.display


async def test_a_wide_terminal_gets_the_month_as_a_chart_and_panels_under_today(
    make_app: Callable[..., KapJournalApp], sample_journal: Journal
) -> None:
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await unlock(pilot)
        screen = app.screen
        chart = screen.query_one("#mood-chart", MoodChart)
        assert chart.display and chart.size.height >= 16 and len(chart.daily) == 30
        assert chart.text.count("▲") == 3
        assert not screen.query_one("#mood-sparkline").display
        wide_checkin = screen.query_one("#last-checkin-wide")
        assert wide_checkin.display and not screen.query_one("#last-checkin").display
        assert wide_checkin.region.x < screen.query_one("#mood-panel").region.x  # under Today
        assert screen.query_one("#keys").display  # room for every key beside the footer
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert not chart.display and screen.query_one("#mood-sparkline").display
        assert screen.query_one("#last-checkin").display and not wide_checkin.display


async def test_calendar_reminders_are_written_once_to_a_private_file(
    make_app: Callable[..., KapJournalApp], sample_journal: Journal, tmp_path: Path
) -> None:
    app = make_app()
    target = tmp_path / "my plan.ics"
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await pilot.press("a")
        await pilot.pause()
        assert type(app.screen).__name__ == "RemindersScreen"
        listing = str(app.screen.query_one("#reminders-list").content)
        assert "kapjournal: a " in listing and "minute exercise" in listing
        assert "joy" not in listing  # the session's intention is nowhere
        path = app.screen.query_one("#reminders-path", Input)
        path.value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen"
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
        first = target.read_bytes()
        assert first.startswith(b"BEGIN:VCALENDAR") and b"joy" not in first
        await pilot.press("a")
        await pilot.pause()
        app.screen.query_one("#reminders-path", Input).value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "RemindersScreen"  # stays, and says why
        assert "already exists" in str(app.screen.query_one("#reminders-status").content)
    assert target.read_bytes() == first
