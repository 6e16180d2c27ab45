"""``kapjournal export``, ``keygen`` and ``import``: sharing with a therapist, and bringing data in.

Default protection of an
export: ``--to`` a recipient, else ``--passphrase``, else the therapist's key from settings when
one is set (the safe choice needs no flag), else plaintext with a warning; ``--plain`` asks for
plaintext even when a therapist key is set. ``--everything`` is the patient's own copy, so it
never defaults to the therapist's key. The format follows the file name through ``.age``
(``summary.html.age`` is HTML), and an encrypted export's name must end in ``.age``
(:mod:`kapjournal.summary.naming`, shared with the app). ``import --format kapjournal-json``
brings an ``--everything`` file back in (plain or ``.age`` under a passphrase), ids and all.
"""

from __future__ import annotations

import os
import sys
from datetime import date, datetime
from pathlib import Path

import click

from kapjournal.cli.common import Ctx, ask_secret, fail, friendly, pass_ctx, prompt_dirs

EXPORT_PASSPHRASE_ENV = "KAPJOURNAL_EXPORT_PASSPHRASE"
INCLUDES = (
    "shared",
    "all",
    "scores",
)  # as summary.model.INCLUDES; kept here so startup stays quick


def _day(text: str | None, name: str) -> date | None:
    if not text or text == "all":
        return None
    from kapjournal.dates import DateError, parse_day

    try:
        return parse_day(text, f"the {name} date")
    except DateError as exc:
        fail(str(exc))


def _export_passphrase() -> str:
    """From $KAPJOURNAL_EXPORT_PASSPHRASE, else asked twice on the terminal."""
    env = os.environ.get(EXPORT_PASSPHRASE_ENV)
    if env:
        return env
    first = ask_secret("Passphrase for this export (tell your therapist another way)")
    if not first:
        fail("the export passphrase cannot be empty")
    if ask_secret("The same passphrase again") != first:
        fail("the two passphrases differ; nothing was written")
    return first


@click.command()
@click.option("--since", help="First day, YYYY-MM-DD, or 'all' (default: 28 days ago).")
@click.option("--until", help="Last day, YYYY-MM-DD (default: today).")
@click.option(
    "--include",
    type=click.Choice(INCLUDES),
    default="shared",
    show_default=True,
    help="shared: reflections you marked shared; all: every reflection; scores: no text.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "html", "json"]),
    help="md, html or json (FHIR R4); default from the file name, else md.",
)
@click.option("--to", "recipient", help="Encrypt to this age recipient (age1…).")
@click.option("--passphrase", "use_passphrase", is_flag=True, help="Encrypt with a passphrase.")
@click.option("--plain", is_flag=True, help="No encryption, even if a therapist key is set.")
@click.option("--everything", is_flag=True, help="Every record, as kapjournal-everything JSON.")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="The file to create (never overwritten).",
)
@pass_ctx
@friendly
def export(
    c: Ctx,
    since: str | None,
    until: str | None,
    include: str,
    fmt: str | None,
    recipient: str | None,
    use_passphrase: bool,
    plain: bool,
    everything: bool,
    output: Path,
) -> None:
    """Write a summary for your therapist, or --everything you have written.

    It is encrypted to your therapist's key from Settings when one is set; otherwise use --to or
    --passphrase, or it is written unencrypted with a warning. Shared reflections tagged
    'for-therapist' are listed under what you would like to talk about. Drafts never go out.
    """
    from kapjournal.summary import exporting, sharing
    from kapjournal.summary.naming import check_name, format_for_name

    if sum(map(bool, (recipient, use_passphrase, plain))) > 1:
        raise click.UsageError("choose one of --to, --passphrase and --plain")
    if everything and (since or until or fmt or include != "shared"):
        raise click.UsageError("--everything takes no --since, --until, --include or --format")
    first, last = _day(since, "--since"), _day(until, "--until")
    if first and last and last < first:
        fail("--until is before --since")
    if recipient is not None:
        recipient = sharing.check_recipient(recipient)
    if output.exists():
        fail(f"{output} already exists; choose another name (nothing was overwritten)")
    passphrase = _export_passphrase() if use_passphrase else None
    with c.open() as journal:
        if recipient is None and passphrase is None and not plain and not everything:
            # The therapist's key is the default for summaries only: --everything is the
            # patient's own copy, which the therapist's key would lock them out of.
            recipient = journal.settings().therapist_recipient or None
        encrypted = recipient is not None or passphrase is not None
        named = check_name(output, encrypted=encrypted, fmt="everything" if everything else fmt)
        if named.problem:
            fail(named.problem + " (nothing was written)")
        if everything:
            done = exporting.export_everything(
                journal, output, recipient=recipient, passphrase=passphrase
            )
            what = "everything (kapjournal-everything JSON)"
        else:
            today = journal.clock().date()
            if since != "all" and first is None:
                first = exporting.default_range(last or today)[0]
            summary = exporting.summary_from(journal, first, last, include, catalog=_catalog(c))
            fmt = fmt or format_for_name(output) or "md"
            done = exporting.export_summary(
                journal, summary, fmt, output, recipient=recipient, passphrase=passphrase
            )
            what = f"summary {summary.since} to {summary.until} ({fmt}, {include})"
    if done.recipient == "none":
        click.echo(
            f"kapjournal: warning: {done.path} is NOT encrypted; anyone who can read the file "
            "can read it. Handle it carefully and delete it when it has been shared.",
            err=True,
        )
        click.echo(f"Wrote {what} to {done.path}.")
    elif done.recipient == "passphrase":
        click.echo(f"Wrote {what} to {done.path}, encrypted with your export passphrase.")
    else:
        click.echo(f"Wrote {what} to {done.path}, encrypted to {done.recipient}.")


