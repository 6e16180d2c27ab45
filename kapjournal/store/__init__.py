"""SQLite storage of ciphertext, through ``sqlite3``: nothing here ever sees plaintext.

The schema is defined with SQLModel in :mod:`kapjournal.store.schema`, imported only to create or
migrate a journal; every other command reads and writes here with the standard library, so SQLAlchemy
never costs a command its start-up. A file is checked before anything runs: a regular file, SQLite's
header, exactly the expected tables and columns, no triggers, views or extra indexes. Only then is a
writable connection opened and switched to WAL. Every SQLite error becomes one plain line.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import sqlite3
import stat
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from kapjournal.errors import (
    JournalBusy,
    JournalError,
    JournalExists,
    JournalMissing,
    NewerFormat,
    NotAJournal,
)

MAGIC = "kapjournal"
FORMAT = 2
BUSY_TIMEOUT_MS = 10_000
BATCH = 2048

# The expected shape of each format: table → its columns as (name, declared type, not null, pk).
_V = "VARCHAR"
SHAPE: dict[int, dict[str, tuple[tuple[str, str, int, int], ...]]] = {
    1: {
        "vault_meta": (
            ("id", "INTEGER", 1, 1),
            ("magic", _V, 1, 0),
            ("fmt", "INTEGER", 1, 0),
            ("vault_id", _V, 1, 0),
            ("key_id", _V, 1, 0),
        ),
        "keyslot": (
            ("id", _V, 1, 1),
            ("kind", _V, 1, 0),
            ("kdf_json", _V, 1, 0),
            ("nonce", "BLOB", 1, 0),
            ("wrapped", "BLOB", 1, 0),
        ),
        "item": (
            ("id", _V, 1, 1),
            ("key_id", _V, 1, 0),
            ("fmt", "INTEGER", 1, 0),
            ("payload", "BLOB", 1, 0),
        ),
    },
    2: {
        "vault_meta": (
            ("id", "INTEGER", 1, 1),
            ("magic", _V, 1, 0),
            ("fmt", "INTEGER", 1, 0),
            ("vault_id", _V, 1, 0),
            ("key_id", _V, 1, 0),
            ("capture_pub", _V, 1, 0),
        ),
        "keyslot": (
            ("kind", _V, 1, 1),
            ("id", _V, 1, 0),
            ("kid", _V, 1, 0),
            ("params", _V, 1, 0),
            ("nonce", "BLOB", 1, 0),
            ("wrapped", "BLOB", 1, 0),
        ),
        "keyring": (
            ("kid", _V, 1, 1),
            ("parent", _V, 1, 0),
            ("nonce", "BLOB", 1, 0),
            ("wrapped", "BLOB", 1, 0),
        ),
        "item": (
            ("id", _V, 1, 1),
            ("dev", _V, 1, 0),
            ("ctr", "INTEGER", 1, 0),
            ("tomb", "INTEGER", 1, 0),
            ("kid", _V, 1, 0),
            ("hash", "BLOB", 1, 0),
            ("payload", "BLOB", 1, 0),
        ),
        "ledger": (
            ("bucket", "INTEGER", 1, 1),
            ("ver", "INTEGER", 1, 0),
            ("kid", _V, 1, 0),
            ("payload", "BLOB", 1, 0),
        ),
        "head": (("id", "INTEGER", 1, 1), ("kid", _V, 1, 0), ("payload", "BLOB", 1, 0)),
        "secret": (("name", _V, 1, 1), ("kid", _V, 1, 0), ("payload", "BLOB", 1, 0)),
        "capture": (("id", _V, 1, 1), ("payload", "BLOB", 1, 0)),
    },
}
# Tables whose primary key is text get an automatic unique index; other indexes: exactly these.
_TEXT_KEYS = {
    1: {"keyslot", "item"},
    2: {"keyslot", "keyring", "item", "secret", "capture"},
}
INDEXES: dict[int, dict[str, tuple[str, tuple[str, ...]]]] = {
    1: {},
    2: {"item_dot": ("item", ("id", "dev", "ctr", "tomb", "kid", "hash"))},
}


_DOT_TYPES = (
    "typeof(id) = 'text' AND typeof(dev) = 'text' AND typeof(ctr) = 'integer' "
    "AND tomb IN (0, 1) AND typeof(kid) = 'text' AND typeof(hash) = 'blob'"
)


@dataclass(frozen=True)
class Meta:
    vault_id: str
    key_id: str
    fmt: int
    capture_pub: str = ""


@dataclass(frozen=True)
class SlotRow:
    kind: str
    id: str
    kid: str
    params: str
    nonce: bytes
    wrapped: bytes


@dataclass(frozen=True)
class RingRow:
    kid: str
    parent: str
    nonce: bytes
    wrapped: bytes


# id, dev, ctr, tomb, kid, hash, payload (format 2); format 1 rows read as
# (id, "", 0, 0, key_id, b"", payload).
ItemRow = tuple[str, str, int, int, str, bytes, bytes]
# id, dev, ctr, tomb, kid, hash: what the ledger is checked against (read from the index alone)
ItemDot = tuple[str, str, int, int, str, bytes]


def translate(exc: BaseException) -> JournalError:
    """SQLite's and the system's errors in the patient's words; the original stays chained."""
    if isinstance(exc, JournalError):
        return exc
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return JournalError("the disk is full; nothing was saved. Free some space and try again")
    msg = str(exc).lower()
    if "locked" in msg or "busy" in msg:
        return JournalBusy(
            "the journal is busy in another kapjournal window; try again in a moment"
        )
    if "disk" in msg and "full" in msg:
        return JournalError("the disk is full; nothing was saved. Free some space and try again")
    if "readonly" in msg or "read-only" in msg:
        return JournalError("the journal file or its folder is read-only; nothing was saved")
    if "unable to open" in msg or "no such file" in msg:
        return JournalError("cannot open the journal file; check the folder exists and is yours")
    if "disk i/o" in msg or "i/o error" in msg:
        return JournalError("the disk reported an error reading or writing the journal")
    if "interrupt" in msg:
        return JournalError("the journal operation was interrupted; nothing was changed")
    return NotAJournal("the journal file is damaged or is not a kapjournal journal")


