"""Write while locked: anyone at the keyboard can add to the journal; nobody can read without it."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from kapjournal.errors import KapJournalError, WrongPassphrase
from kapjournal.journal import Journal
from kapjournal.records import DosingSession
from tests.conftest import FAST_KDF, PASSPHRASE, FrozenClock
from tests.test_privacy import CANARY, assert_no_canary


def capture_cli(path: Path, text: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``kapjournal capture`` as a script runs it: no passphrase anywhere, no terminal at all."""
    env = {k: v for k, v in os.environ.items() if k != "KAPJOURNAL_PASSPHRASE"}
    return subprocess.run(
        [sys.executable, "-m", "kapjournal", "--journal", str(path), "capture", *args],
        input=text,
        capture_output=True,
        text=True,
        env=env,
        start_new_session=True,  # no controlling terminal: nothing could be asked
    )


def captures(path: Path) -> int:
    with sqlite3.connect(path) as db:
        return int(db.execute("SELECT count(*) FROM capture").fetchone()[0])


@pytest.fixture
def locked(journal: Journal, journal_path: Path) -> Path:
    journal.add(DosingSession, when=journal.clock(), route="sublingual", intention="to listen")
    journal.lock()
    return journal_path


def test_capture_needs_no_passphrase_and_no_terminal(locked: Path, tmp_path: Path) -> None:
    done = capture_cli(locked, f"colours, a long corridor {CANARY}\n", "--tag", "after")
    assert done.returncode == 0, done.stderr
    assert "Kept, sealed" in done.stdout
    assert captures(locked) == 1
    assert_no_canary(tmp_path)


def test_captured_words_arrive_once_as_a_private_reflection(
    locked: Path, tmp_path: Path, clock: FrozenClock
) -> None:
    assert capture_cli(locked, f"first notes {CANARY}").returncode == 0
    j = Journal.unlock(locked, PASSPHRASE, clock=clock)
    (reflection,) = j.reflections()
    assert CANARY in reflection.answers[0] and reflection.exercise_id == "capture"
    assert not reflection.share and reflection.source == "capture"
    assert reflection.session_id == j.sessions()[0].id  # the session of the last 24 hours
    assert j.arrived == 1 and captures(locked) == 0
    j.lock()
    again = Journal.unlock(locked, PASSPHRASE, clock=clock)
    assert len(again.reflections()) == 1 and again.arrived == 0 and again.problems == []
    again.lock()
    assert_no_canary(tmp_path)


def test_a_wrong_passphrase_still_reads_nothing(locked: Path) -> None:
    capture_cli(locked, "kept for later")
    with pytest.raises(WrongPassphrase):
        Journal.unlock(locked, "not the passphrase")
    assert captures(locked) == 1


def test_an_entry_sealed_to_another_journal_is_set_aside(locked: Path, tmp_path: Path) -> None:
    other, _ = Journal.create(tmp_path / "other.kapj", PASSPHRASE, kdf=FAST_KDF)
    other.lock()
    capture_cli(tmp_path / "other.kapj", "slipped in from elsewhere")
    with sqlite3.connect(tmp_path / "other.kapj") as db:
        row = db.execute("SELECT id, payload FROM capture").fetchone()
    with sqlite3.connect(locked) as db:
        db.execute("INSERT INTO capture VALUES (?, ?)", row)
    j = Journal.unlock(locked, PASSPHRASE)
    assert j.reflections() == []
    assert [p.kind for p in j.problems] == ["capture"]


def test_a_changed_public_key_is_refused_where_this_computer_knows_it(
    locked: Path, tmp_path: Path
) -> None:
    other, _ = Journal.create(tmp_path / "other.kapj", PASSPHRASE, kdf=FAST_KDF)
    other.lock()
    with sqlite3.connect(tmp_path / "other.kapj") as db:
        (planted,) = db.execute("SELECT capture_pub FROM vault_meta").fetchone()
    with sqlite3.connect(locked) as db:
        db.execute("UPDATE vault_meta SET capture_pub = ?", (planted,))
    done = capture_cli(locked, "must not be sealed to someone else")
    assert done.returncode == 1 and "not the one this computer knows" in done.stderr
    assert captures(locked) == 0


def test_an_entry_written_while_the_key_changes_is_still_taken_in(
    locked: Path, clock: FrozenClock
) -> None:
    j = Journal.unlock(locked, PASSPHRASE, clock=clock)
    j.load()
    Journal.capture(locked, "sealed to the key about to change")
    j.change_passphrase("a new passphrase, long enough", kdf=FAST_KDF)
    Journal.capture(locked, "sealed to the new key")
    j.lock()
    after = Journal.unlock(locked, "a new passphrase, long enough", clock=clock)
    assert sorted(r.answers[0] for r in after.reflections()) == [
        "sealed to the key about to change",
        "sealed to the new key",
    ]


def test_empty_and_huge_captures_are_refused(locked: Path) -> None:
    assert capture_cli(locked, "   \n").returncode == 1
    with pytest.raises(KapJournalError, match="too long"):
        Journal.capture(locked, "x" * 300_000)
    assert captures(locked) == 0
