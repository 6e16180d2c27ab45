"""Snapshots of the home, check-in, questionnaire, trends, help, safety plan and settings screens.

Regenerate on purpose with ``pytest tests/tui/test_snapshots.py --snapshot-update`` and look at
the SVGs before committing them. The apps come from the kit's ``make_app`` (no real timer runs) and
every screenshot is taken after ``settle`` (workers done, cursors steady, notifications cleared).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from kapjournal.journal import Journal
from kapjournal.tui.app import KapJournalApp
from tests.conftest import FAST_KDF, PASSPHRASE, FrozenClock
from tests.tui.conftest import SIZE_LARGE, SIZE_SMALL, settle, unlock
from tests.tui.sample import fill

Steps = Callable[[Pilot[None]], Awaitable[None]]


MakeApp = Callable[..., KapJournalApp]


def journal_app(
    make_app: MakeApp, path: Path, clock: FrozenClock, *, sample: bool = True
) -> KapJournalApp:
    journal, _ = Journal.create(path, PASSPHRASE, clock=clock, kdf=FAST_KDF)
    if sample:
        fill(journal, clock)
    journal.lock()
    return make_app()


def then(*keys: str) -> Steps:
    """Unlock, press keys, and let everything settle (notifications cleared)."""

    async def run(pilot: Pilot[None]) -> None:
        await unlock(pilot)
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
        await settle(pilot)

    return run


CASES: dict[str, tuple[str, ...]] = {
    "home": (),
    "checkin": ("c", "7", "down", "3", "down", "5", "down", *"slept a little"),
    "questionnaire": ("q", "enter", "1", "2"),
    "questionnaire_result": ("q", "down", "enter", *"2211111"),
    "trends": ("r",),
    "help": ("f1",),
    "safety_plan": ("f1", "p"),
    "settings": ("comma",),
}


@pytest.mark.parametrize("size", [SIZE_SMALL, SIZE_LARGE], ids=["80x24", "120x40"])
@pytest.mark.parametrize("case", list(CASES))
def test_screen(
    case: str,
    size: tuple[int, int],
    snap_compare: Any,
    make_app: MakeApp,
    journal_path: Path,
    clock: FrozenClock,
) -> None:
    app = journal_app(make_app, journal_path, clock)
    assert snap_compare(app, run_before=then(*CASES[case]), terminal_size=size)


def test_home_first_time(
    snap_compare: Any, make_app: MakeApp, journal_path: Path, clock: FrozenClock
) -> None:
    app = journal_app(make_app, journal_path, clock, sample=False)
    assert snap_compare(app, run_before=then(), terminal_size=SIZE_SMALL)


def test_help_locked(
    snap_compare: Any, make_app: MakeApp, journal_path: Path, clock: FrozenClock
) -> None:
    app = journal_app(make_app, journal_path, clock, sample=False)

    async def run(pilot: Pilot[None]) -> None:
        await pilot.press("f1")
        await pilot.pause()
        await settle(pilot)

    assert snap_compare(app, run_before=run, terminal_size=SIZE_SMALL)
