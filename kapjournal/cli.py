"""The ``kapjournal`` command: thin over ``Journal``. With no command it opens the TUI.

Exit codes: 0 ok, 1 an error explained in one line on stderr, 2 usage. Entry text always comes from
standard input, never from an argument; the passphrase from a terminal prompt, a file, or the
environment. Textual is imported only when the TUI opens, so commands start fast.
"""

from __future__ import annotations

import json
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
from kapjournal.records import (
    CHECKIN_CONTEXTS,
    ROUTE_LABELS,
    ROUTES,
    Assessment,
    CheckIn,
    DosingSession,
    Record,
    Reflection,
    to_dict,
)

if TYPE_CHECKING:
    from kapjournal.journal import Journal

F = TypeVar("F", bound=Callable[..., Any])
PASSPHRASE_ENV = "KAPJOURNAL_PASSPHRASE"
KIND_NAMES = {
    "session": "session",
    "reflection": "reflection",
    "checkin": "check-in",
    "assessment": "assessment",
}


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


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--journal",
    type=click.Path(path_type=Path, dir_okay=False),
    envvar="KAPJOURNAL_JOURNAL",
    help="The journal file (default: in your data folder; env KAPJOURNAL_JOURNAL).",
)
@click.option(
    "--passphrase-file",
    type=click.Path(path_type=Path, dir_okay=False),
    help=f"Read the passphrase from this file (or set {PASSPHRASE_ENV}).",
)
@click.option(
    "--prompts",
    type=click.Path(path_type=Path, file_okay=False),
    multiple=True,
    help="Also read prompt packs from this folder (your therapist's, say).",
)
@click.version_option(package_name="kapjournal")
@click.pass_context
def cli(
    ctx: click.Context,
    journal: Path | None,
    passphrase_file: Path | None,
    prompts: tuple[Path, ...],
) -> None:
    """kapjournal: an encrypted journal for ketamine-assisted therapy integration.

    With no command, opens the journal in the terminal.
    """
    ctx.obj = Ctx(journal, passphrase_file, prompts)
    if ctx.invoked_subcommand is None:
        from kapjournal.tui.app import run_app

        run_app(ctx.obj.journal_path, prompt_dirs=list(prompts))


@cli.command()
@click.pass_context
def demo(ctx: click.Context) -> None:
    """Open the app on a throwaway journal with eight weeks of example data."""
    from kapjournal.tui.app import run_demo

    run_demo(prompt_dirs=list(ctx.obj.prompt_dirs))


@cli.command()
@pass_ctx
@friendly
def init(c: Ctx) -> None:
    """Create a new journal and show its recovery key once."""
    if c.journal_path.exists():
        fail(f"a journal already exists at {c.journal_path}")
    passphrase = c.new_passphrase()
    from kapjournal.journal import Journal

    journal, recovery = Journal.create(c.journal_path, passphrase)
    journal.lock()
    click.echo(f"Created {c.journal_path}")
    click.echo("")
    click.echo("Your recovery key (shown this once; write it down and keep it somewhere safe):")
    click.echo("")
    click.echo(f"    {recovery}")
    click.echo("")
    click.echo(
        "If you lose both your passphrase and this key, nobody can open your journal: not us, "
        "not your therapist."
    )


@cli.command()
@click.option(
    "--exercise", "exercise_id", help="Answer this exercise's steps (see 'prompts list')."
)
@click.option("--session", "session_ref", help="Link to this session (its number).")
@click.option("--tag", "tags", multiple=True, help="A tag; repeat for more.")
@click.option("--title", help="A short title.")
@click.option("--share", is_flag=True, help="Mark it as shared with your therapist.")
@pass_ctx
@friendly
def write(
    c: Ctx,
    exercise_id: str | None,
    session_ref: str | None,
    tags: tuple[str, ...],
    title: str | None,
    share: bool,
) -> None:
    """Write a reflection; the text comes from standard input.

    With --exercise, separate the answers to its steps with a line holding only '---'.
    """
    catalog = None
    if exercise_id:
        from kapjournal.exercises import load_packs

        catalog = load_packs(_prompt_dirs(c))
        if catalog.get(exercise_id) is None:
            fail(f"there is no exercise {exercise_id!r}; see 'kapjournal prompts list'")
    text = read_stdin("reflection")
    with c.open() as journal:
        session_id = _session_id(journal, session_ref) if session_ref else None
        answers: tuple[str, ...] = ()
        body = text
        if catalog is not None and exercise_id:
            exercise = catalog.get(exercise_id)
            assert exercise is not None
            parts = [p.strip("\n") for p in _split_answers(text)]
            answers = tuple(parts[: len(exercise.steps)])
            body = "\n---\n".join(parts[len(exercise.steps) :])
            title = title or exercise.title
        reflection = journal.add(
            Reflection,
            exercise_id=exercise_id,
            session_id=session_id,
            title=title or "",
            answers=answers,
            body=body,
            tags=tuple(t.strip() for t in tags if t.strip()),
            share=share,
        )
    click.echo(f"Saved reflection {reflection.id[:8]} ({'shared' if share else 'private'}).")


