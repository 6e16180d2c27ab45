"""Format 2: a journal that proves it is whole, and key changes that really revoke.

Each attack is made the way an attacker or a sync tool would make it: on the file, with SQL, from
old copies of the same journal. Each must be detected or refused, and nothing else lost.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from kapjournal import vault
from kapjournal.errors import JournalError, NotAJournal, WrongPassphrase
from kapjournal.journal import Journal, RolledBack
from kapjournal.records import Reflection, Settings
from tests.conftest import FAST_KDF, PASSPHRASE, FrozenClock

NEW = "a new passphrase for the test"


def copy_of(path: Path, dest: Path) -> Path:
    """A consistent copy of a journal (main file and WAL folded), as a backup or sync tool makes."""
    src = sqlite3.connect(path)
    out = sqlite3.connect(dest)
    src.backup(out)
    out.close()
    src.close()
    return dest


def sql(path: Path, statement: str, *args: object) -> list[tuple]:
    with sqlite3.connect(path) as db:
        return db.execute(statement, args).fetchall()


def row(path: Path, item_id: str) -> tuple:
    return sql(path, "SELECT id, dev, ctr, tomb, kid, hash, payload FROM item WHERE id=?", item_id)[0]


def put_row(path: Path, values: tuple) -> None:
    sql(path, "INSERT OR REPLACE INTO item VALUES (?, ?, ?, ?, ?, ?, ?)", *values)


def kinds(journal: Journal) -> list[str]:
    return sorted(p.kind for p in journal.problems)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def jp(journal: Journal, journal_path: Path) -> Path:
    journal.lock()
    return journal_path


# --- the head and ledger against the rows --------------------------------------------------------


def test_a_whole_journal_has_no_problems(journal: Journal, journal_path: Path) -> None:
    a = journal.add(Reflection, body="a")
    journal.add(Reflection, body="b")
    journal.update(a, body="a, edited")
    journal.delete(journal.add(Reflection, body="gone").id)
    journal.lock()
    j = Journal.unlock(journal_path, PASSPHRASE)
    assert j.problems == [] and j.check() == []
    assert sorted(r.body for r in j.reflections()) == ["a, edited", "b"]


def test_a_deleted_row_is_named_and_the_rest_reads(journal: Journal, journal_path: Path) -> None:
    victim = journal.add(Reflection, body="victim")
    journal.add(Reflection, body="survivor")
    journal.lock()
    sql(journal_path, "DELETE FROM item WHERE id=?", victim.id)
    j = Journal.unlock(journal_path, PASSPHRASE)
    assert kinds(j) == ["missing"]
    assert j.problems[0].item_id == victim.id
    assert "A reflection from 2 Nov 2026 is missing" in j.problems[0].message
    assert [r.body for r in j.reflections()] == ["survivor"]


def test_a_replayed_old_version_is_not_used(
    journal: Journal, journal_path: Path, tmp_path: Path
) -> None:
    entry = journal.add(Reflection, body="private thoughts", share=False)
    shared = journal.update(entry, share=True, body="version the patient shared")
    private_again = journal.update(shared, share=False, body="made private again")
    old = copy_of(journal_path, tmp_path / "old.kapj")
    journal.update(private_again, body="latest words")
    journal.lock()
    put_row(journal_path, row(old, entry.id))  # an older version of the same entry, put back
    j = Journal.unlock(journal_path, PASSPHRASE)
    assert kinds(j) == ["replayed"] and j.problems[0].item_id == entry.id
    assert j.get(entry.id) is None and entry.id in j.damaged
    assert not any(r.share for r in j.reflections())


def test_a_replayed_settings_row_cannot_bring_back_an_old_therapist_key(
    journal: Journal, journal_path: Path, tmp_path: Path
) -> None:
    old_key = "age1" + "q" * 58
    settings = journal.save(journal.new(Settings, therapist_recipient=old_key))
    old = copy_of(journal_path, tmp_path / "old.kapj")
    journal.update(settings, therapist_recipient="")
    journal.lock()
    put_row(journal_path, row(old, settings.id))
    j = Journal.unlock(journal_path, PASSPHRASE)
    assert kinds(j) == ["replayed"]
    assert j.settings().therapist_recipient == ""


def test_a_deleted_entry_put_back_stays_deleted(
    journal: Journal, journal_path: Path, tmp_path: Path
) -> None:
    entry = journal.add(Reflection, body="deleted on purpose")
    old = copy_of(journal_path, tmp_path / "old.kapj")
    journal.delete(entry.id)
    journal.lock()
    put_row(journal_path, row(old, entry.id))
    j = Journal.unlock(journal_path, PASSPHRASE)
    assert kinds(j) == ["resurrected"]
    assert "that you deleted is back" in j.problems[0].message
    assert j.reflections() == []


def test_a_row_from_another_copy_is_extra(
    journal: Journal, journal_path: Path, tmp_path: Path
) -> None:
    journal.add(Reflection, body="mine")
    fork = copy_of(journal_path, tmp_path / "fork.kapj")
    journal.lock()
    other = Journal.unlock(fork, PASSPHRASE)
    planted = other.add(Reflection, body="written in a copy, never in this journal")
    other.lock()
    put_row(journal_path, row(fork, planted.id))
    j = Journal.unlock(journal_path, PASSPHRASE)
    assert "extra" in kinds(j)
    assert [r.body for r in j.reflections()] == ["mine"]


def test_check_names_problems_and_exits_1(journal: Journal, journal_path: Path) -> None:
    victim = journal.add(Reflection, body="victim")
    journal.lock()
    sql(journal_path, "DELETE FROM item WHERE id=?", victim.id)
    done = subprocess.run(
        [sys.executable, "-m", "kapjournal", "--journal", str(journal_path), "check"],
        capture_output=True,
        text=True,
        env=_env(),
    )
    assert done.returncode == 1
    assert "A reflection from 2 Nov 2026 is missing from the file." in done.stderr
    assert "Traceback" not in done.stderr
    listed = subprocess.run(
        [sys.executable, "-m", "kapjournal", "--journal", str(journal_path), "list"],
        capture_output=True,
        text=True,
        env=_env(),
    )
    assert listed.returncode == 0 and "is missing from the file" in listed.stderr


def _env() -> dict[str, str]:
    import os

    return {**os.environ, "KAPJOURNAL_PASSPHRASE": PASSPHRASE}


# --- key slots -----------------------------------------------------------------------------------


def test_a_dropped_recovery_slot_is_noticed_at_every_open(jp: Path) -> None:
    sql(jp, "DELETE FROM keyslot WHERE kind='recovery'")
    j = Journal.unlock(jp, PASSPHRASE)
    assert kinds(j) == ["slot"]
    assert "recovery key slot is missing" in j.problems[0].message


def test_a_second_passphrase_slot_cannot_even_be_added(jp: Path) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        sql(jp, "INSERT INTO keyslot SELECT kind, 'x', kid, params, nonce, wrapped FROM keyslot")


def test_slot_settings_are_bounded_before_any_kdf(
    jp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (params,) = sql(jp, "SELECT params FROM keyslot WHERE kind='passphrase'")[0]
    sql(
        jp, "UPDATE keyslot SET params=? WHERE kind='passphrase'", params.replace('"t":1', '"t":99')
    )
    monkeypatch.setattr(vault, "derive_passphrase_key", lambda *a: pytest.fail("the KDF ran"))
    with pytest.raises(JournalError, match="4 times the default"):
        Journal.unlock(jp, PASSPHRASE)


# --- the file's shape ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "plant",
    [
        "CREATE TRIGGER keep AFTER DELETE ON item BEGIN INSERT INTO capture VALUES (old.id, old.payload); END",
        "CREATE VIEW v AS SELECT * FROM item",
        "CREATE INDEX extra ON item(ctr)",
        "CREATE TABLE extra(x)",
        "ALTER TABLE item ADD COLUMN spy TEXT",
    ],
    ids=["trigger", "view", "index", "table", "column"],
)
def test_a_planted_schema_object_is_refused_and_the_file_untouched(jp: Path, plant: str) -> None:
    sql(jp, plant)
    before = sha(jp)
    with pytest.raises(NotAJournal, match="is not a journal kapjournal can open"):
        Journal.unlock(jp, PASSPHRASE)
    assert sha(jp) == before


def test_another_apps_database_is_not_switched_to_wal(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE notes(x)")
    before = sha(other)
    with pytest.raises(NotAJournal):
        Journal.unlock(other, PASSPHRASE)
    assert sha(other) == before and not Path(f"{other}-wal").exists()


def test_flipped_bytes_never_pass_check_when_sqlite_finds_damage(
    journal: Journal, journal_path: Path, tmp_path: Path
) -> None:
    import random

    for i in range(60):
        journal.add(Reflection, body=f"entry {i} " * 40)
    for victim in journal.reflections()[:20]:
        journal.delete(victim.id)
    journal.lock()
    size = journal_path.stat().st_size
    rng = random.Random(7)
    for trial in range(40):
        damaged = tmp_path / f"d{trial}.kapj"
        shutil.copyfile(journal_path, damaged)
        data = bytearray(damaged.read_bytes())
        data[rng.randrange(100, size)] ^= 1 << rng.randrange(8)
        damaged.write_bytes(bytes(data))
        sqlite_ok = _sqlite_says_ok(damaged)
        try:
            j = Journal.unlock(damaged, PASSPHRASE)
            found = j.check()
            reflections = len(j.reflections())
            j.lock()
        except JournalError:
            continue  # refused with a plain message: fine
        if not sqlite_ok:
            assert found, f"trial {trial}: SQLite found damage, check did not"
        if not found:
            assert reflections == 40


def _sqlite_says_ok(path: Path) -> bool:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            return db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    except sqlite3.DatabaseError:
        return False


# --- rolling the whole file back ---------------------------------------------------------------


def test_an_older_copy_warns_refuses_writes_until_accepted(
    journal: Journal, journal_path: Path, tmp_path: Path
) -> None:
    journal.add(Reflection, body="in both")
    old = copy_of(journal_path, tmp_path / "old.kapj")
    journal.add(Reflection, body="only in the newer copy")
    journal.lock()
    shutil.copyfile(old, journal_path)
    Path(f"{journal_path}-wal").unlink(missing_ok=True)
    j = Journal.unlock(journal_path, PASSPHRASE)
    assert kinds(j) == ["rollback"] and j.rolled_back
    with pytest.raises(RolledBack, match="accept-older"):
        j.add(Reflection, body="not saved yet")
    j.accept_older()
    j.add(Reflection, body="the patient chose this copy")
    j.lock()
    again = Journal.unlock(journal_path, PASSPHRASE)
    assert again.problems == []
    assert sorted(r.body for r in again.reflections()) == ["in both", "the patient chose this copy"]


def test_check_accept_older_from_the_command_line(
    journal: Journal, journal_path: Path, tmp_path: Path
) -> None:
    old = copy_of(journal_path, tmp_path / "old.kapj")
    journal.add(Reflection, body="newer")
    journal.lock()
    shutil.copyfile(old, journal_path)
    Path(f"{journal_path}-wal").unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "kapjournal", "--journal", str(journal_path), "check"]
    first = subprocess.run(cmd, capture_output=True, text=True, env=_env())
    assert first.returncode == 1 and "older than one this computer has opened" in first.stderr
    accepted = subprocess.run([*cmd, "--accept-older"], capture_output=True, text=True, env=_env())
    assert accepted.returncode == 0, accepted.stderr
    assert subprocess.run(cmd, capture_output=True, text=True, env=_env()).returncode == 0


# --- key rotation that revokes -------------------------------------------------------------------


def test_old_passphrase_in_an_old_copy_opens_nothing_written_after_the_change(
    journal: Journal, journal_path: Path, tmp_path: Path
) -> None:
    journal.add(Reflection, body="before the change")
    old_copy = copy_of(journal_path, tmp_path / "stolen-backup.kapj")
    journal.change_passphrase(NEW, kdf=FAST_KDF)
    after = journal.add(Reflection, body="AFTER-THE-CHANGE")
    journal.lock()
    # The attacker's key: the old passphrase, from the old copy.
    old = Journal.unlock(old_copy, PASSPHRASE)
    old_deks = dict(old._deks)
    old.lock()
    (_id, dev, ctr, tomb, kid, _hash, blob) = row(journal_path, after.id)
    assert kid not in old_deks
    for dek in old_deks.values():
        sealer = vault.Sealer(old.vault_id, kid, {kid: dek})
        with pytest.raises(Exception):  # noqa: B017
            sealer.open_item(after.id, dev, ctr, tomb, kid, blob)


def test_an_old_slot_grafted_into_the_new_file_opens_nothing(
    journal: Journal, journal_path: Path, tmp_path: Path
) -> None:
    journal.add(Reflection, body="before")
    old_copy = copy_of(journal_path, tmp_path / "old.kapj")
    journal.change_passphrase(NEW, kdf=FAST_KDF)
    journal.add(Reflection, body="AFTER-THE-CHANGE")
    journal.lock()
    old_slot = sql(old_copy, "SELECT * FROM keyslot WHERE kind='passphrase'")[0]
    sql(journal_path, "INSERT OR REPLACE INTO keyslot VALUES (?, ?, ?, ?, ?, ?)", *old_slot)
    with pytest.raises(WrongPassphrase, match="earlier key"):
        Journal.unlock(journal_path, PASSPHRASE)


def test_a_used_recovery_key_stops_working(journal: Journal, journal_path: Path) -> None:
    _, key = Journal.create(journal_path.with_name("r.kapj"), PASSPHRASE, kdf=FAST_KDF)
    path = journal_path.with_name("r.kapj")
    j = Journal.recover(path, key)
    new_key = j.reset_passphrase(NEW, kdf=FAST_KDF)
    j.add(Reflection, body="after recovery")
    j.lock()
    with pytest.raises(WrongPassphrase):
        Journal.recover(path, key)
    assert Journal.recover(path, new_key).reflections()[0].body == "after recovery"
    assert Journal.unlock(path, NEW).reflections()[0].body == "after recovery"


def test_a_replaced_recovery_key_stops_working(tmp_path: Path) -> None:
    path = tmp_path / "k.kapj"
    j, first = Journal.create(path, PASSPHRASE, kdf=FAST_KDF)
    second = j.new_recovery_key()
    j.add(Reflection, body="x")
    j.lock()
    with pytest.raises(WrongPassphrase):
        Journal.recover(path, first)
    Journal.recover(path, second).lock()
    assert first != second


def test_unlocking_runs_the_kdf_once_however_many_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "many.kapj"
    j, _ = Journal.create(path, PASSPHRASE, kdf=FAST_KDF)
    for i in range(12):
        j.add(Reflection, body=f"written under key {i}")
        j.change_passphrase(f"{NEW} {i}", kdf=FAST_KDF)
    j.lock()
    runs = []
    real = vault.derive_passphrase_key
    monkeypatch.setattr(vault, "derive_passphrase_key", lambda *a: runs.append(1) or real(*a))
    opened = Journal.unlock(path, f"{NEW} 11")
    assert len(runs) == 1
    assert len(opened.reflections()) == 12 and opened.problems == []
    assert len(sql(path, "SELECT * FROM keyring")) == 12


def test_a_journal_with_a_pending_recovery_key_keeps_it_sealed(tmp_path: Path) -> None:
    path = tmp_path / "p.kapj"
    j, key = Journal.create(path, PASSPHRASE, kdf=FAST_KDF, keep_recovery_key=True)
    j.lock()
    assert key.encode() not in path.read_bytes()
    j = Journal.unlock(path, PASSPHRASE)
    assert j.recovery_pending == key
    j.confirm_recovery_key()
    assert j.recovery_pending is None
    j.lock()
    Journal.recover(path, key).lock()  # confirming does not change the key


def test_a_passphrase_change_while_the_recovery_key_is_unconfirmed_replaces_it(
    tmp_path: Path,
) -> None:
    path = tmp_path / "p.kapj"
    j, key = Journal.create(path, PASSPHRASE, kdf=FAST_KDF, keep_recovery_key=True)
    renewed = j.change_passphrase(NEW, kdf=FAST_KDF)
    assert renewed is not None and renewed != key and j.recovery_pending == renewed
    j.lock()
    with pytest.raises(WrongPassphrase):
        Journal.recover(path, key)


def test_short_passphrases_are_refused_everywhere(journal: Journal, tmp_path: Path) -> None:
    from kapjournal.errors import RecordError

    with pytest.raises(RecordError, match="at least 8"):
        Journal.create(tmp_path / "s.kapj", "short", kdf=FAST_KDF)
    with pytest.raises(RecordError, match="at least 8"):
        journal.change_passphrase("short", kdf=FAST_KDF)


# --- backup ------------------------------------------------------------------------------------


def test_a_killed_backup_leaves_nothing_half_written(
    journal: Journal, journal_path: Path, tmp_path: Path
) -> None:
    import os
    import signal
    import time

    journal.save_many(journal.new(Reflection, body="x" * 2000) for _ in range(1500))
    journal.lock()
    for trial in range(12):
        dest = tmp_path / f"backup-{trial}.kapj"
        child = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "kapjournal",
                "--journal",
                str(journal_path),
                "backup",
                str(dest),
            ],
            env=_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(0.02 * trial)  # any timing passes: it only varies where the kill lands
        child.send_signal(signal.SIGKILL)
        child.wait()
        if dest.exists():
            assert len(Journal.unlock(dest, PASSPHRASE).reflections()) == 1500
        else:
            done = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "kapjournal",
                    "--journal",
                    str(journal_path),
                    "backup",
                    str(dest),
                ],
                env=_env(),
                capture_output=True,
                text=True,
            )
            assert done.returncode == 0, done.stderr
            assert len(Journal.unlock(dest, PASSPHRASE).reflections()) == 1500
    # A kill between the rename and the clean-up can leave a hidden second name of a complete
    # backup (a hard link, no extra space): never a partial file beside a missing backup.
    for leftover in (p for p in os.listdir(tmp_path) if p.endswith(".partial")):
        name = leftover[1:].rsplit(".", 2)[0]
        assert (tmp_path / name).exists(), leftover


def test_saving_into_a_moved_file_is_refused(journal: Journal, journal_path: Path) -> None:
    journal.add(Reflection, body="saved")
    journal_path.rename(journal_path.with_name("moved.kapj"))
    with pytest.raises(JournalError, match="moved, deleted or replaced"):
        journal.add(Reflection, body="must not be reported as saved")
    assert not journal_path.exists()


def test_another_process_writing_is_noticed(
    journal: Journal, journal_path: Path, clock: FrozenClock
) -> None:
    journal.load()
    assert not journal.changed_elsewhere()
    other = Journal.unlock(journal_path, PASSPHRASE, clock=clock)
    other.add(Reflection, body="from the command line")
    other.lock()
    assert journal.changed_elsewhere()
    journal.reload()
    assert [r.body for r in journal.reflections()] == ["from the command line"]
    assert not journal.changed_elsewhere()


def test_a_damaged_bucket_cannot_hide_a_replay_in_it(
    journal: Journal, journal_path: Path, tmp_path: Path
) -> None:
    from kapjournal.integrity import bucket_of

    entry = journal.add(Reflection, body="first words")
    old = copy_of(journal_path, tmp_path / "old.kapj")
    journal.update(entry, body="the words that count")
    journal.lock()
    put_row(journal_path, row(old, entry.id))
    bucket = bucket_of(entry.id)
    (payload,) = sql(journal_path, "SELECT payload FROM ledger WHERE bucket=?", bucket)[0]
    damaged = bytearray(payload)
    damaged[20] ^= 1
    sql(journal_path, "UPDATE ledger SET payload=? WHERE bucket=?", bytes(damaged), bucket)
    j = Journal.unlock(journal_path, PASSPHRASE)
    assert "ledger" in kinds(j)
    assert j.get(entry.id) is None  # the older version is not shown as if it were the latest


def test_a_damaged_bucket_alone_hides_nothing(journal: Journal, journal_path: Path) -> None:
    from kapjournal.integrity import bucket_of

    entry = journal.add(Reflection, body="still here")
    journal.lock()
    bucket = bucket_of(entry.id)
    sql(journal_path, "UPDATE ledger SET payload=x'00' WHERE bucket=?", bucket)
    j = Journal.unlock(journal_path, PASSPHRASE)
    assert kinds(j) == ["ledger"] and j.get(entry.id) is not None  # the digest vouches for it


def test_a_swapped_capture_key_is_named_at_unlock(jp: Path, tmp_path: Path) -> None:
    other, _ = Journal.create(tmp_path / "other.kapj", PASSPHRASE, kdf=FAST_KDF)
    other.lock()
    (planted,) = sql(tmp_path / "other.kapj", "SELECT capture_pub FROM vault_meta")[0]
    sql(jp, "UPDATE vault_meta SET capture_pub=?", planted)
    assert "capture" in kinds(Journal.unlock(jp, PASSPHRASE))


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE item SET payload = 'text, not bytes'",
        "UPDATE item SET ctr = 'seven'",
        "UPDATE item SET id = x'00ff'",
        "UPDATE keyslot SET nonce = 'text'",
        "UPDATE head SET payload = 42",
        "UPDATE ledger SET payload = 'x'",
        "UPDATE secret SET payload = 1.5",
    ],
)
def test_values_of_the_wrong_type_are_problems_not_crashes(
    journal: Journal, journal_path: Path, statement: str
) -> None:
    journal.add(Reflection, body="x")
    journal.lock()
    sql(journal_path, statement)
    try:
        j = Journal.unlock(journal_path, PASSPHRASE)
    except JournalError:
        return  # refused in one plain line
    found = j.check()
    assert found and all(str(p) for p in found)
