"""Writing an export: to an age recipient, under a passphrase, or (asked for) in plaintext.

No plaintext temp file is ever written. The file is created with ``O_CREAT|O_EXCL`` and mode
0600: an existing file is never overwritten, and nobody else on the machine can read it; if
writing fails part way, the partial file is removed. :func:`write_stream` writes an export as it is
made, so a large one is never whole in memory: in plaintext, or encrypted to an age recipient as a
stream; under a passphrase it is gathered first (pyrage's passphrase mode takes bytes only). An
encrypted export's name must end in ``.age`` and a plaintext one's must not
(:mod:`kapjournal.summary.naming`). Files are standard age (binary, not armored):
``age -d -i key.txt summary.html.age`` opens them.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
from collections.abc import Callable, Iterable, Iterator
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


# rage (pyrage) refuses a passphrase file whose scrypt work factor is more than 16 times what it
# measures this computer doing in about a second; it measures by timing one tiny scrypt, so on a
# busy computer a file it wrote itself moments earlier can be refused. The measurement is taken
# again on every try, so a few tries get past a busy moment; a file that really asks too much is
# still refused (and said so, apart from a wrong passphrase).
EXCESSIVE_WORK = "Excessive work parameter"
PASSPHRASE_TRIES = 20


def decrypt_passphrase(data: bytes, passphrase: str) -> bytes:
    """The plaintext of an age file under a passphrase. ``pyrage.DecryptError`` for a wrong
    passphrase or a damaged file; ``ExportError`` for one whose work factor is too high here."""
    import pyrage

    for _ in range(PASSPHRASE_TRIES):
        try:
            return bytes(pyrage.passphrase.decrypt(data, passphrase))
        except pyrage.DecryptError as exc:
            if EXCESSIVE_WORK not in str(exc):
                raise
    raise ExportError(
        "this file asks for more work to open than this computer will do (an unusually strong "
        "setting, or a very busy computer); try again, or open it with the age tool"
    )


def _create(path: Path) -> int:
    """A new file, 0600, never an existing one (nor through a symlink)."""
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
    with contextlib.suppress(OSError):
        os.fchmod(fd, 0o600)  # exactly 0600 whatever the umask
    return fd


class _FdWriter:
    """``write()`` onto a file descriptor, every byte or an error (for pyrage and our chunks)."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def write(self, data: bytes | bytearray | memoryview) -> int:
        view = memoryview(data)
        while view:
            written = os.write(self.fd, view)
            view = view[written:]
        return len(data)

    def flush(self) -> None:
        pass


def _fill(path: Path, fd: int, write: Callable[[_FdWriter], object]) -> Path:
    """Run ``write`` on the new file, fsync it; on any failure close and remove it."""
    try:
        write(_FdWriter(fd))
        os.fsync(fd)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.close(fd)
        with contextlib.suppress(OSError):
            path.unlink()
        if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
            raise ExportError("the disk is full; the partial export was removed") from None
        if isinstance(exc, pyrage_errors()):
            raise ExportError("the export could not be encrypted") from None
        raise
    os.close(fd)
    _sync_dir(path.parent)
    return path


def pyrage_errors() -> tuple[type[BaseException], ...]:
    import pyrage

    return (pyrage.EncryptError,)


def write_new(path: Path | str, data: bytes) -> Path:
    """Create ``path`` (mode 0600, never overwriting), write ``data`` fully, fsync; all or nothing."""
    path = Path(path).expanduser()
    fd = _create(path)
    return _fill(path, fd, lambda out: out.write(data))


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


def check_export_name(path: Path | str, encrypted: bool) -> None:
    """Refuse an encrypted export not named ``….age``, and a plaintext one that is."""
    from kapjournal.summary.naming import check_name

    found = check_name(Path(path), encrypted=encrypted)
    if found.problem:
        raise ExportError(found.problem)


def write_export(
    data: bytes, path: Path | str, *, recipient: str | None = None, passphrase: str | None = None
) -> Path:
    """Encrypt (to ``recipient``, under ``passphrase``, or not at all) and write a new 0600 file."""
    check_export_name(path, recipient is not None or passphrase is not None)
    return write_new(path, encrypt(data, recipient=recipient, passphrase=passphrase))


class _ChunkReader(io.RawIOBase):
    """A readable stream over an iterator of byte strings (for pyrage's streaming encryption)."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks: Iterator[bytes] = iter(chunks)
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._pending:
            try:
                self._pending = next(self._chunks)
            except StopIteration:
                return 0
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


def write_stream(
    chunks: Iterable[bytes],
    path: Path | str,
    *,
    recipient: str | None = None,
    passphrase: str | None = None,
) -> Path:
    """Write an export made piece by piece to a new 0600 file, encrypting as :func:`encrypt`."""
    if recipient is not None and passphrase is not None:
        raise ExportError("choose a recipient or a passphrase, not both")
    path = Path(path).expanduser()
    check_export_name(path, recipient is not None or passphrase is not None)
    if passphrase is not None:
        return write_new(path, encrypt(b"".join(chunks), passphrase=passphrase))
    if recipient is not None:
        import pyrage

        key = pyrage.x25519.Recipient.from_str(check_recipient(recipient))
        fd = _create(path)
        reader = io.BufferedReader(_ChunkReader(chunks), buffer_size=1 << 16)
        return _fill(path, fd, lambda out: pyrage.encrypt_io(reader, out, [key]))

    def plain(out: _FdWriter) -> None:
        for chunk in chunks:
            out.write(chunk)

    fd = _create(path)
    return _fill(path, fd, plain)


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
