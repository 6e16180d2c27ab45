"""Every screen at 80x24 (and 160x48): nothing cut off, and the footer shows F1 first.

One app per size walks the whole journey a patient can take, checking each screen as it is shown
(see ``layout.cut_off``). A failure names the screen and the widget that does not fit.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from kapjournal.journal import Journal
from kapjournal.records import Reflection
from kapjournal.tui.app import KapJournalApp
from tests.conftest import FAST_KDF, PASSPHRASE, FrozenClock
from tests.tui.conftest import unlock, wait_workers
from tests.tui.layout import cut_off, footer_keys
from tests.tui.sample import fill

SIZES = [(80, 24), (160, 48)]
Check = Callable[[str], Awaitable[None]]


def checker(pilot: Pilot[None], problems: list[str], *, footer: bool = True) -> Check:
    async def check(where: str) -> None:
        await wait_workers(pilot)
        pilot.app.clear_notifications()
        await pilot.pause()
        screen = pilot.app.screen
        problems.extend(f"{where}: {p}" for p in cut_off(screen))
        keys = footer_keys(screen)
        is_help = type(screen).__name__ == "HelpScreen"  # F1 itself: its footer has its own keys
        if footer and not is_help and (not keys or keys[0] != "f1"):
            problems.append(f"{where}: the footer does not start with f1 (it shows {keys})")

    return check


async def back(pilot: Pilot[None]) -> None:
    assert len(pilot.app.screen_stack) > 2, f"nothing to go back from ({pilot.app.screen})"
    await pilot.app.pop_screen()
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x48"])
async def test_locked_screens_fit(
    size: tuple[int, int], journal_path: Path, clock: FrozenClock
) -> None:
    problems: list[str] = []
    app = KapJournalApp(journal_path, clock=clock, kdf=FAST_KDF, timers=False)
    async with app.run_test(size=size) as pilot:
        check = checker(pilot, problems)
        await check("create")
        await pilot.press("f1")
        await check("help while locked")
        await pilot.press("escape")
        for field in ("#new-passphrase", "#confirm-passphrase"):
            app.screen.query_one(field).focus()
            await pilot.press(*PASSPHRASE)
        await pilot.press("enter")
        await wait_workers(pilot)
        assert type(app.screen).__name__ == "RecoveryKeyScreen"
        await check("recovery key")
        await pilot.click("#saved")
        await pilot.click("#continue")
        await wait_workers(pilot)
        assert type(app.screen).__name__ == "HomeScreen"
        await check("home, the first time")
    again = KapJournalApp(journal_path, clock=clock, kdf=FAST_KDF, timers=False)
    async with again.run_test(size=size) as pilot:
        check = checker(pilot, problems)
        await check("unlock")
        await pilot.press("enter")  # nothing typed: a message, not a crash
        await check("unlock, nothing typed")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x48"])
async def test_every_journal_screen_fits(
    size: tuple[int, int], journal_path: Path, clock: FrozenClock
) -> None:
    journal, _ = Journal.create(journal_path, PASSPHRASE, clock=clock, kdf=FAST_KDF)
    fill(journal, clock)
    journal.add(Reflection, body="A page written earlier, long enough to wrap " * 5, share=True)
    journal.lock()
    problems: list[str] = []
    app = KapJournalApp(journal_path, clock=clock, kdf=FAST_KDF, timers=False)
    async with app.run_test(size=size) as pilot:
        check = checker(pilot, problems)
        await unlock(pilot)
        await check("home")
        await pilot.press("question_mark")
        await check("keys panel")
        await back(pilot)
        for key, where in (
            ("c", "check-in"),
            ("r", "trends"),
            ("l", "sessions"),
            ("s", "log a session"),
            ("x", "exercise picker"),
            ("w", "write"),
            ("comma", "settings"),
            ("e", "export"),
            ("a", "calendar reminders"),
            ("f1", "help"),
        ):
            await pilot.press(key)
            assert type(app.screen).__name__ != "HomeScreen", f"{key} opened nothing"
            await check(where)
            await back(pilot)

        await pilot.press("f1", "p")
        await check("safety plan")
        await back(pilot)

        await pilot.press("q")
        await check("questionnaire, choose")
        await pilot.press("enter")
        await check("questionnaire, a question")
        await pilot.press("1", "2")
        await pilot.press("escape")
        await check("questionnaire, leave halfway?")
        await back(pilot)
        await back(pilot)
        await pilot.press("q", "down", "enter", *"1111111")
        await check("questionnaire, result")
        await back(pilot)

        assert app.journal is not None
        due = app.journal.plan(app.catalog).due_today()[0]
        sid = due.session.id if due.session else None
        app.open("exercise", exercise_id=due.exercise.id, session_id=sid)
        await check("exercise, first step")
        for _ in due.exercise.steps:
            await pilot.press("ctrl+n")
        await check("exercise, tags and sharing")
        await back(pilot)

        await pilot.press("t")
        await check("timeline")
        await pilot.press("slash", *"grief")
        await check("timeline, searching")
        await pilot.press("enter")
        await pilot.press("d")
        await check("timeline, delete?")
        await back(pilot)
        await back(pilot)
    assert not problems, "\n".join(problems)


async def test_the_check_sees_what_a_patient_would_see_cut() -> None:
    """The helper itself: a too-wide label, a too-tall one-line status and a too-wide table."""
    from textual.app import App, ComposeResult
    from textual.containers import Vertical
    from textual.widgets import DataTable, Footer, Label, Static

    class Cramped(App[None]):
        CSS = """
        #panel { width: 20; height: auto; }
        #status { height: 1; }
        #fits { width: 1fr; }
        DataTable { height: 4; }
        """

        def compose(self) -> ComposeResult:
            with Vertical(id="panel"):
                yield Label("If you like, something small for today", id="wide")
                yield Static("one line of room for two lines of words", id="status")
                yield Static("wraps and fits", id="fits")
                yield DataTable(id="table")
            yield Footer()

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_columns("a fairly long heading", "another long heading")
            table.add_row("x", "y")

    app = Cramped()
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.pause()
        found = "\n".join(cut_off(app.screen))
    assert "Label#wide" in found and "cut at the side" in found
    assert "Static#status" in found and "needs 2 lines, has 1" in found
    assert "DataTable#table" in found and "scrolls sideways" in found
    assert "#fits" not in found
