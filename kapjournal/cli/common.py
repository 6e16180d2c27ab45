"""What every command shares: the global options, secrets from a terminal, and one-line errors."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from kapjournal import paths
from kapjournal.errors import KapJournalError

if TYPE_CHECKING:
    from kapjournal.journal import Journal

F = TypeVar("F", bound=Callable[..., Any])
PASSPHRASE_ENV = "KAPJOURNAL_PASSPHRASE"


class Ctx:
    """What the global options decided, passed to every command."""

    def __init__(
        self, journal: Path | None, passphrase_file: Path | None, prompts: tuple[Path, ...]
    ):
        self.journal_path = journal or paths.default_journal()
        self.passphrase_file = passphrase_file
        self.prompt_dirs = prompts

    # --- the passphrase ---

    def passphrase(self, prompt: str = "Passphrase") -> str:
        """From --passphrase-file, then $KAPJOURNAL_PASSPHRASE, then the terminal."""
        if self.passphrase_file is not None:
            return read_secret_file(self.passphrase_file, "passphrase")
        env = os.environ.get(PASSPHRASE_ENV)
        if env:
            return env
        return ask_secret(prompt)

    def new_passphrase(self, file: Path | None = None) -> str:
        """A new passphrase: from ``file``, else the usual sources, else asked twice; checked."""
        from kapjournal import passphrases

        if file is not None:
            new = read_secret_file(file, "new passphrase")
        elif self.passphrase_file is not None or os.environ.get(PASSPHRASE_ENV):
            new = self.passphrase()
        else:
            new = ask_secret("New passphrase (at least 8 characters; a few words are best)")
            if (why := passphrases.problem(new)) is not None:
                fail(f"{why}; nothing was changed")
            label, advice = passphrases.strength(new)
            if label in ("weak", "fair"):
                click.echo(f"{label}: {advice}", err=True)
            if ask_secret("The same passphrase again") != new:
                fail("the two passphrases differ; nothing was changed")
        if (why := passphrases.problem(new)) is not None:
            fail(f"{why}; nothing was changed")
        return new

    @contextmanager
    def open(self, *, readonly: bool | None = False, warn: bool = True) -> Iterator[Journal]:
        """The journal, unlocked; what is wrong with it is said on stderr, one line each.

        Reading commands pass ``readonly=None``: read-write where possible (so entries written
        while locked are taken in), read-only on read-only media.
        """
        from kapjournal.journal import Journal

        journal = Journal.unlock(self.journal_path, self.passphrase(), readonly=readonly)
        try:
            if warn:
                say_problems(journal)
            yield journal
        finally:
            journal.lock()


def say_problems(journal: Journal) -> None:
    from kapjournal.text import one_line

    for problem in journal.problems:
        click.echo(f"kapjournal: warning: {one_line(problem.message)}", err=True)
    if journal.recovery_pending is not None:
        click.echo(
            "kapjournal: note: your recovery key was never confirmed as saved; "
            "'kapjournal recovery-key' shows a new one",
            err=True,
        )


def read_secret_file(path: Path, what: str) -> str:
    """A secret from a file: its first line, without the line ending; UTF-8 or a clear error."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        fail(f"cannot read the {what} file: {exc.strerror}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        fail(f"the {what} file is not UTF-8 text")
    return text.rstrip("\r\n")


def _tty_available() -> bool:
    try:
        fd = os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY)
    except OSError:
        return False
    os.close(fd)
    return True


def ask_secret(prompt: str) -> str:
    """Ask on the terminal itself, never echoed, so standard input stays free for entry text."""
    import getpass

    if not _tty_available():
        fail(
            "no passphrase: there is no terminal to ask on. Use --passphrase-file FILE "
            f"or set {PASSPHRASE_ENV}"
        )
    try:
        return getpass.getpass(f"{prompt}: ")
    except EOFError:
        fail("no passphrase given")
    except UnicodeDecodeError:
        fail("what was typed is not valid text (UTF-8); nothing was changed")


def ask_line(prompt: str) -> str | None:
    """One echoed line from the terminal itself; None when there is no terminal or no answer."""
    try:
        fd = os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY)
    except OSError:
        return None
    with open(fd, "r+b", buffering=0) as tty:
        tty.write(prompt.encode())
        line = b""
        while not line.endswith(b"\n"):
            chunk = tty.read(1)
            if not chunk:
                return None
            line += chunk
    return line.decode("utf-8", "replace").strip()


class Fail(click.ClickException):
    """One line on stderr, exit 1."""

    def show(self, file: Any = None) -> None:
        click.echo(f"kapjournal: {self.format_message()}", err=True)


def fail(message: str) -> NoReturn:
    raise Fail(message)


def read_stdin(what: str) -> str:
    """Entry text from standard input; on a terminal, say how to finish."""
    if sys.stdin.isatty():
        click.echo(f"Write your {what}; finish with Ctrl-D on a new line.", err=True)
    data = sys.stdin.buffer.read()
    return data.decode("utf-8", errors="replace")


def parse_when(text: str | None, clock_now: datetime) -> datetime:
    """A date (YYYY-MM-DD) or date and time (YYYY-MM-DD HH:MM), in local time."""
    if not text:
        return clock_now
    try:
        if len(text) <= 10:
            return datetime.combine(date.fromisoformat(text), time(9, 0)).astimezone()
        parsed = datetime.fromisoformat(text)
        return parsed if parsed.tzinfo else parsed.astimezone()
    except ValueError:
        fail(f"cannot read the date {text!r}; write it like 2026-11-25 or '2026-11-25 14:30'")


def friendly(func: F) -> F:
    """Turn our errors into one line on stderr and exit 1; never a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except KapJournalError as exc:
            raise Fail(str(exc)) from None
        except OSError as exc:
            raise Fail(_os_message(exc)) from None

    return wrapper  # type: ignore[return-value]


def _os_message(exc: OSError) -> str:
    import errno

    if exc.errno == errno.ENOSPC:
        return "the disk is full; nothing was saved"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "permission denied; check the journal's folder is yours and writable"
    return f"{exc.strerror or 'input/output error'}"


pass_ctx = click.make_pass_decorator(Ctx)


def clean(text: str) -> str:
    """One line with no control or escape characters, safe to print to a terminal."""
    return "".join(ch if ch.isprintable() else " " for ch in text.replace("\n", " ")).strip()


def prompt_dirs(c: Ctx) -> list[Path]:
    from kapjournal.exercises import builtin_prompt_dirs

    return [*builtin_prompt_dirs(), paths.user_prompt_dir(), *c.prompt_dirs]
