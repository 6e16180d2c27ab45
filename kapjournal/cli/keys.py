"""The journal and its keys: ``init``, ``passwd``, ``recover``, ``check``, ``backup``."""

from __future__ import annotations

import os
from pathlib import Path

import click

from kapjournal.cli.common import PASSPHRASE_ENV, Ctx, ask_secret, fail, friendly, pass_ctx
from kapjournal.cli.help import check_region_option, setup_region
from kapjournal.text import one_line


@click.command()
@click.option(
    "--region",
    metavar="XX",
    callback=check_region_option,
    help="Your country (GB, US, ...), so crisis help shows your local lines.",
)
@pass_ctx
@friendly
def init(c: Ctx, region: str | None) -> None:
    """Create a new journal and show its recovery key once."""
    if c.journal_path.exists():
        fail(f"a journal already exists at {c.journal_path}")
    passphrase = c.new_passphrase()
    from kapjournal.journal import Journal

    journal, recovery = Journal.create(c.journal_path, passphrase)
    setup_region(region, journal)
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


@click.command()
@pass_ctx
@friendly
def passwd(c: Ctx) -> None:
    """Change the passphrase (the recovery key stays valid)."""
    with c.open() as journal:
        if c.passphrase_file is not None or os.environ.get(PASSPHRASE_ENV):
            fail("to change the passphrase, run 'kapjournal passwd' on a terminal")
        journal.change_passphrase(c.new_passphrase())
    click.echo("Passphrase changed.")


@click.command()
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


@click.command()
@pass_ctx
@friendly
def check(c: Ctx) -> None:
    """Decrypt every item and report damaged ones."""
    with c.open() as journal:
        bad = journal.check()
        total = journal.count()
    if bad:
        for item_id in bad:
            click.echo(f"damaged: {one_line(item_id, 80)}", err=True)
        fail(f"{len(bad)} of {total} items are damaged; the others are fine")
    click.echo(f"All {total} items are intact.")


@click.command()
@click.argument("dest", type=click.Path(path_type=Path, dir_okay=False))
@pass_ctx
@friendly
def backup(c: Ctx, dest: Path) -> None:
    """Copy the journal, still encrypted, to DEST."""
    with c.open() as journal:
        journal.backup(dest)
    click.echo(f"Backed up to {dest} (encrypted; the same passphrase opens it).")
