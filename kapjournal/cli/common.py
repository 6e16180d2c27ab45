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
            try:
                text = self.passphrase_file.read_text(encoding="utf-8")
            except OSError as exc:
                fail(f"cannot read the passphrase file: {exc.strerror}")
            return text.rstrip("\r\n")
        env = os.environ.get(PASSPHRASE_ENV)
        if env:
            return env
        return ask_secret(prompt)

    def new_passphrase(self) -> str:
        if self.passphrase_file is not None or os.environ.get(PASSPHRASE_ENV):
            return self.passphrase()
        first = ask_secret("New passphrase")
        if ask_secret("The same passphrase again") != first:
            fail("the two passphrases differ; nothing was changed")
        return first

    @contextmanager
    def open(self) -> Iterator[Journal]:
        from kapjournal.journal import Journal

        journal = Journal.unlock(self.journal_path, self.passphrase())
        try:
            yield journal
        finally:
            journal.lock()


def ask_secret(prompt: str) -> str:
    """Ask on the terminal itself, so standard input stays free for entry text."""
    import getpass

    try:
        tty = open("/dev/tty", "r+")  # noqa: SIM115
    except OSError:
        fail(
            "no passphrase: there is no terminal to ask on. Use --passphrase-file FILE "
            f"or set {PASSPHRASE_ENV}"
        )
    with tty:
        try:
            return getpass.getpass(f"{prompt}: ", stream=tty)
        except EOFError:
            fail("no passphrase given")


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
        except BrokenPipeError:  # the reader went away (kapjournal list | head): not an error
            raise click.exceptions.Exit(0) from None
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