@contextlib.contextmanager
def _translated() -> Iterator[None]:
    try:
        yield
    except (sqlite3.Error, OSError) as exc:
        raise translate(exc) from exc


def _uri(path: Path, mode: str, immutable: bool = False) -> str:
    extra = "&immutable=1" if immutable else ""
    return f"file:{quote(str(path.absolute()))}?mode={mode}{extra}"


def check_regular_file(path: Path) -> os.stat_result:
    """The file's status, or a plain error: missing, a folder, or not a regular file (a FIFO...)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise JournalMissing(
            f"there is no journal at {path}; create one with 'kapjournal init'"
        ) from None
    except NotADirectoryError:
        raise JournalMissing(f"there is no journal at {path}") from None
    except OSError as exc:
        raise JournalError(f"cannot read {path}: {exc.strerror}") from None
    if stat.S_ISDIR(st.st_mode):
        raise NotAJournal(f"{path} is a folder, not a journal")
    if not stat.S_ISREG(st.st_mode):
        raise NotAJournal(f"{path} is not a regular file, so it is not a journal")
    return st


def _read_header(path: Path) -> bytes:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise JournalError(f"cannot read {path}: {exc.strerror}") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotAJournal(f"{path} is not a regular file, so it is not a journal")
        return os.read(fd, 100)
    finally:
        os.close(fd)


def _shape_problem(conn: sqlite3.Connection) -> tuple[int | None, str | None]:
    """The format whose shape the file has, or a reason it has none (read-only; runs no SQL of theirs)."""
    rows = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()
    tables = {name: sql for kind, name, _t, sql in rows if kind == "table"}
    others = [(kind, name, tbl) for kind, name, tbl, _sql in rows if kind != "table"]
    for fmt, shape in SHAPE.items():
        if set(tables) != set(shape):
            continue
        for kind, name, tbl in others:
            if kind in ("trigger", "view"):
                return None, f"it holds a {kind}, which a kapjournal journal never has"
            if kind != "index":
                return None, "it holds something a kapjournal journal never has"
            if name == f"sqlite_autoindex_{tbl}_1" and tbl in _TEXT_KEYS[fmt]:
                continue
            wanted = INDEXES[fmt].get(name)
            if wanted is None or wanted[0] != tbl or _index_columns(conn, name) != wanted[1]:
                return None, "it holds an index a kapjournal journal never has"
            sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (name,)).fetchone()
            if _normal_sql(sql[0] or "") != expected_index_sql(fmt, name):
                return None, "it holds an index a kapjournal journal never has"
        if not set(INDEXES[fmt]) <= {n for k, n, _t in others if k == "index"}:
            return None, "an index of the journal is missing"
        for name, columns in shape.items():
            if _normal_sql(tables[name] or "") != expected_sql(fmt, name):
                return None, f"its table {name!r} is not defined as a journal's is"
            info = conn.execute(f'PRAGMA table_xinfo("{name}")').fetchall()
            found = tuple((c[1], c[2].upper(), c[3], c[5]) for c in info)
            if found != columns or any(c[4] is not None or c[6] != 0 for c in info):
                return None, f"its table {name!r} does not have the expected columns"
        return fmt, None
    if "vault_meta" in tables or "item" in tables:
        return None, "its tables are not the ones a kapjournal journal has"
    return None, "it is not a kapjournal journal"


def _normal_sql(sql: str) -> str:
    """DDL with its whitespace made canonical, to compare with the expected statement."""
    sql = re.sub(r"\s+", " ", sql).strip()
    return re.sub(r"\s*([(),])\s*", r"\1", sql)


def expected_sql(fmt: int, table: str) -> str:
    """The one ``CREATE TABLE`` a journal's table may have (as SQLAlchemy writes it, normalised)."""
    columns = SHAPE[fmt][table]
    body = ",".join(f"{name} {kind} NOT NULL" for name, kind, _nn, _pk in columns)
    keys = ",".join(name for name, _k, _nn, pk in columns if pk)
    return f"CREATE TABLE {table}({body},PRIMARY KEY({keys}))"


