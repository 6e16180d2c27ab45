"""Write without unlocking, from the unlock screen, under the pilot."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from kapjournal.journal import Journal
from kapjournal.tui.app import KapJournalApp
from tests.test_privacy import CANARY, assert_no_canary
from tests.tui.conftest import unlock, wait_workers


def captures(path: Path) -> int:
    with sqlite3.connect(path) as db:
        return int(db.execute("SELECT count(*) FROM capture").fetchone()[0])


@pytest.fixture
def locked(existing_journal: Journal, journal_path: Path) -> Path:
    return journal_path


async def test_write_without_unlocking_from_the_unlock_screen(
    make_app: Callable[..., KapJournalApp], locked: Path, tmp_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert type(app.screen).__name__ == "CaptureScreen"
        assert app.journal is None
        await pilot.press(*f"a long corridor {CANARY}")
        await pilot.press("ctrl+s")
        assert captures(locked) == 1
        assert_no_canary(tmp_path)
        await pilot.press(*" and warm light")
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "UnlockScreen"
        assert captures(locked) == 1  # the same entry, replaced as the patient went on
        await unlock(pilot)
        await wait_workers(pilot)
        assert any("without unlocking" in n.message for n in app._notifications)
        assert app.journal is not None
        (reflection,) = app.journal.reflections()
        assert reflection.answers[0] == f"a long corridor {CANARY} and warm light"
    assert_no_canary(tmp_path)
