"""``Journal``: the one door to the data, for the TUI, the CLI and testers.

It unlocks a journal file, decrypts its items into plain records kept in memory (indexed by kind
and time), and encrypts and commits one row per save. ``lock()`` forgets the key and every record.
"""

from __future__ import annotations

import dataclasses
import gc
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from kapjournal import records, store, vault
from kapjournal.clock import Clock, system_clock
from kapjournal.errors import DamagedItem, Locked, RecordError
from kapjournal.paths import ensure_private_dir
from kapjournal.records import (
    Assessment,
    CheckIn,
    DosingSession,
    Record,
    Reflection,
    SafetyPlan,
    Settings,
    ShareLog,
)

if TYPE_CHECKING:
    from kapjournal.exercises import Catalog
    from kapjournal.plan import Plan

R = TypeVar("R", bound=Record)


@dataclass(frozen=True)
class KdfCost:
    """Argon2id cost. The default is DESIGN.md's; only tests pass cheaper ones, explicitly."""

    memory_kib: int = vault.DEFAULT_MEMORY_KIB
    passes: int = vault.DEFAULT_PASSES
    lanes: int = vault.DEFAULT_LANES

    def params(self) -> vault.KdfParams:
        return vault.KdfParams(self.memory_kib, self.passes, self.lanes)


DEFAULT_KDF = KdfCost()


