"""Shared fixtures: a throwaway home, a frozen clock, and cheap KDF settings passed explicitly."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from kapjournal.journal import Journal, KdfCost

# Cheap Argon2id for tests only; the app itself never writes less than the default.
FAST_KDF = KdfCost(memory_kib=64, passes=1, lanes=1)
PASSPHRASE = "correct horse battery staple"
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=timezone(timedelta(hours=-5)))


class FrozenClock:
    """A clock tests move by hand."""

    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture(autouse=True)
def _private_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the user's real journal, config and passphrase out of every test."""
    monkeypatch.setenv("KAPJOURNAL_HOME", str(tmp_path / "home"))
    for name in ("KAPJOURNAL_JOURNAL", "KAPJOURNAL_PASSPHRASE", "KAPJOURNAL_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    os.umask(0o022)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def journal_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "journal.kapj"


@pytest.fixture
def journal(journal_path: Path, clock: FrozenClock) -> Iterator[Journal]:
    j, _ = Journal.create(journal_path, PASSPHRASE, clock=clock, kdf=FAST_KDF)
    yield j
    if not j.locked:
        j.lock()
