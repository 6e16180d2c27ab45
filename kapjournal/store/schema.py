"""The journal's schema, defined once with SQLModel; imported only to create or migrate a file.

Every other command reads and writes through ``sqlite3`` (``kapjournal.store``), which checks a file
against :data:`kapjournal.store.SHAPE`; a test keeps that shape and these models in step.
Nothing here ever sees plaintext: payloads are sealed by ``vault``.
"""

from __future__ import annotations

from sqlalchemy import Index
from sqlalchemy.dialects import sqlite
from sqlalchemy.schema import CreateIndex, CreateTable
from sqlmodel import Field, SQLModel

# A registry of its own, so these tables never mix with anyone else's SQLModel metadata.
metadata = SQLModel.metadata.__class__()


class _Base(SQLModel):
    metadata = metadata


class VaultMeta(_Base, table=True):
    """Which journal this is, its format, its current key id and its public key for capture."""

    __tablename__ = "vault_meta"
    id: int = Field(default=1, primary_key=True)
    magic: str
    fmt: int
    vault_id: str
    key_id: str
    capture_pub: str


class KeySlot(_Base, table=True):
    """The current data key, wrapped once per way of opening: one row per kind, no more."""

    __tablename__ = "keyslot"
    kind: str = Field(primary_key=True)
    id: str
    kid: str
    params: str
    nonce: bytes
    wrapped: bytes


class KeyRing(_Base, table=True):
    """Each earlier data key, wrapped under the key that replaced it (grow-only)."""

    __tablename__ = "keyring"
    kid: str = Field(primary_key=True)
    parent: str
    nonce: bytes
    wrapped: bytes


class Item(_Base, table=True):
    """The current version of each record, or its tombstone; (dev, ctr) is the version's dot.

    ``hash`` is BLAKE2b-128 of ``payload``: the ledger records it, so a blob re-sealed with an old
    key (by someone who knew an old passphrase) does not pass for the one the journal wrote. The
    index holds every row's dot, key id and hash, so checking the rows against the ledger at each
    open reads a few bytes per item instead of every ciphertext.
    """

    __tablename__ = "item"
    __table_args__ = (Index("item_dot", "id", "dev", "ctr", "tomb", "kid", "hash"),)
    id: str = Field(primary_key=True)
    dev: str
    ctr: int
    tomb: int
    kid: str
    hash: bytes
    payload: bytes


class Ledger(_Base, table=True):
    """The journal's own sealed list of what it holds, in 256 buckets by item id."""

    __tablename__ = "ledger"
    bucket: int = Field(primary_key=True)
    ver: int
    kid: str
    payload: bytes


class Head(_Base, table=True):
    """One sealed row: version vector, key-slot ids, bucket versions and the digest."""

    __tablename__ = "head"
    id: int = Field(default=1, primary_key=True)
    kid: str
    payload: bytes


class Secret(_Base, table=True):
    """Small sealed values: the capture private key, a recovery key not yet confirmed."""

    __tablename__ = "secret"
    name: str = Field(primary_key=True)
    kid: str
    payload: bytes


class Capture(_Base, table=True):
    """Entries written while locked, sealed to the journal's public key until the next unlock."""

    __tablename__ = "capture"
    id: str = Field(primary_key=True)
    payload: bytes


TABLES = [
    VaultMeta.__table__,  # type: ignore[attr-defined]
    KeySlot.__table__,  # type: ignore[attr-defined]
    KeyRing.__table__,  # type: ignore[attr-defined]
    Item.__table__,  # type: ignore[attr-defined]
    Ledger.__table__,  # type: ignore[attr-defined]
    Head.__table__,  # type: ignore[attr-defined]
    Secret.__table__,  # type: ignore[attr-defined]
    Capture.__table__,  # type: ignore[attr-defined]
]


def ddl() -> list[str]:
    """``CREATE TABLE`` and ``CREATE INDEX`` statements for format 2, as SQLAlchemy writes them."""
    dialect = sqlite.dialect()
    statements = [str(CreateTable(table).compile(dialect=dialect)).strip() for table in TABLES]
    for table in TABLES:
        for index in sorted(table.indexes, key=lambda i: str(i.name)):
            statements.append(str(CreateIndex(index).compile(dialect=dialect)).strip())
    return statements