def _split_answers(text: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    for line in text.splitlines():
        if line.strip() == "---":
            parts.append("\n".join(current))
            current = []
        else:
            current.append(line)
    parts.append("\n".join(current))
    return parts


def _session_id(journal: Journal, ref: str) -> str:
    if ref.isdigit():
        session = journal.session_by_number(int(ref))
        if session is None:
            fail(f"there is no session number {ref}")
        return session.id
    matches = [s for s in journal.sessions() if s.id.startswith(ref)]
    if len(matches) != 1:
        fail(f"no single session matches {ref!r}; use its number")
    return matches[0].id


@cli.command()
@click.argument("score", type=click.IntRange(0, 10))
@click.option("--anxiety", type=click.IntRange(0, 10))
@click.option("--energy", type=click.IntRange(0, 10))
@click.option("--context", type=click.Choice(CHECKIN_CONTEXTS), default="daily", show_default=True)
@click.option("--note", "with_note", is_flag=True, help="Read a short note from standard input.")
@pass_ctx
@friendly
def mood(
    c: Ctx, score: int, anxiety: int | None, energy: int | None, context: str, with_note: bool
) -> None:
    """Check in: mood SCORE from 0 (worst) to 10 (best). Not a clinical measure."""
    note = read_stdin("note").strip() if with_note else ""
    with c.open() as journal:
        journal.add(CheckIn, mood=score, anxiety=anxiety, energy=energy, context=context, note=note)
    click.echo(f"Checked in: mood {score}.")


@cli.group()
def session() -> None:
    """Log and list dosing sessions."""


@session.command("add")
@click.option("--date", "when", help="When: 2026-11-25 or '2026-11-25 14:30' (default: now).")
@click.option("--route", type=click.Choice(ROUTES), required=True)
@click.option("--dose", default="", help="The dose as you would write it (e.g. '0.5 mg/kg').")
@click.option("--setting", default="", help="Where: clinic, home with a sitter, ...")
@click.option("--support", default="", help="Who was with you.")
@click.option(
    "--number", type=click.IntRange(1, 999), help="Its number in your course (default: next)."
)
@click.option("--dissociation", type=click.IntRange(0, 10))
@pass_ctx
@friendly
def session_add(
    c: Ctx,
    when: str | None,
    route: str,
    dose: str,
    setting: str,
    support: str,
    number: int | None,
    dissociation: int | None,
) -> None:
    """Log a session; your intention comes from standard input (may be empty)."""
    intention = read_stdin("intention").strip()
    with c.open() as journal:
        s = journal.add(
            DosingSession,
            when=parse_when(when, journal.clock()),
            number=number or 0,
            route=route,
            dose=dose,
            setting=setting,
            support=support,
            intention=intention,
            dissociation=dissociation,
        )
    click.echo(f"Logged session {s.number} ({ROUTE_LABELS[route]}) on {s.when:%a %d %b %Y}.")


@session.command("list")
@pass_ctx
@friendly
def session_list(c: Ctx) -> None:
    """List sessions, oldest first."""
    with c.open() as journal:
        for s in journal.sessions():
            click.echo(
                f"{s.number:>3}  {s.when:%Y-%m-%d}  {ROUTE_LABELS[s.route]:<20} {_clean(s.intention)[:40]}"
            )


def _clean(text: str) -> str:
    """One line with no control or escape characters, safe to print to a terminal."""
    return "".join(ch if ch.isprintable() else " " for ch in text.replace("\n", " ")).strip()


def _summary_line(record: Record) -> str:
    match record:
        case Reflection():
            state = "shared" if record.share else "private"
            title = record.title or "Reflection"
            return f"{title}: {_clean(record.text)[:50]}  [{state}]"
        case DosingSession():
            return f"Session {record.number}, {ROUTE_LABELS[record.route]}: {_clean(record.intention)[:40]}"
        case CheckIn():
            extra = "".join(
                f" · {n} {v}"
                for n, v in (("anxiety", record.anxiety), ("energy", record.energy))
                if v is not None
            )
            return f"Check-in: mood {record.mood}{extra}"
        case Assessment():
            from kapjournal.measures import instrument

            return f"{instrument(record.instrument).name}: {record.score} ({record.band})"
        case _:
            return record.kind


@cli.command("list")
@click.option("--kind", type=click.Choice(sorted(KIND_NAMES)), help="Only this kind.")
@click.option("--since", help="Only from this date (YYYY-MM-DD).")
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Machine-readable output (plaintext: mind where it goes).",
)
@pass_ctx
@friendly
def list_(c: Ctx, kind: str | None, since: str | None, as_json: bool) -> None:
    """List what is in the journal, newest first."""
    start = parse_when(since, datetime.min) if since else None
    with c.open() as journal:
        items = [
            r
            for r in journal.timeline()
            if (kind is None or r.kind == kind) and (start is None or r.at >= start)
        ]
        _print_records(items, as_json)


