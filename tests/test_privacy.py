"""No plaintext on disk, private file modes, and nothing sensitive in logs or errors."""

from __future__ import annotations

import base64
import logging
import os
import sqlite3
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from kapjournal.errors import KapJournalError
from kapjournal.journal import Journal
from kapjournal.records import CheckIn, DosingSession, Reflection, SafetyPlan, Settings
from tests.conftest import FAST_KDF, PASSPHRASE

CANARY = "Canary-Ocelot-7f3a"


def encodings(text: str) -> list[bytes]:
    raw = text.encode()
    return [
        raw,
        text.encode("utf-16-le"),
        text.encode("utf-16-be"),
        base64.b64encode(raw),
        raw.hex().encode(),
        raw.hex().upper().encode(),
        text.lower().encode(),
    ]


def files_under(*folders: Path) -> list[Path]:
    return [p for folder in folders for p in folder.rglob("*") if p.is_file()]


def assert_no_canary(*folders: Path) -> None:
    for path in files_under(*folders):
        data = path.read_bytes()
        for needle in encodings(CANARY):
            assert needle not in data, f"{needle!r} found in {path.name}"


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    tmp = tmp_path / "tmpdir"
    tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    return tmp


def test_no_plaintext_on_disk_through_the_api(
    journal: Journal, journal_path: Path, private_tmp: Path
) -> None:
    now = journal.clock()
    journal.add(Reflection, body=f"I wrote {CANARY} today", tags=(CANARY,), title=CANARY)
    journal.add(DosingSession, when=now, route="iv", intention=CANARY, dose=CANARY)
    journal.add(CheckIn, mood=2, note=CANARY)
    journal.add(SafetyPlan, warning_signs=CANARY)
    journal.add(Settings, therapist_name=CANARY)
    assert journal.search(CANARY.lower())
    assert_no_canary(journal_path.parent, private_tmp)  # while open
    journal.lock()
    assert_no_canary(journal_path.parent, private_tmp)  # after close


def test_no_plaintext_on_disk_through_the_cli(tmp_path: Path, private_tmp: Path) -> None:
    home = tmp_path / "clihome"
    path = home / "j.kapj"
    Journal.create(path, PASSPHRASE, kdf=FAST_KDF)[0].lock()
    env = {
        **os.environ,
        "KAPJOURNAL_PASSPHRASE": PASSPHRASE,
        "KAPJOURNAL_JOURNAL": str(path),
        "TMPDIR": str(private_tmp),
    }
    for args, stdin in (
        (["write", "--tag", "x"], CANARY),
        (["session", "add", "--route", "im"], CANARY),
        (["mood", "3", "--note"], CANARY),
    ):
        done = subprocess.run(
            [sys.executable, "-m", "kapjournal", *args],
            input=stdin.encode(),
            env=env,
            capture_output=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
    assert_no_canary(home, private_tmp)


def test_deleted_ciphertext_is_gone_after_close(journal: Journal, journal_path: Path) -> None:
    keep = journal.add(Reflection, body="keep")
    victim = journal.add(Reflection, body=CANARY * 50)
    with sqlite3.connect(journal_path) as db:
        blob = db.execute("SELECT payload FROM item WHERE id=?", (victim.id,)).fetchone()[0]
    journal.delete(victim.id)
    journal.lock()
    for path in files_under(journal_path.parent):
        data = path.read_bytes()
        for start in range(13, len(blob) - 32, 64):
            assert blob[start : start + 32] not in data
    assert Journal.unlock(journal_path, PASSPHRASE).get(keep.id) is not None


def test_modes_under_umask_022(tmp_path: Path) -> None:
    os.umask(0o022)
    path = tmp_path / "deep" / "data" / "j.kapj"
    journal, _ = Journal.create(path, PASSPHRASE, kdf=FAST_KDF)
    journal.add(Reflection, body="x")
    # hold a connection open so -wal and -shm exist while we look
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("BEGIN")
    db.execute("SELECT count(*) FROM item").fetchall()
    journal.add(Reflection, body="y")
    names = {p.name: stat.S_IMODE(p.stat().st_mode) for p in path.parent.iterdir()}
    db.rollback()
    db.close()
    journal.lock()
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert names["j.kapj"] == 0o600
    assert names.get("j.kapj-wal", 0o600) == 0o600 and names.get("j.kapj-shm", 0o600) == 0o600
    assert "j.kapj-wal" in names


def test_canary_never_in_logs_or_error_text(
    journal: Journal, journal_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    r = journal.add(Reflection, body=CANARY)
    journal.lock()
    with sqlite3.connect(journal_path) as db:
        db.execute("UPDATE item SET payload = substr(payload, 1, 40) WHERE id=?", (r.id,))
    messages = []
    for attempt in (
        lambda: Journal.unlock(journal_path, "wrong " + CANARY),
        lambda: (
            Journal.unlock(journal_path, PASSPHRASE).check()
            and (_ for _ in ()).throw(KapJournalError("damaged"))
        ),
    ):
        try:
            attempt()
        except KapJournalError as exc:
            messages.append(str(exc))
            messages.append(repr(exc))
    assert len(messages) == 4
    assert all(CANARY not in m for m in messages)
    assert CANARY not in caplog.text
