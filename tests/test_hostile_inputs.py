"""Bad input at every command: one plain line, exit 1 or 2, no traceback, and the journal untouched.

A table of hostile or mistaken inputs (dates off the calendar, bytes that are not UTF-8, empty
text, unknown fields, damaged journals, unsafe folders, nested files...). Every case runs the real
command and checks the same four things: the exit code, one sanitised line on stderr that says
what went wrong, no traceback, and the journal's folder byte for byte as it was.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from kapjournal.cli import cli
from kapjournal.journal import Journal
from kapjournal.records import CheckIn, DosingSession, Reflection
from kapjournal.text import is_safe
from tests.conftest import FAST_KDF, PASSPHRASE, T0


@dataclass(frozen=True)
class Bad:
    """One bad input. ``{tmp}`` in an argument is the test's folder; ``files`` are written there."""

    args: tuple[str, ...]
    expect: str  # words the one-line message must hold (case-insensitive)
    code: int = 1
    stdin: bytes = b""
    files: dict[str, bytes] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    setup: str = ""  # a named change to the journal or its folder, see prepare()
    listing: bool = False  # the command lists problems on stderr before its one-line verdict
    absent: str = ""  # a file the failed command must not have written


# --- the table -------------------------------------------------------------------------------------

BAD_DATES = {
    "year 9999": ("9999-12-31", "between 1900 and 2100"),
    "year 1": ("0001-01-01", "between 1900 and 2100"),
    "1899": ("1899-12-31", "between 1900 and 2100"),
    "2101": ("2101-01-01", "between 1900 and 2100"),
    "a word": ("tomorrow", "cannot read"),
    "30 February": ("2026-02-30", "cannot read"),
    "month 13": ("2026-13-01", "cannot read"),
    "hour 25": ("2026-11-25 25:00", "cannot read"),
    "escape sequence": ("\x1b]0;pwned\x07", "cannot read"),
    "NUL": ("2026-11-2\x00", "cannot read"),
    "very long": ("9" * 5000, "cannot read"),
    "offset of 25 hours": ("2026-11-25T14:30+25:00", "cannot read"),
    "full-width digits": ("２０２６-11-25", "cannot read"),
}
DATE_OPTIONS = {
    "session --date": lambda d: ("session", "add", "--route", "iv", "--date", d),
    "list --since": lambda d: ("list", "--since", d),
    "export --since": lambda d: ("export", "--plain", "--since", d, "-o", "{tmp}/out.md"),
    "export --until": lambda d: ("export", "--plain", "--until", d, "-o", "{tmp}/out.md"),
}

NOT_UTF8 = {
    "0xff": b"\xff",
    "latin-1": b"caf\xe9 au lait",
    "cut sequence": b"the \xe2\x82",
    "overlong": b"\xc0\xaf",
    "surrogate": b"\xed\xa0\x80",
    "lone continuation": b"ok \x80 text",
    "UTF-16": "hello".encode("utf-16"),
}
STDIN_COMMANDS: dict[str, tuple[tuple[str, ...], bytes]] = {
    "write": (("write",), b""),
    "write --fields": (("write", "--fields"), b"title: x\n\n"),
    "mood --note": (("mood", "5", "--note"), b""),
    "mood --fields": (("mood", "--fields"), b"mood: 5\n\n"),
    "session add": (("session", "add", "--route", "iv"), b""),
    "assess": (("assess", "phq9"), b""),
    "search": (("search",), b""),
    "import -": (("import", "--format", "jrnl-json", "-"), b""),
}

CASES: dict[str, Bad] = {}
for date_name, (text, words) in BAD_DATES.items():
    for option, make in DATE_OPTIONS.items():
        CASES[f"{option} {date_name}"] = Bad(make(text), words, absent="out.md")
for enc_name, raw in NOT_UTF8.items():
    for command, (args, head) in STDIN_COMMANDS.items():
        words = "not valid JSON" if command == "import -" else "not UTF-8"
        CASES[f"{command} stdin {enc_name}"] = Bad(args, words, stdin=head + raw)
for fields_date in ("9999-12-31", "0001-01-01", "soon", "2026-02-30 10:00"):
    CASES[f"session --fields date {fields_date}"] = Bad(
        ("session", "add", "--fields"),
        "the date",
        stdin=f"date: {fields_date}\nroute: iv\n".encode(),
    )

