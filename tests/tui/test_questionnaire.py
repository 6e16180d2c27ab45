"""Questionnaires: one item at a time, back, the score in plain words, item 9 opens help at once."""

from __future__ import annotations

from collections.abc import Callable

from kapjournal import measures, safety
from kapjournal.journal import Journal
from kapjournal.tui.app import KapJournalApp
from tests.tui.conftest import unlock


async def test_phq9_item9_opens_help_at_once_and_is_flagged(
    make_app: Callable[..., KapJournalApp], existing_journal: Journal
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert type(app.screen).__name__ == "QuestionnaireScreen"
        await pilot.press("enter")  # PHQ-9 is first
        await pilot.pause()
        screen = app.screen
        assert "question 1 of 9" in str(screen.query_one("#q-progress").content)
        assert "Over the last 2 weeks" in str(screen.query_one("#q-stem").content)
        assert str(screen.query_one("#q-item").content) == measures.PHQ9.items[0]
        await pilot.press("1", "1", "2", "1", "0", "1", "0", "0")
        assert "question 9 of 9" in str(screen.query_one("#q-progress").content)
        assert app.journal is not None and app.journal.assessments() == []
        await pilot.press("1")
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"
        (saved,) = app.journal.assessments()  # saved at once: leaving now loses nothing
        assert saved.answers == (1, 1, 2, 1, 0, 1, 0, 0, 1)
        assert saved.score == 7 and saved.band == "mild"
        assert measures.FLAG_PHQ9_ITEM9 in saved.flags
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        assert "not scored" in str(screen.query_one("#q-progress").content)
        await pilot.press("s")  # skip the difficulty question
        await pilot.pause()
        note = str(screen.query_one("#q-item9").content)
        assert note == safety.ITEM9_NOTE
        assert "f1 or ctrl+g" in note and "whatever your total score" in note
        assert "7" in str(screen.query_one("#q-score").content)
        assert app.journal.assessments()[0].difficulty is None


async def test_gad7_score_and_band_are_shown_and_saved(
    make_app: Callable[..., KapJournalApp], existing_journal: Journal
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        app.open("questionnaire", instrument="gad7")
        await pilot.pause()
        await pilot.press("3", "backspace")  # change the first answer
        assert "question 1 of 7" in str(app.screen.query_one("#q-progress").content)
        await pilot.press("2", "2", "1", "1", "1", "1")
        await pilot.press("down", "enter")  # last answer with the arrows: 1
        await pilot.pause()
        assert measures.DIFFICULTY_TEXT in str(app.screen.query_one("#q-item").content)
        await pilot.press("1")
        await pilot.pause()
        result = str(app.screen.query_one("#q-score").content)
        assert "GAD-7 score is 9 of 21, in the 5–9 range" in result
        assert "often described as mild" in result
        assert measures.ONLY_A_CLINICIAN in result
        assert "Somewhat difficult (not scored)" in str(app.screen.query_one("#q-detail").content)
        assert "Pfizer" in str(app.screen.query_one("#q-attribution").content)
        assert not app.screen.query_one("#q-item9").display
        assert app.journal is not None
        (saved,) = app.journal.assessments()
        assert (saved.instrument, saved.answers, saved.score) == ("gad7", (2, 2, 1, 1, 1, 1, 1), 9)
        assert saved.difficulty == 1
        assert saved.flags == ()


async def test_leaving_early_saves_nothing(
    make_app: Callable[..., KapJournalApp], existing_journal: Journal
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        app.open("questionnaire", instrument="pcl5")
        await pilot.pause()
        await pilot.press("4", "3")
        assert "question 3 of 20" in str(app.screen.query_one("#q-progress").content)
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "Confirm"  # two answers: asked before they go
        assert "2 answers so far would not be saved" in str(
            app.screen.query_one("#confirm-question").content
        )
        await pilot.press("enter")  # "Keep going" has the focus
        await pilot.pause()
        assert type(app.screen).__name__ == "QuestionnaireScreen"
        assert app.screen.answers == [4, 3]  # type: ignore[attr-defined]
        await pilot.press("escape")
        await pilot.pause()
        await pilot.click("#confirm-yes")
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen"
        assert app.journal is not None and app.journal.assessments() == []
