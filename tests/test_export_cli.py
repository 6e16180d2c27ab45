"""``kapjournal export`` and ``keygen``: files, encryption choices, the share log, --everything."""

from __future__ import annotations

import json
import shutil
import stat
import subprocess
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pyrage
import pytest
from click.testing import CliRunner

from kapjournal import records
from kapjournal.cli import cli
from kapjournal.journal import Journal
from kapjournal.records import CheckIn, DosingSession, Reflection, Settings
from kapjournal.summary.sharing import decrypt_passphrase
from tests.conftest import FAST_KDF, PASSPHRASE

CANARY = "Canary-Cli-Marten-9"
SHARED = "I let the wave carry me"


@pytest.fixture
def jpath(tmp_path: Path) -> Path:
    """A journal with data in the last two weeks (the CLI's clock is the real one)."""
    path = tmp_path / "j" / "journal.kapj"
    now = datetime.now().astimezone()
    journal, _ = Journal.create(path, PASSPHRASE, kdf=FAST_KDF)
    journal.add(DosingSession, when=now - timedelta(days=5), route="im", dose="0.5 mg/kg")
    for days in range(10):
        journal.add(CheckIn, mood=4 + days % 4, created=now - timedelta(days=days))
    journal.add_assessment("phq9", (1, 1, 1, 1, 1, 1, 1, 1, 0), created=now - timedelta(days=3))
    journal.add(Reflection, body=SHARED, share=True, created=now - timedelta(days=2))
    journal.add(Reflection, body=CANARY, created=now - timedelta(days=2))
    journal.add(Reflection, body="a draft", draft=True, created=now - timedelta(days=1))
    journal.lock()
    return path