def _print_records(items: list[Record], as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps([to_dict(r) for r in items], ensure_ascii=False, indent=1))
        return
    for r in items:
        click.echo(f"{r.at:%Y-%m-%d %H:%M}  {r.id[:8]}  {_summary_line(r)}")
    if not items:
        click.echo("Nothing yet.", err=True)


@cli.command()
@click.argument("query")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
@friendly
def search(c: Ctx, query: str, as_json: bool) -> None:
    """Find records holding every word of QUERY ('-' reads it from standard input)."""
    if query == "-":
        query = sys.stdin.readline().strip()
    with c.open() as journal:
        _print_records(journal.search(query), as_json)


@cli.command()
@pass_ctx
@friendly
def passwd(c: Ctx) -> None:
    """Change the passphrase (the recovery key stays valid)."""
    with c.open() as journal:
        if c.passphrase_file is not None or os.environ.get(PASSPHRASE_ENV):
            fail("to change the passphrase, run 'kapjournal passwd' on a terminal")
        journal.change_passphrase(c.new_passphrase())
    click.echo("Passphrase changed.")


@cli.command()
@pass_ctx
@friendly
def recover(c: Ctx) -> None:
    """Open the journal with the recovery key and set a new passphrase."""
    key = (
        ask_secret("Recovery key")
        if not os.environ.get("KAPJOURNAL_RECOVERY_KEY")
        else os.environ["KAPJOURNAL_RECOVERY_KEY"]
    )
    from kapjournal.journal import Journal

    journal = Journal.recover(c.journal_path, key)
    try:
        journal.change_passphrase(c.new_passphrase())
    finally:
        journal.lock()
    click.echo("New passphrase set. Your recovery key still works.")


@cli.command()
@pass_ctx
@friendly
def check(c: Ctx) -> None:
    """Decrypt every item and report damaged ones."""
    with c.open() as journal:
        bad = journal.check()
        total = journal.count()
    if bad:
        for item_id in bad:
            click.echo(f"damaged: {item_id}", err=True)
        fail(f"{len(bad)} of {total} items are damaged; the others are fine")
    click.echo(f"All {total} items are intact.")


@cli.command()
@click.argument("dest", type=click.Path(path_type=Path, dir_okay=False))
@pass_ctx
@friendly
def backup(c: Ctx, dest: Path) -> None:
    """Copy the journal, still encrypted, to DEST."""
    with c.open() as journal:
        journal.backup(dest)
    click.echo(f"Backed up to {dest} (encrypted; the same passphrase opens it).")


@cli.group()
def prompts() -> None:
    """Integration exercises: list them, or check a pack you wrote."""


@prompts.command("list")
@pass_ctx
@friendly
def prompts_list(c: Ctx) -> None:
    """List every exercise from the shipped packs, your config folder and --prompts."""
    from kapjournal.exercises import load_packs

    catalog = load_packs(_prompt_dirs(c))
    for ex in catalog.exercises.values():
        click.echo(f"{ex.id:<28} {ex.timing:<11} {ex.minutes:>3} min  {_clean(ex.title)}")
    for problem in catalog.problems:
        click.echo(f"skipped: {problem}", err=True)


