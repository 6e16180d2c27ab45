"""The journal and its keys: ``init``, ``passwd``, ``recover``, ``recovery-key``, ``check``, ``backup``.

Every change of a secret makes a new data key for what is written next, so a passphrase or recovery
key that was replaced opens nothing new, even in an old copy of the file.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kapjournal.cli.common import (
    Ctx,
    ask_new_passphrase,
    ask_secret,
    ask_tty_line,
    fail,
    friendly,
    pass_ctx,
    read_secret_file,
    say_problems,
)
from kapjournal.cli.help import check_region_option, setup_region
from kapjournal.text import one_line

if TYPE_CHECKING:
    from kapjournal.journal import Journal

RECOVERY_ENV = "KAPJOURNAL_RECOVERY_KEY"
NEW_PASSPHRASE_FILE = click.option(
    "--new-passphrase-file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="For scripts: read the new passphrase from this file.",
)


def show_recovery_key(journal: Journal, key: str, *, first: bool) -> None:
    """Print a recovery key, and on a terminal ask the patient to confirm they saved it.

    Until confirmed, the key stays sealed in the journal and the next unlock offers a new one.
    Printed to a file or a pipe (a script), printing counts as saving it.
    """
    click.echo("")
    click.echo(
        "Your recovery key"
        + (" (shown this once" if first else " (a new one; shown this once")
        + "; write it down on paper and keep it somewhere safe):"
    )
    click.echo("")
    click.echo(f"    {key}")
    click.echo("")
    click.echo(
        "It opens your journal if you forget your passphrase. If you lose both, nobody can open "
        "your journal: not us, not your therapist."
    )
    if not sys.stdout.isatty():
        journal.confirm_recovery_key()
        return
    last = key.rsplit("-", 1)[-1]
    answer = ask_tty_line(
        f"\nWhen it is written down, type its last group ({len(last)} characters): "
    )
    if answer is not None and answer.strip().upper() == last:
        journal.confirm_recovery_key()
        click.echo("Thank you. Keep it safe.")
    else:
        click.echo(
            "Not confirmed. kapjournal will remind you, and 'kapjournal recovery-key' "
            "makes a new one whenever you like.",
            err=True,
        )


@click.command()
@click.option(
    "--region",
    metavar="XX",
    callback=check_region_option,
    help="Your country (GB, US, ...), so crisis help shows your local lines.",
)
@NEW_PASSPHRASE_FILE
@pass_ctx
@friendly
def init(c: Ctx, region: str | None, new_passphrase_file: Path | None) -> None:
    """Create a new journal and show its recovery key once."""
    if c.journal_path.exists() or c.journal_path.is_symlink():
        fail(f"a journal already exists at {c.journal_path}")
    passphrase = c.new_passphrase(new_passphrase_file)
    from kapjournal.journal import Journal

    journal, recovery = Journal.create(c.journal_path, passphrase, keep_recovery_key=True)
    try:
        setup_region(region, journal)
        click.echo(f"Created {c.journal_path}")
        show_recovery_key(journal, recovery, first=True)
    finally:
        journal.lock()


@click.command()
@NEW_PASSPHRASE_FILE
@pass_ctx
@friendly
def passwd(c: Ctx, new_passphrase_file: Path | None) -> None:
    """Change the passphrase; what you write next uses a new key the old passphrase cannot open."""
    tty = new_passphrase_file is None
    with c.open() as journal:
        new = ask_new_passphrase() if tty else c.new_passphrase(new_passphrase_file)
        recovery = journal.change_passphrase(new)
        click.echo(
            "Passphrase changed. Everything you write from now on uses a new key that your old "
            "passphrase cannot open, even in an old copy of the file. Copies made before today "
            "still open with the old passphrase."
        )
        if recovery is not None:
            click.echo("Your recovery key had to be replaced as well:")
            show_recovery_key(journal, recovery, first=False)
        else:
            click.echo("Your recovery key still works.")


@click.command()
@click.option(
    "--recovery-key-file",
    type=click.Path(path_type=Path, dir_okay=False),
    help=f"For scripts: read the recovery key from this file (or set {RECOVERY_ENV}).",
)
@NEW_PASSPHRASE_FILE
@pass_ctx
@friendly
def recover(c: Ctx, recovery_key_file: Path | None, new_passphrase_file: Path | None) -> None:
    """Forgot the passphrase: open with the recovery key, set a new passphrase and recovery key."""
    if recovery_key_file is not None:
        key = read_secret_file(recovery_key_file, "recovery key")
    elif os.environ.get(RECOVERY_ENV):
        key = os.environ[RECOVERY_ENV]
    else:
        key = ask_secret("Recovery key (11 groups of five; dashes and case do not matter)")
    from kapjournal.journal import Journal

    journal = Journal.recover(c.journal_path, key)
    try:
        say_problems(journal)
        new = c.new_passphrase(new_passphrase_file)
        recovery = journal.reset_passphrase(new)
        click.echo(
            "New passphrase set. The recovery key you just used no longer works; here is its "
            "replacement."
        )
        show_recovery_key(journal, recovery, first=False)
    finally:
        journal.lock()


@click.command("recovery-key")
@pass_ctx
@friendly
def recovery_key(c: Ctx) -> None:
    """Make a new recovery key; the old one stops working."""
    with c.open(warn=False) as journal:
        say_problems_except_pending(journal)
        recovery = journal.new_recovery_key()
        show_recovery_key(journal, recovery, first=False)
        click.echo("Your previous recovery key no longer opens anything written from now on.")


def say_problems_except_pending(journal: Journal) -> None:
    for problem in journal.problems:
        click.echo(f"kapjournal: warning: {one_line(problem.message)}", err=True)


@click.command()
@click.option(
    "--accept-older",
    is_flag=True,
    help="You restored an older copy (a backup) on purpose: make it the one to trust.",
)
@pass_ctx
@friendly
def check(c: Ctx, accept_older: bool) -> None:
    """Check the whole journal: its file, its keys, every entry. Exit 1 if anything is wrong."""
    with c.open(readonly=None, warn=False) as journal:
        if accept_older and journal.rolled_back:
            journal.accept_older()
            click.echo(
                "This copy is now the one this computer trusts; entries written after it "
                "are not in it."
            )
        problems = journal.check()
        total = journal.count()
    if problems:
        for problem in problems:
            click.echo(one_line(problem.message), err=True)
        n = len(problems)
        fail(f"{n} problem{'s' if n != 1 else ''} found; everything else is intact")
    click.echo(
        f"All {total} entr{'ies are' if total != 1 else 'y is'} intact, and nothing is missing."
    )


@click.command()
@click.argument("dest", type=click.Path(path_type=Path, dir_okay=False))
@pass_ctx
@friendly
def backup(c: Ctx, dest: Path) -> None:
    """Copy the journal, still encrypted, to DEST (never over an existing file)."""
    with c.open(readonly=None) as journal:
        journal.backup(dest)
    click.echo(f"Backed up to {dest} (encrypted; the same passphrase opens it).")
