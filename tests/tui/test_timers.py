"""Time-driven behaviour runs off the injected clocks, in app.tick(); no real timer in tests.

Autosave, auto-lock, "1 then 0 is 10" and the timeline's search are decided by the app's
``monotonic`` (and the status line by its ``clock``), so a test moves time by hand and calls the tick
hook; nothing here waits for real time to pass.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from textual.widgets import Input

from kapjournal.journal import Journal
from kapjournal.records import CheckIn, Reflection
from kapjournal.testing import FakeMonotonic, FrozenClock, notifications, tick, unlock
from kapjournal.tui.app import KapJournalApp

MakeApp = Callable[..., KapJournalApp]


def status(app: KapJournalApp) -> str:
    return str(app.screen.query_one("#exercise-status").content)


async def open_exercise(pilot, exercise_id: str = "capture") -> None:
    pilot.app.open("exercise", exercise_id=exercise_id)
    await pilot.pause()
    await pilot.pause()


async def test_autosave_waits_for_autosave_seconds_on_the_monotonic_clock(
    make_app: MakeApp, existing_journal: Journal, monotonic: FakeMonotonic
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await open_exercise(pilot)
        screen = app.screen
        await pilot.press(*"blue and gold")
        await tick(pilot)  # no time has passed: nothing is due
        assert app.journal.drafts() == []
        assert "saves as you write" in status(app)
        await tick(pilot, seconds=screen.AUTOSAVE_SECONDS - 0.5)
        assert app.journal.drafts() == []
        await tick(pilot, seconds=0.5)
        (draft,) = app.journal.drafts()
        assert draft.answers == ("blue and gold",)
        assert "saved just now" in status(app)
        await tick(pilot, seconds=90)  # nothing new to save; the status line says how long ago
        assert len(app.journal.drafts()) == 1
        assert "saved a minute ago" in status(app)


async def test_a_tick_autosaves_a_writing_screen_under_another_screen(
    make_app: MakeApp, existing_journal: Journal
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await open_exercise(pilot)
        await pilot.press(*"half a thought")
        await pilot.press("f1")  # Get help now, over the exercise
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"
        await tick(pilot, seconds=10)
        assert [d.answers for d in app.journal.drafts()] == [("half a thought",)]


async def test_no_real_timer_runs_under_the_kit(
    make_app: MakeApp, existing_journal: Journal
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await open_exercise(pilot)
        await pilot.press(*"words")
        assert not any(t.name in ("tick", "autosave") for t in app._timers)
        assert not any(t.name == "autosave" for t in app.screen._timers)
        assert app.animation_level == "none"
        answer = app.screen.query_one("#exercise-answer")
        assert answer.has_focus and answer.cursor_blink is False


async def test_with_real_timers_one_tick_timer_drives_everything(
    make_app: MakeApp, existing_journal: Journal
) -> None:
    app = make_app(timers=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        assert [t.name for t in app._timers if t.name == "tick"] == ["tick"]
        assert app.animation_level != "none"


async def test_auto_lock_is_decided_by_the_monotonic_clock(
    make_app: MakeApp, existing_journal: Journal, monotonic: FakeMonotonic
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await open_exercise(pilot)
        await pilot.press(*"kept through the lock")
        limit = app.journal.settings().autolock_minutes * 60
        await tick(pilot, seconds=limit - 1)
        assert app.journal is not None
        await pilot.press("end")  # a key is activity: the idle time starts again
        await tick(pilot, seconds=limit - 1)
        assert app.journal is not None
        await tick(pilot, seconds=1)
        assert app.journal is None
        assert type(app.screen).__name__ == "UnlockScreen"
        await unlock(pilot)  # the exercise comes back with its words
        assert type(app.screen).__name__ == "ExerciseScreen"
        assert app.screen.query_one("#exercise-answer").text == "kept through the lock"


async def test_auto_lock_off_never_locks(
    make_app: MakeApp, existing_journal: Journal, journal_path: Path, clock: FrozenClock
) -> None:
    opened = Journal.unlock(journal_path, "correct horse battery staple", clock=clock)
    opened.update(opened.settings(), autolock_minutes=0)
    opened.lock()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await tick(pilot, seconds=24 * 3600)
        assert app.journal is not None


async def test_monotonic_none_means_the_real_one(journal_path: Path) -> None:
    app = KapJournalApp(journal_path, monotonic=None, timers=False)
    assert app.monotonic is time.monotonic


async def test_one_then_zero_is_ten_on_the_monotonic_clock(
    make_app: MakeApp, existing_journal: Journal, monotonic: FakeMonotonic
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await pilot.press("c")
        await pilot.pause()
        mood = app.screen.query_one("#mood")
        await pilot.press("1", "0")
        assert mood.value == 10  # however slowly a busy machine delivers the keys
        await pilot.press("1")
        monotonic.advance(2)
        await pilot.press("0")
        assert mood.value == 0
        await pilot.press("right", "0")  # 1 reached by stepping is not "1 typed": 0 is 0
        assert mood.value == 0


async def test_notifications_stay_until_cleared(
    make_app: MakeApp, existing_journal: Journal, clock: FrozenClock
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("7", "down", "3", "enter")
        await pilot.pause()
        assert app.journal.of_kind(CheckIn)
        assert any("Checked in" in n for n in notifications(app))
        app.clear_notifications()
        assert notifications(app) == []


async def test_timeline_search_filters_at_each_key_without_a_timer(
    make_app: MakeApp, existing_journal: Journal
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        app.journal.add(Reflection, title="river", body="by the river")
        app.journal.add(Reflection, title="mountain", body="on the hill")
        app.open("timeline")
        await pilot.pause()
        await pilot.pause()
        await pilot.press("slash", *"rive")
        assert app.screen.query_one("#timeline-search", Input).value == "rive"
        items = app.screen.query_one("#timeline-list").items
        assert [r.title for r in items] == ["river"]


async def test_writing_while_locked_is_sealed_on_the_monotonic_clock(
    make_app: MakeApp, existing_journal: Journal, journal_path: Path
) -> None:
    import sqlite3

    def captures() -> int:
        with sqlite3.connect(journal_path) as db:
            return int(db.execute("SELECT count(*) FROM capture").fetchone()[0])

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+n")  # write without unlocking
        await pilot.pause()
        assert type(app.screen).__name__ == "CaptureScreen"
        await pilot.press(*"a long corridor")
        await tick(pilot, seconds=app.screen.AUTOSAVE_SECONDS - 1)
        assert captures() == 0
        await tick(pilot, seconds=1)
        assert captures() == 1
        assert "sealed at" in str(app.screen.query_one("#capture-status").content)
