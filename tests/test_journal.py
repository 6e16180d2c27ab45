"""Journal: round trips, wrong passphrases, tampering, passphrase changes, maintenance."""

from __future__ import annotations

import dataclasses
import hashlib
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from kapjournal.errors import (
    DamagedItem,
    JournalExists,
    Locked,
    NewerFormat,
    NotAJournal,
    RecordError,
    WrongPassphrase,
)
from kapjournal.journal import Journal
from kapjournal.records import (
    Assessment,
    CheckIn,
    DosingSession,
    Reflection,
    SafetyPlan,
    Settings,
    ShareLog,
)
from tests.conftest import FAST_KDF, PASSPHRASE, FrozenClock

STRANGE_TEXTS = {
    "empty": "",
    "huge": "word " * (1024 * 1024 // 5),
    "emoji": "🌊🧠💜 family 👨‍👩‍👧 flags 🇺🇸🇬🇧",
    "rtl": "שלום עולם — مرحبا بالعالم \u202eevil\u202c",
    "control": "bell\x07 esc\x1b[31mred\x1b[0m null\x00 cr\r tab\t \x1b]0;title\x07",
}


@pytest.mark.parametrize("name", sorted(STRANGE_TEXTS))
def test_every_kind_round_trips_strange_text(
    journal: Journal, journal_path: Path, name: str
) -> None:
    text = STRANGE_TEXTS[name]
    now = journal.clock()
    made = [
        journal.add(
            DosingSession,
            when=now,
            route="iv",
            intention=text,
            notes=text,
            dose=text,
            side_effects=frozenset({"nausea", "headache"}),
            dissociation=6,
            bp_before="120/80",
        ),
        journal.add(Reflection, body=text, answers=(text, text), tags=(text[:10], "t"), share=True),
        journal.add(CheckIn, mood=3, anxiety=7, energy=None, note=text),
        journal.add(Assessment, instrument="gad7", answers=(1,) * 7, score=7, band="mild"),
        journal.add(SafetyPlan, warning_signs=text, reasons=text),
        journal.add(Settings, therapist_name=text, autolock_minutes=10),
        journal.add(ShareLog, since=date(2026, 1, 1), until=date(2026, 2, 1), item_ids=("a", "b")),
    ]
    journal.lock()
    reopened = Journal.unlock(journal_path, PASSPHRASE)
    for record in made:
        assert reopened.get(record.id) == record
    reopened.lock()


def test_records_validate_their_values() -> None:
    with pytest.raises(RecordError, match="mood"):
        CheckIn(id="x", created=date.today(), updated=date.today(), mood=11)  # type: ignore[arg-type]
    with pytest.raises(RecordError, match="route"):
        DosingSession(id="x", created=None, updated=None, when=None, route="smoked")  # type: ignore[arg-type]
    with pytest.raises(RecordError, match="120/80"):
        DosingSession(id="x", created=None, updated=None, when=None, route="iv", bp_after="high")  # type: ignore[arg-type]


def test_repr_never_shows_the_patients_words(journal: Journal) -> None:
    r = journal.add(Reflection, body="CANARY-repr-1234")
    assert "CANARY" not in repr(r) and "CANARY" not in str(r)


def test_wrong_passphrase_is_typed_writes_nothing_and_right_one_still_opens(
    journal: Journal, journal_path: Path
) -> None:
    journal.add(Reflection, body="kept")
    journal.lock()
    before = _digest_dir(journal_path.parent)
    with pytest.raises(WrongPassphrase):
        Journal.unlock(journal_path, "not it")
    assert _digest_dir(journal_path.parent) == before
    assert [r.body for r in Journal.unlock(journal_path, PASSPHRASE).reflections()] == ["kept"]


def _digest_dir(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


def test_create_refuses_to_overwrite(journal: Journal, journal_path: Path) -> None:
    with pytest.raises(JournalExists):
        Journal.create(journal_path, PASSPHRASE, kdf=FAST_KDF)


def test_not_a_journal_and_newer_format(
    tmp_path: Path, journal: Journal, journal_path: Path
) -> None:
    text_file = tmp_path / "notes.txt"
    text_file.write_text("hello")
    with pytest.raises(NotAJournal):
        Journal.unlock(text_file, "x")
    other_db = tmp_path / "other.sqlite"
    sqlite3.connect(other_db).execute("CREATE TABLE t(x)").connection.commit()
    with pytest.raises(NotAJournal):
        Journal.unlock(other_db, "x")
    journal.lock()
    with sqlite3.connect(journal_path) as db:
        db.execute("UPDATE vault_meta SET fmt = 3")
    with pytest.raises(NewerFormat):
        Journal.unlock(journal_path, PASSPHRASE)


def _blob(path: Path, item_id: str) -> bytes:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT payload FROM item WHERE id=?", (item_id,)).fetchone()[0]


def _set_blob(path: Path, item_id: str, blob: bytes) -> None:
    with sqlite3.connect(path) as db:
        db.execute("UPDATE item SET payload=? WHERE id=?", (blob, item_id))


@pytest.mark.parametrize(
    "where",
    [0, 1, 12, 13, 40, -16, -1],
    ids=["version", "nonce0", "nonce11", "ct0", "ct40", "tag0", "tag15"],
)
def test_any_flipped_byte_names_the_item_and_the_rest_still_reads(
    journal: Journal, journal_path: Path, where: int
) -> None:
    victim = journal.add(Reflection, body="victim")
    survivor = journal.add(Reflection, body="survivor")
    journal.lock()
    blob = bytearray(_blob(journal_path, victim.id))
    blob[where] ^= 0x01
    _set_blob(journal_path, victim.id, bytes(blob))
    j = Journal.unlock(journal_path, PASSPHRASE)
    assert j.damaged == [victim.id]
    assert [r.body for r in j.reflections()] == ["survivor"]
    assert [p.item_id for p in j.check()] == [victim.id]
    assert j.get(survivor.id) is not None


def test_truncated_blob_is_damaged(journal: Journal, journal_path: Path) -> None:
    victim = journal.add(Reflection, body="victim")
    journal.lock()
    _set_blob(journal_path, victim.id, _blob(journal_path, victim.id)[:20])
    assert Journal.unlock(journal_path, PASSPHRASE).damaged == [victim.id]


def test_blob_moved_to_another_row_fails(journal: Journal, journal_path: Path) -> None:
    a = journal.add(Reflection, body="a")
    b = journal.add(Reflection, body="b")
    journal.lock()
    blob_a = _blob(journal_path, a.id)
    _set_blob(journal_path, b.id, blob_a)
    assert Journal.unlock(journal_path, PASSPHRASE).damaged == [b.id]


def test_blob_copied_from_another_journal_fails(
    journal: Journal, journal_path: Path, tmp_path: Path
) -> None:
    mine = journal.add(Reflection, body="mine")
    journal.lock()
    other, _ = Journal.create(tmp_path / "other.kapj", PASSPHRASE, kdf=FAST_KDF)
    theirs = other.save(dataclasses.replace(other.new(Reflection, body="theirs"), id=mine.id))
    other.lock()
    _set_blob(journal_path, mine.id, _blob(tmp_path / "other.kapj", theirs.id))
    with pytest.raises(DamagedItem):
        raise (
            DamagedItem(mine.id)
            if Journal.unlock(journal_path, PASSPHRASE).damaged
            else AssertionError
        )


@pytest.mark.parametrize("field", ["salt", "params"])
def test_edited_key_slot_does_not_open(journal: Journal, journal_path: Path, field: str) -> None:
    journal.lock()
    with sqlite3.connect(journal_path) as db:
        (kdf_json,) = db.execute("SELECT params FROM keyslot WHERE kind='passphrase'").fetchone()
        if field == "salt":
            edited = kdf_json.replace('"salt":"', '"salt":"AA', 1)[:-1] + "}"
            import json

            data = json.loads(kdf_json)
            data["salt"] = "AAAAAAAAAAAAAAAAAAAAAA=="
            edited = json.dumps(data, separators=(",", ":"), sort_keys=True)
        else:
            edited = kdf_json.replace('"t":1', '"t":2')
        assert edited != kdf_json
        db.execute("UPDATE keyslot SET params=? WHERE kind='passphrase'", (edited,))
    with pytest.raises(WrongPassphrase):
        Journal.unlock(journal_path, PASSPHRASE)


def test_change_passphrase_leaves_every_item_row_untouched(tmp_path: Path) -> None:
    path = tmp_path / "p.kapj"
    j, recovery = Journal.create(path, "the old passphrase", kdf=FAST_KDF)
    for i in range(5):
        j.add(Reflection, body=f"entry {i}")
    rows_before = _rows(path)
    assert j.change_passphrase("the new passphrase", kdf=FAST_KDF) is None
    j.lock()
    assert _rows(path) == rows_before  # nothing re-encrypted: the cost does not grow with them
    with pytest.raises(WrongPassphrase):
        Journal.unlock(path, "the old passphrase")
    assert len(Journal.unlock(path, "the new passphrase").reflections()) == 5
    assert len(Journal.recover(path, recovery).reflections()) == 5  # the recovery key still works
    wal = path.with_name("p.kapj-wal")
    assert not wal.exists() or wal.stat().st_size == 0


def _rows(path: Path) -> list[tuple]:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT id, dev, ctr, kid, payload FROM item ORDER BY id").fetchall()


def test_lock_forgets_everything(journal: Journal) -> None:
    journal.add(Reflection, body="x")
    journal.lock()
    assert journal.locked
    with pytest.raises(Locked):
        journal.add(Reflection, body="y")


def test_search_time_order_and_update(journal: Journal, clock: FrozenClock) -> None:
    a = journal.add(Reflection, body="The ocean was warm")
    clock.advance(days=1)
    b = journal.add(Reflection, body="ocean again, colder", tags=("water",))
    clock.advance(hours=1)
    journal.add(CheckIn, mood=4, note="thinking of the OCEAN")
    assert [r.id for r in journal.search("ocean")][1:] == [b.id, a.id]
    assert [r.id for r in journal.search("ocean WARM")] == [a.id]
    assert [r.id for r in journal.search("water")] == [b.id]
    clock.advance(hours=2)
    edited = journal.update(a, body="the sea")
    assert edited.updated == clock.now and edited.created == a.created
    assert journal.search("warm") == []


def test_sessions_are_numbered_in_order(journal: Journal) -> None:
    first = journal.add(DosingSession, when=journal.clock(), route="im")
    second = journal.add(DosingSession, when=journal.clock(), route="iv")
    assert (first.number, second.number) == (1, 2)
    assert journal.session_by_number(2) == second


def test_delete(journal: Journal, journal_path: Path) -> None:
    r = journal.add(Reflection, body="gone")
    journal.delete(r.id)
    assert journal.get(r.id) is None
    journal.lock()
    assert Journal.unlock(journal_path, PASSPHRASE).reflections() == []


def test_backup_is_encrypted_and_opens(journal: Journal, tmp_path: Path) -> None:
    journal.add(Reflection, body="BACKUP-CANARY")
    dest = tmp_path / "backup.kapj"
    journal.backup(dest)
    assert b"BACKUP-CANARY" not in dest.read_bytes()
    assert dest.stat().st_mode & 0o777 == 0o600
    assert Journal.unlock(dest, PASSPHRASE).reflections()[0].body == "BACKUP-CANARY"
    with pytest.raises(JournalExists):
        journal.backup(dest)


def test_settings_and_safety_plan_default_then_saved(journal: Journal) -> None:
    assert journal.settings().autolock_minutes == 5
    journal.save(dataclasses.replace(journal.settings(), region="GB"))
    assert journal.settings().region == "GB"
    plan = journal.safety_plan()
    assert plan.warning_signs == ""


def test_full_disk_is_explained_and_loses_nothing(
    journal: Journal, journal_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kapjournal import store
    from kapjournal.errors import JournalError

    kept = journal.add(Reflection, body="written before the disk filled")
    journal.lock()
    pages = journal_path.stat().st_size // 4096 + 8  # the WAL was folded in when it closed
    original = store._configure

    def tiny_disk(conn: sqlite3.Connection, *, readonly: bool) -> None:
        original(conn, readonly=readonly)
        conn.execute(f"PRAGMA max_page_count={pages + 2}")  # SQLite's own "disk is full"

    monkeypatch.setattr(store, "_configure", tiny_disk)
    journal.lock()
    j = Journal.unlock(journal_path, PASSPHRASE)
    with pytest.raises(JournalError, match="disk is full"):
        j.add(Reflection, body="x" * 200_000)
    assert [r.id for r in j.reflections()] == [kept.id]  # nothing half-remembered
    monkeypatch.setattr(store, "_configure", original)
    j.lock()
    assert [r.body for r in Journal.unlock(journal_path, PASSPHRASE).reflections()] == [kept.body]
