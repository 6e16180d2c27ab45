"""``kapjournal capture``: keep a few words without the passphrase, sealed at once.

For the hour after a session, when typing a long passphrase is hard: the text is sealed to the
journal's public key, so it can be added but not read, and becomes a private reflection at the next
unlock. Nothing else of the journal is read.
"""

from __future__ import annotations

import click

from kapjournal.cli.common import Ctx, fail, friendly, pass_ctx, read_stdin


@click.command()
@click.option("--tag", "tags", multiple=True, help="A tag; repeat for more.")
@click.option(
    "--session",
    "session",
    type=click.IntRange(1, 999),
    help="The session it belongs to, by number (default: one in the last 24 hours).",
)
@pass_ctx
@friendly
def capture(c: Ctx, tags: tuple[str, ...], session: int | None) -> None:
    """Keep what comes, from standard input, without the passphrase (read at the next unlock)."""
    text = read_stdin("words")
    if not text.strip():
        fail("there is nothing to keep: standard input was empty")
    from kapjournal.journal import Journal

    Journal.capture(
        c.journal_path, text, tags=tuple(t.strip() for t in tags if t.strip()), session=session
    )
    click.echo(
        "Kept, sealed: nobody can read it without your passphrase. It joins your journal as a "
        "private reflection the next time you unlock."
    )
