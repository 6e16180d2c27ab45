"""SQLite storage of ciphertext: the only module that imports ``sqlmodel``/``sqlalchemy``.

The models below define the schema. Reads and bulk writes go through SQLAlchemy Core, which is
several times faster than the ORM for thousands of small rows. Nothing here ever sees plaintext.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import delete, event, insert, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.pool import NullPool
from sqlmodel import Field, SQLModel, create_engine

from kapjournal.errors import (
    JournalBusy,
    JournalError,
    JournalExists,
    JournalMissing,
    NewerFormat,
    NotAJournal,
)

MAGIC = "kapjournal"
FORMAT = 1
BUSY_TIMEOUT_S = 10.0


class VaultMeta(SQLModel, table=True):
    __tablename__ = "vault_meta"
    id: int = Field(default=1, primary_key=True)
    magic: str
    fmt: int
    vault_id: str
    key_id: str


class KeySlot(SQLModel, table=True):
    __tablename__ = "keyslot"
    id: str = Field(primary_key=True)
    kind: str
    kdf_json: str
    nonce: bytes
    wrapped: bytes


class Item(SQLModel, table=True):
    __tablename__ = "item"
    id: str = Field(primary_key=True)
    key_id: str
    fmt: int
    payload: bytes


_meta = VaultMeta.__table__  # type: ignore[attr-defined]
_slot = KeySlot.__table__  # type: ignore[attr-defined]
_item = Item.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Meta:
    vault_id: str
    key_id: str
    fmt: int


@dataclass(frozen=True)
class SlotRow:
    id: str
    kind: str
    kdf_json: str
    nonce: bytes
    wrapped: bytes


ItemRow = tuple[str, str, int, bytes]  # id, key_id, fmt, payload


def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    """Pragmas for every connection: durable writes, no deleted text left in free pages."""
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA secure_delete=ON")
    cur.execute("PRAGMA temp_store=MEMORY")
    cur.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
    cur.close()


def _engine(path: Path) -> Engine:
    # NullPool: each use opens its own connection, so worker threads never share one.
    engine = create_engine(
        f"sqlite:///{path}",
        poolclass=NullPool,
        connect_args={"timeout": BUSY_TIMEOUT_S, "check_same_thread": False},
    )
    event.listen(engine, "connect", _on_connect)
    return engine


def _translate(exc: Exception) -> JournalError:
    """SQLite's errors in the patient's words; the original stays chained for developers."""
    msg = str(getattr(exc, "orig", exc)).lower()
    if "locked" in msg or "busy" in msg:
        return JournalBusy(
            "the journal is busy in another kapjournal window; try again in a moment"
        )
    if "not a database" in msg or "malformed" in msg or "no such table" in msg:
        return NotAJournal("this file is not a kapjournal journal, or it is damaged")
    if "disk" in msg and "full" in msg:
        return JournalError("the disk is full; nothing was saved. Free some space and try again")
    if "readonly" in msg or "read-only" in msg:
        return JournalError("the journal file is read-only; nothing was saved")
    if "unable to open" in msg:
        return JournalError("cannot open the journal file; check the folder exists and is yours")
    return JournalError("the journal could not be read or written")


class Store:
    """One journal file: a meta row, key slots, and sealed items."""

    def __init__(self, path: Path, engine: Engine) -> None:
        self.path = path
        self._engine = engine

    # --- opening ---

    @classmethod
    def create(cls, path: Path, meta: Meta, slots: Sequence[SlotRow]) -> Store:
        """Create the file 0600 before SQLite opens it, then the schema, meta and slots."""
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:
            raise JournalExists(f"a file already exists at {path}") from None
        except OSError as exc:
            raise JournalError(f"cannot create the journal at {path}: {exc.strerror}") from None
        os.fchmod(fd, 0o600)
        os.close(fd)
        store = cls(path, _engine(path))
        try:
            with store._engine.begin() as conn:
                SQLModel.metadata.create_all(conn, tables=[_meta, _slot, _item])
                conn.execute(
                    insert(_meta).values(
                        id=1, magic=MAGIC, fmt=meta.fmt, vault_id=meta.vault_id, key_id=meta.key_id
                    )
                )
                conn.execute(insert(_slot), [s.__dict__ for s in slots])
        except (OperationalError, DatabaseError) as exc:
            store.close()
            path.unlink(missing_ok=True)
            raise _translate(exc) from exc
        return store

    @classmethod
    def open(cls, path: Path) -> tuple[Store, Meta]:
        if not path.exists():
            raise JournalMissing(
                f"there is no journal at {path}; create one with 'kapjournal init'"
            )
        if path.is_dir():
            raise NotAJournal(f"{path} is a folder, not a journal")
        with open(path, "rb") as fh:
            if fh.read(16) != b"SQLite format 3\x00":
                raise NotAJournal(f"{path} is not a kapjournal journal")
        store = cls(path, _engine(path))
        try:
            with store._engine.connect() as conn:
                row = conn.execute(select(_meta)).first()
        except (OperationalError, DatabaseError) as exc:
            store.close()
            raise _translate(exc) from exc
        if row is None or row.magic != MAGIC:
            store.close()
            raise NotAJournal(f"{path} is not a kapjournal journal")
        if row.fmt > FORMAT:
            store.close()
            raise NewerFormat(
                "this journal was written by a newer kapjournal; upgrade kapjournal to open it"
            )
        return store, Meta(row.vault_id, row.key_id, row.fmt)

    def close(self) -> None:
        self._engine.dispose()

    # --- reads ---

    def slots(self) -> list[SlotRow]:
        with self._guard() as conn:
            rows = conn.execute(select(_slot)).all()
        return [SlotRow(r.id, r.kind, r.kdf_json, r.nonce, r.wrapped) for r in rows]

    def items(self) -> list[ItemRow]:
        """Every item row. Read through the DB-API cursor: SQLAlchemy's Row objects cost more
        than the read itself at ten thousand rows."""
        with self._guard() as conn:
            cursor = conn.connection.dbapi_connection.execute(
                "SELECT id, key_id, fmt, payload FROM item"
            )
            return cursor.fetchall()  # type: ignore[no-any-return]

    def item(self, item_id: str) -> ItemRow | None:
        with self._guard() as conn:
            row = conn.execute(
                select(_item.c.id, _item.c.key_id, _item.c.fmt, _item.c.payload).where(
                    _item.c.id == item_id
                )
            ).first()
        return tuple(row) if row else None  # type: ignore[return-value]

    def count(self) -> int:
        with self._guard() as conn:
            return int(conn.exec_driver_sql("SELECT count(*) FROM item").scalar_one())

    # --- writes: each one transaction ---

    def put(self, rows: Iterable[ItemRow]) -> None:
        """Insert or replace items, all in one transaction."""
        values = [{"id": i, "key_id": k, "fmt": f, "payload": p} for i, k, f, p in rows]
        if not values:
            return
        stmt = sqlite_insert(_item)
        stmt = stmt.on_conflict_do_update(
            index_elements=[_item.c.id],
            set_={
                "key_id": stmt.excluded.key_id,
                "fmt": stmt.excluded.fmt,
                "payload": stmt.excluded.payload,
            },
        )
        with self._guard(write=True) as conn:
            conn.execute(stmt, values)

    def delete(self, item_id: str) -> None:
        with self._guard(write=True) as conn:
            conn.execute(delete(_item).where(_item.c.id == item_id))

    def replace_slots(self, kind: str, new: Sequence[SlotRow]) -> None:
        """Swap the slots of one kind in a single transaction, then checkpoint the WAL."""
        with self._guard(write=True) as conn:
            conn.execute(delete(_slot).where(_slot.c.kind == kind))
            conn.execute(insert(_slot), [s.__dict__ for s in new])
        self.checkpoint()

    def rekey(self, key_id: str, rows: Iterable[ItemRow], new_slots: Sequence[SlotRow]) -> None:
        """Replace every item, every slot and the key id at once (data key rotation)."""
        values = [{"id": i, "key_id": k, "fmt": f, "payload": p} for i, k, f, p in rows]
        with self._guard(write=True) as conn:
            conn.execute(delete(_slot))
            conn.execute(insert(_slot), [s.__dict__ for s in new_slots])
            conn.execute(delete(_item))
            if values:
                conn.execute(insert(_item), values)
            conn.execute(_meta.update().where(_meta.c.id == 1).values(key_id=key_id))
        self.checkpoint()

    def checkpoint(self) -> None:
        """Fold the WAL back into the file and truncate it, so old pages do not linger there."""
        with self._guard() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

    def backup(self, dest: Path) -> None:
        """A consistent copy, still encrypted, made with SQLite's backup API; created 0600."""
        try:
            fd = os.open(dest, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:
            raise JournalExists(f"{dest} already exists; choose a new name") from None
        except OSError as exc:
            raise JournalError(f"cannot write {dest}: {exc.strerror}") from None
        os.close(fd)
        try:
            src = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S)
            out = sqlite3.connect(dest)
            with out:
                src.backup(out)
            out.execute("PRAGMA journal_mode=DELETE")
            out.close()
            src.close()
        except sqlite3.Error as exc:
            dest.unlink(missing_ok=True)
            raise _translate(exc) from exc

    # --- helpers ---

    def _guard(self, write: bool = False) -> _Guarded:
        return _Guarded(self._engine, write)


class _Guarded:
    """A connection (in a transaction when writing) whose SQLite errors become JournalErrors."""

    def __init__(self, engine: Engine, write: bool) -> None:
        self._cm = engine.begin() if write else engine.connect()

    def __enter__(self) -> Any:
        try:
            return self._cm.__enter__()
        except (OperationalError, DatabaseError) as exc:
            raise _translate(exc) from exc

    def __exit__(self, *exc_info: Any) -> None:
        try:
            self._cm.__exit__(*exc_info)
        except (OperationalError, DatabaseError) as exc:
            raise _translate(exc) from exc
        error = exc_info[1]
        if isinstance(error, OperationalError | DatabaseError):
            raise _translate(error) from error
