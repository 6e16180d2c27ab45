"""``Journal``: the one door to the data, for the TUI, the CLI and testers.

It unlocks a journal file, checks that the file is whole (the head and ledger against the rows, the
key slots, this computer's memory of the newest version it saw), decrypts items into plain records
kept in memory, and seals and commits each save as a new version of its item, with the head and
ledger moved on in the same transaction. ``lock()`` forgets every key and record.
"""

from __future__ import annotations

import base64
import dataclasses
import gc
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import orjson

from kapjournal import passphrases, records, store, vault
from kapjournal.clock import Clock, system_clock
from kapjournal.errors import (
    DamagedItem,
    JournalError,
    Locked,
    NotAJournal,
    RecordError,
    WrongPassphrase,
)
from kapjournal.integrity import (
    BUCKETS,
    DIGEST_MOD,
    Entry,
    Head,
    Problem,
    bucket_of,
    compare_rows,
    parse_bucket,
    sentence,
    what,
)
from kapjournal.localstate import Marks, device_id, journal_at, remember_place
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
from kapjournal.vault import blob_hash

if TYPE_CHECKING:
    from kapjournal.exercises import Catalog
    from kapjournal.plan import Plan

R = TypeVar("R", bound=Record)
# Problems after which the recovery key in the head is not trusted to carry over a key change.
_SUSPICIOUS = frozenset({"head", "slot", "keyring", "ledger", "secret", "capture", "foreign"})
PENDING_RECOVERY = "pending-recovery"
CAPTURE_MAX_BYTES = 256 * 1024
CAPTURES_PER_OPEN = 500
MAX_TAGS = 20
TIMELINE_KINDS = ("session", "reflection", "checkin", "assessment")
CAPTURE_KEY = "capture"
CAPTURE_PREVIOUS = "capture-previous"


@dataclass(frozen=True)
class KdfCost:
    """Argon2id cost. The default is DESIGN.md's; only tests pass cheaper ones, explicitly."""

    memory_kib: int = vault.DEFAULT_MEMORY_KIB
    passes: int = vault.DEFAULT_PASSES
    lanes: int = vault.DEFAULT_LANES

    def params(self) -> vault.KdfParams:
        return vault.KdfParams(self.memory_kib, self.passes, self.lanes)


DEFAULT_KDF = KdfCost()


class RolledBack(JournalError):
    """The file is older than a copy this computer has seen; writing waits for the patient's yes."""