def _catalog(c: Ctx) -> object | None:
    """The prompt packs, to know which exercise holds a committed action; None if unreadable."""
    try:
        from kapjournal.exercises import load_packs

        return load_packs(prompt_dirs(c))
    except Exception:  # the defaults in summary still apply
        return None


@click.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("kapjournal-therapist-key.txt"),
    show_default=True,
    help="Where to write the secret identity (never overwritten).",
)
@friendly
def keygen(output: Path) -> None:
    """Make an age key pair for a therapist: prints the public recipient to give to patients."""
    from kapjournal.summary.sharing import new_identity, write_new

    text, public = new_identity(datetime.now().astimezone())
    write_new(output, text.encode())
    click.echo(public)
    click.echo(
        f"Secret key written to {output} (mode 0600). Keep it private and backed up: it is the "
        "only way to open exports made to the public key above (age -d -i FILE).",
        err=True,
    )


@click.command("import")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jrnl-json", "dayone-json", "kapjournal-json"]),
    required=True,
    help="jrnl-json: jrnl --format json; dayone-json: a Day One export (.zip, or its "
    "Journal.json); kapjournal-json: what export --everything wrote (plain or .age).",
)
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, allow_dash=True))
@pass_ctx
@friendly
def import_(c: Ctx, fmt: str, file: Path) -> None:
    """Import another journal's entries as private reflections, or a kapjournal --everything
    file with every record as it was (either way, importing again adds nothing twice)."""
    from kapjournal import importers

    data = sys.stdin.buffer.read() if str(file) == "-" else file.read_bytes()
    if fmt == "kapjournal-json":
        found = importers.parse_everything(importers.open_everything(data, _import_passphrase))
        with c.open() as journal:
            done = importers.import_records(journal, found)
        kinds: dict[str, int] = {}
        for record in found:
            kinds[record.kind] = kinds.get(record.kind, 0) + 1
        what = ", ".join(kind_count(k, n) for k, n in kinds.items()) or "nothing"
        click.echo(
            f"Imported {done.added} of {len(found)} records ({what}), each with its own id"
            + (f"; {done.skipped} were already there." if done.skipped else ".")
        )
        return
    entries = importers.parse(fmt, data)
    with c.open() as journal:
        result = importers.import_entries(journal, entries)
    click.echo(
        f"Imported {result.added} entr{'y' if result.added == 1 else 'ies'} as private "
        f"reflection{'' if result.added == 1 else 's'}"
        + (
            f" ({result.skipped} {'was' if result.skipped == 1 else 'were'} already there)."
            if result.skipped
            else "."
        )
    )


KIND_WORDS = {
    "session": ("session", "sessions"),
    "reflection": ("reflection", "reflections"),
    "checkin": ("check-in", "check-ins"),
    "assessment": ("questionnaire", "questionnaires"),
    "safety_plan": ("safety plan", "safety plans"),
    "settings": ("settings record", "settings records"),
    "share_log": ("share log entry", "share log entries"),
}


def kind_count(kind: str, count: int) -> str:
    """``1 session``, ``2 check-ins``: a count of records of one kind, in words."""
    one, many = KIND_WORDS.get(kind, (kind, kind))
    return f"{count} {one if count == 1 else many}"


def _import_passphrase() -> str:
    """The passphrase of an encrypted export: $KAPJOURNAL_EXPORT_PASSPHRASE, else asked once."""
    env = os.environ.get(EXPORT_PASSPHRASE_ENV)
    if env:
        return env
    answer = ask_secret("Passphrase of this export")
    if not answer:
        fail("no passphrase given; nothing was imported")
    return answer
