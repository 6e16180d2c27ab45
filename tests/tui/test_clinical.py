"""Issue 11 under the pilot: help in the patient's region before unlock, a second help key,
grounding one key away, the difficulty question, change against the previous score, PCL-5
clusters, named check-in scales and after-session questions, and the two-part contacts."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from textual.widgets import Select, TextArea

from kapjournal import measures, region
from kapjournal.journal import Journal
from kapjournal.records import CheckIn, DosingSession, Reflection, SafetyPlan, Settings
from kapjournal.tui.app import KapJournalApp
from kapjournal.tui.screens.checkin import Choice
from kapjournal.tui.widgets.scale import Scale
from tests.conftest import FAST_KDF, PASSPHRASE, T0, FrozenClock
from tests.tui.conftest import unlock, wait_workers
from tests.tui.sample import screen_text


def name(app: KapJournalApp) -> str:
    return type(app.screen).__name__


def footer_keys(app: KapJournalApp) -> set[str]:
    return {
        b.key_display or b.key
        for (_, b, enabled, _) in app.screen.active_bindings.values()
        if b.show and enabled
    }


# --- the region, before and after unlocking -------------------------------------------------------


async def test_help_before_unlock_shows_the_saved_region(
    make_app: Callable[..., KapJournalApp], existing_journal: Journal
) -> None:
    region.save("GB")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        assert name(app) == "UnlockScreen"
        line = str(app.screen.query_one("#crisis-line").content)
        assert "Samaritans: Call 116 123" in line and "999 or 112" in line
        assert "f1 or ctrl+g" in line
        await pilot.press("f1")
        await pilot.pause()
        assert name(app) == "HelpScreen"
        assert "Call 116 123" in str(app.screen.query_one("#help-lines").content)
        assert "call 999 or 112" in screen_text(app)
        app.screen.query_one("#help-region", Select).value = "AU"  # chosen while locked
        await pilot.pause()
        assert "13 11 14" in str(app.screen.query_one("#help-lines").content)
        await pilot.press("escape")
        await pilot.pause()
        assert "Lifeline Australia" in str(app.screen.query_one("#crisis-line").content)
    assert region.stored() == "AU"
    again = make_app()  # the next start remembers it, still locked
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert "13 11 14" in str(again.screen.query_one("#help-lines").content)
        await pilot.press("escape")
        await unlock(pilot)
        assert again.journal is not None and again.journal.settings().region == "AU"


async def test_a_region_chosen_before_the_journal_exists_is_kept(
    make_app: Callable[..., KapJournalApp], journal_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        assert name(app) == "CreateScreen"
        app.screen.query_one("#create-region", Select).value = "NZ"
        await pilot.pause()
        assert region.stored() == "NZ"
        await pilot.press("f1")
        await pilot.pause()
        assert "Call 1737" in str(app.screen.query_one("#help-lines").content)
        await pilot.press("escape")
        await pilot.pause()
        app.screen.query_one("#new-passphrase").focus()
        await pilot.press(*"four quiet river stones", "enter", *"four quiet river stones", "enter")
        await wait_workers(pilot)
        assert name(app) == "RecoveryKeyScreen"
        assert app.journal is not None and app.journal.settings().region == "NZ"
    assert region.stored() == "NZ"


async def test_the_create_screen_guesses_from_the_locale_without_saving_the_guess(
    make_app: Callable[..., KapJournalApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANG", "en_IE.UTF-8")
    for other in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(other, raising=False)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.screen.query_one("#create-region", Select).value == "IE"
        assert region.stored() is None  # only a choice, or creating the journal, saves it


async def test_unlocking_an_old_journal_writes_its_region_for_next_time(
    make_app: Callable[..., KapJournalApp], journal_path: Path, clock: FrozenClock
) -> None:
    journal, _ = Journal.create(journal_path, PASSPHRASE, clock=clock, kdf=FAST_KDF)
    journal.add(Settings, region="CA")
    journal.lock()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        assert "Find A Helpline" in str(app.screen.query_one("#crisis-line").content)
        await unlock(pilot)
    assert region.stored() == "CA"


async def test_a_region_chosen_in_settings_is_kept_for_help_before_unlock(
    make_app: Callable[..., KapJournalApp], existing_journal: Journal
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await pilot.press("comma")
        await pilot.pause()
        assert "Saved unencrypted on this computer" in screen_text(app)
        app.screen.query_one("#region", Select).value = "DE"
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("ctrl+l")
        await wait_workers(pilot)
        assert name(app) == "UnlockScreen"
        assert "TelefonSeelsorge" in str(app.screen.query_one("#crisis-line").content)
    assert region.stored() == "DE"


# --- a second help key, everywhere ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("screen", "kwargs"),
    [
        ("home", {}),
        ("checkin", {}),
        ("questionnaire", {"instrument": "phq9"}),
        ("write", {}),
        ("exercise", {"exercise_id": "capture"}),
        ("safety_plan", {}),
        ("trends", {}),
    ],
)
async def test_ctrl_g_gets_help_on_every_screen_and_every_footer_says_so(
    make_app: Callable[..., KapJournalApp],
    existing_journal: Journal,
    screen: str,
    kwargs: dict[str, object],
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        assert "f1/^g" in footer_keys(app)  # locked, at the unlock screen
        await unlock(pilot)
        if screen != "home":
            app.open(screen, **kwargs)
            await pilot.pause()
            await pilot.pause()
        opened = app.screen
        assert "f1/^g" in footer_keys(app)
        if isinstance(app.focused, TextArea):
            await pilot.press(*"a few words")  # typing, then the key, in a text box
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert name(app) == "HelpScreen"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is opened


async def test_ctrl_g_gets_help_while_locked(
    make_app: Callable[..., KapJournalApp], existing_journal: Journal
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"half a pass")
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert name(app) == "HelpScreen"


# --- grounding -----------------------------------------------------------------------------------


async def test_grounding_from_help_while_locked(
    make_app: Callable[..., KapJournalApp], existing_journal: Journal
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        assert "grounding" in screen_text(app)
        await pilot.press("g")
        await pilot.pause()
        assert name(app) == "GroundingScreen"
        text = screen_text(app)
        assert "Look around you" in text and "feet on the floor" in text
        assert "nothing here is saved" in text and "Press w" not in text
        await pilot.press("w")  # writing needs the journal: nothing happens
        await pilot.pause()
        assert name(app) == "GroundingScreen"
        await pilot.press("escape")
        await pilot.pause()
        assert name(app) == "HelpScreen"


async def test_grounding_from_an_exercise_keeps_the_words_and_can_be_written_about(
    make_app: Callable[..., KapJournalApp], existing_journal: Journal
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        app.open("exercise", exercise_id="a-thread")
        await pilot.pause()
        await pilot.pause()
        exercise = app.screen
        assert "^o" in footer_keys(app)
        await pilot.press(*"a door in a field")
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert name(app) == "GroundingScreen"
        assert "Press w to write about it" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is exercise
        assert exercise.query_one("#exercise-answer", TextArea).text == "a door in a field"
        await pilot.press("ctrl+o")
        await pilot.pause()
        await pilot.press("w")
        await pilot.pause()
        await pilot.pause()
        assert name(app) == "ExerciseScreen" and app.screen is not exercise
        assert app.screen.exercise_id == "grounding"  # type: ignore[attr-defined]


# --- questionnaires --------------------------------------------------------------------------------


async def test_a_worsening_since_the_previous_score_is_said_plainly(
    make_app: Callable[..., KapJournalApp], existing_journal: Journal, clock: FrozenClock
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        assert app.journal is not None
        app.journal.add_assessment(
            "phq9", [1, 1, 1, 1, 1, 1, 0, 0, 0], created=T0 - timedelta(days=5)
        )
        app.open("questionnaire", instrument="phq9")
        await pilot.pause()
        await pilot.press("2", "2", "2", "2", "2", "1", "1", "1", "0", "2")
        await pilot.pause()
        change = app.screen.query_one("#q-change")
        assert str(change.content).startswith("7 points up from your previous PHQ-9 (6).")
        assert "real worsening" in str(change.content) and change.has_class("worse")
        assert "Very difficult (not scored)" in str(app.screen.query_one("#q-detail").content)
        latest = app.journal.assessments()[-1]
        assert (latest.score, latest.difficulty) == (13, 2)


async def test_pcl5_result_shows_clusters_and_names_no_disorder(
    make_app: Callable[..., KapJournalApp], existing_journal: Journal
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        app.open("questionnaire", instrument="pcl5")
        await pilot.pause()
        await pilot.press(*"33333221111111222222")
        await pilot.pause()
        text = screen_text(app)
        assert "Your PCL-5 score is 38 of 80, in the 33–80 range." in text
        assert "B intrusions (items 1–5): 15 of 20" in text
        assert "E arousal and reactivity (items 15–20): 12 of 24" in text
        assert "first PCL-5 here" in text
        # The instrument's own title names PTSD (in the attribution); what it says about the
        # patient's score does not.
        said = "".join(
            str(app.screen.query_one(part).content)
            for part in ("#q-score", "#q-change", "#q-detail")
        )
        assert "ptsd" not in said.casefold() and "diagnos" in said
        assert "not scored" not in text  # the PCL-5 has no difficulty question


async def test_leaving_at_the_difficulty_question_keeps_the_answers(
    make_app: Callable[..., KapJournalApp], existing_journal: Journal
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        app.open("questionnaire", instrument="gad7")
        await pilot.pause()
        await pilot.press(*"1111111")
        await pilot.pause()
        assert "s skip this one" in {
            f"{b.key} {b.description}"
            for (_, b, on, _) in app.screen.active_bindings.values()
            if on and b.show
        }
        await pilot.press("escape")
        await pilot.pause()
        assert name(app) == "HomeScreen"
        assert app.journal is not None
        (saved,) = app.journal.assessments()
        assert (saved.score, saved.difficulty) == (7, None)


# --- check-ins --------------------------------------------------------------------------------------


async def test_each_scale_names_what_it_measures(
    make_app: Callable[..., KapJournalApp], existing_journal: Journal
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        app.open("checkin")
        await pilot.pause()
        rendered = {s.id: str(s.render()) for s in app.screen.query(Scale)}
        assert rendered["mood"].endswith("0 worst · 10 best")
        assert rendered["anxiety"].endswith("0 none · 10 extreme")
        assert rendered["energy"].endswith("0 exhausted · 10 full")
        assert not app.screen.query(Choice)  # no session this week: no after-session questions


async def test_after_session_questions_are_asked_and_kept(
    make_app: Callable[..., KapJournalApp], existing_journal: Journal
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        assert app.journal is not None
        session = app.journal.add(DosingSession, when=T0 - timedelta(days=2), route="im")
        app.open("checkin")  # a daily check-in two days after a session
        await pilot.pause()
        assert [c.question.field for c in app.screen.query(Choice)] == [
            "urinary",
            "sleep",
            "lasting_dissociation",
            "urges",
        ]
        await pilot.press("6", "down", "down", "down", "1")  # mood, then bladder: some
        await pilot.pause()
        assert "blood in your urine" in str(app.screen.query_one("#after-question").content)
        await pilot.press("down", "right", "right", "right", "down", "down", "2")  # sleep, urges
        await pilot.press("enter")
        await pilot.pause()
        assert name(app) == "HomeScreen"
        (saved,) = app.journal.checkins()
        assert (saved.mood, saved.urinary, saved.sleep, saved.lasting_dissociation) == (
            6,
            1,
            2,
            None,
        )
        assert saved.urges == 2
        assert any("care team" in n.message for n in app._notifications)
        app.open("checkin", context="after-session", session_id=session.id)
        await pilot.pause()
        assert len(app.screen.query(Choice)) == 4


# --- trends ---------------------------------------------------------------------------------------


async def test_trends_judge_change_against_the_previous_score_with_clusters(
    make_app: Callable[..., KapJournalApp], existing_journal: Journal
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await unlock(pilot)
        assert app.journal is not None
        for days, answers in ((40, [2] * 9), (5, [1, 1, 1, 1, 1, 1, 0, 0, 0])):
            app.journal.add_assessment("phq9", answers, created=T0 - timedelta(days=days))
        app.journal.add_assessment(
            "phq9", [2, 2, 2, 2, 1, 1, 1, 1, 1], created=T0 - timedelta(days=1)
        )
        app.journal.add_assessment("pcl5", [3] * 5 + [2] * 2 + [1] * 7 + [2] * 6)
        app.open("trends")
        await pilot.pause()
        scores = str(app.screen.query_one("#scores").content)
        assert "PHQ-9   13 · moderate" in scores
        assert (
            "▲ up 7 since the one before (6): a worsening by the PHQ-9 rule of 5 points" in scores
        )
        assert "first 18 on" in scores and "3 times" in scores
        assert "latest by cluster: B 15/20 · C 4/8 · D 7/28 · E 12/24" in scores
        assert measures.PCL5_CLUSTER_KEY in scores
        assert "probable" not in scores.casefold()


# --- the safety plan and exercises ------------------------------------------------------------------


async def test_people_and_professionals_are_separate_and_an_old_plan_is_kept(
    make_app: Callable[..., KapJournalApp], journal_path: Path, clock: FrozenClock
) -> None:
    journal, _ = Journal.create(journal_path, PASSPHRASE, clock=clock, kdf=FAST_KDF)
    journal.add(SafetyPlan, contacts="Sam 0770 000, Dr Rivera 555-0142")  # an old, mixed section
    journal.lock()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        app.open("safety_plan")
        await pilot.pause()
        text = screen_text(app)
        assert "People I can ask for help" in text and "Professionals and services" in text
        assert "you can move them to the next section" in text
        assert "Stanley" in text and "Brown" in text
        assert app.screen.query_one("#plan-contacts", TextArea).text.startswith("Sam 0770 000")
        app.screen.query_one("#plan-professionals", TextArea).load_text("Dr Rivera 555-0142")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.journal is not None
        assert app.journal.safety_plan().professionals == "Dr Rivera 555-0142"
        assert app.journal.safety_plan().contacts.startswith("Sam 0770 000")


async def test_revisit_asks_before_showing_an_old_page_and_steps_say_they_can_be_skipped(
    make_app: Callable[..., KapJournalApp], journal_path: Path, clock: FrozenClock
) -> None:
    journal, _ = Journal.create(journal_path, PASSPHRASE, clock=clock, kdf=FAST_KDF)
    old = journal.add(
        Reflection, body="the night I could not stop crying", created=T0 - timedelta(days=30)
    )
    journal.lock()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        app.open("exercise", exercise_id="revisit")
        await pilot.pause()
        await pilot.pause()
        first = screen_text(app)
        assert old.body not in first
        assert "only shown on the next step, if you choose" in first
        assert "ctrl+→ skips" in str(app.screen.query_one("#exercise-progress").content)
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert old.body in screen_text(app)


def test_old_checkins_keep_their_meaning() -> None:
    """Anxiety was always stored as the number the patient chose; only the words changed."""
    checkin = CheckIn("c", T0, T0, mood=4, anxiety=8)
    assert dataclasses.replace(checkin).anxiety == 8
