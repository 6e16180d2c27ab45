"""What every command shares: the global options, secrets from a terminal, and one-line errors.

Everything from outside is checked here before a command uses it: standard input must be UTF-8
(never silently "repaired"), a passphrase must be text, the journal's folder must be private, and
every message printed goes through the one sanitiser, so nothing it quotes can drive the terminal.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, tzinfo
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from kapjournal import dates, paths
from kapjournal.errors import KapJournalError
from kapjournal.text import one_line

if TYPE_CHECKING:
    from kapjournal.journal import Journal

F = TypeVar("F", bound=Callable[..., Any])
PASSPHRASE_ENV = "KAPJOURNAL_PASSPHRASE"
MAX_STDIN = 16 * 1024 * 1024  # a reflection is words; more than this is a mistake or an attack
MAX_SECRET = 64 * 1024


class Ctx:
    """What the global options decided, passed to every command."""

    def __init__(
        self, journal: Path | None, passphrase_file: Path | None, prompts: tuple[Path, ...]
    ):
        self.journal_path = (
            paths.expand(str(journal), "the journal's path") if journal else paths.default_journal()
        )
        self.passphrase_file = passphrase_file
        self.prompt_dirs = prompts

    # --- the passphrase ---

    def passphrase(self, prompt: str = "Passphrase") -> str:
        """From --passphrase-file, then $KAPJOURNAL_PASSPHRASE, then the terminal."""
        if self.passphrase_file is not None:
            return read_secret_file(self.passphrase_file, "passphrase")
        env = os.environ.get(PASSPHRASE_ENV)
        if env:
            return _secret_text(os.fsencode(env), PASSPHRASE_ENV)
        return ask_secret(prompt)

    def new_passphrase(self, file: Path | None = None) -> str:
        """A new passphrase: from ``file``, else the usual sources, else asked twice; checked."""
        from kapjournal import passphrases

        if file is not None:
            new = read_secret_file(file, "new passphrase")
        elif self.passphrase_file is not None or os.environ.get(PASSPHRASE_ENV):
            new = self.passphrase()
        else:
            new = ask_new_passphrase()
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

        paths.check_private_dir(self.journal_path.parent)
        journal = Journal.unlock(self.journal_path, self.passphrase(), readonly=readonly)
        try:
            if warn:
                say_problems(journal)
            yield journal
        finally:
            journal.lock()


def ask_new_passphrase() -> str:
    """A new passphrase on the terminal: once, a hint on its strength, then once more."""
    from kapjournal import passphrases

    new = ask_secret("New passphrase (at least 8 characters; a few words are best)")
    if (why := passphrases.problem(new)) is not None:
        fail(f"{why}; nothing was changed")
    label, advice = passphrases.strength(new)
    if label in ("weak", "fair"):
        click.echo(f"{label}: {advice}", err=True)
    if ask_secret("The same passphrase again") != new:
        fail("the two passphrases differ; nothing was changed")
    return new


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
    """A secret from a file, without its line ending; UTF-8 and of a sane size, or a clear error."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_SECRET + 1)
    except OSError as exc:
        fail(f"cannot read the {what} file: {exc.strerror}")
    if len(raw) > MAX_SECRET:
        fail(f"the {what} file is too big to hold a {what}")
    return _secret_text(raw, f"the {what} file").rstrip("\r\n")


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
        fail("the passphrase typed is not UTF-8 text; check the terminal's encoding")


def ask_tty_line(prompt: str) -> str | None:
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