PACKS = {
    "deep arrays": b'[pack]\nid = "x"\n' + b"a = " + b"[" * 100_000 + b"]" * 100_000,
    "dotted keys": b"a" + b".a" * 50_000 + b" = 1\n",
    "deep inline tables": b"a = " + b"{b = " * 5000 + b"1" + b"}" * 5000,
    "too big": b"# " + b"x" * 300_000,
    "not UTF-8": b'[pack]\nid = "\xff"\n',
    "syntax error": b"[pack\nid = ",
    "control characters": b'[pack]\n"\x1b]52;c;Y3VybA==\x07" = 1\nid = "x"\n',
    "markup": b'[pack]\n"[@click=app.quit]quit[/]" = 1\n',
    "empty": b"",
}
for pack_name, content in PACKS.items():
    CASES[f"prompts check {pack_name}"] = Bad(
        ("prompts", "check", "{tmp}/pack.toml"),
        "problem",
        files={"pack.toml": content},
        listing=True,
    )

IMPORTS = {
    "not JSON": ("jrnl-json", b"{not json", "not valid JSON"),
    "empty file": ("jrnl-json", b"", "not valid JSON"),
    "a list": ("jrnl-json", b"[]", 'no "entries" list'),
    "entries not a list": ("jrnl-json", b'{"entries": 5}', 'no "entries" list'),
    "entry not an object": ("jrnl-json", b'{"entries": [5]}', "entry 1"),
    "jrnl bad date": ("jrnl-json", b'{"entries": [{"date": "soon"}]}', "entry 1"),
    "jrnl year 1": ("jrnl-json", b'{"entries": [{"date": "0001-01-01", "time": "00:30"}]}', "1900"),
    "jrnl year 9999": (
        "jrnl-json",
        b'{"entries": [{"date": "9999-12-31", "time": "23:59"}]}',
        "1900",
    ),
    "jrnl hour 25": (
        "jrnl-json",
        b'{"entries": [{"date": "2026-01-01", "time": "25:00"}]}',
        "entry 1",
    ),
    "jrnl tags not a list": (
        "jrnl-json",
        b'{"entries": [{"date": "2026-01-01", "tags": 5}]}',
        "tags",
    ),
    "jrnl title a number": (
        "jrnl-json",
        b'{"entries": [{"date": "2026-01-01", "title": 5}]}',
        "title",
    ),
    "nested 100,000 deep": ("jrnl-json", b"[" * 100_000, "nested"),
    "Day One year 1 west of UTC": (
        "dayone-json",
        b'{"entries": [{"creationDate": "0001-01-01T00:00:00Z", "timeZone": "America/Los_Angeles"}]}',
        "1900",
    ),
    "Day One year 9999 east of UTC": (
        "dayone-json",
        b'{"entries": [{"creationDate": "9999-12-31T23:59:59Z", "timeZone": "Pacific/Kiritimati"}]}',
        "1900",
    ),
    "Day One date a number": ("dayone-json", b'{"entries": [{"creationDate": 5}]}', "creationDate"),
    "Day One no date": ("dayone-json", b'{"entries": [{"text": "hi"}]}', "creationDate"),
}
for import_name, (fmt, content, words) in IMPORTS.items():
    CASES[f"import {import_name}"] = Bad(
        ("import", "--format", fmt, "{tmp}/in.json"), words, files={"in.json": content}
    )