def expected_index_sql(fmt: int, name: str) -> str:
    table, columns = INDEXES[fmt][name]
    return f"CREATE INDEX {name} ON {table}({','.join(columns)})"


def _index_columns(conn: sqlite3.Connection, name: str) -> tuple[str, ...]:
    """An index's plain columns; an expression or a partial index does not pass."""
    sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (name,)).fetchone()[0] or ""
    if " WHERE " in sql.upper():
        return ()
    return tuple(str(r[2]) for r in conn.execute(f'PRAGMA index_info("{name}")').fetchall())


def _text(raw: bytes) -> str:
    """Text that is not UTF-8 (a planted value) reads as replacement characters, never an error."""
    return raw.decode("utf-8", "replace")


def _configure(conn: sqlite3.Connection, *, readonly: bool) -> None:
    """Pragmas for every connection: no schema-defined code, durable writes, no deleted text left."""
    conn.execute("PRAGMA trusted_schema=OFF")
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA cell_size_check=ON")
    conn.execute("PRAGMA temp_store=MEMORY")
    if readonly:
        conn.execute("PRAGMA query_only=ON")
        return
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA secure_delete=ON")


class Store:
    """One journal file, behind one connection shared (under a lock) by the app's threads."""

    def __init__(self, path: Path, conn: sqlite3.Connection, meta: Meta, readonly: bool) -> None:
        self.path = path
        self.meta = meta
        self.readonly = readonly
        self._conn: sqlite3.Connection | None = conn
        self._lock = threading.RLock()
        self._ino = os.stat(path).st_ino

    # --- opening and closing ---

    @classmethod
    def create(cls, path: Path, fill: Callable[[Writer], Meta]) -> Store:
        """Create a format-2 file, 0600 before SQLite touches it, schema and rows in one transaction.

        ``fill`` writes the first rows and returns the meta it wrote. If anything fails, no file is left.
        """
        from kapjournal.store import schema

        statements = schema.ddl()
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_NOFOLLOW, 0o600)
        except FileExistsError:
            raise JournalExists(f"a file already exists at {path}") from None
        except OSError as exc:
            raise JournalError(f"cannot create the journal at {path}: {exc.strerror}") from None
        os.fchmod(fd, 0o600)
        os.close(fd)
        conn = None
        try:
            conn = sqlite3.connect(
                _uri(path, "rw"), uri=True, isolation_level=None, check_same_thread=False
            )
            _configure(conn, readonly=False)
            conn.execute("BEGIN IMMEDIATE")
            for statement in statements:
                conn.execute(statement)
            meta = fill(Writer(conn))
            conn.execute("COMMIT")
        except BaseException as exc:
            if conn is not None:
                conn.close()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            if isinstance(exc, sqlite3.Error | OSError):
                raise translate(exc) from exc
            raise
        return cls(path, conn, meta, readonly=False)

    @classmethod
    def open(cls, path: Path, *, readonly: bool | None = False) -> Store:
        """Check the file's type, header and shape read-only, then open it (never creating it).

        ``readonly=None`` opens for writing where the file can be written, else read-only (a
        read-only mount, a folder or file without write permission): reading never needs it.
        """
        check_regular_file(path)
        if readonly is None:
            readonly = not writable(path)
        header = _read_header(path)
        if len(header) < 100 or header[:16] != b"SQLite format 3\x00":
            raise NotAJournal(f"{path} is not a kapjournal journal")
        try:
            conn = _connect_readonly(path)
        except sqlite3.Error as exc:
            raise translate(exc) from exc
        try:
            with _translated():
                fmt, problem = _shape_problem(conn)
                if fmt is None:
                    raise NotAJournal(f"{path} is not a journal kapjournal can open: {problem}")
                meta = _read_meta(conn, fmt, path)
            if not readonly:
                conn.close()
                conn = sqlite3.connect(
                    _uri(path, "rw"), uri=True, isolation_level=None, check_same_thread=False
                )
            with _translated():
                _configure(conn, readonly=readonly)
        except BaseException:
            conn.close()
            raise
        return cls(path, conn, meta, readonly)

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    @property
    def closed(self) -> bool:
        return self._conn is None

    # --- reads ---

    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            raise JournalError("the journal is closed")
        return self._conn

    def _all(self, sql: str, args: Sequence[Any] = ()) -> list[Any]:
        with self._lock, _translated():
            try:
                return self._db().execute(sql, args).fetchall()
            except sqlite3.OperationalError as exc:
                if "decode" not in str(exc):
                    raise
            return self._tolerant(lambda db: db.execute(sql, args).fetchall())

    def _tolerant(self, read: Callable[[sqlite3.Connection], Any]) -> Any:
        """Read again with text that is not UTF-8 (a planted value) as replacement characters:
        the rows it is in then match nothing and are named, instead of the journal not opening.
        The fast default decoding is used for everything else."""
        db = self._db()
        db.text_factory = _text
        try:
            return read(db)
        finally:
            db.text_factory = str

    def _typed(self, sql: str, types: str, args: Sequence[Any] = ()) -> list[Any]:
        """Rows whose values have the types SQLite was asked to keep (``s`` text, ``b`` blob,
        ``i`` integer); the columns are not STRICT, so a planted row of another type is dropped
        here, as if absent, and the checks name what it should have been."""
        want = [{"s": str, "b": bytes, "i": int}[t] for t in types]
        return [
            r
            for r in self._all(sql, args)
            if all(type(v) is t for v, t in zip(r, want, strict=True))
        ]

    def slots(self) -> list[SlotRow]:
        if self.meta.fmt == 1:
            rows = self._typed("SELECT kind, id, kdf_json, nonce, wrapped FROM keyslot", "sssbb")
            return [SlotRow(k, i, self.meta.key_id, p, n, w) for k, i, p, n, w in rows]
        rows = self._typed("SELECT kind, id, kid, params, nonce, wrapped FROM keyslot", "ssssbb")
        return [SlotRow(*r) for r in rows]

    def keyring(self) -> list[RingRow]:
        if self.meta.fmt == 1:
            return []
        rows = self._typed("SELECT kid, parent, nonce, wrapped FROM keyring", "ssbb")
        return [RingRow(*r) for r in rows]

    def head(self) -> tuple[str, bytes] | None:
        if self.meta.fmt == 1:
            return None
        rows = self._typed("SELECT kid, payload FROM head WHERE id = 1", "sb")
        return (rows[0][0], rows[0][1]) if rows else None

    def head_rows(self) -> int:
        return 0 if self.meta.fmt == 1 else int(self._all("SELECT count(*) FROM head")[0][0])

    def ledger(self) -> list[tuple[int, int, str, bytes]]:
        if self.meta.fmt == 1:
            return []
        return self._typed("SELECT bucket, ver, kid, payload FROM ledger", "iisb")

    def dots(self) -> list[ItemDot]:
        """Every row's id, dot, key id and hash, without the ciphertext (from the index alone).

        A row whose values are not of their types is left out (and so named as missing).
        """
        if self.meta.fmt == 1:
            return [(r[0], "", 0, 0, "", b"") for r in self._typed("SELECT id FROM item", "s")]
        return self._all(f"SELECT id, dev, ctr, tomb, kid, hash FROM item WHERE {_DOT_TYPES}")

    def items(self) -> Iterator[list[ItemRow]]:
        """Every live item row, in batches, so all ciphertext never sits in memory at once."""
        sql = (
            "SELECT id, '', 0, 0, key_id, x'', payload FROM item "
            "WHERE typeof(id) = 'text' AND typeof(key_id) = 'text' AND typeof(payload) = 'blob'"
            if self.meta.fmt == 1
            else "SELECT id, dev, ctr, tomb, kid, hash, payload FROM item "
            f"WHERE tomb = 0 AND {_DOT_TYPES} AND typeof(payload) = 'blob'"
        )
        with self._lock, _translated():
            try:
                cursor = self._db().execute(sql)
                while batch := cursor.fetchmany(BATCH):
                    yield batch
                return
            except sqlite3.OperationalError as exc:
                if "decode" not in str(exc):
                    raise
            rows = self._tolerant(lambda db: db.execute(sql).fetchall())
            for start in range(0, len(rows), BATCH):
                yield rows[start : start + BATCH]

    def items_by_id(self, ids: Iterable[str]) -> Iterator[list[ItemRow]]:
        """The live format-2 item rows with these ids, in batches (ids unknown here are skipped)."""
        wanted = list(ids)
        for start in range(0, len(wanted), 500):  # under SQLite's limit on bound parameters
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            yield self._all(
                "SELECT id, dev, ctr, tomb, kid, hash, payload FROM item "
                f"WHERE id IN ({marks}) AND tomb = 0 AND {_DOT_TYPES} AND typeof(payload) = 'blob'",
                chunk,
            )

    def secrets(self) -> dict[str, tuple[str, bytes]]:
        if self.meta.fmt == 1:
            return {}
        rows = self._typed("SELECT name, kid, payload FROM secret", "ssb")
        return {n: (k, p) for n, k, p in rows}

    def captures(self) -> list[tuple[str, bytes]]:
        if self.meta.fmt == 1:
            return []
        return self._typed("SELECT id, payload FROM capture", "sb")

    def has_captures(self) -> bool:
        if self.meta.fmt == 1:
            return False
        return bool(self._all("SELECT EXISTS (SELECT 1 FROM capture)")[0][0])

    def malformed(self) -> int:
        """How many rows hold values of the wrong type (a full scan: for ``check`` only)."""
        if self.meta.fmt == 1:
            return 0
        return int(
            self._all(
                f"SELECT count(*) FROM item WHERE NOT ({_DOT_TYPES} AND typeof(payload) = 'blob')"
            )[0][0]
        )

    def count(self) -> int:
        sql = "SELECT count(*) FROM item" + ("" if self.meta.fmt == 1 else " WHERE tomb = 0")
        return int(self._all(sql)[0][0])

    def data_version(self) -> int:
        """Changes when another connection commits (SQLite's ``PRAGMA data_version``)."""
        return int(self._all("PRAGMA data_version")[0][0])

    def integrity_check(self) -> list[str]:
        """SQLite's own ``integrity_check``: an empty list when its structures are sound."""
        try:
            rows = self._all("PRAGMA integrity_check(20)")
        except JournalError as exc:
            return [str(exc)]
        found = [str(r[0]) for r in rows]
        return [] if found == ["ok"] else found

    # --- writes ---

    @contextlib.contextmanager
    def write(self) -> Iterator[Writer]:
        """One transaction (``BEGIN IMMEDIATE``: other writers wait); verified on disk after commit."""
        if self.readonly:
            raise JournalError("the journal was opened read-only; nothing was saved")
        with self._lock, _translated():
            conn = self._db()
            self.check_still_here()
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield Writer(conn)
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        self.check_still_here()

    def check_still_here(self) -> None:
        """Refuse to report a save into a file that was moved, deleted or replaced meanwhile."""
        try:
            st = os.stat(self.path)
        except OSError:
            st = None
        if st is None or st.st_ino != self._ino:
            raise JournalError(
                f"the journal file at {self.path} was moved, deleted or replaced while kapjournal "
                "had it open; nothing more can be saved to it"
            )

    def checkpoint(self) -> None:
        """Fold the WAL back into the file and truncate it, so old pages do not linger there."""
        if self.readonly:
            return
        with self._lock, _translated():
            self._db().execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def migrate_to_v2(self, fill: Callable[[Writer], Meta]) -> None:
        """Replace a format-1 file's tables with format 2's, filled by ``fill``, in one transaction."""
        from kapjournal.store import schema

        statements = schema.ddl()
        with self._lock, _translated():
            conn = self._db()
            self.check_still_here()
            conn.execute("BEGIN IMMEDIATE")
            try:
                for table in ("vault_meta", "keyslot", "item"):
                    conn.execute(f"DROP TABLE {table}")
                for statement in statements:
                    conn.execute(statement)
                meta = fill(Writer(conn))
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        self.meta = meta
        self.checkpoint()

    def backup(self, dest: Path) -> None:
        """A consistent copy, still encrypted: written beside ``dest``, synced, renamed into place."""
        dest = Path(dest)
        if dest.exists() or dest.is_symlink():
            raise JournalExists(f"{dest} already exists; choose a new name")
        for stale in dest.parent.glob(f".{dest.name}.*.partial"):  # a backup killed before
            with contextlib.suppress(OSError):
                stale.unlink()
        tmp = dest.with_name(f".{dest.name}.{uuid.uuid4().hex[:8]}.partial")
        try:
            fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_NOFOLLOW, 0o600)
        except OSError as exc:
            raise JournalError(f"cannot write beside {dest}: {exc.strerror}") from None
        os.close(fd)
        try:
            out = sqlite3.connect(_uri(tmp, "rw"), uri=True)
            try:
                with self._lock:
                    self._db().backup(out)
                out.execute("PRAGMA journal_mode=DELETE")
            finally:
                out.close()
            _fsync_path(tmp)
            try:
                os.link(tmp, dest)  # never replaces a file that appeared meanwhile
            except FileExistsError:
                raise JournalExists(f"{dest} already exists; choose a new name") from None
            os.unlink(tmp)
            _fsync_path(dest.parent)
        except (sqlite3.Error, OSError) as exc:
            raise translate(exc) from exc
        finally:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


