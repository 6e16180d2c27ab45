"""A small, deterministic journal for the home, trends and snapshot tests (no randomness)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from kapjournal.journal import Journal
from kapjournal.records import CheckIn, DosingSession, Settings
from kapjournal.testing import screen_text
from tests.conftest import FAST_KDF, PASSPHRASE, FrozenClock

__all__ = ["fill", "sample_journal_fixture", "screen_text"]

# Days before "today" (the frozen clock) of each session, and its intention.
SESSIONS = [
    (40, "im", "to notice what I keep pushing away"),
    (26, "im", "to be kinder to the tired part of me"),
    (12, "sublingual", "to meet my grief without running from it"),
    (1, "sublingual", "to let some joy in"),
]
PHQ9 = [(49, (2, 2, 2, 2, 2, 1, 2, 1, 1)), (35, (2, 2, 1, 2, 1, 1, 1, 1, 0)),
        (21, (1, 1, 1, 2, 1, 1, 1, 0, 0)), (7, (1, 1, 1, 1, 0, 1, 0, 0, 0))]  # fmt: skip
GAD7 = [(49, (2, 2, 2, 2, 1, 2, 1)), (21, (1, 1, 1, 2, 1, 1, 1)), (7, (1, 1, 0, 1, 0, 1, 0))]


def mood_on(days_ago: int) -> int | None:
    """A slow rise with a dip, and every fifth day missing."""
    if days_ago % 5 == 3:
        return None
    base = 3 + (55 - days_ago) * 5 / 55
    dip = -2 if 15 <= days_ago <= 18 else 0
    wobble = (days_ago * 7) % 3 - 1
    return max(0, min(10, round(base + dip + wobble)))


def fill(journal: Journal, clock: FrozenClock) -> None:
    """Eight weeks of check-ins, four sessions, PHQ-9 and GAD-7, and the therapist's contact."""
    today = clock.now
    saved = clock.now

    def at(days_ago: int, hour: int) -> None:
        clock.now = (today - timedelta(days=days_ago)).replace(hour=hour, minute=0)

    for days_ago in range(55, -1, -1):
        mood = mood_on(days_ago)
        if mood is None:
            continue
        at(days_ago, 8)
        note = "slept a little better" if days_ago == 0 else ""
        journal.add(CheckIn, mood=mood, anxiety=max(0, 8 - mood), energy=5, note=note)
    for days_ago, route, intention in SESSIONS:
        at(days_ago, 10)
        journal.add(
            DosingSession, when=clock.now, route=route, dose="0.5 mg/kg", intention=intention
        )
    for days_ago, answers in PHQ9:
        at(days_ago, 20)
        journal.add_assessment("phq9", answers)
    for days_ago, answers in GAD7:
        at(days_ago, 20)
        journal.add_assessment("gad7", answers)
    clock.now = saved
    journal.add(Settings, therapist_name="Dr. Rivera", therapist_contact="555-0142, weekdays")
    clock.now = saved


@pytest.fixture(name="sample_journal")
def sample_journal_fixture(journal_path: Path, clock: FrozenClock) -> Journal:
    """The sample journal on disk, locked again (tests start at the unlock screen)."""
    journal, _ = Journal.create(journal_path, PASSPHRASE, clock=clock, kdf=FAST_KDF)
    fill(journal, clock)
    journal.lock()
    return journal