CASES |= {
    # empty or unusable text
    "write empty": Bad(("write",), "empty", stdin=b""),
    "write whitespace": Bad(("write",), "empty", stdin=b"  \n\t\n \r\n"),
    "write fields only": Bad(("write", "--fields"), "empty", stdin=b"title: only a title\n"),
    "write exercise empty answers": Bad(
        ("write", "--exercise", "capture"), "empty", stdin=b"\n---\n\n---\n"
    ),
    "write unknown exercise": Bad(("write", "--exercise", "nope"), "no exercise", stdin=b"x"),
    "write exercise with escapes": Bad(
        ("write", "--exercise", "\x1b]0;x\x07"), "no exercise", stdin=b"x"
    ),
    "write unknown session": Bad(("write", "--session", "99"), "no session number 99", stdin=b"x"),
    "write no such session id": Bad(("write", "--session", "zzz"), "no single session", stdin=b"x"),
    "write unknown field": Bad(("write", "--fields"), "line 1", stdin=b"colour: red\n\nbody"),
    "write field without colon": Bad(("write", "--fields"), "line 1", stdin=b"title red\n\nbody"),
    "write title twice": Bad(
        ("write", "--title", "t", "--fields"), "given twice", stdin=b"title: u\n\nbody"
    ),
    "write too much": Bad(("write",), "over", stdin=b"x" * 2048, env={"_MAX_STDIN": "1024"}),
    # mood
    "mood 11": Bad(("mood", "11"), "0<=x<=10", code=2),
    "mood -1": Bad(("mood", "-1"), "no such option", code=2),
    "mood word": Bad(("mood", "good"), "not a valid integer", code=2),
    "mood 5.5": Bad(("mood", "5.5"), "not a valid integer", code=2),
    "mood anxiety 11": Bad(("mood", "5", "--anxiety", "11"), "0<=x<=10", code=2),
    "mood energy -3": Bad(("mood", "5", "--energy", "-3"), "0<=x<=10", code=2),
    "mood context": Bad(("mood", "5", "--context", "bogus"), "is not one of", code=2),
    "mood no score off a terminal": Bad(("mood",), "mood score", code=2),
    "mood fields 11": Bad(("mood", "--fields"), "0 to 10", stdin=b"mood: 11\n"),
    "mood fields word": Bad(("mood", "--fields"), "0 to 10", stdin=b"mood: fine\n"),
    "mood fields no mood": Bad(("mood", "--fields"), "missing", stdin=b"anxiety: 3\n"),
    "mood fields anxiety 99": Bad(("mood", "--fields"), "anxiety", stdin=b"mood: 5\nanxiety: 99\n"),
    "mood fields no colon": Bad(("mood", "--fields"), "line 1", stdin=b"mood 5\n"),
    "mood fields unknown": Bad(("mood", "--fields"), "line 1", stdin=b"feeling: 5\n"),
    "mood given twice": Bad(("mood", "5", "--fields"), "given twice", stdin=b"mood: 6\n"),
    # sessions
    "session no route off a terminal": Bad(("session", "add"), "route must be one of"),
    "session bad route": Bad(("session", "add", "--route", "bogus"), "is not one of", code=2),
    "session number 0": Bad(("session", "add", "--route", "iv", "--number", "0"), "1<=x", code=2),
    "session number 1000": Bad(
        ("session", "add", "--route", "iv", "--number", "1000"), "x<=999", code=2
    ),
    "session duplicate number": Bad(
        ("session", "add", "--route", "iv", "--number", "1"), "already a session number 1"
    ),
    "session dissociation 11": Bad(
        ("session", "add", "--route", "iv", "--dissociation", "11"), "0<=x<=10", code=2
    ),
    "session fields bad route": Bad(("session", "add", "--fields"), "route", stdin=b"route: ivv\n"),
    "session fields number word": Bad(
        ("session", "add", "--fields"), "number", stdin=b"route: iv\nnumber: two\n"
    ),
    "session fields duplicate number": Bad(
        ("session", "add", "--fields"),
        "already a session number 1",
        stdin=b"route: iv\nnumber: 1\n",
    ),
    "session fields dissociation 11": Bad(
        ("session", "add", "--fields"), "dissociation", stdin=b"route: iv\ndissociation: 11\n"
    ),
    "session fields and option": Bad(
        ("session", "add", "--route", "iv", "--fields"), "given twice", stdin=b"route: im\n"
    ),
    "session fields no colon": Bad(
        ("session", "add", "--fields"), "line 1", stdin=b"dose 300 mg\nroute: iv\n"
    ),
    # list, search, assess
    "list bad kind": Bad(("list", "--kind", "bogus"), "is not one of", code=2),
    "search nothing": Bad(("search",), "no search words", stdin=b""),
    "search blank": Bad(("search", "-"), "no search words", stdin=b"   \n"),
    "assess bad instrument": Bad(("assess", "bogus"), "is not one of", code=2),
    "assess words": Bad(("assess", "phq9"), "whole numbers", stdin=b"a b c"),
    "assess too few": Bad(("assess", "phq9"), "9 answers", stdin=b"1 2 3"),
    "assess too many": Bad(("assess", "phq9"), "9 answers", stdin=b"1 " * 11),  # 10th: difficulty
    "assess out of range": Bad(("assess", "phq9"), "from 0 to 3", stdin=b"4 " * 9),
    "assess negative": Bad(("assess", "gad7"), "from 0 to 3", stdin=b"-1 " * 7),
    "assess fractions": Bad(("assess", "phq9"), "whole numbers", stdin=b"1.5 " * 9),
    "assess empty": Bad(("assess", "pcl5"), "answers", stdin=b""),
    "assess unknown session": Bad(
        ("assess", "phq9", "--session", "99"), "no session number 99", stdin=b"0 " * 9
    ),
    # export, import, backup, keygen
    "export to a bogus key": Bad(
        ("export", "--to", "age1bogus", "-o", "{tmp}/out.md"), "age1", absent="out.md"
    ),
    "export two protections": Bad(
        ("export", "--to", "x", "--passphrase", "-o", "{tmp}/out.md"), "choose one", code=2
    ),
    "export everything with a range": Bad(
        ("export", "--everything", "--since", "2026-01-01", "-o", "{tmp}/out.json"),
        "--everything takes no",
        code=2,
    ),
    "export over a file": Bad(
        ("export", "--plain", "-o", "{tmp}/there.md"), "already exists", files={"there.md": b"x"}
    ),
    "export into no folder": Bad(
        ("export", "--plain", "-o", "{tmp}/nowhere/out.md"), "does not exist"
    ),
    "export bad format": Bad(
        ("export", "--format", "pdf", "-o", "{tmp}/o"), "is not one of", code=2
    ),
    "export bad include": Bad(
        ("export", "--include", "x", "-o", "{tmp}/o"), "is not one of", code=2
    ),
    "export to a folder": Bad(("export", "-o", "{tmp}"), "is a directory", code=2),
    "export range backwards": Bad(
        ("export", "--plain", "--since", "2026-02-01", "--until", "2026-01-01", "-o", "{tmp}/o.md"),
        "before",
        absent="o.md",
    ),
    "import bad format": Bad(("import", "--format", "csv", "{tmp}/x"), "is not one of", code=2),
    "import missing file": Bad(
        ("import", "--format", "jrnl-json", "{tmp}/none.json"), "no such file"
    ),
    "import a folder": Bad(("import", "--format", "jrnl-json", "{tmp}"), "is a directory", code=2),
    "backup over a file": Bad(("backup", "{tmp}/b.kapj"), "already exists", files={"b.kapj": b"x"}),
    "backup into no folder": Bad(("backup", "{tmp}/nowhere/b.kapj"), "no such file"),
    "backup to a folder": Bad(("backup", "{tmp}"), "is a directory", code=2),
    "keygen over a file": Bad(
        ("keygen", "-o", "{tmp}/k.txt"), "already exists", files={"k.txt": b"x"}
    ),
    # keys
    "init over a journal": Bad(("init",), "already exists"),
    "passwd off a terminal": Bad(("passwd",), "no terminal to ask on"),
    "recover with a bad key": Bad(
        ("recover",), "recovery key", env={"KAPJOURNAL_RECOVERY_KEY": "nope"}
    ),
    "recover with a typo": Bad(
        ("recover",),
        "recovery key",
        env={"KAPJOURNAL_RECOVERY_KEY": "-".join(["AAAAA"] * 11)},
    ),
    # usage
    "unknown command": Bad(("frobnicate",), "no such command", code=2),
    "unknown option": Bad(("list", "--colour"), "no such option", code=2),
    "journal is a folder": Bad(("--journal", "{tmp}", "list"), "is a directory", code=2),
    "passphrase file is a folder": Bad(
        ("--passphrase-file", "{tmp}", "list"), "is a directory", code=2
    ),
    # the passphrase
    "passphrase file missing": Bad(
        ("--passphrase-file", "{tmp}/none", "list"), "cannot read the passphrase file"
    ),
    "passphrase file not UTF-8": Bad(
        ("--passphrase-file", "{tmp}/pw", "list"), "not UTF-8", files={"pw": b"caf\xe9\n"}
    ),
    "passphrase file huge": Bad(
        ("--passphrase-file", "{tmp}/pw", "list"), "too big", files={"pw": b"x" * 100_000}
    ),
    "passphrase file empty": Bad(
        ("--passphrase-file", "{tmp}/pw", "list"), "does not open", files={"pw": b""}
    ),
}
for command in (
    ("list",),
    ("plan",),
    ("session", "list"),
    ("search", "x"),
    ("check",),
    ("export", "--plain", "-o", "{tmp}/out.md"),
    ("backup", "{tmp}/b.kapj"),
    ("write",),
    ("mood", "5"),
    ("assess", "phq9"),
):
    name = " ".join(c for c in command if "{" not in c and not c.startswith("-"))
    stdin = b"0 0 0 0 0 0 0 0 0" if command[0] == "assess" else b"words"
    CASES[f"{name}: wrong passphrase"] = Bad(
        command, "does not open", stdin=stdin, env={"KAPJOURNAL_PASSPHRASE": "wrong"}
    )
    CASES[f"{name}: not a journal"] = Bad(command, "not a kapjournal journal", stdin=stdin,
                                          setup="text")  # fmt: skip
