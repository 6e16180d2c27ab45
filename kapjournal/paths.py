"""Where kapjournal keeps things. Nothing is created until it is asked for, and then mode 0700."""

from __future__ import annotations

import os
from pathlib import Path

APP = "kapjournal"
JOURNAL_FILE = "journal.kapj"


def data_dir() -> Path:
    """The data directory: ``KAPJOURNAL_HOME`` if set (tests, portable installs), else the platform's."""
    home = os.environ.get("KAPJOURNAL_HOME")
    if home:
        return Path(home).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP, appauthor=False))


def config_dir() -> Path:
    """The config directory, where a patient may put their therapist's prompt packs."""
    home = os.environ.get("KAPJOURNAL_HOME")
    if home:
        return Path(home).expanduser() / "config"
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
        return Path(env).expanduser()
    return data_dir() / JOURNAL_FILE


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) with mode 0700 if missing; tighten it if we created it."""
    if not path.exists():
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(path, 0o700)  # mkdir's mode is filtered by the umask
    return path