def run(jpath: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    base = {"KAPJOURNAL_JOURNAL": str(jpath), "KAPJOURNAL_PASSPHRASE": PASSPHRASE}
    result = CliRunner().invoke(cli, list(args), env={**base, **(env or {})})
    return result.exit_code, result.stdout, result.stderr


def share_logs(jpath: Path) -> list[records.ShareLog]:
    with Journal.unlock(jpath, PASSPHRASE) as journal:
        return journal.share_logs()


def test_plain_markdown_by_default_with_a_warning(jpath: Path, tmp_path: Path) -> None:
    out_file = tmp_path / "summary.md"
    code, out, err = run(jpath, "export", "-o", str(out_file))
    assert code == 0, err
    text = out_file.read_text()
    assert SHARED in text and CANARY not in text and "a draft" not in text
    assert text.startswith("# Summary, ")
    assert stat.S_IMODE(out_file.stat().st_mode) == 0o600
    assert "NOT encrypted" in err and len(err.strip().splitlines()) == 1
    assert "Wrote summary" in out


def test_format_follows_the_file_name(jpath: Path, tmp_path: Path) -> None:
    assert run(jpath, "export", "-o", str(tmp_path / "s.html"))[0] == 0
    assert (tmp_path / "s.html").read_text().startswith("<!DOCTYPE html>")
    assert run(jpath, "export", "-o", str(tmp_path / "s.json"))[0] == 0
    assert json.loads((tmp_path / "s.json").read_text())["resourceType"] == "Bundle"
    assert run(jpath, "export", "--format", "html", "-o", str(tmp_path / "s.txt"))[0] == 0
    assert "<svg" in (tmp_path / "s.txt").read_text()


def test_never_overwrites(jpath: Path, tmp_path: Path) -> None:
    out_file = tmp_path / "s.md"
    out_file.write_text("keep me")
    code, _, err = run(jpath, "export", "-o", str(out_file))
    assert code == 1 and "already exists" in err and out_file.read_text() == "keep me"
    assert share_logs(jpath) == []


def test_to_a_recipient_and_the_share_log(jpath: Path, tmp_path: Path) -> None:
    identity = pyrage.x25519.Identity.generate()
    recipient = str(identity.to_public())
    out_file = tmp_path / "s.html.age"
    code, out, err = run(
        jpath, "export", "--include", "all", "--to", recipient, "-o", str(out_file)
    )
    assert code == 0, err
    assert "NOT encrypted" not in err and recipient in out
    html = pyrage.decrypt(out_file.read_bytes(), [identity]).decode()
    assert html.startswith("<!DOCTYPE html>") and CANARY in html
    (log,) = share_logs(jpath)
    assert (log.format, log.include, log.recipient) == ("html", "all", recipient)
    assert log.until == datetime.now().astimezone().date()
    assert log.since == log.until - timedelta(days=27)
    # what was shared, in counts and a digest; never every record's id
    assert log.counts == {"session": 1, "reflection": 2, "checkin": 10, "assessment": 1}
    assert len(log.digest) == 64 and log.item_ids == ()
    with Journal.unlock(jpath, PASSPHRASE) as journal:
        ids = [r.id for r in journal.timeline()]
    assert not any(i in records.to_json(log).decode() for i in ids)


def test_therapist_key_from_settings_is_the_default(jpath: Path, tmp_path: Path) -> None:
    identity = pyrage.x25519.Identity.generate()
    with Journal.unlock(jpath, PASSPHRASE) as journal:
        journal.add(Settings, therapist_recipient=str(identity.to_public()))
    code, _, err = run(jpath, "export", "-o", str(tmp_path / "s.md.age"))
    assert code == 0 and "NOT encrypted" not in err
    assert SHARED.encode() in pyrage.decrypt((tmp_path / "s.md.age").read_bytes(), [identity])
    code, _, err = run(jpath, "export", "--plain", "-o", str(tmp_path / "plain.md"))
    assert code == 0 and "NOT encrypted" in err
    assert SHARED in (tmp_path / "plain.md").read_text()
    code, _, err = run(jpath, "export", "--everything", "-o", str(tmp_path / "mine.json"))
    assert code == 0 and "NOT encrypted" in err  # my own copy: never locked to the therapist
    assert json.loads((tmp_path / "mine.json").read_text())["format"] == "kapjournal-everything"
    recipients = [log.recipient for log in share_logs(jpath)]
    assert recipients == [str(identity.to_public()), "none", "none"]


def test_passphrase_from_the_environment(jpath: Path, tmp_path: Path) -> None:
    out_file = tmp_path / "s.md.age"
    env = {"KAPJOURNAL_EXPORT_PASSPHRASE": "by phone"}
    code, out, err = run(
        jpath, "export", "--passphrase", "--include", "scores", "-o", str(out_file), env=env
    )
    assert code == 0, err
    text = decrypt_passphrase(out_file.read_bytes(), "by phone").decode()
    assert "PHQ-9" in text and SHARED not in text
    (log,) = share_logs(jpath)
    assert (log.recipient, log.include, log.format) == ("passphrase", "scores", "md")


def test_bad_options(jpath: Path, tmp_path: Path) -> None:
    out_file = str(tmp_path / "s.md")
    assert run(jpath, "export", "--to", "age1xyz", "--plain", "-o", out_file)[0] == 2
    assert run(jpath, "export", "--everything", "--since", "2026-01-01", "-o", out_file)[0] == 2
    code, _, err = run(jpath, "export", "--to", "age1xyz", "-o", out_file)
    assert code == 1 and "not an age recipient" in err
    code, _, err = run(jpath, "export", "--since", "yesterday", "-o", out_file)
    assert code == 1 and "2026-11-25" in err
    code, _, err = run(
        jpath, "export", "--since", "2026-02-01", "--until", "2026-01-01", "-o", out_file
    )
    assert code == 1 and "before" in err
    assert not Path(out_file).exists()


def test_explicit_range_and_all_time(jpath: Path, tmp_path: Path) -> None:
    today = datetime.now().astimezone().date()
    since = (today - timedelta(days=4)).isoformat()
    code, _, err = run(jpath, "export", "--since", since, "-o", str(tmp_path / "a.md"))
    assert code == 0, err
    assert "Session" not in (tmp_path / "a.md").read_text().split("## Sessions")[1].split("##")[0]
    code, _, err = run(jpath, "export", "--since", "all", "-o", str(tmp_path / "b.md"))
    assert code == 0, err
    first, *_ = share_logs(jpath)[-1:]
    assert first.since == today - timedelta(days=9)


def test_everything_round_trips_record_counts(jpath: Path, tmp_path: Path) -> None:
    out_file = tmp_path / "all.json"
    code, _, err = run(jpath, "export", "--everything", "-o", str(out_file))
    assert code == 0 and "NOT encrypted" in err
    doc = json.loads(out_file.read_text())
    assert (doc["format"], doc["version"]) == ("kapjournal-everything", 1)
    with Journal.unlock(jpath, PASSPHRASE) as journal:
        expected = Counter(
            r.kind
            for cls in records.KINDS.values()
            for r in journal.of_kind(cls)
            if r.kind != "share_log"
        )
    back = [records.from_dict(d) for d in doc["records"]]
    assert Counter(r.kind for r in back) == expected == Counter(doc["counts"])
    assert expected["reflection"] == 3  # the draft too: everything is everything
    assert CANARY in out_file.read_text()
    (log,) = share_logs(jpath)
    assert (log.format, log.include, log.recipient) == ("everything", "everything", "none")


def test_keygen_then_export_to_it(jpath: Path, tmp_path: Path) -> None:
    key = tmp_path / "therapist.key"
    code, out, err = run(jpath, "keygen", "-o", str(key))
    assert code == 0, err
    recipient = out.strip()
    assert recipient.startswith("age1") and "Secret key written" in err
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert run(jpath, "keygen", "-o", str(key))[0] == 1  # never overwritten
    out_file = tmp_path / "s.md.age"
    assert run(jpath, "export", "--to", recipient, "-o", str(out_file))[0] == 0
    identity = pyrage.x25519.Identity.from_str(key.read_text().splitlines()[-1])
    assert SHARED.encode() in pyrage.decrypt(out_file.read_bytes(), [identity])
    age = shutil.which("age")
    if age:
        done = subprocess.run(
            [age, "-d", "-i", str(key), str(out_file)], capture_output=True, timeout=120
        )
        assert done.returncode == 0 and SHARED.encode() in done.stdout


def test_cli_choices_match_the_summary() -> None:
    from kapjournal.cli import share as cli_share
    from kapjournal.summary import model

    assert cli_share.INCLUDES == model.INCLUDES


# --- names: an encrypted export ends in .age, and the format follows the name through it -----


def test_an_encrypted_export_must_be_named_age(jpath: Path, tmp_path: Path) -> None:
    identity = pyrage.x25519.Identity.generate()
    with Journal.unlock(jpath, PASSPHRASE) as journal:
        journal.add(Settings, therapist_recipient=str(identity.to_public()))
    code, _, err = run(jpath, "export", "-o", str(tmp_path / "summary.html"))
    assert code == 1 and 'use "summary.html.age"' in err and "Traceback" not in err
    code, _, err = run(jpath, "export", "--plain", "-o", str(tmp_path / "summary.md.age"))
    assert code == 1 and 'use "summary.md"' in err
    code, _, err = run(
        jpath, "export", "--format", "html", "--plain", "-o", str(tmp_path / "summary.md")
    )
    assert code == 1 and 'use "summary.html"' in err
    assert list(tmp_path.glob("summary*")) == []
    assert [log.format for log in share_logs(jpath)] == []  # nothing written, nothing logged


@pytest.mark.parametrize(("name", "starts"), [("s.html.age", b"<!DOCTYPE html>"), ("s.json.age", b'{"resourceType":"Bundle"'), ("s.md.age", b"# Summary")])  # fmt: skip
def test_format_follows_the_name_through_age(
    jpath: Path, tmp_path: Path, name: str, starts: bytes
) -> None:
    identity = pyrage.x25519.Identity.generate()
    out_file = tmp_path / name
    code, _, err = run(jpath, "export", "--to", str(identity.to_public()), "-o", str(out_file))
    assert code == 0, err
    assert pyrage.decrypt(out_file.read_bytes(), [identity]).startswith(starts)


AGE = shutil.which("age")


@pytest.mark.skipif(AGE is None, reason="the age command is not installed")
@pytest.mark.parametrize("fmt", ["md", "html"])
def test_streamed_encrypted_exports_open_with_the_age_command(
    jpath: Path, tmp_path: Path, fmt: str
) -> None:
    """Written piece by piece through age's stream: stock age opens it, byte for byte."""
    key = tmp_path / "therapist.key"
    code, out, _ = run(jpath, "keygen", "-o", str(key))
    recipient = out.strip()
    plain, sealed = tmp_path / f"plain.{fmt}", tmp_path / f"sealed.{fmt}.age"
    assert run(jpath, "export", "--include", "all", "-o", str(plain))[0] == 0
    assert run(jpath, "export", "--include", "all", "--to", recipient, "-o", str(sealed))[0] == 0
    assert AGE is not None
    done = subprocess.run([AGE, "-d", "-i", str(key), str(sealed)], capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout == plain.read_bytes() and CANARY.encode() in done.stdout


# --- export --everything, and back in with import --format kapjournal-json --------------------


@pytest.fixture
def full(tmp_path: Path) -> Path:
    """A journal with a record of every kind, drafts and an old-style share log included."""
    path = tmp_path / "full" / "journal.kapj"
    now = datetime.now().astimezone().replace(microsecond=0)
    journal, _ = Journal.create(path, PASSPHRASE, kdf=FAST_KDF)
    s = journal.add(DosingSession, when=now - timedelta(days=5), route="im", dose="0.5 mg/kg")
    for days in range(6):
        journal.add(CheckIn, mood=4 + days % 4, created=now - timedelta(days=days, hours=1))
    journal.add_assessment("pcl5", tuple([2] * 20), created=now - timedelta(days=3))
    journal.add(
        Reflection,
        body=CANARY + "\nsecond line",
        session_id=s.id,
        tags=("b", "a"),
        created=now - timedelta(days=2),
    )
    journal.add(Reflection, body="a draft", draft=True, created=now - timedelta(days=1))
    journal.add(records.SafetyPlan, warning_signs="when I stop eating")
    journal.add(Settings, therapist_name="Dr R", region="GB")
    journal.add(records.ShareLog, since=now.date(), until=now.date(), item_ids=("x", "y"))
    journal.lock()
    return path


def everything_doc(path: Path) -> dict[str, object]:
    doc = json.loads(path.read_bytes())
    assert (doc.pop("format"), doc.pop("version")) == ("kapjournal-everything", 1)
    doc.pop("exported")
    return doc


def test_everything_out_in_and_out_again_is_equal(full: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    assert run(full, "export", "--everything", "-o", str(first))[0] == 0
    fresh = tmp_path / "new" / "journal.kapj"
    Journal.create(fresh, PASSPHRASE, kdf=FAST_KDF)[0].lock()
    code, out, err = run(fresh, "import", "--format", "kapjournal-json", str(first))
    assert code == 0, err
    assert (
        "Imported 13 of 13 records (1 session, 2 reflections, 6 check-ins" in out
        and "each with its own id" in out
    )
    code, out, _ = run(fresh, "import", "--format", "kapjournal-json", str(first))
    assert code == 0 and "Imported 0 of 13" in out and "13 were already there" in out
    assert run(fresh, "export", "--everything", "-o", str(second))[0] == 0
    assert everything_doc(second) == everything_doc(first)
    with Journal.unlock(fresh, PASSPHRASE) as journal:
        (old_log,) = [log for log in journal.share_logs() if log.item_ids]
        assert old_log.item_ids == ("x", "y")  # an old share log still loads
        assert journal.settings().therapist_name == "Dr R"


def test_everything_under_a_passphrase_comes_back(full: Path, tmp_path: Path) -> None:
    sealed = tmp_path / "mine.json.age"
    env = {"KAPJOURNAL_EXPORT_PASSPHRASE": "a long walk home"}
    code, _, err = run(full, "export", "--everything", "--passphrase", "-o", str(sealed), env=env)
    assert code == 0, err
    assert CANARY.encode() not in sealed.read_bytes()
    fresh = tmp_path / "new.kapj"
    Journal.create(fresh, PASSPHRASE, kdf=FAST_KDF)[0].lock()
    wrong = {"KAPJOURNAL_EXPORT_PASSPHRASE": "not it"}
    code, _, err = run(fresh, "import", "--format", "kapjournal-json", str(sealed), env=wrong)
    assert code == 1 and "does not open this file" in err and "Traceback" not in err
    code, out, err = run(fresh, "import", "--format", "kapjournal-json", str(sealed), env=env)
    assert code == 0 and "Imported 13 of 13" in out, err
    with Journal.unlock(fresh, PASSPHRASE) as journal:
        assert any(CANARY in r.body for r in journal.reflections())


def test_everything_to_a_key_says_how_to_open_it(full: Path, tmp_path: Path) -> None:
    identity = pyrage.x25519.Identity.generate()
    sealed = tmp_path / "mine.json.age"
    assert (
        run(full, "export", "--everything", "--to", str(identity.to_public()), "-o", str(sealed))[0]
        == 0
    )
    code, _, err = run(full, "import", "--format", "kapjournal-json", str(sealed))
    assert code == 1 and "age -d -i" in err


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        (b"not json", "not valid JSON"),
        (b'{"format": "something-else"}', "not a kapjournal export"),
        (b'{"format": "kapjournal-everything", "version": 9, "records": []}', "version 9"),
        (b'{"format": "kapjournal-everything", "version": 1, "records": [{"kind": "nope", "id": "a"}]}', "record 1"),
        (b'{"format": "kapjournal-everything", "version": 1, "records": [{"kind": "checkin", "id": "a", "created": "2026-01-01T00:00:00+00:00", "updated": "2026-01-01T00:00:00+00:00", "mood": 99}]}', "record 1: record has a missing or malformed field"),
        (b'{"format": "kapjournal-everything", "version": 1, "records": [{"kind": "checkin", "id": "", "mood": 1}]}', "no usable id"),
    ],
)  # fmt: skip
def test_a_bad_everything_file_imports_nothing(
    jpath: Path, tmp_path: Path, doc: bytes, message: str
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(doc)
    with Journal.unlock(jpath, PASSPHRASE) as journal:
        before = journal.count()
    code, _, err = run(jpath, "import", "--format", "kapjournal-json", str(bad))
    assert code == 1 and message in err and "Traceback" not in err
    with Journal.unlock(jpath, PASSPHRASE) as journal:
        assert journal.count() == before
