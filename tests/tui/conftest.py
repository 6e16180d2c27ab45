"""Pilot fixtures: an app on a throwaway journal, a frozen clock, cheap KDF, unlocked in one call."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from kapjournal.journal import Journal
from kapjournal.tui.app import KapJournalApp
from tests.conftest import FAST_KDF, PASSPHRASE, FrozenClock

SIZE_SMALL = (80, 24)
SIZE_LARGE = (120, 40)


@pytest.fixture
def make_app(journal_path: Path, clock: FrozenClock) -> Callable[..., KapJournalApp]:
    """Build the app exactly as the CLI does, with a test clock and cheap KDF settings."""

    def make(**kwargs: object) -> KapJournalApp:
        return KapJournalApp(journal_path, clock=clock, kdf=FAST_KDF, **kwargs)  # type: ignore[arg-type]

    return make


@pytest.fixture
def existing_journal(journal_path: Path, clock: FrozenClock) -> Journal:
    """A journal on disk (locked again), for tests that start at the unlock screen."""
    journal, _ = Journal.create(journal_path, PASSPHRASE, clock=clock, kdf=FAST_KDF)
    journal.lock()
    return journal


async def wait_workers(pilot: Pilot[None]) -> None:
    """Wait for every worker (KDF, loading, saving) and the messages they posted."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def unlock(pilot: Pilot[None], passphrase: str = PASSPHRASE) -> None:
    """Type the passphrase on the unlock screen and wait for home."""
    pilot.app.screen.query_one("#passphrase").focus()
    await pilot.press(*passphrase)
    await pilot.press("enter")
    await wait_workers(pilot)