CASES |= {
    "empty journal file": Bad(("list",), "not a kapjournal journal", setup="empty"),
    "random bytes": Bad(("list",), "not a kapjournal journal", setup="random"),
    "missing journal": Bad(("list",), "there is no journal", setup="missing"),
    "group-writable folder": Bad(("list",), "chmod go-w", setup="group-writable"),
    "world-writable folder": Bad(("write",), "chmod go-w", stdin=b"x", setup="world-writable"),
    "shared sticky folder": Bad(("list",), "shared with everyone", setup="sticky"),
    "folder of another user": Bad(("list",), "another user", setup="other-owner"),
}


def prepare(setup: str, journal: Path) -> None:
    """Change the journal or its folder before the command runs."""
    if setup == "text":
        journal.write_bytes(b"dear diary, today...\n")
    elif setup == "empty":
        journal.write_bytes(b"")
    elif setup == "random":
        journal.write_bytes(os.urandom(8192))
    elif setup == "missing":
        journal.unlink()
    elif setup == "group-writable":
        journal.parent.chmod(0o770)
    elif setup == "world-writable":
        journal.parent.chmod(0o707)
    elif setup == "sticky":
        journal.parent.chmod(0o1777)
    elif setup == "other-owner":
        if os.geteuid() != 0:
            pytest.skip("only root can give a folder to another user")
        os.chown(journal.parent, 65534, 65534)


