"""The README's command-line examples run as printed, in order, on a fresh journal.

Each line of the block under "The command line" runs in bash exactly as written (``kapjournal`` is
this checkout's). Left out, and said why: lines that open the app or ask at a terminal (their
comment says "asks"), and lines that read the reader's own files or keys (``< reflection.txt``,
``my-pack.toml``, ``age1…``): those are patterns to copy, not lines to paste.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kapjournal.journal import Journal
from tests.conftest import FAST_KDF, PASSPHRASE

README = Path(__file__).parent.parent / "README.md"
# The app, the demo, and commands that ask at a terminal (their tests drive a terminal).
INTERACTIVE = {"kapjournal", "kapjournal demo", "kapjournal passwd", "kapjournal recover"}
# The reader's own files or keys: the line is a pattern to copy, not something to paste.
THEIRS = ("age1…", "my-pack.toml", "old.json")


def examples() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text.split("## The command line", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block is not None, "the command-line section has no sh block"
    return [line for line in block.group(1).splitlines() if line.strip()]


def runnable(line: str) -> bool:
    command, _, comment = line.partition("#")
    command = command.strip()
    return not (
        command in INTERACTIVE
        or "asks" in comment
        or any(mark in line for mark in THEIRS)
        or re.search(r"<\s*\S", command)  # reads a file of the reader's
    )


def test_the_examples_are_found_and_many_of_them_run() -> None:
    lines = examples()
    assert len(lines) > 15
    assert sum(map(runnable, lines)) >= 10


def test_readme_examples_run_as_printed(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAPJOURNAL_")}
    env.update(
        HOME=str(home),
        KAPJOURNAL_HOME=str(tmp_path / "kapjournal"),
        KAPJOURNAL_PASSPHRASE=PASSPHRASE,
        KAPJOURNAL_EXPORT_PASSPHRASE="an export passphrase for the test",
        PY=sys.executable,
    )
    prelude = 'set -o pipefail; kapjournal() { "$PY" -m kapjournal "$@"; }\n'
    for line in examples():
        if not runnable(line):
            continue
        if line.startswith("kapjournal init"):
            # The same journal 'init' makes, with cheap key stretching so the test stays quick.
            path = tmp_path / "kapjournal" / "journal.kapj"
            Journal.create(path, PASSPHRASE, kdf=FAST_KDF)[0].lock()
            continue
        done = subprocess.run(
            ["bash", "-c", prelude + line],
            cwd=home,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            start_new_session=True,  # no terminal: nothing can stop to ask
        )
        assert done.returncode == 0, f"{line}\n{done.stderr}"
        if "[" in line.split("#", 1)[0]:
            pytest.fail(f"a literal bracket in an example: {line}")
    assert (home / "plan.ics").read_text().startswith("BEGIN:VCALENDAR")
