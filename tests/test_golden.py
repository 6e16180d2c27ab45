"""Old journals keep opening: the golden file of each format version, made once and never rewritten."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from kapjournal.journal import Journal

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
