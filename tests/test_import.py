"""Importing jrnl and Day One JSON exports as private reflections, once."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from kapjournal import importers
from kapjournal.cli import cli
from kapjournal.journal import Journal
from kapjournal.records import Reflection
from tests.conftest import FAST_KDF, PASSPHRASE

FIXTURES = Path(__file__).parent / "fixtures" / "import"
JRNL = FIXTURES / "jrnl.json"
DAYONE = FIXTURES / "dayone.json"
TZ = timezone(timedelta(hours=1))


def test_parse_jrnl_keeps_dates_text_and_tags() -> None:
    first, second, third = importers.parse_jrnl(JRNL.read_bytes(), TZ)
    assert first.created == datetime(2026, 3, 14, 8, 30, tzinfo=TZ)
    assert first.title == "First swim of the year."
    assert first.body.startswith("The water was cold") and "\n" in first.body
    assert first.tags == ("sea", "starred")
    assert second.tags == ("for-therapist",)
    assert third.body == "" and third.tags == ()
    assert first.source.startswith("jrnl:") and len(first.source) == len("jrnl:") + 64
    assert len({first.source, second.source, third.source}) == 3


def test_parse_jrnl_without_a_zone_uses_local_time() -> None:
    (entry, *_) = importers.parse_jrnl(JRNL.read_bytes())
    assert entry.created.tzinfo is not None and entry.created.hour == 8


def test_parse_dayone_keeps_zone_title_and_unescapes() -> None:
    walk, early = importers.parse_dayone(DAYONE.read_bytes())
    assert walk.created.isoformat() == "2026-04-02T19:45:00+01:00"  # London summer time
    assert walk.title == "Walk by the river"
    assert walk.body == "Saw a heron. Felt steady for the first time in weeks!"
    assert walk.tags == ("nature", "steady")
    assert early.created.utcoffset() == timedelta(hours=-4) and early.tags == ("starred",)
    assert early.source.startswith("dayone:")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not json", "not valid JSON"),
        (b"[]", "entries"),
        (b'{"entries": [{"title": "x"}]}', "entry 1: the date"),
        (b'{"entries": [{"date": "2026-01-01", "tags": "x"}]}', "entry 1: tags"),
        (b'{"entries": ["x"]}', "entry 1 is not an object"),
    ],
)
def test_malformed_jrnl_is_explained(data: bytes, message: str) -> None:
    with pytest.raises(importers.ImportFileError, match=message):
        importers.parse("jrnl-json", data)


def test_unknown_format() -> None:
    with pytest.raises(importers.ImportFileError):
        importers.parse("evernote", b"{}")


def test_import_twice_adds_nothing_twice(journal: Journal) -> None:
    entries = importers.parse_jrnl(JRNL.read_bytes(), TZ) + importers.parse_dayone(
        DAYONE.read_bytes()
    )
    first = importers.import_entries(journal, entries)
    assert (first.added, first.skipped) == (5, 0)
    again = importers.import_entries(journal, entries)
    assert (again.added, again.skipped) == (0, 5)
    reflections = journal.reflections()
    assert len(reflections) == 5
    assert all(not r.share and not r.draft for r in reflections)  # private, like any new entry
    assert reflections[0].created == datetime(2026, 3, 14, 8, 30, tzinfo=TZ)
    journal.lock()


def test_imported_entries_survive_unlocking_again(journal: Journal, journal_path: Path) -> None:
    importers.import_entries(journal, importers.parse_jrnl(JRNL.read_bytes(), TZ))
    journal.lock()
    reopened = Journal.unlock(journal_path, PASSPHRASE)
    assert sorted(r.title for r in reopened.reflections()) == [
        "A quiet day.",
        "First swim of the year.",
        "Talked to Mum.",
    ]
    assert (
        importers.import_entries(reopened, importers.parse_jrnl(JRNL.read_bytes(), TZ)).added == 0
    )
    reopened.lock()


def run(jpath: Path, *args: str) -> tuple[int, str, str]:
    env = {"KAPJOURNAL_JOURNAL": str(jpath), "KAPJOURNAL_PASSPHRASE": PASSPHRASE}
    result = CliRunner().invoke(cli, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def test_cli_import(tmp_path: Path) -> None:
    jpath = tmp_path / "j.kapj"
    Journal.create(jpath, PASSPHRASE, kdf=FAST_KDF)[0].lock()
    code, out, err = run(jpath, "import", "--format", "jrnl-json", str(JRNL))
    assert code == 0, err
    assert "Imported 3 entries as private reflections." in out
    code, out, _ = run(jpath, "import", "--format", "jrnl-json", str(JRNL))
    assert code == 0 and "Imported 0 entries" in out and "3 were already there" in out
    code, out, _ = run(jpath, "import", "--format", "dayone-json", str(DAYONE))
    assert code == 0 and "Imported 2" in out
    code, _, err = run(jpath, "import", "--format", "dayone-json", str(tmp_path / "missing.json"))
    assert code == 1 and err.startswith("kapjournal:") and "Traceback" not in err
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    code, _, err = run(jpath, "import", "--format", "jrnl-json", str(bad))
    assert code == 1 and "not a jrnl JSON export" in err


def test_ten_thousand_entries_import_in_one_go(journal: Journal) -> None:
    """All 10,000 arrive, with their words. How fast is the benchmark's business (bench.py)."""
    entries = [
        {
            "title": f"Entry {i}.",
            "body": "word " * 150,
            "date": f"{2020 + i % 5}-0{1 + i % 9}-1{i % 9}",
            "time": "09:00",
            "tags": ["@x"],
            "starred": False,
        }
        for i in range(10_000)
    ]
    data = json.dumps({"tags": {}, "entries": entries}).encode()
    result = importers.import_entries(journal, importers.parse_jrnl(data, TZ))
    assert result.added == 10_000
    stored = journal.of_kind(Reflection)
    assert len(stored) == 10_000
    assert {r.title for r in stored} == {f"Entry {i}." for i in range(10_000)}
    assert all(r.body == "word " * 150 and r.tags == ("x",) for r in stored)
