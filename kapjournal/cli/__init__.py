"""The ``kapjournal`` command: thin over ``Journal``. With no command it opens the TUI.

Exit codes: 0 ok, 1 an error explained in one line on stderr, 2 usage. Entry text always comes from
standard input, never from an argument; the passphrase from a terminal prompt, a file, or the
environment. Each command's module is imported only when that command runs, and Textual only when
the TUI opens, so commands start fast.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from kapjournal.cli.common import PASSPHRASE_ENV, Ctx
from kapjournal.errors import KapJournalError

# Command name → "module:function" under kapjournal.cli; imported when the command is used.
COMMANDS = {
    "init": "keys:init",
    "passwd": "keys:passwd",
    "recover": "keys:recover",
    "recovery-key": "keys:recovery_key",
    "capture": "capture:capture",
    "check": "keys:check",
    "backup": "keys:backup",
    "write": "entries:write",
    "mood": "entries:mood",
    "session": "entries:session",
    "list": "entries:list_",
    "search": "entries:search",
    "plan": "entries:plan",
    "assess": "entries:assess",
    "prompts": "prompts:prompts",
    "help": "help:help_",
    "export": "share:export",
    "keygen": "share:keygen",
    "import": "share:import_",
}
# Set when a command from COMMANDS runs: it closes its journal and files before it returns, so
# main() may end the process without the interpreter's teardown.
_quick_exit = False


class LazyGroup(click.Group):
    """A group whose commands are imported on first use (click's documented lazy-loading pattern).

    Its errors are one line each: click's usage errors (exit 2) lose the usage block and point at
    ``--help`` instead; what they quote from the command line is sanitised like any output.
    """

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, False, **extra)
        except click.UsageError as exc:
            from kapjournal.text import one_line

            command = exc.ctx.command_path if exc.ctx is not None else "kapjournal"
            message = one_line(exc.format_message(), 300)
            click.echo(f"kapjournal: {message} (see '{command} --help')", err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except KapJournalError as exc:  # raised before a command ran (the global options)
            from kapjournal.text import one_line

            click.echo(f"kapjournal: {one_line(str(exc))}", err=True)
            sys.exit(1)
        except click.Abort:
            click.echo("kapjournal: stopped; nothing was saved", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return super().get_command(ctx, cmd_name)
        module, _, attr = target.partition(":")
        command = getattr(importlib.import_module(f"kapjournal.cli.{module}"), attr)
        assert isinstance(command, click.Command)
        global _quick_exit
        _quick_exit = True  # one of our short commands: see main()
        return command


@click.group(
    cls=LazyGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
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
        gc.enable()  # a long-running app: see main()
        from kapjournal.tui.app import run_app

        run_app(ctx.obj.journal_path, prompt_dirs=list(prompts))


@cli.command()
@click.pass_context
def demo(ctx: click.Context) -> None:
    """Open the app on a throwaway journal with eight weeks of example data."""
    gc.enable()  # a long-running app: see main()
    from kapjournal.tui.app import run_demo

    run_demo(prompt_dirs=list(ctx.obj.prompt_dirs))


def main() -> None:
    """Entry point: no core dumps, no tracebacks for the patient.

    The cycle collector is off for the short commands: they make next to no cyclic garbage, the
    process ends when they finish, and its passes over every object imported cost more than
    anything it could free. The TUI turns it back on.
    """
    gc.disable()
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ImportError, ValueError, OSError):
        pass
    try:
        cli.main(prog_name="kapjournal", standalone_mode=True)
    except SystemExit as exc:
        if exc.code == 0 and _quick_exit:
            _end_now()
        raise
    except KapJournalError as exc:
        from kapjournal.text import one_line

        click.echo(f"kapjournal: {one_line(str(exc))}", err=True)
        sys.exit(1)
    except Exception as exc:  # the last net: a type name, never a message that may hold text
        if os.environ.get("KAPJOURNAL_DEBUG"):
            raise
        click.echo(
            f"kapjournal: unexpected error ({type(exc).__name__}); nothing already saved was lost. "
            "Set KAPJOURNAL_DEBUG=1 to see details.",
            err=True,
        )
        sys.exit(1)


def _end_now() -> None:
    """After a command succeeded: flush what it printed, then end without the interpreter's
    teardown (freeing every module and record costs more than many commands' work).

    Only for commands from COMMANDS, which close the journal and their files before they return
    and start no threads; never for the TUI. A reader that went away (``list | head``) is not an
    error; any other failure to write the output is, and is reported.
    """
    code = 0
    try:
        if sys.stdout is not None:  # None when started with standard output closed
            sys.stdout.flush()
    except BrokenPipeError:
        pass
    except OSError as exc:
        code = 1
        with contextlib.suppress(OSError, AttributeError):
            sys.stderr.write(f"kapjournal: cannot write the output: {exc.strerror}\n")
    with contextlib.suppress(OSError, AttributeError):
        sys.stderr.flush()
    os._exit(code)
