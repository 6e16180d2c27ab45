"""Snapshots of the writing screens: exercise, reflection, picker, sessions, timeline.

Regenerate on purpose with ``pytest tests/tui/test_snapshots_writing.py --snapshot-update`` and
look at the SVGs before committing them. No real timer runs (the kit's ``make_app``): the status
line says "saves as you write" until a test autosaves, and every screenshot follows ``settle``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from kapjournal.journal import Journal
from kapjournal.records import Reflection
from kapjournal.tui.app import KapJournalApp
from tests.conftest import FAST_KDF, PASSPHRASE, FrozenClock
from tests.tui.conftest import SIZE_LARGE, SIZE_SMALL, settle, unlock
from tests.tui.sample import fill

Steps = Callable[[Pilot[None]], Awaitable[None]]


MakeApp = Callable[..., KapJournalApp]


def writing_app(make_app: MakeApp, path: Path, clock: FrozenClock) -> KapJournalApp:
    journal, _ = Journal.create(path, PASSPHRASE, clock=clock, kdf=FAST_KDF)
    fill(journal, clock)
    latest = journal.sessions()[-1]
    journal.add(
        Reflection, created=clock.now - timedelta(hours=20), exercise_id="capture",
        session_id=latest.id, answers=("blue and gold, a long corridor", "heavy, warm"),
        share=True, tags=("colours",),
    )  # fmt: skip
    journal.add(
        Reflection, created=clock.now - timedelta(days=3), title="[b]not bold[/b]",
        body="שלום 🌿 a page with \x1b[31mescapes\x1b[0m and [red]markup[/red] kept as typed",
    )  # fmt: skip
    journal.add(
        Reflection, created=clock.now - timedelta(hours=2), exercise_id="soft-evening",
        session_id=latest.id, answers=("tender",), draft=True,
    )  # fmt: skip
    journal.lock()
    return make_app()


def opening(name: str, *keys: str, **kwargs: Any) -> Steps:
    async def run(pilot: Pilot[None]) -> None:
        await unlock(pilot)
        app = pilot.app
        if name == "exercise":
            kwargs["session_id"] = app.journal.sessions()[-1].id  # type: ignore[attr-defined]
        app.open(name, **kwargs)  # type: ignore[attr-defined]
        await pilot.pause()
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
        await settle(pilot)

    return run


CASES: dict[str, Steps] = {
    "exercise_step": opening("exercise", *"it came up, softer", exercise_id="intention-review"),
    "exercise_finish": opening(
        "exercise", *"tea", "ctrl+n", "ctrl+n", "ctrl+n", *"calm", exercise_id="three-good-things"
    ),
    "write": opening("write", *"A quiet evening."),
    "edit_reflection": opening("timeline", "down", "down", "enter"),
    "picker": opening("exercises"),
    "session_form": opening("session_form"),
    "sessions": opening("sessions"),
    "timeline": opening("timeline", "down"),
    "timeline_search": opening("timeline", "slash", *"corridor", "enter"),
}


@pytest.mark.parametrize("size", [SIZE_SMALL, SIZE_LARGE], ids=["80x24", "120x40"])
@pytest.mark.parametrize("case", list(CASES))
def test_writing_screen(
    case: str,
    size: tuple[int, int],
    snap_compare: Any,
    make_app: MakeApp,
    journal_path: Path,
    clock: FrozenClock,
) -> None:
    app = writing_app(make_app, journal_path, clock)
    assert snap_compare(app, run_before=CASES[case], terminal_size=size)
