"""``kapjournal help``: crisis lines from the shell, with no journal and no passphrase.

Also the region question that ``init`` asks (:func:`setup_region`).
"""

from __future__ import annotations

import shutil
import sys
import textwrap
from typing import TYPE_CHECKING

import click

from kapjournal import region as region_store
from kapjournal import safety
from kapjournal.cli.common import fail
from kapjournal.errors import KapJournalError

if TYPE_CHECKING:
    from kapjournal.journal import Journal


def _lines(code: str, width: int = 78) -> list[str]:
    """Everything ``kapjournal help`` prints for a region code, as plain lines."""
    directory = safety.load_crisis_lines()
    known = safety.known_code(code, directory)
    place = directory.regions[known]
    out = [*textwrap.wrap(safety.in_danger(known, directory), width), ""]
    out += [*textwrap.wrap(safety.NOT_MONITORED, width), ""]
    if known == safety.INTERNATIONAL:
        if code and code.upper() != safety.INTERNATIONAL:
            out.append(f"No crisis lines are listed for {code.upper()} yet.")
        out.append("These directories list free, confidential lines in most countries:")
    else:
        out.append(f"Crisis lines ({place.name}):")
    for line in place.lines:
        out.append("")
        out.append(f"  {line.name}")
        out += textwrap.wrap(
            " · ".join(r.label for r in line.reach),
            width,
            initial_indent="    ",
            subsequent_indent="    ",
        )
        if line.about:
            out += textwrap.wrap(line.about, width, initial_indent="    ", subsequent_indent="    ")
        out.append(f"    {line.hours} · checked {line.checked}")
    return out


@click.command("help")
@click.option(
    "--region",
    "code",
    metavar="XX",
    help="A two-letter country code (GB, US, ...); default: the region you chose.",
)
@click.option("--list", "list_regions", is_flag=True, help="List the regions with crisis lines.")
def help_(code: str | None, list_regions: bool) -> None:
    """Crisis lines and the emergency number, now. Needs no journal and no passphrase."""
    if list_regions:
        for place in safety.regions():
            click.echo(f"{place.code:<4} {place.name}")
        return
    if code is not None and region_store.normalise(code) is None:
        fail(f"a region is a two-letter country code such as GB or US, not {code!r}")
    chosen = region_store.normalise(code) if code else region_store.stored()
    width = max(40, min(shutil.get_terminal_size((80, 24)).columns, 80) - 2)
    for text in _lines(chosen or safety.INTERNATIONAL, width):
        click.echo(text)
    if chosen is None:
        click.echo("")
        click.echo(
            "To see the lines for your country: kapjournal help --region XX "
            "(kapjournal help --list shows the codes)."
        )


def check_region_option(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> str | None:
    """Click callback for ``--region``: a clear usage error before anything else happens."""
    if value is None:
        return None
    clean = region_store.normalise(value)
    if clean is None:
        raise click.BadParameter(f"use a two-letter country code such as GB or US, not {value!r}")
    return clean


def setup_region(code: str | None, journal: Journal | None = None) -> str | None:
    """For ``init``: take --region, or ask on a terminal; save it where help can read it.

    With a journal, its settings get the region too. Never fails: the journal is already made
    and its recovery key still has to be shown, so a problem here is only a warning.
    Returns the code saved, or None.
    """
    if code is None and sys.stdin.isatty():
        answer = click.prompt(
            "Your country, for crisis lines (two letters: GB, US, ...; enter to skip)",
            default="",
            show_default=False,
            err=True,
        )
        code = region_store.normalise(answer) if answer.strip() else None
        if answer.strip() and code is None:
            click.echo(
                "That is not a two-letter code; set it later in the app's settings.", err=True
            )
    if code is None:
        return None
    try:
        region_store.save(code)
        if journal is not None:
            journal.update(journal.settings(), region=code)
    except KapJournalError as exc:
        click.echo(f"kapjournal: the region was not saved ({exc}); set it in settings.", err=True)
        return None
    if safety.known_code(code) == safety.INTERNATIONAL and code != safety.INTERNATIONAL:
        click.echo(
            f"No crisis lines are listed for {code} yet; help will show international directories.",
            err=True,
        )
    return code
