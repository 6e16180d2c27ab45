"""Writing and reading: ``write``, ``mood``, ``session``, ``list``, ``search``, ``plan``, ``assess``."""

from __future__ import annotations

import itertools
import sys
from datetime import datetime
from typing import TYPE_CHECKING

import click

from kapjournal.cli.common import (
    Ctx,
    clean,
    fail,
    friendly,
    parse_when,
    pass_ctx,
    prompt_dirs,
    read_stdin,
)
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
from kapjournal.text import one_line

if TYPE_CHECKING:
    from kapjournal.journal import Journal

KIND_NAMES = {
    "session": "session",
    "reflection": "reflection",
    "checkin": "check-in",
    "assessment": "assessment",
}


@click.command()
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

        catalog = load_packs(prompt_dirs(c))
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


@click.command()
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


@click.group()
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
                f"{s.number:>3}  {s.when:%Y-%m-%d}  {ROUTE_LABELS[s.route]:<20} {clean(s.intention)[:40]}"
            )


def _summary_line(record: Record) -> str:
    match record:
        case Reflection():
            state = "shared" if record.share else "private"
            title = record.title or "Reflection"
            return f"{title}: {one_line(record.text, 50)}  [{state}]"
        case DosingSession():
            return f"Session {record.number}, {ROUTE_LABELS[record.route]}: {one_line(record.intention, 40)}"
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


@click.command("list")
@click.option("--kind", type=click.Choice(sorted(KIND_NAMES)), help="Only this kind.")
@click.option("--since", help="Only from this date (YYYY-MM-DD).")
@click.option("-n", "newest", type=click.IntRange(min=1), help="Only the newest N.")
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Machine-readable output (plaintext: mind where it goes).",
)
@pass_ctx
@friendly
def list_(c: Ctx, kind: str | None, since: str | None, newest: int | None, as_json: bool) -> None:
    """List what is in the journal, newest first."""
    start = parse_when(since, datetime.min) if since else None
    with c.open() as journal:
        wanted = (
            r
            for r in journal.timeline()
            if (kind is None or r.kind == kind) and (start is None or r.at >= start)
        )
        _print_records(list(itertools.islice(wanted, newest)), as_json)


def _print_records(items: list[Record], as_json: bool) -> None:
    if as_json:
        import json

        click.echo(json.dumps([to_dict(r) for r in items], ensure_ascii=False, indent=1))
        return
    # One write per thousand lines, not click.echo's flush per line: the text is already safe.
    # str(datetime)[:16] is "YYYY-MM-DD HH:MM", as strftime would write it, in half the time.
    out = sys.stdout
    if out is None:  # started with standard output closed: nowhere to write
        return
    for start in range(0, len(items), 1000):
        out.write(
            "".join(
                f"{str(r.at)[:16]}  {r.id[:8]}  {_summary_line(r)}\n"
                for r in items[start : start + 1000]
            )
        )
    out.flush()
    if not items:
        click.echo("Nothing yet.", err=True)


@click.command()
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


@click.command()
@pass_ctx
@friendly
def plan(c: Ctx) -> None:
    """What is due today, and what is coming, after your sessions."""
    from kapjournal.exercises import load_packs

    catalog = load_packs(prompt_dirs(c))
    with c.open() as journal:
        the_plan = journal.plan(catalog)
    due, coming = the_plan.due_today(), the_plan.coming()
    if the_plan.small_step is not None:
        click.echo(f"Your small step: {clean(the_plan.small_step.text)[:70]}")
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
            click.echo(f"  {ex.id:<26} {ex.minutes:>3} min  {clean(ex.title)}{where}{when}{gentle}")


@click.command()
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
