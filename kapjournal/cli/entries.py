"""Writing and reading: ``write``, ``mood``, ``session``, ``list``, ``search``, ``plan``, ``assess``."""

from __future__ import annotations

import itertools
import json
import sys
from collections.abc import Callable
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from kapjournal import dates
from kapjournal.cli.common import (
    Ctx,
    Form,
    ask_line,
    clean,
    fail,
    friendly,
    parse_when,
    pass_ctx,
    prompt_dirs,
    read_stdin,
    stdin_is_terminal,
    whole_number,
)
from kapjournal.records import (
    AFTER_EFFECTS,
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
    from kapjournal.plan import Plan

HISTORY = " (lands in shell history; see --fields)"
FIELDS_HELP = (
    "Read the fields from standard input first: 'name: value' lines ({}), then an empty line, "
    "then the text. Keeps them out of shell history."
)
F = TypeVar("F", bound=Callable[..., Any])

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
@click.option("--tag", "tags", multiple=True, help="A tag; repeat for more" + HISTORY + ".")
@click.option("--title", help="A short title" + HISTORY + ".")
@click.option("--share", is_flag=True, help="Mark it as shared with your therapist.")
@click.option("--fields", "use_fields", is_flag=True, help=FIELDS_HELP.format("title, tag"))
@pass_ctx
@friendly
def write(
    c: Ctx,
    exercise_id: str | None,
    session_ref: str | None,
    tags: tuple[str, ...],
    title: str | None,
    share: bool,
    use_fields: bool,
) -> None:
    """Write a reflection; the text comes from standard input.

    On a terminal the title and tags are asked for; with --fields they come first on standard
    input. With --exercise, separate the answers to its steps with a line holding only '---'.
    """
    catalog = None
    if exercise_id:
        from kapjournal.exercises import load_packs

        catalog = load_packs(prompt_dirs(c))
        if catalog.get(exercise_id) is None:
            fail(f"there is no exercise {exercise_id!r}; see 'kapjournal prompts list'")
    form = Form(("title", "tag"), use_fields, "reflection")
    if not exercise_id:
        title = form.get("title", title, "Title (optional, enter to skip)")
    tags = form.get("tag", tags, "Tags (optional, separated by commas)")
    text = form.body()
    if not text.strip():
        fail("the reflection is empty; nothing was saved")
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
            if not any(a.strip() for a in answers) and not body.strip():
                fail("every answer is empty; nothing was saved")
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


def _after_effect_options(command: F) -> F:
    """--urinary, --sleep, --lasting-dissociation, --urges: the optional after-session answers."""
    from kapjournal.measures import AFTER_EFFECT_QUESTIONS

    for q in reversed(AFTER_EFFECT_QUESTIONS):
        words = ", ".join(f"{n} {w}" for n, w in enumerate(q.answers))
        command = click.option(
            f"--{q.field.replace('_', '-')}",
            q.field,
            type=click.IntRange(0, 2),
            help=f"After a session: {q.question[0].lower()}{q.question[1:]} ({words})",
        )(command)
    return command


@click.command()
@click.argument("score", type=click.IntRange(0, 10), required=False)
@click.option("--anxiety", type=click.IntRange(0, 10), help="0 none to 10 extreme" + HISTORY + ".")
@click.option("--energy", type=click.IntRange(0, 10), help="0 exhausted to 10 full" + HISTORY + ".")
@click.option("--context", type=click.Choice(CHECKIN_CONTEXTS), default="daily", show_default=True)
@click.option("--note", "with_note", is_flag=True, help="Read a short note from standard input.")
@click.option(
    "--fields",
    "use_fields",
    is_flag=True,
    help=FIELDS_HELP.format(
        "mood, anxiety, energy, and after a session "
        + ", ".join(name.replace("_", "-") for name in AFTER_EFFECTS)
    ),
)
@_after_effect_options
@pass_ctx
@friendly
def mood(
    c: Ctx,
    score: int | None,
    anxiety: int | None,
    energy: int | None,
    context: str,
    with_note: bool,
    use_fields: bool,
    **after: int | None,
) -> None:
    """Check in: mood SCORE from 0 (worst) to 10 (best). Not a clinical measure.

    Anxiety is 0 (none) to 10 (extreme), energy 0 (exhausted) to 10 (full). Leave SCORE out to be
    asked on the terminal (or give it with --fields), so the scores stay out of shell history.
    With --fields, the note is the text after the fields. After a session you can add how your
    bladder, sleep, any lasting dissociation and any urges have been, each 0, 1 or 2 (see the
    options, or the same names as fields); they are kept encrypted like everything else.
    """
    from kapjournal.measures import AFTER_EFFECT_QUESTIONS, AFTER_EFFECTS_NOTE

    if score is None and not use_fields and not stdin_is_terminal():
        raise click.UsageError("give the mood SCORE, or 'mood: N' with --fields")
    dashed = {name: name.replace("_", "-") for name in AFTER_EFFECTS}  # as --fields spells names
    form = Form(("mood", "anxiety", "energy", *dashed.values()), use_fields, "note")
    ask = score is None
    score = whole_number(form.get("mood", score, "Mood, 0 (worst) to 10 (best)"), "mood", 0, 10)
    if score is None:
        fail("the mood score is missing; nothing was saved")
    if ask:  # asked for the mood: ask for the others too
        anxiety = whole_number(
            form.get("anxiety", anxiety, "Anxiety, 0 (none) to 10 (extreme); enter to skip"),
            "anxiety",
            0,
            10,
        )
        energy = whole_number(
            form.get("energy", energy, "Energy, 0 (exhausted) to 10 (full); enter to skip"),
            "energy",
            0,
            10,
        )
    else:
        anxiety = whole_number(form.get("anxiety", anxiety), "anxiety", 0, 10)
        energy = whole_number(form.get("energy", energy), "energy", 0, 10)
    for q in AFTER_EFFECT_QUESTIONS:  # asked on a terminal only after a session
        words = ", ".join(f"{n} {w}" for n, w in enumerate(q.answers))
        prompt = f"{q.question} ({words}; enter to skip)"
        asked = form.get(
            dashed[q.field], after[q.field], prompt if ask and context == "after-session" else None
        )
        after[q.field] = whole_number(asked, q.field.replace("_", " "), 0, 2)
    note = ""
    if use_fields or with_note:
        note = form.body().strip()
    with c.open() as journal:
        journal.add(
            CheckIn, mood=score, anxiety=anxiety, energy=energy, context=context, note=note, **after
        )
    click.echo(f"Checked in: mood {score}.")
    if any(v == 2 for v in after.values()) or after.get("urinary"):
        click.echo(AFTER_EFFECTS_NOTE)


@click.group()
def session() -> None:
    """Log and list dosing sessions."""


SESSION_FIELDS = ("date", "route", "dose", "setting", "support", "number", "dissociation")


@session.command("add")
@click.option("--date", "when", help="When: 2026-11-25 or '2026-11-25 14:30' (default: now).")
@click.option("--route", type=click.Choice(ROUTES), help="How it was taken" + HISTORY + ".")
@click.option("--dose", default="", help="The dose, e.g. '0.5 mg/kg'" + HISTORY + ".")
@click.option(
    "--setting", default="", help="Where: clinic, home with a sitter, ..." + HISTORY + "."
)
@click.option("--support", default="", help="Who was with you" + HISTORY + ".")
@click.option(
    "--number", type=click.IntRange(1, 999), help="Its number in your course (default: next)."
)
@click.option("--dissociation", type=click.IntRange(0, 10), help="0 to 10" + HISTORY + ".")
@click.option(
    "--fields", "use_fields", is_flag=True, help=FIELDS_HELP.format(", ".join(SESSION_FIELDS))
)
@pass_ctx
@friendly
def session_add(
    c: Ctx,
    when: str | None,
    route: str | None,
    dose: str,
    setting: str,
    support: str,
    number: int | None,
    dissociation: int | None,
    use_fields: bool,
) -> None:
    """Log a session; your intention comes from standard input (may be empty).

    On a terminal, the route, dose, setting, support and dissociation not given as options are
    asked for; with --fields they come first on standard input. Either way they stay out of
    shell history.
    """
    form = Form(SESSION_FIELDS, use_fields, "intention")
    when = form.get("date", when)
    route = form.get("route", route, f"Route ({', '.join(ROUTES)})")
    if route not in ROUTES:
        fail(f"the route must be one of: {', '.join(ROUTES)}")
    dose = form.get("dose", dose, "Dose (optional, enter to skip)")
    setting = form.get("setting", setting, "Setting (optional)")
    support = form.get("support", support, "Support: who was with you (optional)")
    dissociation = whole_number(
        form.get("dissociation", dissociation, "Dissociation, 0 to 10 (optional)"),
        "dissociation",
        0,
        10,
    )
    number = whole_number(form.get("number", number), "the session number", 1, 999)
    intention = form.body().strip()
    with c.open() as journal:
        if number and journal.session_by_number(number) is not None:
            fail(
                f"there is already a session number {number}; leave --number out to use the "
                "next one. Nothing was saved"
            )
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
    with c.open(readonly=None) as journal:
        zone = journal.clock().tzinfo
        for s in journal.sessions():
            click.echo(
                f"{s.number:>3}  {_day(s.when, zone)}  {ROUTE_LABELS.get(s.route, '?'):<20} "
                f"{clean(s.intention, 40)}"
            )


def _summary_line(record: Record) -> str:
    match record:
        case Reflection():
            state = "shared" if record.share else "private"
            title = clean(record.title, 60) or "Reflection"
            return f"{title}: {clean(record.text, 50)}  [{state}]"
        case DosingSession():
            route = ROUTE_LABELS.get(record.route, "?")
            return f"Session {record.number}, {route}: {clean(record.intention, 40)}"
        case CheckIn():
            from kapjournal.measures import after_effects_text

            extra = "".join(
                f" · {n} {v}"
                for n, v in (("anxiety", record.anxiety), ("energy", record.energy))
                if v is not None
            )
            after = after_effects_text(record)
            return f"Check-in: mood {record.mood}{extra}" + (f" · {after}" if after else "")
        case Assessment():
            from kapjournal.measures import band_label, instrument

            return f"{instrument(record.instrument).name}: {record.score} ({clean(band_label(record), 60)})"
        case _:
            return record.kind


@click.command("list")
@click.option("--kind", type=click.Choice(sorted(KIND_NAMES)), help="Only this kind.")
@click.option("--since", help="Only from this day (YYYY-MM-DD).")
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
    first = _since(since)
    with c.open(readonly=None) as journal:
        zone = journal.clock().tzinfo
        found = (
            journal.timeline()
            if newest is None
            else journal.recent(newest, None if kind is None else [kind], first)
        )
        wanted = (
            r
            for r in found
            if (kind is None or r.kind == kind) and (first is None or _on_or_after(r, first, zone))
        )
        _print_records(list(itertools.islice(wanted, newest)), as_json, zone)


def _since(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return dates.parse_day(text, "--since")
    except dates.DateError as exc:
        fail(str(exc))


def _on_or_after(record: Record, first: date, zone: tzinfo | None) -> bool:
    return dates.in_zone(record.at, zone).date() >= first


def _day(moment: datetime, zone: tzinfo | None = None, fmt: str = "%Y-%m-%d") -> str:
    """A stored moment as a day in the patient's zone (as stored when it cannot be moved)."""
    return dates.in_zone(moment, zone).strftime(fmt)


# JSON escapes C0 controls itself; these it would leave raw (C1, DEL, bidi, line separators).
_JSON_RAW = str.maketrans(
    {
        c: f"\\u{c:04x}"
        for c in (0x7F, *range(0x80, 0xA0), 0x061C, 0x200E, 0x200F, 0x2028, 0x2029,
                  *range(0x202A, 0x202F), *range(0x2066, 0x206A))
    }
)  # fmt: skip


def to_json_text(items: list[Record]) -> str:
    """Records as JSON: Unicode kept readable, every character that could drive a terminal escaped."""
    return json.dumps([to_dict(r) for r in items], ensure_ascii=False, indent=1).translate(
        _JSON_RAW
    )


def _print_records(
    items: list[Record], as_json: bool, zone: tzinfo | None = None, empty: str = "Nothing yet."
) -> None:
    if as_json:
        click.echo(to_json_text(items))
        return
    # One write per thousand lines, not click.echo's flush per line: the text is already safe.
    out = sys.stdout
    if out is None:  # started with standard output closed: nowhere to write
        return
    zone = dates.for_many(zone)
    for start in range(0, len(items), 1000):
        out.write(
            "".join(
                f"{_day(r.at, zone, '%Y-%m-%d %H:%M')}  {clean(r.id[:8])}  {_summary_line(r)}\n"
                for r in items[start : start + 1000]
            )
        )
    out.flush()
    if not items:
        click.echo(empty, err=True)


@click.command()
@click.argument("query", required=False)
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
@friendly
def search(c: Ctx, query: str | None, as_json: bool) -> None:
    """Find records holding every word of QUERY.

    Leave QUERY out (or give '-') to type it on the terminal or pipe it in: words given as an
    argument land in shell history.
    """
    if query is None or query == "-":
        if stdin_is_terminal():
            query = ask_line("Search for")
        else:
            query = read_stdin("search words").strip()
        if not query:
            fail("no search words given")
    with c.open(readonly=None) as journal:
        _print_records(journal.search(query), as_json, journal.clock().tzinfo, "No matches.")


@click.command()
@click.option("--ics", is_flag=True, help="Write the plan as calendar reminders (iCalendar).")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
    help="With --ics: a new file to write (never overwritten); '-' or none prints it.",
)
@pass_ctx
@friendly
def plan(c: Ctx, ics: bool, output: Path | None) -> None:
    """What is due today, and what is coming, after your sessions.

    With --ics, the same plan as calendar reminders: titles say only "kapjournal: a 10-minute
    exercise" or "prepare for your next session", never what you wrote.
    """
    from kapjournal.exercises import load_packs

    if output is not None and not ics:
        fail("-o is for --ics; 'kapjournal plan --ics -o plan.ics' writes calendar reminders")
    catalog = load_packs(prompt_dirs(c))
    with c.open(readonly=None) as journal:
        the_plan = journal.plan(catalog)
        now = journal.clock()
    if ics:
        _write_ics(the_plan, now, output)
        return
    due, coming = the_plan.due_today(), the_plan.coming()
    for problem in catalog.problems:
        click.echo(f"skipped: {problem}", err=True)
    if the_plan.small_step is not None:
        click.echo(f"Your small step: {clean(the_plan.small_step.text, 70)}")
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
                f"  {clean(ex.id, 40):<26} {ex.minutes:>3} min  {clean(ex.title, 80)}"
                f"{where}{when}{gentle}"
            )


