"""Closing the terminal (SIGHUP) or a polite kill (SIGTERM) loses nothing and leaves nothing behind.

The real program runs on a pseudo-terminal, as a patient's terminal window runs it; the test reads
what it draws, types into it, then hangs up on it. Waits are for text to appear on the terminal (up
to a generous limit), never a fixed sleep, so a busy machine only makes the test slower.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from kapjournal.journal import Journal
from tests.conftest import FAST_KDF, PASSPHRASE

ESCAPES = re.compile(rb"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07]*\x07|[@-Z\\-_])")
LIMIT = 90.0  # seconds for the app to draw something; only reached if it is broken


class Terminal:
    """A program on a pseudo-terminal of 80x24: read what it draws, type into it, hang up."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kapjournal", *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env={**env, "TERM": "xterm-256color", "COLUMNS": "80", "LINES": "24"},
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self.seen = b""

    def text(self) -> str:
        return ESCAPES.sub(b"", self.seen).decode("utf-8", "replace")

    def read(self, timeout: float) -> None:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if ready:
            with contextlib.suppress(OSError):  # the program has gone
                self.seen += os.read(self.master, 65536)

    def wait_for(self, words: str) -> None:
        deadline = time.monotonic() + LIMIT  # hang guard
        while words not in self.text():
            assert self.proc.poll() is None, f"the program stopped before showing {words!r}"
            assert time.monotonic() < deadline, f"{words!r} never appeared"  # hang guard
            self.read(0.5)

    def type(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def hang_up(self, sig: int = signal.SIGHUP) -> int:
        self.proc.send_signal(sig)
        deadline = time.monotonic() + LIMIT  # hang guard
        while self.proc.poll() is None:  # keep reading, as a terminal would, until it exits
            running = time.monotonic() < deadline  # hang guard
            assert running, "the program did not exit after the signal"
            self.read(0.2)
        os.close(self.master)
        return self.proc.returncode


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    out = {k: v for k, v in os.environ.items() if not k.startswith("KAPJOURNAL_")}
    out["KAPJOURNAL_HOME"] = str(tmp_path / "home")
    out["TMPDIR"] = str(tmp_path / "tmp")
    (tmp_path / "tmp").mkdir()
    return out


@pytest.mark.parametrize("sig", [signal.SIGHUP, signal.SIGTERM], ids=["SIGHUP", "SIGTERM"])
def test_closing_the_terminal_saves_the_words_being_typed(
    sig: int, tmp_path: Path, env: dict[str, str]
) -> None:
    path = tmp_path / "journal.kapj"
    Journal.create(path, PASSPHRASE, kdf=FAST_KDF)[0].lock()
    term = Terminal(["--journal", str(path)], env)
    term.wait_for("Unlock your journal")
    term.type(PASSPHRASE + "\r")
    term.wait_for("Today")
    term.type("w")
    term.wait_for("Title (optional)")
    term.type("the last words before the window closed")
    term.wait_for("the last words before the window closed")
    term.hang_up(sig)

    journal = Journal.unlock(path, PASSPHRASE)
    drafts = [r.body for r in journal.drafts()]
    journal.lock()
    assert drafts == ["the last words before the window closed"]
    assert b"the last words" not in path.read_bytes()  # saved encrypted, as every draft
    assert not (tmp_path / "tmp").exists() or not any((tmp_path / "tmp").iterdir())


def test_closing_the_terminal_during_the_demo_removes_its_folder(
    tmp_path: Path, env: dict[str, str]
) -> None:
    term = Terminal(["demo"], env)
    term.wait_for("Unlock your journal")
    folders = list((tmp_path / "tmp").glob("kapjournal-demo-*"))
    assert len(folders) == 1  # the demo journal is there while it runs...
    term.hang_up(signal.SIGHUP)
    assert list((tmp_path / "tmp").iterdir()) == []  # ...and gone when the terminal closes