class Journal:
    """An unlocked journal. Build one with :meth:`create`, :meth:`unlock` or :meth:`recover`."""

    def __init__(self, st: store.Store, clock: Clock | None = None) -> None:
        self._store = st
        self.clock: Clock = clock or system_clock
        self._sealer: vault.Sealer | None = None
        self._deks: dict[str, bytes] = {}
        self._slot_key: bytes | None = None
        self._kdf_params: vault.KdfParams | None = None
        self._device = device_id()
        self._marks = Marks.load(st.meta.vault_id)
        self._head: Head | None = None
        self._rpub_trusted = True
        self.problems: list[Problem] = []
        self._excluded: set[str] = set()
        self._ledger: dict[str, Entry] = {}
        self._rolled_back = False
        self._damaged: list[str] = []
        self._records: dict[str, Record] | None = None
        self._by_kind: dict[str, list[Record]] = {}
        self._search_text: dict[str, str] = {}
        self._data_version = 0
        self.arrived = 0  # entries written without the passphrase, taken in at the last load
        self.version = 0  # goes up on every change, so screens know when to redraw

    @property
    def path(self) -> Path:
        return self._store.path

    @property
    def vault_id(self) -> str:
        return self._store.meta.vault_id

    @property
    def format(self) -> int:
        return self._store.meta.fmt

    # --- opening and closing ---------------------------------------------------------------

    @classmethod
    def create(
        cls,
        path: Path,
        passphrase: str,
        *,
        clock: Clock | None = None,
        kdf: KdfCost | None = None,
        keep_recovery_key: bool = False,
    ) -> tuple[Journal, str]:
        """A new, empty journal, and its recovery key.

        With ``keep_recovery_key`` (the app and ``init``), the key stays sealed in the journal until
        :meth:`confirm_recovery_key`, so a lock or a crash before the patient saved it loses nothing.
        """
        if (why := passphrases.problem(passphrase)) is not None:
            raise RecordError(why)
        ensure_private_dir(path.parent)
        vault_id, kid, dek = vault.new_ids()
        raw, printed = vault.new_recovery_key()
        params = (kdf or DEFAULT_KDF).params()
        slot_key = vault.derive_passphrase_key(passphrase, params)
        sealer = vault.Sealer(vault_id, kid, {kid: dek})
        cpriv, cpub = vault.new_keypair()
        pslot = vault.passphrase_slot(slot_key, params, dek, vault_id, kid)
        rslot = vault.recovery_slot(vault.recovery_public_key(raw, vault_id), dek, vault_id, kid)
        head = Head(
            kid=kid,
            keys=[kid],
            slots={"passphrase": pslot.id, "recovery": rslot.id},
            rpub=_b64(vault.recovery_public_key(raw, vault_id)),
            cpub=_b64(cpub),
            secrets=[CAPTURE_KEY, PENDING_RECOVERY] if keep_recovery_key else [CAPTURE_KEY],
        )
        meta = store.Meta(vault_id, kid, store.FORMAT, _b64(cpub))

        def fill(w: store.Writer) -> store.Meta:
            w.put_meta(meta)
            w.put_slot(_slot_row(pslot))
            w.put_slot(_slot_row(rslot))
            w.put_secret(CAPTURE_KEY, kid, sealer.seal_meta("secret", CAPTURE_KEY, 0, cpriv))
            if keep_recovery_key:
                sealed = sealer.seal_meta("secret", PENDING_RECOVERY, 0, printed.encode())
                w.put_secret(PENDING_RECOVERY, kid, sealed)
            w.put_head(kid, sealer.seal_meta("head", "head", 0, head.to_bytes()))
            return meta

        st = store.Store.create(path, fill)
        journal = cls(st, clock)
        journal._install(dek, kid, slot_key, params)
        journal._head = head
        journal._records = {}
        journal._data_version = st.data_version()
        journal._marks.capture_pub = head.cpub
        journal._marks.record(head.vv)
        remember_place(path, vault_id)
        return journal, printed

    @classmethod
    def unlock(
        cls,
        path: Path,
        passphrase: str,
        *,
        clock: Clock | None = None,
        readonly: bool | None = False,
    ) -> Journal:
        """Open with the passphrase (runs the KDF once) and check the file is whole.

        Records are decrypted on first use or ``load()``. A format-1 journal opened for writing
        is upgraded to format 2 here, in one transaction. ``readonly=None``: for writing where the
        file can be written, else read-only.
        """
        st = store.Store.open(path, readonly=readonly)
        try:
            slot = _one_slot(st, "passphrase")
            dek, key, params = vault.open_passphrase_slot(
                passphrase, slot, st.meta.vault_id, st.meta.fmt
            )
            journal = cls(st, clock)
            journal._install(dek, slot.kid, key, params)
            if st.meta.fmt == 1 and not st.readonly:
                journal._migrate()
            journal._verify()
        except BaseException:
            st.close()
            raise
        return journal

    @classmethod
    def recover(cls, path: Path, recovery_key: str, *, clock: Clock | None = None) -> Journal:
        """Open with the recovery key; follow with :meth:`reset_passphrase`, which revokes it."""
        raw = vault.parse_recovery_key(recovery_key)
        st = store.Store.open(path)
        try:
            slot = _one_slot(st, "recovery")
            dek = vault.open_recovery_slot(raw, slot, st.meta.vault_id, st.meta.fmt)
            journal = cls(st, clock)
            journal._install(dek, slot.kid, None, None)
            journal._verify()
        except BaseException:
            st.close()
            raise
        return journal

    def lock(self) -> None:
        """Forget every key and decrypted record. Python cannot wipe memory; we drop references."""
        self._sealer = None
        self._deks = {}
        self._slot_key = None
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

    # --- keys and verification -------------------------------------------------------------

    def _install(
        self, dek: bytes, kid: str, slot_key: bytes | None, params: vault.KdfParams | None
    ) -> None:
        """The current key, and every earlier one the keyring reaches from it."""
        deks = {kid: dek}
        ring = self._store.keyring()
        progress = True
        while progress:
            progress = False
            for row in ring:
                if row.kid in deks or row.parent not in deks:
                    continue
                old = vault.unwrap_old_key(
                    deks[row.parent], row.parent, row.kid, row.nonce, row.wrapped, self.vault_id
                )
                if old is not None:
                    deks[row.kid] = old
                    progress = True
        self._deks = deks
        self._sealer = vault.Sealer(self.vault_id, kid, deks)
        self._slot_key = slot_key
        self._kdf_params = params

    def _open_head(self, kid: str, blob: bytes) -> Head | None:
        sealer = self._need_sealer()
        raw = sealer.open_meta("head", "head", 0, kid, blob)
        if raw is None:
            return None
        try:
            return Head.from_bytes(raw)
        except (ValueError, KeyError, orjson.JSONDecodeError):
            return None

    def _verify(self, *, full: bool = False) -> None:
        """Compare the file with its head and ledger, and with this computer's marks."""
        self.problems, self._excluded, self._rolled_back = [], set(), False
        if self.format == 1:
            self._data_version = self._store.data_version()
            return
        sealer = self._need_sealer()
        problems: list[Problem] = []
        row = self._store.head()
        head: Head | None = None
        if row is not None and row[0] not in self._deks:
            raise WrongPassphrase(
                "this passphrase opens only an earlier key of this journal: its key slot was "
                "replaced with an old one. Use your recovery key ('kapjournal recover')"
            )
        if row is not None:
            head = self._open_head(*row)  # only under the current key (Sealer.open_meta)
        if head is None or self._store.head_rows() != 1:
            problems.append(
                Problem(
                    "head",
                    "The journal's record of its own contents is damaged, so missing or replaced "
                    "entries cannot be detected; the entries themselves are still checked.",
                )
            )
        elif head.kid != sealer.kid:
            problems.append(
                Problem("head", "The journal's record of its contents is older than its key.")
            )
        problems += self._check_slots(head)
        unverified: set[int] = set(range(BUCKETS)) if head is None else set()
        ledger: dict[str, Entry] = {}
        if head is not None:
            ledger, bad = self._read_ledger(head)
            unverified |= bad
            if bad:
                problems.append(
                    Problem(
                        "ledger",
                        f"Part of the journal's record of its contents is damaged; "
                        f"{len(bad)} of {BUCKETS} parts could not be checked.",
                    )
                )
        self._ledger = ledger
        dots = self._store.dots()
        checked = compare_rows(dots, ledger, unverified, head.vv if head else None)
        problems += checked.problems
        excluded = set(checked.excluded)
        if head is not None:
            problems += self._check_head_against(head, dots, checked.problems)
            # Where a ledger bucket cannot vouch for its rows, the digest over every row still
            # can: if it matches, nothing was removed or replaced; if not, those rows are not used.
            recheck = unverified or full
            if recheck and _digest(sealer.digest_key, dots) != head.digest % DIGEST_MOD:
                if unverified:
                    untrusted = {d[0] for d in dots if bucket_of(d[0]) in unverified}
                    excluded |= untrusted
                    n = len(untrusted)
                    problems.append(
                        Problem(
                            "ledger",
                            f"{n} entr{'y' if n == 1 else 'ies'} could not be checked and "
                            f"{'is' if n == 1 else 'are'} not shown: an entry may have been "
                            "removed, or an older version put back.",
                        )
                    )
                elif not checked.problems:
                    problems.append(
                        Problem("head", "The journal's digest does not match its entries.")
                    )
        self._excluded = excluded
        if head is not None and self._marks.behind(head.vv):
            self._rolled_back = True
            problems.append(
                Problem(
                    "rollback",
                    "This copy of the journal is older than one this computer has opened "
                    "before: entries written since may be missing, and deleted ones may be back. "
                    "If you restored a backup on purpose, run 'kapjournal check --accept-older'.",
                )
            )
        elif head is not None:
            self._marks.record(head.vv)
            remember_place(self.path, self.vault_id)
            if head.cpub and not self._marks.capture_pub and not self.suspect_in(problems):
                self._marks.capture_pub = head.cpub
                self._marks.save()
        self._head = head
        self._rpub_trusted = head is not None
        self.problems = problems
        self._data_version = self._store.data_version()

    def _check_head_against(
        self, head: Head, dots: list[store.ItemDot], found: list[Problem]
    ) -> list[Problem]:
        """What the head vouches for besides the rows: the clear hints, the counts, the counters."""
        out: list[Problem] = []
        meta = self._store.meta
        if meta.capture_pub != head.cpub:
            out.append(
                Problem(
                    "capture",
                    "The journal's key for writing without the passphrase is not the one it "
                    "recorded (someone may want to read what you write while locked). It is put "
                    "right at the next change of passphrase; until then, unlock to write.",
                )
            )
        if meta.key_id != head.kid:
            out.append(Problem("head", "The journal's header names a key it did not record."))
        if not found:
            live = sum(1 for d in dots if not d[3])
            if (live, len(dots) - live) != (head.live, head.tombs):
                out.append(
                    Problem(
                        "head", "The journal holds a different number of entries than it recorded."
                    )
                )
        ahead = any(d[2] > head.vv.get(d[1], 0) for d in dots)
        if ahead:
            out.append(
                Problem(
                    "head",
                    "The file holds versions newer than its record of itself (an older record "
                    "may have been put back).",
                )
            )
        return out

    def _check_slots(self, head: Head | None) -> list[Problem]:
        slots = {s.kind: s for s in self._store.slots()}
        out: list[Problem] = []
        if head is None:
            return out
        if "recovery" not in slots:
            out.append(
                Problem(
                    "slot",
                    "The journal's recovery key slot is missing, so your recovery key will not "
                    "open it. Make a new recovery key now: 'kapjournal recovery-key'.",
                )
            )
        recovery = slots.get("recovery")
        if recovery is not None and head.rpub:
            try:
                pub = vault.recovery_slot_pub(
                    vault.Slot(
                        recovery.kind,
                        recovery.id,
                        recovery.kid,
                        recovery.params,
                        recovery.nonce,
                        recovery.wrapped,
                    )
                )
            except NotAJournal:
                pub = None
            if pub is not None and _b64(pub) != head.rpub:
                out.append(
                    Problem(
                        "slot", "The journal's recovery key slot names a key it did not record."
                    )
                )
        for kind, slot in slots.items():
            if slot.kid != self._need_sealer().kid:
                out.append(Problem("slot", f"The journal's {kind} key slot is for another key."))
            if head.slots.get(kind) != slot.id:
                out.append(
                    Problem(
                        "slot",
                        f"The journal's {kind} key slot is not the one it recorded (it was "
                        "replaced or added). Change your passphrase to write fresh slots.",
                    )
                )
        ring = {r.kid for r in self._store.keyring()} | {self._need_sealer().kid}
        if set(head.keys) - ring:
            out.append(
                Problem(
                    "keyring",
                    "An earlier key of the journal is missing: entries written before a past "
                    "passphrase change cannot be read.",
                )
            )
        if ring - set(head.keys):
            out.append(Problem("keyring", "The journal holds a key it never recorded."))
        if ring - set(self._deks):
            out.append(
                Problem(
                    "keyring",
                    "An earlier key of the journal cannot be opened (damaged or tampered with): "
                    "entries written under it cannot be read.",
                )
            )
        if set(self._store.secrets()) != set(head.secrets):
            out.append(
                Problem("secret", "One of the journal's own small records was removed or added.")
            )
        return out

    def _read_ledger(self, head: Head) -> tuple[dict[str, Entry], set[int]]:
        """Every ledger entry from the buckets that verify, and the numbers of those that don't."""
        sealer = self._need_sealer()
        ledger: dict[str, Entry] = {}
        bad: set[int] = set()
        seen: set[int] = set()
        for bucket, ver, kid, payload in self._store.ledger():
            if not 0 <= bucket < BUCKETS:
                continue
            seen.add(bucket)
            raw = sealer.open_meta("ledger", str(bucket), ver, kid, payload)
            if ver != head.buckets[bucket] or raw is None:
                bad.add(bucket)
                continue
            try:
                ledger.update(parse_bucket(raw))
            except (ValueError, orjson.JSONDecodeError):
                bad.add(bucket)
        bad |= {b for b in range(BUCKETS) if head.buckets[b] and b not in seen}
        return ledger, bad

    # --- loading ---------------------------------------------------------------------------

    def load(self, *, take_in: bool = True) -> None:
        """Decrypt every item. Damaged or untrusted items are in ``damaged``; the rest still read.

        Entries written without the passphrase are taken in too, unless ``take_in`` is false (a
        check reports; it changes nothing) or the file is read-only.
        """
        loaded, damaged = self._open_rows(self._store.items())
        self._records = loaded
        self._by_kind = {}
        self._search_text = {}
        self._damaged = sorted(self._excluded) + damaged
        self._data_version = self._store.data_version()
        self.version += 1
        if take_in and self.format == 2 and not self._store.readonly and not self._rolled_back:
            self._take_in_captures()

    def _open_rows(
        self, batches: Iterable[list[store.ItemRow]]
    ) -> tuple[dict[str, Record], list[str]]:
        """Decrypt item rows: the records, and the ids of rows that failed (excluded rows skipped)."""
        sealer = self._need_sealer()
        loaded: dict[str, Record] = {}
        damaged: list[str] = []
        excluded = self._excluded
        v1 = self.format == 1
        collecting = gc.isenabled()
        gc.disable()  # tens of thousands of new objects, no cycles: skip the collector's passes
        try:
            for batch in batches:
                for item_id, dev, ctr, tomb, kid, hash_, payload in batch:
                    if item_id in excluded:
                        continue
                    record: Record | None
                    try:
                        if v1:
                            record = _decode_v1(item_id, sealer.open_item_v1(item_id, kid, payload))
                        else:
                            if blob_hash(payload) != hash_:  # the ledger vouched for the hash
                                raise DamagedItem(item_id, "it is not the blob the journal wrote")
                            plain = sealer.open_item(item_id, dev, ctr, tomb, kid, payload)
                            record = _decode(item_id, plain)
                    except DamagedItem:
                        damaged.append(item_id)
                        continue
                    if record is not None:
                        loaded[item_id] = record
        finally:
            if collecting:
                gc.enable()
        return loaded, damaged

    @property
    def damaged(self) -> list[str]:
        """Ids of items that failed to decrypt, or that the ledger does not vouch for."""
        self._all()
        return self._damaged

    @property
    def loaded(self) -> bool:
        return self._records is not None

    def changed_elsewhere(self) -> bool:
        """Whether another process committed to the journal since it was loaded here."""
        return not self.locked and self._store.data_version() != self._data_version

    def reload(self) -> None:
        """Check the file again and decrypt everything, after another process wrote to it."""
        self._verify()
        self.load()

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

    def recent(
        self, n: int, kinds: Iterable[str] | None = None, since: date | None = None
    ) -> list[Record]:
        """Timeline records of these kinds, newest first: at least the newest ``n`` of those
        on or after ``since`` (in any zone). The caller filters and cuts to ``n`` exactly.

        A journal that verified whole is read only as far as it must: its ledger names every
        entry's kind and day, so only the days that can hold the newest ``n`` are decrypted.
        """
        wanted = set(TIMELINE_KINDS if kinds is None else kinds) & set(TIMELINE_KINDS)
        ids = self._newest_ids(n, wanted, since)
        if ids is None:
            return [r for r in self.timeline() if r.kind in wanted]
        loaded, _damaged = self._open_rows(self._store.items_by_id(ids))
        found = [r for r in loaded.values() if r.kind in wanted]
        found.sort(key=lambda r: r.at, reverse=True)
        return found

    def _newest_ids(self, n: int, kinds: set[str], since: date | None) -> list[str] | None:
        """The ids that can hold the newest ``n``, from the ledger; None: read everything.

        A day is the date in the entry's own zone, which may be up to two days from its order in
        time against an entry from another zone: the margin below. Undated entries always come.
        """
        if (
            self._records is not None
            or self.format != 2
            or self._head is None
            or self.problems
            or (not self._store.readonly and self._store.has_captures())
        ):
            return None
        margin = timedelta(days=2)
        try:
            floor = "" if since is None else (since - margin).isoformat()
        except OverflowError:
            floor = ""
        candidates = [
            (e[4], item_id)
            for item_id, e in self._ledger.items()
            if not e[2] and e[3] in kinds and (not e[4] or e[4] >= floor)
        ]
        dated = sorted((day for day, _ in candidates if day), reverse=True)
        if len(dated) > n:
            try:
                cut = (date.fromisoformat(dated[n - 1]) - margin).isoformat()
            except (ValueError, OverflowError):
                return None
            candidates = [(day, i) for day, i in candidates if not day or day >= cut]
        if 2 * len(candidates) > len(self._ledger):
            return None  # most of the journal: one pass over everything costs no more
        return [i for _, i in candidates]

    def search(self, query: str, kinds: Iterable[type[Record]] | None = None) -> list[Record]:
        """Records whose text holds every word of ``query`` (case-insensitive), newest first."""
        words = query.casefold().split()
        wanted = {k.kind for k in kinds} if kinds else set(TIMELINE_KINDS)
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
        """Seal and commit one record as a new version (insert or update), stamped now.

        Saving does not need the journal loaded, so ``kapjournal write`` costs the same at any size.
        """
        record = dataclasses.replace(record, updated=self.clock())  # type: ignore[type-var]
        self._commit([_version_of(record)])
        self._remember(record)
        return record

    def save_many(self, batch: Iterable[Record]) -> None:
        """Commit many records in one transaction (imports, the demo, the benchmark)."""
        batch = list(batch)
        if not batch:
            return
        self._commit([_version_of(r) for r in batch])
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
        """Replace a record with a tombstone; its text is overwritten on disk (secure_delete)."""
        self._need_sealer()
        self._commit([(item_id, 1, None, "", "")])
        self._store.checkpoint()
        if self._records is not None and (record := self._records.pop(item_id, None)):
            self._forget_indexes(record)

    def _remember(self, record: Record) -> None:
        if self._records is not None:
            self._records[record.id] = record
            self._forget_indexes(record)

    def _forget_indexes(self, record: Record) -> None:
        self.version += 1
        self._by_kind.pop(record.kind, None)
        self._search_text.pop(record.id, None)

    def check_writable(self) -> None:
        """Raise the plain reason this journal cannot be written now (an older copy, format 1).

        Exports call it before writing a file: a copy that may have lost what the patient
        un-shared must not be shared from.
        """
        self._writable()

    def _writable(self) -> vault.Sealer:
        sealer = self._need_sealer()
        if self.format == 1:
            raise JournalError(
                "this journal is from an older version of kapjournal; open it with your "
                "passphrase (not read-only) once to upgrade it"
            )
        if self._rolled_back:
            raise RolledBack(
                "this copy of the journal is older than one this computer has seen, so nothing "
                "is saved to it until you say it is the copy you want: "
                "'kapjournal check --accept-older'"
            )
        return sealer

    def _commit(
        self,
        versions: list[tuple[str, int, dict[str, Any] | None, str, str]],
        after: Callable[[store.Writer], None] | None = None,
    ) -> None:
        """Seal each (id, tomb, record dict, kind, day) as a new version; head and ledger follow.

        ``after`` runs in the same transaction (taking in captures deletes them there).
        """
        sealer = self._writable()
        dev = self._device
        with self._store.write() as w:
            head = self._head_for_write(w)
            ctr = max(head.vv.get(dev, 0), self._marks.used.get(dev, 0))
            dkey = sealer.digest_key
            groups: dict[int, list[tuple[str, int, dict[str, Any] | None, str, str]]] = {}
            for version in versions:
                groups.setdefault(bucket_of(version[0]), []).append(version)
            rows: list[store.ItemRow] = []
            buckets = []
            for bucket, group in groups.items():
                entries = self._bucket_for_write(w, bucket, head)
                for item_id, tomb, rec, kind, day in group:
                    old = entries.get(item_id)
                    ctr += 1
                    sup = [[old[0], old[1]]] if old else []
                    plain = orjson.dumps({"sup": sup, "rec": rec})
                    blob = sealer.seal_item(item_id, dev, ctr, tomb, plain)
                    digest = blob_hash(blob)
                    rows.append((item_id, dev, ctr, tomb, sealer.kid, digest, blob))
                    if old:
                        head.digest -= _term(dkey, item_id, old)
                        head.tombs -= old[2]
                        head.live -= 1 - old[2]
                        kind, day = kind or old[3], day or old[4]
                    entries[item_id] = [dev, ctr, tomb, kind, day, sealer.kid, digest.hex()]
                    head.digest += _term(dkey, item_id, entries[item_id])
                    head.tombs += tomb
                    head.live += 1 - tomb
                head.buckets[bucket] = ctr
                payload = sealer.seal_meta("ledger", str(bucket), ctr, orjson.dumps(entries))
                buckets.append((bucket, ctr, sealer.kid, payload))
            head.vv[dev] = ctr
            head.digest %= DIGEST_MOD
            w.put_items(rows)
            w.put_buckets(buckets)
            w.put_head(sealer.kid, sealer.seal_meta("head", "head", 0, head.to_bytes()))
            if after is not None:
                after(w)
        self._head = head
        self._marks.record(head.vv, dev, ctr)
        self._data_version = self._store.data_version()

    def _head_for_write(self, w: store.Writer) -> Head:
        """The head as committed now (another process may have moved it on), or one rebuilt."""
        sealer = self._need_sealer()
        row = w.read_head()
        if row is not None and row[0] != sealer.kid and row[0] not in self._deks:
            raise JournalError(
                "the passphrase was changed in another kapjournal window; lock and unlock with "
                "the new passphrase (your words are not lost)"
            )
        head = self._open_head(*row) if row is not None else None
        if head is None:
            head = self._rebuild_head()
        elif head.kid != sealer.kid:
            head.kid = sealer.kid
        return head

    def _rebuild_head(self) -> Head:
        """A head from what the file holds, when its own was damaged (the patient was warned)."""
        sealer = self._need_sealer()
        dots = self._store.dots()
        vv: dict[str, int] = {}
        for d in dots:
            vv[d[1]] = max(vv.get(d[1], 0), d[2])
        head = Head(
            kid=sealer.kid,
            vv=vv,
            keys=sorted(self._deks),
            slots={s.kind: s.id for s in self._store.slots()},
            rpub="",  # not trusted: the next key change makes a new recovery key
            cpub=self._store.meta.capture_pub,
            secrets=sorted(self._store.secrets()),
            buckets=[0] * BUCKETS,
            digest=_digest(sealer.digest_key, dots),
            live=sum(1 for d in dots if not d[3]),
            tombs=sum(1 for d in dots if d[3]),
        )
        self._rpub_trusted = False
        return head

    def _bucket_for_write(self, w: store.Writer, bucket: int, head: Head) -> dict[str, Entry]:
        sealer = self._need_sealer()
        row = w.read_bucket(bucket)
        expected = head.buckets[bucket]
        if row is None and expected == 0:
            return {}
        if row is not None and row[0] == expected:
            raw = sealer.open_meta("ledger", str(bucket), row[0], row[1], row[2])
            if raw is not None:
                try:
                    return parse_bucket(raw)
                except (ValueError, orjson.JSONDecodeError):
                    pass
        # Damaged or replaced: take the rows as they are (the patient was warned at unlock).
        return {
            i: [dev, ctr, tomb, "", "", kid, h.hex()]
            for i, dev, ctr, tomb, kid, h in self._store.dots()
            if bucket_of(i) == bucket
        }

    # --- keys: passphrase, recovery key, rotation ---------------------------------------------

    def _recovery_pub(self) -> bytes | None:
        """The public key the current recovery slot names (None for format 1's or a bad one)."""
        try:
            slot = _one_slot(self._store, "recovery")
            return vault.recovery_slot_pub(slot)
        except (WrongPassphrase, NotAJournal):
            return None

    @property
    def suspect(self) -> bool:
        """Whether the file showed signs of tampering with its keys or its record of itself."""
        return self.suspect_in(self.problems)

    @staticmethod
    def suspect_in(problems: list[Problem]) -> bool:
        return any(p.kind in _SUSPICIOUS for p in problems)

    def verify_passphrase(self, passphrase: str) -> bool:
        """Whether ``passphrase`` is the current one (runs the KDF)."""
        self._need_sealer()
        try:
            slot = _one_slot(self._store, "passphrase")
            vault.open_passphrase_slot(passphrase, slot, self.vault_id, self.format)
        except (WrongPassphrase, NotAJournal):
            return False
        return True

    def change_passphrase(self, new_passphrase: str, *, kdf: KdfCost | None = None) -> str | None:
        """A new passphrase, and a new data key for everything written from now on.

        The old passphrase, from any old copy of the file or grafted back into this one, opens
        nothing written after this. Returns a new recovery key when the old one cannot follow
        (one from format 1, one never confirmed); otherwise None and the recovery key still works.
        """
        if (why := passphrases.problem(new_passphrase)) is not None:
            raise RecordError(why)
        params = (kdf or DEFAULT_KDF).params()
        key = vault.derive_passphrase_key(new_passphrase, params)
        if self.format == 1:
            self._slot_key, self._kdf_params = key, params
            self._migrate()
        renew = not self._rpub_trusted or not (self._head and self._head.rpub)
        renew = renew or self.recovery_pending is not None or self.suspect
        return self._rotate(key, params, renew=renew)

    def reset_passphrase(self, new_passphrase: str, *, kdf: KdfCost | None = None) -> str:
        """After :meth:`recover`: a new passphrase and a new recovery key; the used one stops working."""
        if (why := passphrases.problem(new_passphrase)) is not None:
            raise RecordError(why)
        params = (kdf or DEFAULT_KDF).params()
        key = vault.derive_passphrase_key(new_passphrase, params)
        if self.format == 1:
            self._slot_key, self._kdf_params = key, params
            self._migrate()
        printed = self._rotate(key, params, renew=True)
        assert printed is not None
        return printed

    def new_recovery_key(self) -> str:
        """A new recovery key (and data key); the old recovery key stops working."""
        if self._slot_key is None or self._kdf_params is None:
            raise JournalError(
                "set a new passphrase first (the journal was opened with the recovery key)"
            )
        printed = self._rotate(self._slot_key, self._kdf_params, renew=True)
        assert printed is not None
        return printed

    @property
    def recovery_pending(self) -> str | None:
        """The recovery key shown but not yet confirmed as saved, if any."""
        if self.locked or self.format == 1:
            return None
        found = self._store.secrets().get(PENDING_RECOVERY)
        if found is None:
            return None
        raw = self._need_sealer().open_meta("secret", PENDING_RECOVERY, 0, found[0], found[1])
        return raw.decode().strip() if raw else None

    def confirm_recovery_key(self) -> None:
        """The patient saved the recovery key: forget the sealed copy kept until now."""
        sealer = self._writable()
        with self._store.write() as w:
            head = self._head_for_write(w)
            w.delete_secret(PENDING_RECOVERY)
            head.secrets = [s for s in head.secrets if s != PENDING_RECOVERY]
            w.put_head(sealer.kid, sealer.seal_meta("head", "head", 0, head.to_bytes()))
        self._head = head
        self._store.checkpoint()

    def _rotate(self, slot_key: bytes, params: vault.KdfParams, *, renew: bool) -> str | None:
        """A new data key for new writes; the old one joins the keyring, wrapped under the new.

        Both slots are rewritten for the new key (the recovery slot by sealing to the recovery
        public key, so the recovery key is not needed), the ledger and secrets are sealed again,
        and a new capture key pair is made. Items are not touched: cost does not grow with them.
        """
        if self._records is None:
            self.load()  # takes in what was written while locked, under the key about to change
        else:
            self._take_in_captures()
        sealer = self._writable()
        vault_id = self.vault_id
        old_kid, old_dek = sealer.kid, self._deks[sealer.kid]
        new_kid, new_dek = vault.new_key()
        new_sealer = vault.Sealer(vault_id, new_kid, {**self._deks, new_kid: new_dek})
        printed: str | None = None
        with self._store.write() as w:
            head = self._head_for_write(w)
            current = self._recovery_pub()
            keep = not renew and bool(head.rpub) and current is not None
            if not keep or _b64(current or b"") != head.rpub:
                # Only a recovery key the head vouches for, and the slot agrees with, is carried
                # over; anything else (an old head put back, a swapped slot) gets a new one.
                raw, printed = vault.new_recovery_key()
                pub = vault.recovery_public_key(raw, vault_id)
            else:
                pub = base64.b64decode(head.rpub)
            pending = printed or self.recovery_pending
            nonce, wrapped = vault.wrap_old_key(new_dek, new_kid, old_dek, old_kid, vault_id)
            pslot = vault.passphrase_slot(slot_key, params, new_dek, vault_id, new_kid)
            rslot = vault.recovery_slot(pub, new_dek, vault_id, new_kid)
            cpriv, cpub = vault.new_keypair()
            # The capture key of a moment ago is kept one more turn: an entry written while
            # this runs, sealed to it, is still taken in.
            found = self._store.secrets().get(CAPTURE_KEY)
            previous = sealer.open_meta("secret", CAPTURE_KEY, 0, *found) if found else None
            w.put_ring(store.RingRow(old_kid, new_kid, nonce, wrapped))
            w.put_slot(_slot_row(pslot))
            w.put_slot(_slot_row(rslot))
            w.put_meta(store.Meta(vault_id, new_kid, store.FORMAT, _b64(cpub)))
            w.put_secret(
                CAPTURE_KEY, new_kid, new_sealer.seal_meta("secret", CAPTURE_KEY, 0, cpriv)
            )
            secrets = [CAPTURE_KEY]
            if previous is not None:
                sealed = new_sealer.seal_meta("secret", CAPTURE_PREVIOUS, 0, previous)
                w.put_secret(CAPTURE_PREVIOUS, new_kid, sealed)
                secrets.append(CAPTURE_PREVIOUS)
            if pending:
                sealed = new_sealer.seal_meta("secret", PENDING_RECOVERY, 0, pending.encode())
                w.put_secret(PENDING_RECOVERY, new_kid, sealed)
                secrets.append(PENDING_RECOVERY)
            # The ledger moves to the new key, and the digest to the new digest key.
            digest = 0
            resealed = []
            for bucket in range(BUCKETS):
                entries = self._bucket_for_write(w, bucket, head)
                if not entries and not head.buckets[bucket]:
                    continue
                ver = head.buckets[bucket]
                for item_id, entry in entries.items():
                    digest += _term(new_sealer.digest_key, item_id, entry)
                payload = new_sealer.seal_meta("ledger", str(bucket), ver, orjson.dumps(entries))
                resealed.append((bucket, ver, new_kid, payload))
            w.put_buckets(resealed)
            head.kid = new_kid
            head.keys = sorted({*head.keys, *self._deks, new_kid})
            head.slots = {"passphrase": pslot.id, "recovery": rslot.id}
            head.rpub = _b64(pub)
            head.cpub = _b64(cpub)
            head.secrets = secrets
            head.digest = digest % DIGEST_MOD
            w.put_head(new_kid, new_sealer.seal_meta("head", "head", 0, head.to_bytes()))
        self._store.meta = store.Meta(vault_id, new_kid, store.FORMAT, _b64(cpub))
        self._deks[new_kid] = new_dek
        self._sealer = new_sealer
        self._slot_key, self._kdf_params = slot_key, params
        self._head = head
        self._rpub_trusted = True
        self._marks.capture_pub = head.cpub
        self._marks.save()
        self._store.checkpoint()
        return printed

    # --- format 1 → 2 ---------------------------------------------------------------------

    def _migrate(self) -> None:
        """Upgrade a format-1 file in one transaction; a copy of the old file is kept until it works."""
        assert self._slot_key is not None and self._kdf_params is not None
        sealer = self._need_sealer()
        path = self.path
        backup = _free_name(path.with_name(path.name + ".format1-backup"))
        self._store.backup(backup)
        recs: list[Record] = []
        damaged: list[str] = []
        for batch in self._store.items():
            for item_id, _dev, _ctr, _tomb, kid, _hash, payload in batch:
                try:
                    recs.append(_decode_v1(item_id, sealer.open_item_v1(item_id, kid, payload)))
                except DamagedItem:
                    damaged.append(item_id)
        old_recovery = _one_slot(self._store, "recovery")
        vault_id, kid = self.vault_id, sealer.kid
        pslot = vault.passphrase_slot(
            self._slot_key, self._kdf_params, self._deks[kid], vault_id, kid
        )
        cpriv, cpub = vault.new_keypair()
        dev = self._device
        ctr = self._marks.used.get(dev, 0)
        head = Head(
            kid=kid,
            keys=[kid],
            slots={"passphrase": pslot.id, "recovery": old_recovery.id},
            rpub="",
            cpub=_b64(cpub),
            secrets=[CAPTURE_KEY],
        )
        rows: list[store.ItemRow] = []
        groups: dict[int, dict[str, Entry]] = {}
        for record in recs:
            ctr += 1
            item_id, tomb, rec, kind, day = _version_of(record)
            plain = orjson.dumps({"sup": [], "rec": rec})
            blob = sealer.seal_item(item_id, dev, ctr, 0, plain)
            rows.append((item_id, dev, ctr, 0, kid, blob_hash(blob), blob))
            bucket = bucket_of(item_id)
            entry = [dev, ctr, 0, kind, day, kid, blob_hash(blob).hex()]
            groups.setdefault(bucket, {})[item_id] = entry
            head.buckets[bucket] = ctr
            head.digest += _term(sealer.digest_key, item_id, entry)
            head.live += 1
        head.vv = {dev: ctr} if ctr else {}
        head.digest %= DIGEST_MOD
        meta = store.Meta(vault_id, kid, store.FORMAT, _b64(cpub))

        def fill(w: store.Writer) -> store.Meta:
            w.put_meta(meta)
            w.put_slot(_slot_row(pslot))
            w.put_slot(
                store.SlotRow(
                    "recovery",
                    old_recovery.id,
                    kid,
                    old_recovery.params,
                    old_recovery.nonce,
                    old_recovery.wrapped,
                )
            )
            w.put_items(rows)
            w.put_buckets(
                [
                    (
                        b,
                        head.buckets[b],
                        kid,
                        sealer.seal_meta("ledger", str(b), head.buckets[b], orjson.dumps(e)),
                    )
                    for b, e in groups.items()
                ]
            )
            w.put_secret(CAPTURE_KEY, kid, sealer.seal_meta("secret", CAPTURE_KEY, 0, cpriv))
            w.put_head(kid, sealer.seal_meta("head", "head", 0, head.to_bytes()))
            return meta

        self._store.migrate_to_v2(fill)
        self._head = head
        self._rpub_trusted = True
        self._marks.record(head.vv, dev, ctr)
        self._marks.capture_pub = head.cpub
        self._marks.save()
        if damaged:
            self.problems.append(
                Problem(
                    "damaged",
                    f"{len(damaged)} entries could not be read while upgrading the journal; the "
                    f"old file is kept as {backup.name}.",
                )
            )
        else:
            backup.unlink(missing_ok=True)

    # --- writing without the passphrase ------------------------------------------------------------

    @staticmethod
    def capture(
        path: Path,
        text: str,
        *,
        tags: Sequence[str] = (),
        session: int | None = None,
        clock: Clock | None = None,
        capture_id: str | None = None,
    ) -> str:
        """Seal ``text`` to the journal's public key, without the passphrase; nothing is read.

        The entry becomes a private reflection at the next unlock. Passing the same
        ``capture_id`` again replaces it (the app's editor saves as the patient writes).
        """
        if not text.strip():
            raise RecordError("there is nothing to keep: the text is empty")
        if len(text.encode("utf-8", "surrogatepass")) > CAPTURE_MAX_BYTES:
            raise RecordError("that is too long to keep without unlocking; unlock to write it")
        now = (clock or system_clock)()
        cid = capture_id or str(uuid.uuid4())
        plain = orjson.dumps(
            {
                "created": now.isoformat(),
                "body": text,
                "tags": [t for t in tags if t][:MAX_TAGS],
                "session": session,
            }
        )

        def seal(meta: store.Meta) -> tuple[str, bytes]:
            try:
                pub = base64.b64decode(meta.capture_pub, validate=True)
            except ValueError:
                pub = b""
            if len(pub) != 32:
                raise JournalError(
                    "this journal cannot take entries without its passphrase yet; unlock it once"
                )
            known = journal_at(path)
            if known is not None and known != meta.vault_id:
                raise JournalError(
                    "the file at this place is not the journal this computer last unlocked "
                    "here, so nothing was written. Unlock it once with your passphrase to check it."
                )
            pinned = Marks.load(meta.vault_id).capture_pub
            if pinned and pinned != meta.capture_pub:
                raise JournalError(
                    "the journal's key for writing without the passphrase is not the one this "
                    "computer knows, so nothing was written (the file may have been changed). "
                    "Unlock it once with your passphrase to check it."
                )
            try:
                return cid, vault.seal_capture(pub, meta.vault_id, cid, plain)
            except ValueError:  # a key no honest journal has (a low-order point)
                raise JournalError(
                    "this journal's key for writing without the passphrase is not a usable key; "
                    "nothing was written. Unlock it once to check it."
                ) from None

        store.append_capture(path, seal)
        return cid

    def _take_in_captures(self) -> None:
        """Entries written while locked become private reflections, each exactly once.

        A capture is taken in under its own id, and only if that id was never a record of this
        journal: so a capture cannot overwrite a record, and an old capture row put back after it
        was taken in cannot bring an entry back. What cannot be opened or taken in is removed
        (it could never be read) and counted; at most ``CAPTURES_PER_OPEN`` are read at a time.
        """
        rows = self._store.captures()[:CAPTURES_PER_OPEN]
        self.arrived = 0
        if not rows:
            return
        sealer = self._need_sealer()
        secrets = self._store.secrets()
        keys = [
            raw[:32]
            for name in (CAPTURE_KEY, CAPTURE_PREVIOUS)
            if (found := secrets.get(name))
            and (raw := sealer.open_meta("secret", name, 0, *found)) is not None
        ]
        known = set(self._ledger) | set(self._all())
        now = self.clock()
        made: list[Reflection] = []
        done: list[tuple[str, bytes]] = []
        bad = 0
        for cid, payload in rows:
            plain = None
            if len(payload) <= 2 * CAPTURE_MAX_BYTES and _is_uuid(cid) and cid not in known:
                for key in keys:
                    if (plain := vault.open_capture(key, self.vault_id, cid, payload)) is not None:
                        break
            reflection = self._captured(cid, plain, now) if plain is not None else None
            done.append((cid, payload))
            if reflection is None:
                bad += 1
            else:
                made.append(reflection)
        if made:
            self._commit([_version_of(r) for r in made], after=lambda w: w.delete_captures(done))
            for reflection in made:
                self._remember(reflection)
        else:
            with self._store.write() as w:
                w.delete_captures(done)
        self._store.checkpoint()
        self.arrived = len(made)
        if bad:
            self.problems.append(
                Problem(
                    "capture",
                    f"{bad} entr{'y' if bad == 1 else 'ies'} written without the passphrase could "
                    "not be taken in (written for another journal, put back after it was taken "
                    "in, or damaged) and "
                    f"{'was' if bad == 1 else 'were'} removed unread.",
                )
            )

    def _captured(self, cid: str, plain: bytes, now: datetime) -> Reflection | None:
        try:
            data = orjson.loads(plain)
            body = data["body"]
            created = datetime.fromisoformat(data["created"])
            tags = tuple(str(t)[:60] for t in data.get("tags", ())[:MAX_TAGS])
            number = data.get("session")
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError):
            return None
        if not isinstance(body, str) or not body.strip():
            return None
        if created.tzinfo is None or not now - timedelta(days=3650) <= created <= now + timedelta(
            days=1
        ):
            created = now  # a hostile or broken time is not trusted
        session = None
        if isinstance(number, int) and not isinstance(number, bool):
            session = self.session_by_number(number)
        if session is None:
            recent = [
                s for s in self.sessions() if created - timedelta(hours=24) <= s.when <= created
            ]
            session = recent[-1] if recent else None
        try:
            return Reflection(
                id=cid,
                created=created,
                updated=now,
                exercise_id="capture",
                session_id=session.id if session else None,
                title="Written before unlocking",
                answers=(body, "", ""),
                tags=tags,
                share=False,
                source="capture",
            )
        except RecordError:
            return None

    # --- maintenance -----------------------------------------------------------------------

    def check(self) -> list[Problem]:
        """Everything that is wrong, read from disk again: SQLite's own structures, the key
        slots, the head and ledger against the rows, and every item decrypted."""
        self._need_sealer()
        found = [
            Problem("sqlite", f"SQLite reports damage to the file's structure: {line}")
            for line in self._store.integrity_check()
        ]
        if malformed := self._store.malformed():
            found.append(
                Problem(
                    "damaged",
                    f"{malformed} row{'s' if malformed != 1 else ''} of the file hold values of "
                    "the wrong kind and are ignored.",
                )
            )
        self._verify(full=True)
        found += self.problems
        self.load(take_in=False)
        listed = {p.item_id for p in found if p.item_id}
        for item_id in self._damaged:
            if item_id not in listed:
                found.append(
                    Problem(
                        "damaged",
                        f"{sentence(what(self._ledger.get(item_id)))} fails its integrity "
                        "check (damaged on disk or tampered with).",
                        item_id,
                    )
                )
        return found

    @property
    def rolled_back(self) -> bool:
        return self._rolled_back

    def accept_older(self) -> None:
        """The patient means this older copy: it becomes what this computer remembers."""
        if self._head is not None:
            self._marks.accept(self._head.vv)
        self._rolled_back = False
        self.problems = [p for p in self.problems if p.kind != "rollback"]

    def count(self) -> int:
        return self._store.count()

    def backup(self, dest: Path) -> None:
        """A copy of the journal, still encrypted: written beside ``dest``, then renamed in."""
        self._need_sealer()
        self._store.backup(dest)