def _write_ics(the_plan: Plan, now: datetime, output: Path | None) -> None:
    from kapjournal.calendar import plan_ics, reminders
    from kapjournal.summary.sharing import write_new

    text = plan_ics(the_plan, now)
    if output is None or str(output) == "-":
        click.echo(text, nl=False)
        return
    written = write_new(output, text.encode())
    count = len(reminders(the_plan, now))
    click.echo(
        f"Wrote {count} reminder{'' if count == 1 else 's'} to {written}. Open it with your "
        "calendar; the titles say nothing about what you wrote.",
        err=True,
    )


@click.command()
@click.argument("instrument", type=click.Choice(["phq9", "gad7", "pcl5"]))
@click.option("--session", "session_ref", help="Link to this session (its number).")
@pass_ctx
@friendly
def assess(c: Ctx, instrument: str, session_ref: str | None) -> None:
    """Record a questionnaire; answers (numbers, one per item) come from standard input.

    For the PHQ-9 and GAD-7 an optional last number (the 10th or 8th) answers the unscored
    question "how difficult have these problems made it...": 0 not difficult at all to 3
    extremely difficult.
    """
    import dataclasses

    from kapjournal import measures, safety

    inst = measures.instrument(instrument)
    if sys.stdin.isatty():
        click.echo(inst.stem, err=True)
        click.echo(" · ".join(f"{o.value} {o.label}" for o in inst.options), err=True)
        for number, item in enumerate(inst.items, 1):
            click.echo(f"{number}. {item}", err=True)
        if inst.difficulty is not None:
            click.echo(
                f"Optional {len(inst.items) + 1}. (not scored) {inst.difficulty.text} "
                + " · ".join(f"{o.value} {o.label}" for o in inst.difficulty.options),
                err=True,
            )
    words = read_stdin("answers, separated by spaces").split()
    try:
        answers = [int(w) for w in words]
    except ValueError:
        fail("answers are whole numbers separated by spaces")
    difficulty: int | None = None
    n = len(inst.items)
    if inst.difficulty is not None and len(answers) not in (n, n + 1):
        fail(
            f"{inst.name} needs {n} answers, one per question, and an optional {n + 1}th for "
            f"the difficulty question; got {len(answers)}"
        )
    if inst.difficulty is not None and len(answers) == n + 1:
        difficulty = measures.check_difficulty(inst, answers.pop())
    with c.open() as journal:
        session_id = _session_id(journal, session_ref) if session_ref else None
        new = journal.new_assessment(instrument, answers, session_id=session_id)
        moved = measures.previous_change(journal.assessments(), new)
        done = journal.save(dataclasses.replace(new, difficulty=difficulty))
        region = journal.settings().region
    band = measures.band_for(instrument, done.score)
    click.echo(
        f"{inst.name}: {done.score} of {inst.max_score}, in the {band.low}–{band.high} range. "
        f"{band.meaning}"
    )
    if moved is not None:
        click.echo(measures.change_sentence(instrument, moved))
    if instrument == "pcl5":
        for cluster in measures.pcl5_cluster_lines(done.answers):
            click.echo(f"  {cluster}")
    if difficulty is not None:
        click.echo(f"Difficulty (not scored): {measures.difficulty_label(instrument, difficulty)}.")
    if measures.FLAG_PHQ9_ITEM9 in done.flags:
        from kapjournal import region as region_store

        code = safety.known_code(region_store.stored() or region)
        click.echo("")
        click.echo(safety.ITEM9_NOTE_CLI)
        click.echo(safety.in_danger(code))
        for line in safety.lines_for(code):
            click.echo(f"  {line.name}: {', '.join(r.label for r in line.reach)}")