# --- running one case ----------------------------------------------------------------------------


def seeded_journal(folder: Path) -> Path:
    path = folder / "journal.kapj"
    journal, _ = Journal.create(path, PASSPHRASE, kdf=FAST_KDF, clock=lambda: T0)
    journal.add(DosingSession, when=T0, number=1, route="iv", intention="to rest")
    journal.add(Reflection, body="a first reflection", title="first")
    journal.add(CheckIn, mood=6)
    journal.lock()
    return path


def fingerprint(folder: Path) -> dict[str, str]:
    """Every file in the folder and a hash of its bytes."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def run_case(case: Bad, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    folder = tmp_path / "journal"
    folder.mkdir(mode=0o700)
    jpath = seeded_journal(folder)
    work = tmp_path / "work"
    work.mkdir()
    for name, content in case.files.items():
        (work / name).write_bytes(content)
    if case.setup:
        prepare(case.setup, jpath)
    env = {"KAPJOURNAL_JOURNAL": str(jpath), "KAPJOURNAL_PASSPHRASE": PASSPHRASE, **case.env}
    if "_MAX_STDIN" in env:
        monkeypatch.setattr("kapjournal.cli.common.MAX_STDIN", int(env.pop("_MAX_STDIN")))
    before = fingerprint(folder)
    args = [a.replace("{tmp}", str(work)) for a in case.args]
    try:
        result = CliRunner().invoke(cli, args, input=case.stdin, env=env)
        after = fingerprint(folder)
    finally:
        folder.chmod(0o700)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError("an exception escaped the command") from result.exception
    assert after == before, "the journal's folder changed on a failed command"
    if case.absent:
        assert not (work / case.absent).exists(), "a failed command wrote its output"
    return result.exit_code, result.stderr


def check_message(case: Bad, code: int, stderr: str) -> None:
    assert code == case.code, stderr
    assert "Traceback" not in stderr
    assert is_safe(stderr) and "\x1b" not in stderr, "stderr carries control characters"
    lines = stderr.splitlines()
    assert lines and lines[-1].startswith("kapjournal: "), stderr
    if not case.listing:
        assert len(lines) == 1, stderr
    assert case.expect.casefold() in lines[-1].casefold(), stderr


def test_the_table_is_big_enough() -> None:
    assert len(CASES) >= 150


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_is_one_line_and_changes_nothing(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = CASES[name]
    code, stderr = run_case(case, tmp_path, monkeypatch)
    check_message(case, code, stderr)


# --- cases that need a process of their own --------------------------------------------------------

PROCESS_CASES: dict[str, tuple[str, dict[str, str | bytes], str]] = {
    # name: (shell command after "kapjournal", environment, words in the message)
    "closed stdin": ("write <&-", {}, "standard input is closed"),
    "closed stdin for the search words": ("search <&-", {}, "standard input is closed"),
    "KAPJOURNAL_HOME=~nosuchuser": (
        "list",
        {"KAPJOURNAL_HOME": "~nosuchuser-kapj", "KAPJOURNAL_JOURNAL": ""},
        "names no user",
    ),
    "KAPJOURNAL_JOURNAL=~nosuchuser": (
        "list",
        {"KAPJOURNAL_JOURNAL": "~nosuchuser-kapj/j.kapj"},
        "names no user",
    ),
    "passphrase not UTF-8 in the environment": (
        "list",
        {"KAPJOURNAL_PASSPHRASE": b"caf\xe9"},
        "not UTF-8",
    ),
    "no terminal to ask the passphrase on": (
        "list",
        {"KAPJOURNAL_PASSPHRASE": ""},
        "no terminal to ask on",
    ),
    "nested import from stdin": (
        "import --format jrnl-json - < {tmp}/deep.json",
        {},
        "too deeply nested",
    ),
}


@pytest.mark.parametrize("name", list(PROCESS_CASES))
def test_bad_input_in_a_process_of_its_own(name: str, tmp_path: Path) -> None:
    command, extra, words = PROCESS_CASES[name]
    folder = tmp_path / "journal"
    folder.mkdir(mode=0o700)
    jpath = seeded_journal(folder)
    (tmp_path / "deep.json").write_bytes(b"[" * 200_000)
    env: dict[bytes, bytes] = {
        os.fsencode(k): os.fsencode(v) for k, v in os.environ.items() if not k.startswith("KAPJ")
    }
    env[b"KAPJOURNAL_JOURNAL"] = os.fsencode(jpath)
    env[b"KAPJOURNAL_PASSPHRASE"] = PASSPHRASE.encode()
    env[b"KAPJOURNAL_HOME"] = os.fsencode(tmp_path / "home")
    for key, value in extra.items():
        raw = value if isinstance(value, bytes) else value.encode()
        if raw:
            env[key.encode()] = raw
        else:
            env.pop(key.encode(), None)
    before = fingerprint(folder)
    script = f'exec "$0" -m kapjournal {command.replace("{tmp}", str(tmp_path))}'
    done = subprocess.run(
        ["sh", "-c", script, sys.executable],
        env=env,
        capture_output=True,
        timeout=60,
        start_new_session=True,  # no controlling terminal
        stdin=subprocess.DEVNULL,
    )
    stderr = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 1, stderr
    assert "Traceback" not in stderr and "unexpected error" not in stderr
    assert stderr.count("\n") == 1 and stderr.startswith("kapjournal: "), stderr
    assert words in stderr, stderr
    assert fingerprint(folder) == before


def test_a_lone_date_typo_never_stops_the_other_commands(tmp_path: Path) -> None:
    """The issue's reproduction: a year-9999 session once made plan and every unlock fail."""
    folder = tmp_path / "journal"
    folder.mkdir(mode=0o700)
    jpath = seeded_journal(folder)
    env = {"KAPJOURNAL_JOURNAL": str(jpath), "KAPJOURNAL_PASSPHRASE": PASSPHRASE}
    runner = CliRunner()
    refused = runner.invoke(
        cli, ["session", "add", "--route", "iv", "--date", "9999-12-31"], env=env
    )
    assert refused.exit_code == 1
    for args in (["plan"], ["list"], ["session", "list"]):
        assert runner.invoke(cli, args, env=env).exit_code == 0