# --- helpers -------------------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _slot_row(slot: vault.Slot) -> store.SlotRow:
    return store.SlotRow(slot.kind, slot.id, slot.kid, slot.params, slot.nonce, slot.wrapped)


def _one_slot(st: store.Store, kind: str) -> vault.Slot:
    """The one slot of a kind; more than one (possible only in format 1) is refused, unread."""
    found = [s for s in st.slots() if s.kind == kind]
    if not found:
        raise WrongPassphrase(
            f"this journal has no {kind} key slot, so it cannot be opened that way"
            + ("; try your recovery key ('kapjournal recover')" if kind == "passphrase" else "")
        )
    if len(found) > 1:
        raise NotAJournal(f"this journal has more than one {kind} key slot: the file was altered")
    s = found[0]
    return vault.Slot(s.kind, s.id, s.kid, s.params, s.nonce, s.wrapped)


def _digest(key: bytes, dots: list[store.ItemDot]) -> int:
    return (
        sum(
            vault.digest_term(key, i, dev, ctr, tomb, kid, h.hex())
            for i, dev, ctr, tomb, kid, h in dots
        )
        % DIGEST_MOD
    )


def _term(key: bytes, item_id: str, entry: Entry) -> int:
    """A ledger entry's share of the digest."""
    return vault.digest_term(key, item_id, entry[0], entry[1], entry[2], entry[5], entry[6])


