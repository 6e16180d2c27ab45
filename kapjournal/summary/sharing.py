"""Writing an export: to an age recipient, under a passphrase, or (asked for) in plaintext.

Encryption happens in memory before the file exists, so a failure never leaves a file behind and
no plaintext temp file is ever written. The file is created with ``O_CREAT|O_EXCL`` and mode
0600: an existing file is never overwritten, and nobody else on the machine can read it. Files
are standard age (binary, not armored): ``age -d -i key.txt summary.html.age`` opens them.
"""

from __future__ import annotations

import contextlib
import errno
import os
from datetime import datetime
from pathlib import Path

from kapjournal.errors import ExportError

RECIPIENT_HINT = "an age recipient looks like age1 followed by 58 letters and digits"


def check_recipient(text: str) -> str:
    """The recipient, stripped, or a clear error if it is not an ``age1…`` X25519 public key."""
    import pyrage

    text = text.strip()
    try:
        pyrage.x25519.Recipient.from_str(text)
    except (pyrage.RecipientError, ValueError):
        raise ExportError(f"that is not an age recipient; {RECIPIENT_HINT}") from None
    return text


def encrypt(data: bytes, *, recipient: str | None = None, passphrase: str | None = None) -> bytes:
    """``data`` encrypted to the recipient, or under the passphrase, or as is when neither."""
    import pyrage

    if recipient is not None and passphrase is not None:
        raise ExportError("choose a recipient or a passphrase, not both")
    if recipient is not None:
        key = pyrage.x25519.Recipient.from_str(check_recipient(recipient))
        try:
            return bytes(pyrage.encrypt(data, [key]))
        except pyrage.EncryptError:
            raise ExportError("the export could not be encrypted") from None
    if passphrase is not None:
        if not passphrase:
            raise ExportError("the export passphrase cannot be empty")
        try:
            return bytes(pyrage.passphrase.encrypt(data, passphrase))
        except pyrage.EncryptError:
            raise ExportError("the export could not be encrypted") from None
    return data


def write_new(path: Path | str, data: bytes) -> Path:
    """Create ``path`` (mode 0600, never overwriting), write ``data`` fully, fsync; all or nothing."""
    path = Path(path).expanduser()
    flags = os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_CLOEXEC", 0)
    flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags, 0o600)
    except FileExistsError:
        raise ExportError(
            f"{path} already exists; choose another name (nothing was overwritten)"
        ) from None
    except FileNotFoundError:
        raise ExportError(f"the folder {path.parent} does not exist") from None
    except IsADirectoryError:
        raise ExportError(f"{path} is a folder; give a file name") from None
    try:
        with contextlib.suppress(OSError):
            os.fchmod(fd, 0o600)  # exactly 0600 whatever the umask
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
    except BaseException as exc:
        os.close(fd)
        with contextlib.suppress(OSError):
            path.unlink()
        if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
            raise ExportError("the disk is full; the partial export was removed") from None
        raise
    os.close(fd)
    _sync_dir(path.parent)
    return path


def _sync_dir(folder: Path) -> None:
    """Make the new file's name durable too (best effort: not every system allows it)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def write_export(
    data: bytes, path: Path | str, *, recipient: str | None = None, passphrase: str | None = None
) -> Path:
    """Encrypt (to ``recipient``, under ``passphrase``, or not at all) and write a new 0600 file."""
    return write_new(path, encrypt(data, recipient=recipient, passphrase=passphrase))


def recipient_label(recipient: str | None, passphrase: str | None) -> str:
    """What the share log records: the age recipient, "passphrase" or "none"."""
    if recipient is not None:
        return recipient.strip()
    return "passphrase" if passphrase is not None else "none"


def new_identity(created: datetime) -> tuple[str, str]:
    """A new age X25519 identity as ``age-keygen`` writes it, and its public recipient."""
    import pyrage

    identity = pyrage.x25519.Identity.generate()
    public = str(identity.to_public())
    text = (
        f"# created: {created.isoformat(timespec='seconds')}\n# public key: {public}\n{identity}\n"
    )
    return text, public
