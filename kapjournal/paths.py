"""Where kapjournal keeps things. Nothing is created until it is asked for, and then mode 0700.

A folder that already exists is trusted only if it is the user's own and nobody else can write
in it: whoever can write there can swap the journal for their own file, or plant a link.
"""

from __future__ import annotations

import os
import shlex
import stat
from pathlib import Path

from kapjournal.errors import KapJournalError

APP = "kapjournal"
JOURNAL_FILE = "journal.kapj"


class UnsafeFolder(KapJournalError):
    """The journal's folder is someone else's, or others can write in it."""


def expand(value: str, name: str) -> Path:
    """``value`` with a leading ~ expanded; one plain error when it names no user."""
    try:
        return Path(value).expanduser()
    except RuntimeError:  # ~nosuchuser
        raise KapJournalError(
            f"{name} starts with ~ but names no user on this computer; use a full path"
        ) from None


def data_dir() -> Path:
    """The data directory: ``KAPJOURNAL_HOME`` if set (tests, portable installs), else the platform's."""
    home = os.environ.get("KAPJOURNAL_HOME")
    if home:
        return expand(home, "KAPJOURNAL_HOME")
    import platformdirs

    return Path(platformdirs.user_data_dir(APP, appauthor=False))


def config_dir() -> Path:
    """The config directory, where a patient may put their therapist's prompt packs."""
    home = os.environ.get("KAPJOURNAL_HOME")
    if home:
        return expand(home, "KAPJOURNAL_HOME") / "config"
    import platformdirs

    return Path(platformdirs.user_config_dir(APP, appauthor=False))


def state_dir() -> Path:
    """What this computer remembers about journals (device id, the newest version seen)."""
    home = os.environ.get("KAPJOURNAL_HOME")
    if home:
        return Path(home).expanduser() / "state"
    import platformdirs

    return Path(platformdirs.user_state_dir(APP, appauthor=False))


def user_prompt_dir() -> Path:
    return config_dir() / "prompts"


def default_journal() -> Path:
    """The journal used when neither ``--journal`` nor ``KAPJOURNAL_JOURNAL`` names one."""
    env = os.environ.get("KAPJOURNAL_JOURNAL")
    if env:
        return expand(env, "KAPJOURNAL_JOURNAL")
    return data_dir() / JOURNAL_FILE


def check_private_dir(path: Path) -> None:
    """Refuse an existing folder that is not the user's own or that others can write in.

    The message ends with the one command that fixes it. A folder that does not exist yet passes.
    """
    try:
        info = path.stat()
    except FileNotFoundError:
        return
    except OSError as exc:
        raise UnsafeFolder(f"cannot look at the folder {path}: {exc.strerror}") from None
    quoted = shlex.quote(str(path))
    if not stat.S_ISDIR(info.st_mode):
        raise UnsafeFolder(f"{path} is not a folder; choose another place for the journal")
    if info.st_mode & stat.S_ISVTX and info.st_mode & stat.S_IWOTH:  # /tmp and the like
        raise UnsafeFolder(
            f"{path} is a folder shared with everyone; keep the journal in a folder of your own"
        )
    if info.st_uid != os.geteuid():
        raise UnsafeFolder(
            f"the folder {path} belongs to another user, who could replace your journal; "
            f"keep it in a folder of your own (or: sudo chown $USER {quoted})"
        )
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise UnsafeFolder(
            f"others can write in the folder {path} and could replace your journal; "
            f"fix it with: chmod go-w {quoted}"
        )


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) with mode 0700 if missing; refuse one that is not private."""
    if not path.exists():
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(path, 0o700)  # mkdir's mode is filtered by the umask
    check_private_dir(path)
    return path
