"""``kapjournal prompts``: list the integration exercises, or check a pack a therapist wrote."""

from __future__ import annotations

from pathlib import Path

import click

from kapjournal.cli.common import Ctx, clean, fail, friendly, pass_ctx, prompt_dirs


@click.group()
def prompts() -> None:
    """Integration exercises: list them, or check a pack you wrote."""


@prompts.command("list")
@pass_ctx
@friendly
def prompts_list(c: Ctx) -> None:
    """List every exercise from the shipped packs, your config folder and --prompts."""
    from kapjournal.exercises import load_packs

    catalog = load_packs(prompt_dirs(c))
    for ex in catalog.exercises.values():
        click.echo(
            f"{ex.id:<22} {ex.category:<17} {ex.timing:<11} {ex.minutes:>3} min  {clean(ex.title)}"
        )
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
        problems = load_packs(prompt_dirs(c)).problems
    else:
        problems = check_pack_file(path, against=builtin_prompt_dirs())
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        fail(f"{len(problems)} problem(s) found")
    click.echo("The pack is fine." if path else "All packs are fine.")