class Journal:
    """An unlocked journal. Build one with :meth:`create`, :meth:`unlock` or :meth:`recover`."""

    def __init__(
        self, st: store.Store, meta: store.Meta, dek: bytes, clock: Clock | None = None
    ) -> None:
        self._store = st
        self._meta = meta
        self._dek: bytes | None = dek
        self._sealer: vault.Sealer | None = vault.Sealer(dek, meta.vault_id, meta.key_id)
        self.clock: Clock = clock or system_clock
        self._damaged: list[str] = []
        self._records: dict[str, Record] | None = None
        self._by_kind: dict[str, list[Record]] = {}
        self._search_text: dict[str, str] = {}
        self.version = 0  # goes up on every change, so screens know when to redraw

    @property
    def path(self) -> Path:
        return self._store.path

    # --- opening and closing ---------------------------------------------------------------

    @classmethod
    def create(
        cls, path: Path, passphrase: str, *, clock: Clock | None = None, kdf: KdfCost | None = None
    ) -> tuple[Journal, str]:
        """A new, empty journal, and its recovery key (shown to the patient once, never stored)."""
        if not passphrase:
            raise RecordError("the passphrase cannot be empty")
        ensure_private_dir(path.parent)
        vault_id, key_id, dek = vault.new_ids()
        raw, printed = vault.new_recovery_key()
        slots = [
            vault.passphrase_slot(passphrase, dek, vault_id, key_id, (kdf or DEFAULT_KDF).params()),
            vault.recovery_slot(raw, dek, vault_id, key_id),
        ]
        meta = store.Meta(vault_id, key_id, store.FORMAT)
        st = store.Store.create(path, meta, [store.SlotRow(**s.__dict__) for s in slots])
        journal = cls(st, meta, dek, clock)
        journal._records = {}
        return journal, printed

    @classmethod
    def unlock(cls, path: Path, passphrase: str, *, clock: Clock | None = None) -> Journal:
        """Open with the passphrase (runs the KDF). Records are decrypted on first use or ``load()``."""
        st, meta = store.Store.open(path)
        try:
            dek = vault.unlock_with_passphrase(passphrase, _slots(st), meta.vault_id, meta.key_id)
        except BaseException:
            st.close()
            raise
        return cls(st, meta, dek, clock)

    @classmethod
    def recover(cls, path: Path, recovery_key: str, *, clock: Clock | None = None) -> Journal:
        """Open with the recovery key; follow with :meth:`change_passphrase`."""
        raw = vault.parse_recovery_key(recovery_key)
        st, meta = store.Store.open(path)
        try:
            dek = vault.unlock_with_recovery(raw, _slots(st), meta.vault_id, meta.key_id)
        except BaseException:
            st.close()
            raise
        return cls(st, meta, dek, clock)

    def lock(self) -> None:
        """Forget the key and every decrypted record. Python cannot wipe memory; we drop references."""
        self._dek = None
        self._sealer = None
        self._records = None
        self._by_kind = {}
        self._search_text = {}
        self._store.close()

    close = lock

    @property
    def locked(self) -> bool:
        return self._sealer is None

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.lock()

    # --- loading ---------------------------------------------------------------------------

    def load(self) -> None:
        """Decrypt every item. Damaged items are listed in ``damaged``; the rest still read."""
        sealer = self._need_sealer()
        loaded: dict[str, Record] = {}
        damaged: list[str] = []
        rows = self._store.items()
        collecting = gc.isenabled()
        gc.disable()  # tens of thousands of new objects, no cycles: skip the collector's passes
        try:
            for item_id, key_id, _fmt, payload in rows:
                try:
                    loaded[item_id] = _decode(item_id, sealer.open(item_id, key_id, payload))
                except DamagedItem:
                    damaged.append(item_id)
        finally:
            if collecting:
                gc.enable()
        self._records = loaded
        self._by_kind = {}
        self._search_text = {}
        self._damaged = damaged
        self.version += 1

    @property
    def damaged(self) -> list[str]:
        """Ids of items that failed to decrypt when the journal was loaded."""
        self._all()
        return self._damaged

    @property
    def loaded(self) -> bool:
        return self._records is not None

    def _all(self) -> dict[str, Record]:
        if self._records is None:
            self.load()
        assert self._records is not None
        return self._records

    def _need_sealer(self) -> vault.Sealer:
        if self._sealer is None:
            raise Locked("the journal is locked")
        return self._sealer

    # --- reading ---------------------------------------------------------------------------

    def get(self, item_id: str) -> Record | None:
        return self._all().get(item_id)

    def of_kind(self, kind: type[R]) -> list[R]:
        """Records of one kind, oldest first (by when they happened)."""
        found = self._by_kind.get(kind.kind)
        if found is None:
            found = sorted(
                (r for r in self._all().values() if r.kind == kind.kind), key=lambda r: r.at
            )
            self._by_kind[kind.kind] = found
        return found  # type: ignore[return-value]

    def sessions(self) -> list[DosingSession]:
        return self.of_kind(DosingSession)

    def reflections(self, *, drafts: bool = False) -> list[Reflection]:
        found = self.of_kind(Reflection)
        return found if drafts else [r for r in found if not r.draft]

    def drafts(self) -> list[Reflection]:
        return [r for r in self.of_kind(Reflection) if r.draft]

    def checkins(self) -> list[CheckIn]:
        return self.of_kind(CheckIn)

    def assessments(self) -> list[Assessment]:
        return self.of_kind(Assessment)

    def share_logs(self) -> list[ShareLog]:
        return self.of_kind(ShareLog)

    def timeline(self) -> list[Record]:
        """Sessions, reflections, check-ins and assessments, newest first."""
        kinds = (DosingSession, Reflection, CheckIn, Assessment)
        items = [r for k in kinds for r in self.of_kind(k)]
        items.sort(key=lambda r: r.at, reverse=True)
        return items

    def search(self, query: str, kinds: Iterable[type[Record]] | None = None) -> list[Record]:
        """Records whose text holds every word of ``query`` (case-insensitive), newest first."""
        words = query.casefold().split()
        wanted = (
            {k.kind for k in kinds} if kinds else {"session", "reflection", "checkin", "assessment"}
        )
        texts = self._search_text
        found = []
        for record in self._all().values():
            if record.kind not in wanted:
                continue
            text = texts.get(record.id)
            if text is None:
                text = texts[record.id] = records.searchable_text(record)
            if all(w in text for w in words):
                found.append(record)
        found.sort(key=lambda r: r.at, reverse=True)
        return found

    def settings(self) -> Settings:
        found = self.of_kind(Settings)
        return found[-1] if found else self.new(Settings)

    def safety_plan(self) -> SafetyPlan:
        found = self.of_kind(SafetyPlan)
        return found[-1] if found else self.new(SafetyPlan)

    def plan(self, catalog: Catalog) -> Plan:
        """The exercises due, coming and done after each session, as of the clock's now."""
        from kapjournal.plan import build_plan

        return build_plan(self.sessions(), self.of_kind(Reflection), catalog, self.clock())

    def session_by_number(self, number: int) -> DosingSession | None:
        return next((s for s in self.sessions() if s.number == number), None)

    # --- writing ---------------------------------------------------------------------------

    def new(self, kind: type[R], **values: Any) -> R:
        """A new record with a fresh id and the clock's time; not saved until :meth:`save`."""
        now = self.clock()
        return kind(id=str(uuid.uuid4()), created=values.pop("created", now), updated=now, **values)

    def save(self, record: R) -> R:
        """Encrypt and commit one record (insert or update), stamped with the clock's time.

        Saving does not need the journal loaded, so ``kapjournal write`` costs the same at any size.
        """
        record = dataclasses.replace(record, updated=self.clock())  # type: ignore[type-var]
        self._write([record])
        self._remember(record)
        return record

    def save_many(self, batch: Iterable[Record]) -> None:
        """Commit many new records in one transaction (imports, the demo, the benchmark)."""
        batch = list(batch)
        self._write(batch)
        for record in batch:
            self._remember(record)

    def add(self, kind: type[R], **values: Any) -> R:
        """Build and save a record in one step."""
        if kind is DosingSession and not values.get("number"):
            values["number"] = max((s.number for s in self.sessions()), default=0) + 1
        return self.save(self.new(kind, **values))

    def update(self, record: R, **changes: Any) -> R:
        return self.save(dataclasses.replace(record, **changes))  # type: ignore[type-var]

    def new_assessment(
        self,
        instrument: str,
        answers: Iterable[int],
        *,
        session_id: str | None = None,
        created: datetime | None = None,
    ) -> Assessment:
        """An unsaved assessment, scored from its answers (never from input)."""
        from kapjournal import measures

        when = created or self.clock()
        return measures.new_assessment(
            str(uuid.uuid4()), when, instrument, tuple(answers), session_id
        )

    def add_assessment(
        self,
        instrument: str,
        answers: Iterable[int],
        *,
        session_id: str | None = None,
        created: datetime | None = None,
    ) -> Assessment:
        """Score from the answers and save."""
        return self.save(
            self.new_assessment(instrument, answers, session_id=session_id, created=created)
        )

    def delete(self, item_id: str) -> None:
        """Delete one record; the row is overwritten on disk (secure_delete) and the WAL truncated."""
        self._need_sealer()
        self._store.delete(item_id)
        self._store.checkpoint()
        if self._records is not None and (record := self._records.pop(item_id, None)):
            self._forget_indexes(record)

    def _write(self, batch: list[Record]) -> None:
        sealer = self._need_sealer()
        key_id = self._meta.key_id
        rows = [(r.id, key_id, store.FORMAT, sealer.seal(r.id, records.to_json(r))) for r in batch]
        self._store.put(rows)

    def _remember(self, record: Record) -> None:
        if self._records is not None:
            self._records[record.id] = record
            self._forget_indexes(record)

    def _forget_indexes(self, record: Record) -> None:
        self.version += 1
        self._by_kind.pop(record.kind, None)
        self._search_text.pop(record.id, None)

    # --- keys and maintenance ----------------------------------------------------------------

    def change_passphrase(self, new_passphrase: str, *, kdf: KdfCost | None = None) -> None:
        """Rewrap the data key under a new passphrase in one transaction; items are untouched."""
        if not new_passphrase:
            raise RecordError("the passphrase cannot be empty")
        self._need_sealer()
        assert self._dek is not None
        slot = vault.passphrase_slot(
            new_passphrase,
            self._dek,
            self._meta.vault_id,
            self._meta.key_id,
            (kdf or DEFAULT_KDF).params(),
        )
        self._store.replace_slots("passphrase", [store.SlotRow(**slot.__dict__)])

    def rotate_key(self, passphrase: str, *, kdf: KdfCost = DEFAULT_KDF) -> str:
        """A new data key: every item is re-encrypted, and a new recovery key is returned."""
        all_records = self._all()
        vault_id = self._meta.vault_id
        _, key_id, dek = vault.new_ids()
        raw, printed = vault.new_recovery_key()
        sealer = vault.Sealer(dek, vault_id, key_id)
        rows = [
            (r.id, key_id, store.FORMAT, sealer.seal(r.id, records.to_json(r)))
            for r in all_records.values()
        ]
        slots = [
            vault.passphrase_slot(passphrase, dek, vault_id, key_id, kdf.params()),
            vault.recovery_slot(raw, dek, vault_id, key_id),
        ]
        self._store.rekey(key_id, rows, [store.SlotRow(**s.__dict__) for s in slots])
        self._meta = store.Meta(vault_id, key_id, self._meta.fmt)
        self._dek, self._sealer = dek, sealer
        return printed

    def check(self) -> list[str]:
        """Decrypt every item from disk again; the ids of those that fail."""
        sealer = self._need_sealer()
        bad = []
        for item_id, key_id, _fmt, payload in self._store.items():
            try:
                _decode(item_id, sealer.open(item_id, key_id, payload))
            except DamagedItem:
                bad.append(item_id)
        return bad

    def count(self) -> int:
        return self._store.count()

    def backup(self, dest: Path) -> None:
        """A copy of the journal, still encrypted, through SQLite's backup API."""
        self._need_sealer()
        self._store.backup(dest)


def _slots(st: store.Store) -> list[vault.Slot]:
    return [vault.Slot(s.id, s.kind, s.kdf_json, s.nonce, s.wrapped) for s in st.slots()]


def _decode(item_id: str, plaintext: bytes) -> Record:
    try:
        record = records.from_json(plaintext)
    except RecordError as exc:
        raise DamagedItem(
            item_id, "its contents are not a record this version understands"
        ) from exc
    if record.id != item_id:
        raise DamagedItem(item_id, "it belongs to another row")
    return record
