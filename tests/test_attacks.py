"""An outside attack review's findings, each kept as a test: someone who knew an old passphrase
(and kept an old copy), or who can only write the file, must not get anything past the journal."""

from __future__ import annotations

import base64
import contextlib
import sqlite3
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from kapjournal import vault
from kapjournal.errors import JournalError, KapJournalError, NotAJournal, WrongPassphrase
from kapjournal.integrity import BUCKETS, Head
from kapjournal.journal import Journal, RolledBack
from kapjournal.records import Reflection, SafetyPlan, Settings
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.test_format2 import copy_of, sql

NEW = "a new passphrase after the old one leaked"
ATTACKER_KEY = "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj"


def old_sealer(old_copy: Path) -> vault.Sealer:
    """What an ex who knew the old passphrase and kept an old copy holds: the old data key."""
    vault_id = sql(old_copy, "SELECT vault_id FROM vault_meta")[0][0]
    slot = sql(
        old_copy,
        "SELECT kind, id, kid, params, nonce, wrapped FROM keyslot WHERE kind='passphrase'",
    )[0]
    dek, _, _ = vault.open_passphrase_slot(PASSPHRASE, vault.Slot(*slot), vault_id, 2)
    return vault.Sealer(vault_id, slot[2], {slot[2]: dek})


@pytest.fixture
def changed(journal: Journal, journal_path: Path, tmp_path: Path) -> tuple[Path, Path]:
    """A journal whose passphrase was changed because someone knew the old one."""
    journal.add(Reflection, body="before the change")
    old = copy_of(journal_path, tmp_path / "kept-by-the-ex.kapj")
    journal.change_passphrase(NEW, kdf=FAST_KDF)
    journal.lock()
    return journal_path, old


def test_an_old_key_cannot_forge_a_record(changed: tuple[Path, Path]) -> None:
    path, old = changed
    j = Journal.unlock(path, NEW)
    settings = j.save(j.new(Settings, therapist_name="Dr. Rivera"))
    j.lock()
    s1 = old_sealer(old)
    sid, dev, ctr, tomb = sql(path, "SELECT id, dev, ctr, tomb FROM item WHERE id=?", settings.id)[
        0
    ]
    rec = {
        "kind": "settings",
        "id": sid,
        "created": settings.created.isoformat(),
        "updated": settings.updated.isoformat(),
        "therapist_recipient": ATTACKER_KEY,
    }
    blob = s1.seal_item(sid, dev, ctr, tomb, orjson.dumps({"sup": [], "rec": rec}))
    sql(
        path,
        "UPDATE item SET kid=?, hash=?, payload=? WHERE id=?",
        s1.kid,
        vault.blob_hash(blob),
        blob,
        sid,
    )
    j = Journal.unlock(path, NEW)
    assert "foreign" in {p.kind for p in j.problems}
    assert j.settings().therapist_recipient == ""  # the forged key is never used


def test_an_old_key_cannot_forge_the_head_or_plant_a_recovery_key(
    changed: tuple[Path, Path],
) -> None:
    path, old = changed
    s1 = old_sealer(old)
    raw, printed = vault.new_recovery_key()
    vault_id = s1.vault_id
    head = Head(
        kid=sql(path, "SELECT key_id FROM vault_meta")[0][0],
        rpub=base64.b64encode(vault.recovery_public_key(raw, vault_id)).decode(),
        slots={k: i for k, i in sql(path, "SELECT kind, id FROM keyslot")},
        buckets=[0] * BUCKETS,
    )
    sql(
        path,
        "UPDATE head SET kid=?, payload=?",
        s1.kid,
        s1.seal_meta("head", "head", 0, head.to_bytes()),
    )
    j = Journal.unlock(path, NEW)
    assert "head" in {p.kind for p in j.problems}
    renewed = j.change_passphrase("yet another passphrase here", kdf=FAST_KDF)
    assert renewed is not None  # the recovery key is not carried over a head we cannot trust
    j.add(Reflection, body="WRITTEN LATER")
    j.lock()
    with pytest.raises(WrongPassphrase):
        Journal.recover(path, printed)


def test_an_old_head_cannot_bring_a_revoked_recovery_key_back(
    journal: Journal, journal_path: Path, tmp_path: Path
) -> None:
    first = journal.new_recovery_key()
    journal.confirm_recovery_key()
    old = copy_of(journal_path, tmp_path / "old.kapj")
    second = journal.new_recovery_key()
    journal.confirm_recovery_key()
    journal.lock()
    ((kid, payload),) = sql(old, "SELECT kid, payload FROM head")
    sql(journal_path, "UPDATE head SET kid=?, payload=?", kid, payload)
    j = Journal.unlock(journal_path, PASSPHRASE)
    assert j.problems
    renewed = j.change_passphrase(NEW, kdf=FAST_KDF)
    assert renewed is not None and renewed not in (first, second)
    j.add(Reflection, body="after")
    j.lock()
    for revoked in (first, second):
        with pytest.raises(WrongPassphrase):
            Journal.recover(journal_path, revoked)


def test_a_capture_cannot_overwrite_a_record(journal: Journal, journal_path: Path) -> None:
    plan = journal.save(journal.new(SafetyPlan, contacts="my sister, 555-0100"))
    journal.lock()
    Journal.capture(journal_path, "not a safety plan", capture_id=plan.id)
    j = Journal.unlock(journal_path, PASSPHRASE)
    assert j.safety_plan().contacts == "my sister, 555-0100"
    assert j.arrived == 0 and "capture" in {p.kind for p in j.problems}


