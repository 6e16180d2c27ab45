"""Old journals keep opening: the golden file of each format version, made once and never rewritten."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from kapjournal.errors import WrongPassphrase
from kapjournal.journal import Journal
from kapjournal.records import CheckIn

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def golden(tmp_path: Path) -> Path:
    copy = tmp_path / "golden.kapj"
    shutil.copyfile(FIXTURES / "golden-v1.kapj", copy)
    return copy


def test_golden_v1_opens_with_passphrase_and_reads_every_kind(golden: Path) -> None:
    journal = Journal.unlock(golden, "golden passphrase v1")
    assert journal.damaged == []
    (session,) = journal.sessions()
    assert (session.number, session.route, session.intention) == (
        1,
        "sublingual",
        "to meet my grief 🌊",
    )
    assert session.side_effects == frozenset({"nausea"}) and session.bp_before == "120/80"
    (reflection,) = journal.reflections()
    assert reflection.answers == ("warm", "שלום", "") and reflection.share
    assert journal.checkins()[0].mood == 7
    assert journal.assessments()[0].score == 8
    assert journal.safety_plan().warning_signs == "staying in bed"
    assert journal.settings().region == "GB"
    assert journal.share_logs()[0].since == date(2026, 11, 1)
    assert journal.check() == []


def test_golden_v1_opens_with_its_recovery_key(golden: Path) -> None:
    key = (FIXTURES / "golden-v1.recovery").read_text().strip()
    assert Journal.recover(golden, key).count() == 7


def test_golden_v1_is_upgraded_to_format_2_in_place_and_loses_nothing(golden: Path) -> None:
    journal = Journal.unlock(golden, "golden passphrase v1")
    assert journal.format == 2 and journal.problems == []
    assert journal.count() == 7 and journal.damaged == []
    assert not golden.with_name("golden.kapj.format1-backup").exists()  # removed once it worked
    journal.add(CheckIn, mood=5)
    journal.lock()
    again = Journal.unlock(golden, "golden passphrase v1")
    assert again.problems == [] and again.check() == [] and len(again.checkins()) == 2


def test_golden_v1_read_only_is_read_without_upgrading(golden: Path) -> None:
    journal = Journal.unlock(golden, "golden passphrase v1", readonly=True)
    assert journal.format == 1 and journal.count() == 7 and journal.check() == []
    journal.lock()
    with sqlite3.connect(golden) as db:
        assert db.execute("SELECT fmt FROM vault_meta").fetchone()[0] == 1


def test_recover_works_on_golden_v1_and_upgrades_it(golden: Path) -> None:
    key = (FIXTURES / "golden-v1.recovery").read_text().strip()
    journal = Journal.recover(golden, key)
    new_key = journal.reset_passphrase("a new passphrase after recovery")
    assert journal.format == 2
    journal.lock()
    assert Journal.unlock(golden, "a new passphrase after recovery").count() == 7
    assert Journal.recover(golden, new_key).count() == 7
    with pytest.raises(WrongPassphrase):
        Journal.recover(golden, key)


@pytest.fixture
def golden2(tmp_path: Path) -> Path:
    copy = tmp_path / "golden2.kapj"
    shutil.copyfile(FIXTURES / "golden-v2.kapj", copy)
    return copy


def test_golden_v2_opens_and_reads_every_kind(golden2: Path) -> None:
    journal = Journal.unlock(golden2, "golden passphrase v2")
    assert journal.problems == [] and journal.damaged == []
    (session,) = journal.sessions()
    assert session.intention == "to meet my grief 🌊" and session.side_effects == frozenset(
        {"nausea"}
    )
    texts = sorted(r.text for r in journal.reflections())
    assert texts == ["warm\n\nשלום", "written without the passphrase 🌙"]
    assert journal.arrived == 1
    assert [c.note for c in journal.checkins()] == [
        "a good morning",
        "written under the second key ✓",
    ]
    assert journal.assessments()[0].score == 8
    assert journal.safety_plan().warning_signs == "staying in bed"
    assert journal.settings().region == "GB"
    assert journal.share_logs()[0].since == date(2026, 11, 1)
    assert journal.check() == []


def test_golden_v2_opens_with_its_recovery_key_but_not_the_first_passphrase(golden2: Path) -> None:
    key = (FIXTURES / "golden-v2.recovery").read_text().strip()
    assert len(Journal.recover(golden2, key).reflections()) >= 1
    with pytest.raises(WrongPassphrase):
        Journal.unlock(golden2, "golden passphrase v1")