class Writer:
    """Writes inside one open transaction."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def read_head(self) -> tuple[str, bytes] | None:
        rows = self._conn.execute("SELECT kid, payload FROM head WHERE id = 1").fetchall()
        return (rows[0][0], rows[0][1]) if rows else None

    def read_bucket(self, bucket: int) -> tuple[int, str, bytes] | None:
        rows = self._conn.execute(
            "SELECT ver, kid, payload FROM ledger WHERE bucket = ?", (bucket,)
        ).fetchall()
        return rows[0] if rows else None

    def put_meta(self, meta: Meta) -> None:
        self._conn.execute(
            "INSERT OR REPLACE INTO vault_meta (id, magic, fmt, vault_id, key_id, capture_pub) "
            "VALUES (1, ?, ?, ?, ?, ?)",
            (MAGIC, FORMAT, meta.vault_id, meta.key_id, meta.capture_pub),
        )

    def put_slot(self, slot: SlotRow) -> None:
        self._conn.execute(
            "INSERT OR REPLACE INTO keyslot (kind, id, kid, params, nonce, wrapped) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (slot.kind, slot.id, slot.kid, slot.params, slot.nonce, slot.wrapped),
        )

    def put_ring(self, row: RingRow) -> None:
        self._conn.execute(
            "INSERT OR REPLACE INTO keyring (kid, parent, nonce, wrapped) VALUES (?, ?, ?, ?)",
            (row.kid, row.parent, row.nonce, row.wrapped),
        )

    def put_items(self, rows: Sequence[ItemRow]) -> None:
        self._conn.executemany(
            "INSERT OR REPLACE INTO item (id, dev, ctr, tomb, kid, hash, payload) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )

    def put_buckets(self, rows: Sequence[tuple[int, int, str, bytes]]) -> None:
        self._conn.executemany(
            "INSERT OR REPLACE INTO ledger (bucket, ver, kid, payload) VALUES (?, ?, ?, ?)", rows
        )

    def put_head(self, kid: str, payload: bytes) -> None:
        self._conn.execute(
            "INSERT OR REPLACE INTO head (id, kid, payload) VALUES (1, ?, ?)", (kid, payload)
        )

    def put_secret(self, name: str, kid: str, payload: bytes) -> None:
        self._conn.execute(
            "INSERT OR REPLACE INTO secret (name, kid, payload) VALUES (?, ?, ?)",
            (name, kid, payload),
        )

    def delete_secret(self, name: str) -> None:
        self._conn.execute("DELETE FROM secret WHERE name = ?", (name,))

    def put_capture(self, capture_id: str, payload: bytes) -> None:
        self._conn.execute(
            "INSERT OR REPLACE INTO capture (id, payload) VALUES (?, ?)", (capture_id, payload)
        )

    def delete_captures(self, rows: Sequence[tuple[str, bytes]]) -> None:
        """Delete captures only as they were read: one saved again meanwhile stays."""
        self._conn.executemany("DELETE FROM capture WHERE id = ? AND payload = ?", rows)


def append_capture(path: Path, seal: Callable[[Meta], tuple[str, bytes]]) -> Meta:
    """Add (or replace) one sealed capture without reading anything else (``kapjournal capture``).

    The journal's public key is read inside the write transaction, so a key change in another
    process can never leave a capture sealed to a key that was just replaced.
    """
    store = Store.open(path)
    try:
        if store.meta.fmt < 2:
            raise JournalError(
                "this journal is from an older version of kapjournal; unlock it once, then "
                "writing without the passphrase works"
            )
        with store.write() as w:
            meta = _read_meta(w._conn, 2, path)
            capture_id, payload = seal(meta)
            w.put_capture(capture_id, payload)
        return meta
    finally:
        store.close()


def _connect_readonly(path: Path) -> sqlite3.Connection:
    """A read-only connection; on read-only media (no -shm can be made), an immutable one."""
    conn = sqlite3.connect(
        _uri(path, "ro"), uri=True, isolation_level=None, check_same_thread=False
    )
    conn.text_factory = _text
    try:
        conn.execute("PRAGMA trusted_schema=OFF")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchall()
        return conn
    except sqlite3.OperationalError as exc:
        conn.close()
        if "unable to open" not in str(exc).lower() and "readonly" not in str(exc).lower():
            raise
        if os.access(path.parent, os.W_OK) and not _on_readonly_mount(path):
            raise
    conn = sqlite3.connect(
        _uri(path, "ro", immutable=True), uri=True, isolation_level=None, check_same_thread=False
    )
    conn.text_factory = _text
    conn.execute("PRAGMA trusted_schema=OFF")
    return conn


def writable(path: Path) -> bool:
    """Whether the journal and its folder can be written (its -wal and -shm live there)."""
    if _on_readonly_mount(path):
        return False
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK)


def _on_readonly_mount(path: Path) -> bool:
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def _read_meta(conn: sqlite3.Connection, fmt: int, path: Path) -> Meta:
    cols = "vault_id, key_id, magic, fmt" + (", capture_pub" if fmt >= 2 else "")
    rows = conn.execute(f"SELECT {cols} FROM vault_meta").fetchall()
    if len(rows) != 1 or rows[0][2] != MAGIC:
        raise NotAJournal(f"{path} is not a kapjournal journal")
    vault_id, key_id, _magic, stored_fmt, *rest = rows[0]
    if not isinstance(stored_fmt, int) or stored_fmt > FORMAT:
        raise NewerFormat(
            "this journal was written by a newer kapjournal; upgrade kapjournal to open it"
        )
    if stored_fmt != fmt or not _is_uuid(vault_id) or not _is_uuid(key_id):
        raise NotAJournal(f"{path} is not a journal kapjournal can open: its header is damaged")
    capture_pub = rest[0] if rest else ""
    if not isinstance(capture_pub, str) or len(capture_pub) > 200:
        raise NotAJournal(f"{path} is not a journal kapjournal can open: its header is damaged")
    return Meta(vault_id, key_id, fmt, capture_pub)


def _is_uuid(value: object) -> bool:
    if not isinstance(value, str) or len(value) != 36:
        return False
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False


def _fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