def test_a_capture_put_back_after_it_was_taken_in_brings_nothing_back(
    journal: Journal, journal_path: Path
) -> None:
    journal.lock()
    cid = Journal.capture(journal_path, "kept, then deleted on purpose")
    (row,) = sql(journal_path, "SELECT id, payload FROM capture")
    j = Journal.unlock(journal_path, PASSPHRASE)
    j.load()
    assert j.arrived == 1
    j.delete(cid)
    j.lock()
    sql(journal_path, "INSERT INTO capture VALUES (?, ?)", *row)
    again = Journal.unlock(journal_path, PASSPHRASE)
    assert again.reflections() == [] and again.arrived == 0
    assert sql(journal_path, "SELECT count(*) FROM capture")[0][0] == 0


def test_changing_the_journal_id_does_not_get_past_the_capture_pin(
    journal: Journal, journal_path: Path, tmp_path: Path
) -> None:
    journal.lock()
    Journal.unlock(journal_path, PASSPHRASE).lock()  # this computer knows the journal here
    other, _ = Journal.create(tmp_path / "attacker.kapj", PASSPHRASE, kdf=FAST_KDF)
    other.lock()
    planted = sql(tmp_path / "attacker.kapj", "SELECT capture_pub FROM vault_meta")[0][0]
    sql(
        journal_path,
        "UPDATE vault_meta SET vault_id=?, capture_pub=?",
        "11111111-1111-4111-8111-111111111111",
        planted,
    )
    with pytest.raises(JournalError, match="not the journal this computer last unlocked"):
        Journal.capture(journal_path, "words after a session")
    assert sql(journal_path, "SELECT count(*) FROM capture")[0][0] == 0


def test_an_older_copy_shares_nothing(journal: Journal, journal_path: Path, tmp_path: Path) -> None:
    import shutil

    from kapjournal.summary import exporting

    entry = journal.add(Reflection, body="shared once", share=True)
    old = copy_of(journal_path, tmp_path / "old.kapj")
    journal.update(entry, share=False)
    journal.lock()
    shutil.copyfile(old, journal_path)
    j = Journal.unlock(journal_path, PASSPHRASE)
    out = tmp_path / "summary.md"
    summary = exporting.summary_from(j, None, None, "shared")
    with pytest.raises(RolledBack):
        exporting.export_summary(j, summary, "md", out)
    assert not out.exists()


@pytest.mark.parametrize(
    "plant",
    [
        "INSERT INTO capture VALUES (CAST(x'80ff' AS TEXT), x'00')",
        "INSERT INTO item VALUES (CAST(x'c3' AS TEXT), 'd', 1, 0, 'k', x'00', x'00')",
        "UPDATE vault_meta SET capture_pub = '" + base64.b64encode(bytes(32)).decode() + "'",
    ],
    ids=["capture-id-not-utf8", "item-id-not-utf8", "low-order-capture-key"],
)
def test_hostile_values_are_plain_problems(
    journal: Journal, journal_path: Path, plant: str
) -> None:
    journal.add(Reflection, body="still readable")
    journal.lock()
    sql(journal_path, plant)
    j = Journal.unlock(journal_path, PASSPHRASE)
    assert [r.body for r in j.reflections()] == ["still readable"]
    j.lock()
    with contextlib.suppress(KapJournalError):  # refused in plain words, or kept
        Journal.capture(journal_path, "after a session")


@pytest.mark.parametrize(
    "table_sql",
    [
        "CREATE TABLE capture(id VARCHAR NOT NULL, payload BLOB NOT NULL CHECK (length(payload) < 0), PRIMARY KEY (id))",
        "CREATE TABLE capture(id VARCHAR NOT NULL COLLATE NOCASE, payload BLOB NOT NULL, PRIMARY KEY (id))",
    ],
    ids=["check", "collate"],
)
def test_a_table_redefined_with_a_constraint_is_refused(jp_empty: Path, table_sql: str) -> None:
    sql(jp_empty, "DROP TABLE capture")
    sql(jp_empty, table_sql)
    with pytest.raises(NotAJournal):
        Journal.unlock(jp_empty, PASSPHRASE)


def test_a_partial_index_written_over_two_lines_is_refused(jp_empty: Path) -> None:
    sql(jp_empty, "DROP INDEX item_dot")
    sql(jp_empty, "CREATE INDEX item_dot ON item (id, dev, ctr, tomb, kid, hash)\nWHERE ctr < 0")
    with pytest.raises(NotAJournal):
        Journal.unlock(jp_empty, PASSPHRASE)


def test_deeply_nested_slot_parameters_are_a_plain_error(jp_empty: Path) -> None:
    sql(
        jp_empty,
        "UPDATE keyslot SET params=? WHERE kind='passphrase'",
        "[" * 100_000 + "]" * 100_000,
    )
    done = subprocess.run(
        [sys.executable, "-m", "kapjournal", "--journal", str(jp_empty), "list"],
        env={**_env(), "KAPJOURNAL_PASSPHRASE": PASSPHRASE},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1


def test_a_flood_of_junk_captures_is_cleared_not_read_forever(jp_empty: Path) -> None:
    junk = [(f"00000000-0000-4000-8000-{n:012d}", b"\x02" + bytes(100)) for n in range(700)]
    with sqlite3.connect(jp_empty) as db:
        db.executemany("INSERT INTO capture VALUES (?, ?)", junk)
    Journal.unlock(jp_empty, PASSPHRASE).load()  # at most 500 a time
    Journal.unlock(jp_empty, PASSPHRASE).load()
    assert sql(jp_empty, "SELECT count(*) FROM capture")[0][0] == 0


@pytest.fixture
def jp_empty(journal: Journal, journal_path: Path) -> Path:
    journal.lock()
    return journal_path


def _env() -> dict[str, str]:
    import os

    return dict(os.environ)