def _secret_text(raw: bytes, where: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        fail(f"the passphrase in {where} is not UTF-8 text")


class Fail(click.ClickException):
    """One line on stderr, exit 1."""

    def show(self, file: Any = None) -> None:
        click.echo(f"kapjournal: {one_line(self.format_message())}", err=True)


def fail(message: str) -> NoReturn:
    raise Fail(message)


def stdin_is_terminal() -> bool:
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (ValueError, OSError):
        return False


def _stdin() -> Any:
    """Standard input's bytes, or a plain message when it is closed."""
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:
        fail("standard input is closed; give the text on standard input (or from a file: < FILE)")
    return stream


def _decode(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        fail(
            f"the {what} is not UTF-8 text (byte {exc.start + 1} is not); nothing was saved. "
            "Save it as UTF-8 and try again"
        )


def read_stdin(what: str) -> str:
    """Text from standard input, which must be UTF-8; on a terminal, say how to finish."""
    if stdin_is_terminal():
        click.echo(f"Write your {what}; finish with Ctrl-D on a new line.", err=True)
    try:
        data = _stdin().read(MAX_STDIN + 1)
    except (OSError, ValueError):
        fail("standard input is closed or cannot be read; nothing was saved")
    if len(data) > MAX_STDIN:
        fail(f"the {what} is over {MAX_STDIN // (1024 * 1024)} MB; nothing was saved")
    return _decode(data, what)


def ask_line(prompt: str) -> str:
    """One line typed on the terminal (standard input), for a field kept off the command line."""
    click.echo(f"{prompt}: ", nl=False, err=True)
    try:
        line = _stdin().readline(64 * 1024)
    except (OSError, ValueError):
        fail("standard input is closed or cannot be read; nothing was saved")
    if not line:
        fail("no answer (end of input); nothing was saved")
    return _decode(line, "answer").strip()


class Form:
    """Fields kept off the command line (and so out of shell history and the process list).

    With ``--fields``, standard input starts with ``name: value`` lines, then an empty line, then
    the text. On a terminal without ``--fields``, a field not given as an option is asked for.
    """

    def __init__(self, names: tuple[str, ...], use_fields: bool, what: str) -> None:
        self.names = names
        self.what = what
        self.interactive = not use_fields and stdin_is_terminal()
        self.values: dict[str, list[str]] = {}
        self.text: str | None = None
        if use_fields:
            self.values, self.text = split_fields(read_stdin(what), names)

    def get(self, name: str, option: Any, prompt: str | None = None) -> Any:
        """The option's value, else the field's (the last, or all for a list), else an answer."""
        given = option not in (None, "", ())
        found = self.values.get(name)
        if found is not None and given:
            fail(f"{name} is given twice: as an option and in --fields; keep one")
        if found is not None:
            return tuple(found) if isinstance(option, tuple) else found[-1]
        if not given and self.interactive and prompt:
            answer = ask_line(prompt)
            if isinstance(option, tuple):
                return tuple(t.strip() for t in answer.split(",") if t.strip())
            return answer or option
        return option

    def body(self) -> str:
        """The text after the fields, or all of standard input."""
        return self.text if self.text is not None else read_stdin(self.what)


def split_fields(text: str, names: tuple[str, ...]) -> tuple[dict[str, list[str]], str]:
    """``name: value`` lines up to the first empty line, and the text after it."""
    values: dict[str, list[str]] = {}
    lines = text.splitlines(keepends=True)
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            return values, "".join(lines[number:])
        name, sep, value = line.partition(":")
        key = "-".join(name.strip().lower().replace("_", " ").split())
        if not sep or key not in names:
            fail(
                f"--fields: line {number} is not 'name: value' with a name from "
                f"{', '.join(names)} (end the fields with an empty line); nothing was saved"
            )
        values.setdefault(key, []).append(value.strip())
    return values, ""


def whole_number(text: Any, name: str, low: int, high: int) -> int | None:
    """A field's whole number in ``low``..``high``, None when empty."""
    if text is None or text == "":
        return None
    if isinstance(text, int):
        return text
    try:
        value = int(str(text).strip())
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        fail(f"{name} must be a whole number from {low} to {high}")
    return value


def parse_when(text: str | None, clock_now: datetime, zone: tzinfo | None = None) -> datetime:
    """A date (YYYY-MM-DD, 09:00) or date and time (YYYY-MM-DD HH:MM): a wall time in ``zone``.

    ``zone`` defaults to the clock's. A time daylight saving skips is moved forward and a time it
    repeats is the first, each with a note on stderr; dates outside 1900-2100 are refused.
    """
    if not text:
        return clock_now
    try:
        when = dates.parse_when(text, zone or clock_now.tzinfo)
    except dates.DateError as exc:
        fail(str(exc))
    if when.note:
        click.echo(f"kapjournal: note: {when.note}.", err=True)
    return when.moment


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
        except (RecursionError, MemoryError):  # a file nested or sized to exhaust a parser
            raise Fail(
                "the input is too deeply nested or too big to read; nothing was saved"
            ) from None

    return wrapper  # type: ignore[return-value]


def _os_message(exc: OSError) -> str:
    import errno

    if exc.errno == errno.ENOSPC:
        return "the disk is full; nothing was saved"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "permission denied; check the journal's folder is yours and writable"
    return f"{exc.strerror or 'input/output error'}"


pass_ctx = click.make_pass_decorator(Ctx)


def clean(text: str, limit: int | None = None) -> str:
    """One line with no control, escape or bidi characters, safe to print to a terminal."""
    return one_line(text, limit)


def prompt_dirs(c: Ctx) -> list[Path]:
    from kapjournal.exercises import builtin_prompt_dirs

    return [*builtin_prompt_dirs(), paths.user_prompt_dir(), *c.prompt_dirs]