def _version_of(record: Record) -> tuple[str, int, dict[str, Any], str, str]:
    return (record.id, 0, records.to_dict(record), record.kind, _day(record))


def _day(record: Record) -> str:
    try:
        return record.at.date().isoformat()
    except (AttributeError, ValueError, OverflowError):
        return ""


def _is_uuid(value: str) -> bool:
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False


def _free_name(path: Path) -> Path:
    candidate, n = path, 1
    while candidate.exists() or candidate.is_symlink():
        n += 1
        candidate = path.with_name(f"{path.name}-{n}")
    return candidate


def _decode(item_id: str, plaintext: bytes) -> Record | None:
    """A record from a format-2 item (None for a tombstone)."""
    try:
        rec = orjson.loads(plaintext)["rec"]
    except (orjson.JSONDecodeError, KeyError, TypeError) as exc:
        raise DamagedItem(item_id, _NOT_A_RECORD) from exc
    return None if rec is None else _record_from(item_id, rec)


def _decode_v1(item_id: str, plaintext: bytes) -> Record:
    """A record from a format-1 item: the plaintext is the record itself, no envelope."""
    try:
        rec = orjson.loads(plaintext)
    except orjson.JSONDecodeError as exc:
        raise DamagedItem(item_id, _NOT_A_RECORD) from exc
    return _record_from(item_id, rec)


_NOT_A_RECORD = "its contents are not a record this version understands"


def _record_from(item_id: str, rec: Any) -> Record:
    if not isinstance(rec, dict):
        raise DamagedItem(item_id, _NOT_A_RECORD)
    try:
        record = records._build(rec)
    except RecordError as exc:
        raise DamagedItem(item_id, _NOT_A_RECORD) from exc
    if record.id != item_id:
        raise DamagedItem(item_id, "it belongs to another row")
    return record