@prompts.command("check")
@click.argument("path", type=click.Path(path_type=Path, exists=True), required=False)
@pass_ctx
@friendly
def prompts_check(c: Ctx, path: Path | None) -> None:
    """Validate a prompt pack (a .toml file or a folder); with no PATH, every pack in use."""
    from kapjournal.exercises import builtin_prompt_dirs, check_pack_file, load_packs

    if path is None:
        problems = load_packs(_prompt_dirs(c)).problems
    else:
        problems = check_pack_file(path, against=builtin_prompt_dirs())
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        fail(f"{len(problems)} problem(s) found")
    click.echo("The pack is fine." if path else "All packs are fine.")


@cli.command()
@pass_ctx
@friendly
def plan(c: Ctx) -> None:
    """What is due today, and what is coming, after your sessions."""
    from kapjournal.exercises import load_packs

    catalog = load_packs(_prompt_dirs(c))
    with c.open() as journal:
        the_plan = journal.plan(catalog)
    due, coming = the_plan.due_today(), the_plan.coming()
    if the_plan.small_step is not None:
        click.echo(f"Your small step: {_clean(the_plan.small_step.text)[:70]}")
    if not due and not coming:
        click.echo("Nothing is due today. Write or check in whenever you like.")
    for label, items in (("Due today", due), ("Coming", coming)):
        if items:
            click.echo(label)
        for item in items:
            ex = item.exercise
            where = f" (session {item.session.number})" if item.session else ""
            gentle = " · from earlier, if you still want to" if item.status == "overdue" else ""
            when = "" if label == "Due today" else f" · from {item.opens:%a %d %b}"
            click.echo(
                f"  {ex.id:<26} {ex.minutes:>3} min  {_clean(ex.title)}{where}{when}{gentle}"
            )


@cli.command()
@click.argument("instrument", type=click.Choice(["phq9", "gad7", "pcl5"]))
@click.option("--session", "session_ref", help="Link to this session (its number).")
@pass_ctx
@friendly
def assess(c: Ctx, instrument: str, session_ref: str | None) -> None:
    """Record a questionnaire; answers (numbers, one per item) come from standard input."""
    from kapjournal import measures, safety

    inst = measures.instrument(instrument)
    if sys.stdin.isatty():
        click.echo(inst.stem, err=True)
        click.echo(" · ".join(f"{o.value} {o.label}" for o in inst.options), err=True)
        for number, item in enumerate(inst.items, 1):
            click.echo(f"{number}. {item}", err=True)
    words = read_stdin("answers, separated by spaces").split()
    try:
        answers = [int(w) for w in words]
    except ValueError:
        fail("answers are whole numbers separated by spaces")
    with c.open() as journal:
        session_id = _session_id(journal, session_ref) if session_ref else None
        done = journal.add_assessment(instrument, answers, session_id=session_id)
        region = journal.settings().region
    band = measures.band_for(instrument, done.score)
    click.echo(f"{inst.name}: {done.score} ({band.label}). {band.meaning}")
    if measures.FLAG_PHQ9_ITEM9 in done.flags:
        click.echo("")
        click.echo(safety.ITEM9_NOTE)
        for line in safety.lines_for(region):
            click.echo(f"  {line.name}: {', '.join(r.label for r in line.reach)}")


def _prompt_dirs(c: Ctx) -> list[Path]:
    from kapjournal.exercises import builtin_prompt_dirs

    return [*builtin_prompt_dirs(), paths.user_prompt_dir(), *c.prompt_dirs]


def main() -> None:
    """Entry point: no core dumps, no tracebacks for the patient."""
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ImportError, ValueError, OSError):
        pass
    try:
        cli.main(prog_name="kapjournal", standalone_mode=True)
    except KapJournalError as exc:
        click.echo(f"kapjournal: {exc}", err=True)
        sys.exit(1)
    except BrokenPipeError:  # the reader went away (kapjournal list | head): not an error
        sys.stderr.close()
        sys.exit(0)
    except Exception as exc:  # the last net: a type name, never a message that may hold text
        if os.environ.get("KAPJOURNAL_DEBUG"):
            raise
        click.echo(
            f"kapjournal: unexpected error ({type(exc).__name__}); nothing already saved was lost. "
            "Set KAPJOURNAL_DEBUG=1 to see details.",
            err=True,
        )
        sys.exit(1)


from kapjournal import cli_share  # noqa: E402,F401  (registers export, keygen, import)
