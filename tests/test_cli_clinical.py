"""Crisis help, the region, questionnaires and check-ins on the command line, as a person meets
them: ``kapjournal help`` with no journal at all, ``init`` asking the region on a real terminal."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest
from click.testing import CliRunner

from kapjournal import region, safety
from kapjournal.cli import cli
from kapjournal.journal import Journal
from tests.conftest import FAST_KDF, PASSPHRASE


@pytest.fixture
def jpath(tmp_path: Path) -> Path:
    path = tmp_path / "j" / "journal.kapj"
    Journal.create(path, PASSPHRASE, kdf=FAST_KDF)[0].lock()
    return path


def run(jpath: Path, *args: str, stdin: str = "") -> tuple[int, str, str]:
    env = {"KAPJOURNAL_JOURNAL": str(jpath), "KAPJOURNAL_PASSPHRASE": PASSPHRASE}
    result = CliRunner().invoke(cli, list(args), input=stdin, env=env)
    return result.exit_code, result.stdout, result.stderr


def help_proc(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``kapjournal help`` in a fresh process: no journal anywhere, no passphrase, no terminal."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAPJOURNAL_")}
    env["KAPJOURNAL_HOME"] = str(tmp_path / "home")
    env["KAPJOURNAL_JOURNAL"] = str(tmp_path / "nowhere" / "none.kapj")
    return subprocess.run(
        [sys.executable, "-m", "kapjournal", "help", *args],
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
        start_new_session=True,
    )


def test_help_works_with_no_journal_and_no_passphrase(tmp_path: Path) -> None:
    done = help_proc(tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    out = done.stdout
    assert "your local emergency number" in out
    assert "findahelpline.com" in out and "befrienders.org" in out
    assert "kapjournal help --region XX" in out
    assert not (tmp_path / "nowhere").exists()  # nothing was created
    assert not (tmp_path / "home").exists()


def test_help_for_a_region_and_for_the_stored_one(tmp_path: Path) -> None:
    out = help_proc(tmp_path, "--region", "gb").stdout
    assert "call 999 or 112" in out
    assert "Samaritans" in out and "Call 116 123" in out and "Text SHOUT to 85258" in out
    assert re.search(r"24/7 · checked 20\d\d-\d\d", out)
    home = tmp_path / "home" / "config"
    home.mkdir(parents=True)
    (home / "region").write_text("AU\n")
    out = help_proc(tmp_path).stdout
    assert "Call 13 11 14" in out and "call 000" in out and "--region XX" not in out


def test_help_for_an_unlisted_region_falls_back(tmp_path: Path) -> None:
    out = help_proc(tmp_path, "--region", "BR").stdout
    assert "No crisis lines are listed for BR yet." in out
    assert "findahelpline.com" in out and "your local emergency number" in out


def test_help_refuses_a_bad_code_and_lists_regions(tmp_path: Path) -> None:
    done = help_proc(tmp_path, "--region", "12")
    assert done.returncode == 1 and "two-letter country code" in done.stderr
    assert "Traceback" not in done.stderr
    listed = help_proc(tmp_path, "--list").stdout.splitlines()
    assert listed[-1].split() == ["INT", "Everywhere", "else"]
    assert {line.split()[0] for line in listed} == set(safety.load_crisis_lines().regions)


def test_init_region_option_saves_the_file_and_the_journal_setting(tmp_path: Path) -> None:
    path = tmp_path / "new.kapj"
    code, out, _ = run(path, "init", "--region", "ie")
    assert code == 0 and "recovery key" in out
    assert region.stored() == "IE"
    journal = Journal.unlock(path, PASSPHRASE)
    assert journal.settings().region == "IE"
    journal.lock()


def test_init_refuses_a_bad_region_before_making_anything(tmp_path: Path) -> None:
    path = tmp_path / "new.kapj"
    code, _, err = run(path, "init", "--region", "England")
    assert code == 2 and "two-letter country code" in err
    assert not path.exists() and region.stored() is None


def test_init_asks_the_region_on_a_terminal(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAPJOURNAL_")}
    env["KAPJOURNAL_HOME"] = str(tmp_path / "home")
    env["KAPJOURNAL_JOURNAL"] = str(tmp_path / "t.kapj")
    child = pexpect.spawn(
        sys.executable, ["-m", "kapjournal", "init"], env=env, encoding="utf-8", timeout=120
    )
    child.expect("New passphrase")
    child.sendline("a long enough passphrase")
    child.expect("same passphrase again")
    child.sendline("a long enough passphrase")
    child.expect(r"Your country, for crisis lines")
    child.sendline("nz")
    child.expect("recovery key")
    child.expect("type its last group")
    child.sendline("")  # not confirmed now: the next unlock offers a new key
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert (tmp_path / "home" / "config" / "region").read_text() == "NZ\n"


def test_assess_takes_an_optional_difficulty_answer(jpath: Path) -> None:
    code, out, _ = run(jpath, "assess", "phq9", stdin="0 1 1 1 0 0 0 0 0 2\n")
    assert code == 0 and "Difficulty (not scored): Very difficult." in out
    code, out, _ = run(jpath, "assess", "gad7", stdin="1 1 1 1 1 1 1\n")
    assert code == 0 and "Difficulty" not in out
    code, out, _ = run(jpath, "assess", "gad7", stdin="1 1 1 1 1 1 1 4\n")
    assert code == 1 and out == ""
    code, _, err = run(jpath, "assess", "pcl5", stdin=" ".join(["1"] * 21))
    assert code == 1 and "needs 20 answers" in err
    journal = Journal.unlock(jpath, PASSPHRASE)
    assert [(a.instrument, a.score, a.difficulty) for a in journal.assessments()] == [
        ("phq9", 3, 2),
        ("gad7", 7, None),
    ]
    journal.lock()


def test_assess_judges_change_against_the_previous_score(jpath: Path) -> None:
    run(jpath, "assess", "phq9", stdin="1 1 1 1 1 1 0 0 0\n")
    code, out, _ = run(jpath, "assess", "phq9", stdin="2 2 2 2 1 1 1 1 1\n")
    assert code == 0
    assert "7 points up from your previous PHQ-9 (6)." in out and "real worsening" in out
    assert "probable" not in out.casefold()


def test_assess_pcl5_shows_clusters_without_naming_a_disorder(jpath: Path) -> None:
    answers = " ".join(["3"] * 5 + ["2"] * 2 + ["1"] * 7 + ["2"] * 6)
    code, out, _ = run(jpath, "assess", "pcl5", stdin=answers)
    assert code == 0
    assert "PCL-5: 38 of 80, in the 33–80 range." in out
    assert "B intrusions (items 1–5): 15 of 20" in out
    assert "ptsd" not in out.casefold()


def test_item9_on_the_command_line_names_no_keys(jpath: Path) -> None:
    region.save("CA")
    code, out, _ = run(jpath, "assess", "phq9", stdin="0 0 0 0 0 0 0 0 1\n")
    assert code == 0
    assert safety.ITEM9_NOTE_CLI in out and "9-8-8 Suicide Crisis Helpline" in out
    assert "call 911" in out
    assert "f1" not in out and "ctrl" not in out


def test_mood_with_after_session_answers(jpath: Path) -> None:
    code, out, _ = run(
        jpath, "mood", "5", "--context", "after-session", "--sleep", "2", "--urges", "0"
    )
    assert code == 0 and "care team" in out
    code, _, err = run(jpath, "mood", "5", "--urinary", "3")
    assert code == 2 and "--urinary" in err
    code, out, _ = run(jpath, "list")
    assert "Check-in: mood 5 · sleep: a lot · urges or use: none" in out
    journal = Journal.unlock(jpath, PASSPHRASE)
    (c,) = journal.checkins()
    assert (c.urinary, c.sleep, c.lasting_dissociation, c.urges) == (None, 2, None, 0)
    journal.lock()


def test_mood_help_names_what_each_scale_measures(jpath: Path) -> None:
    out = run(jpath, "mood", "--help")[1]
    assert "0 (worst) to 10 (best)" in out
    assert "0 none to 10 extreme" in out and "0 exhausted to 10 full" in out


def test_prompts_list_shows_enough_exercises_in_enough_categories(jpath: Path) -> None:
    code, out, _ = run(jpath, "prompts", "list")
    assert code == 0
    rows = [line.split() for line in out.splitlines() if line.strip()]
    assert len(rows) >= 36
    assert len({row[1] for row in rows}) >= 12
    assert {"grounding", "hard-session", "spiritual"} <= {row[1] for row in rows}


def test_mood_after_session_answers_from_fields(jpath: Path, tmp_path: Path) -> None:
    fields = "mood: 5\nanxiety: 6\nsleep: 1\nlasting_dissociation: 2\n\nfoggy still\n"
    code, out, err = run(jpath, "mood", "--context", "after-session", "--fields", stdin=fields)
    assert code == 0, err
    journal = Journal.unlock(jpath, PASSPHRASE)
    (c,) = journal.checkins()
    assert (c.mood, c.anxiety, c.sleep, c.lasting_dissociation, c.urinary) == (5, 6, 1, 2, None)
    assert c.note == "foggy still"
    journal.lock()
    code, _, err = run(jpath, "mood", "--fields", stdin="mood: 5\nurges: 7\n\n")
    assert code == 1 and "urges must be a whole number from 0 to 2" in err


def test_mood_on_a_terminal_asks_the_after_session_questions(jpath: Path, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAPJOURNAL_")}
    env["KAPJOURNAL_HOME"] = str(tmp_path / "home")
    env["KAPJOURNAL_JOURNAL"] = str(jpath)
    env["KAPJOURNAL_PASSPHRASE"] = PASSPHRASE
    child = pexpect.spawn(
        sys.executable,
        ["-m", "kapjournal", "mood", "--context", "after-session"],
        env=env,
        encoding="utf-8",
        timeout=60,
    )
    for prompt, answer in (
        (r"Mood, 0 \(worst\) to 10 \(best\)", "6"),
        (r"Anxiety, 0 \(none\) to 10 \(extreme\)", "3"),
        (r"Energy, 0 \(exhausted\) to 10 \(full\)", ""),
        (r"Bladder or urinary changes", "0"),
        (r"Trouble sleeping", "1"),
        (r"Feeling detached", ""),
        (r"Urges or cravings", "0"),
    ):
        child.expect(prompt)
        child.sendline(answer)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    journal = Journal.unlock(jpath, PASSPHRASE)
    (c,) = journal.checkins()
    assert (c.mood, c.anxiety, c.energy, c.urinary, c.sleep, c.lasting_dissociation, c.urges) == (
        6,
        3,
        None,
        0,
        1,
        None,
        0,
    )
    journal.lock()
