"""The patient's region, kept outside the journal so crisis help is right before unlocking.

A region is a country code such as "GB". It says which crisis lines and emergency number to show,
and it is not health data, so it lives unencrypted in a one-line file in the config folder
(``<config dir>/region``, mode 0600 in a 0700 folder) where the locked app and ``kapjournal help``
can read it. The file is treated as hostile: anything odd in it (too long, not text, not a code, a
link, a device) reads as "no region", and help then shows the international directories.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
from pathlib import Path

from kapjournal.errors import KapJournalError
from kapjournal.paths import config_dir, ensure_private_dir

REGION_FILE = "region"
MAX_BYTES = 64  # "GB\n" is three; anything longer than this is not ours
ALIASES = {"UK": "GB"}
_CODE = re.compile(r"^(?:[A-Z]{2}|INT)$")


class RegionError(KapJournalError, ValueError):
    """A region code that is not two letters (or INT)."""


def path() -> Path:
    return config_dir() / REGION_FILE


def normalise(code: str) -> str | None:
    """ "gb", " UK " → "GB"; None for anything that is not a two-letter code or INT."""
    if not isinstance(code, str):
        return None
    key = code.strip().upper()
    key = ALIASES.get(key, key)
    return key if _CODE.match(key) else None


def stored() -> str | None:
    """The region saved on this computer, or None when there is none or it cannot be read.

    Never raises: help must open whatever state the file is in.
    """
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path(), flags)
    except (OSError, ValueError):
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        raw = os.read(fd, MAX_BYTES + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    if len(raw) > MAX_BYTES:
        return None
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError:
        return None
    return normalise(text)


def save(code: str) -> str:
    """Save the region (atomically, 0600, in a 0700 folder we create); returns the code saved."""
    clean = normalise(code)
    if clean is None:
        raise RegionError(f"a region is a two-letter country code such as GB or US, not {code!r}")
    folder = ensure_private_dir(config_dir())
    target = folder / REGION_FILE
    tmp = folder / f".{REGION_FILE}.{os.getpid()}.tmp"
    try:
        fd = os.open(
            tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600
        )
        try:
            os.write(fd, f"{clean}\n".encode("ascii"))
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise RegionError(f"could not save the region in {folder}: {exc.strerror}") from exc
    return clean


def save_quietly(code: str) -> bool:
    """:func:`save`, but a failure only returns False (help must never stop for this)."""
    try:
        save(code)
    except RegionError:
        return False
    return True
