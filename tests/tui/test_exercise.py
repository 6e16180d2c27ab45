"""The exercise flow: step by step, autosave, resume after a crash, lock and unlock, free writing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from kapjournal.errors import KapJournalError
from kapjournal.journal import Journal
from kapjournal.records import DosingSession, Reflection
from kapjournal.tui.app import KapJournalApp
from tests.conftest import PASSPHRASE, T0
from tests.tui.conftest import unlock

INTENTION = "to meet my grief [bold]without[/bold] running"


def text_of(app: KapJournalApp, selector: str) -> str:
    return str(app.screen.query_one(selector).content)


async def open_screen(pilot, name: str, **kwargs: object) -> None:
    pilot.app.open(name, **kwargs)
    await pilot.pause()
    await pilot.pause()


def add_session(app: KapJournalApp) -> DosingSession:
    assert app.journal is not None
    return app.journal.add(
        DosingSession, when=T0 - timedelta(days=1), route="sublingual", intention=INTENTION
    )


async def test_exercise_step_by_step_is_stored_with_answers_and_session(
    make_app: Callable[..., KapJournalApp], existing_journal: Journal
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        session = add_session(app)
        await open_screen(pilot, "exercise", exercise_id="intention-review", session_id=session.id)
        assert type(app.screen).__name__ == "ExerciseScreen"
        assert (
            text_of(app, "#exercise-title") == "Your intention, looked at again · after session 1"
        )
        assert text_of(app, "#exercise-progress").startswith("step 1 of 3")
        assert INTENTION in text_of(app, "#exercise-intro")  # quoted back, markup shown as typed
        assert "private" in text_of(app, "#exercise-status")
        await pilot.press(*"it came up")
        await pilot.press("ctrl+n")
        assert text_of(app, "#exercise-progress").startswith("step 2 of 3")
        await pilot.press(*"around it")
        await pilot.press("ctrl+left")  # back: the first answer is still there
        assert app.screen.query_one("#exercise-answer").text == "it came up"
        await pilot.press("ctrl+right", "ctrl+right")
        await pilot.press(*"softer words")
        await pilot.press("ctrl+right")
        assert "tags" in text_of(app, "#exercise-progress")
        await pilot.press(*"grief, father")
        app.screen.query_one("#exercise-share").value = True
        await pilot.pause()
        assert "shared" in text_of(app, "#exercise-status")
        await pilot.click("#exercise-finish")
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen"
        done = app.journal.reflections()
    assert len(done) == 1
    r = done[0]
    assert r.answers == ("it came up", "around it", "softer words")
    assert (r.draft, r.share, r.session_id, r.exercise_id) == (
        False,
        True,
        session.id,
        "intention-review",
    )
    assert r.tags == ("grief", "father")


async def test_share_is_private_by_default(
    make_app: Callable[..., KapJournalApp], existing_journal: Journal
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await open_screen(pilot, "exercise", exercise_id="three-good-things")
        await pilot.press(*"tea", "ctrl+n", "ctrl+n", "ctrl+n", "ctrl+n")
        assert app.screen.query_one("#exercise-share").value is False
        await pilot.click("#exercise-finish")
        await pilot.pause()
        (r,) = app.journal.reflections()
        assert not r.share and not r.draft and r.answers[0] == "tea"


async def test_autosave_then_crash_then_resume_with_text_intact(
    make_app: Callable[..., KapJournalApp], existing_journal: Journal, journal_path
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        session = add_session(app)
        await open_screen(pilot, "exercise", exercise_id="capture", session_id=session.id)
        await pilot.press(*"colours", "ctrl+n")
        await pilot.press(*"a long corridor")
        screen = app.screen
        assert screen.AUTOSAVE_SECONDS <= 5
        screen.autosave()
        assert "saved" in text_of(app, "#exercise-status")
        await pilot.press(*" and this is lost")  # typed after the last autosave
        # The app "crashes": the run ends here without quitting, locking or leaving the screen.
    on_disk = Journal.unlock(journal_path, PASSPHRASE)
    assert on_disk.drafts()[0].answers == ("colours", "a long corridor")
    on_disk.lock()

    again = make_app()
    async with again.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        drafts = again.journal.drafts()
        assert len(drafts) == 1 and drafts[0].answers[:2] == ("colours", "a long corridor")
        await open_screen(pilot, "exercises")
        labels = [str(o.prompt) for o in again.screen.query_one("#picker-list").options]
        assert any("Catch it before it fades" in p and "colours" in p for p in labels)
        await pilot.press("enter")  # the drafts come first
        await pilot.pause()
        assert type(again.screen).__name__ == "ExerciseScreen"
        assert text_of(again, "#exercise-progress").startswith("step 2 of 3")
        assert again.screen.query_one("#exercise-answer").text.startswith("a long corridor")
        await pilot.press("ctrl+b")
        assert again.screen.query_one("#exercise-answer").text == "colours"


async def test_opening_the_same_exercise_continues_its_draft(
    make_app: Callable[..., KapJournalApp], existing_journal: Journal
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        session = add_session(app)
        await open_screen(pilot, "exercise", exercise_id="capture", session_id=session.id)
        await pilot.press(*"fragments")
        await pilot.press("escape")  # later: kept as a draft
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen"
        (draft,) = app.journal.drafts()
        assert draft.answers == ("fragments",) and draft.session_id == session.id
        await open_screen(pilot, "exercise", exercise_id="capture", session_id=session.id)
        assert app.screen.query_one("#exercise-answer").text == "fragments"


async def test_lock_mid_typing_and_unlock_returns_to_the_words(
    make_app: Callable[..., KapJournalApp], existing_journal: Journal
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await open_screen(pilot, "exercise", exercise_id="capture")
        await pilot.press(*"first", "ctrl+n", *"half a sente")
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert app.journal is None
        assert type(app.screen).__name__ == "UnlockScreen"
        await unlock(pilot)
        await pilot.pause()
        assert type(app.screen).__name__ == "ExerciseScreen"
        assert text_of(app, "#exercise-progress").startswith("step 2 of 3")
        assert app.screen.query_one("#exercise-answer").text == "half a sente"
        await pilot.press(*"nce")
        await pilot.press("ctrl+b")
        assert app.screen.query_one("#exercise-answer").text == "first"
        (draft,) = app.journal.drafts()
        assert draft.answers == ("first", "half a sentence")


async def test_a_failed_save_keeps_the_words_and_says_so(
    make_app: Callable[..., KapJournalApp],
    existing_journal: Journal,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await open_screen(pilot, "exercise", exercise_id="capture")
        await pilot.press(*"precious")

        def broken(*args: object, **kwargs: object) -> None:
            raise KapJournalError("the disk is full")

        monkeypatch.setattr(app.journal, "add", broken)
        assert app.screen.autosave() is False
        assert "not saved" in text_of(app, "#exercise-status")
        await pilot.press("escape")  # cannot leave without losing the words: stay
        await pilot.pause()
        assert type(app.screen).__name__ == "ExerciseScreen"
        assert app.screen.query_one("#exercise-answer").text == "precious"
        monkeypatch.undo()
        assert app.screen.autosave() is True
        assert app.journal.drafts()[0].answers == ("precious",)


async def test_copy_never_reaches_the_terminal_clipboard(
    make_app: Callable[..., KapJournalApp], existing_journal: Journal
) -> None:
    app = make_app()
    written: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        driver_write = app._driver.write
        app._driver.write = lambda data: (written.append(data), driver_write(data))[1]
        app.copy_to_clipboard("my words")  # every widget's copy and cut comes through here
        await pilot.pause()
        assert app.clipboard == "my words"  # paste inside the app still works
    assert not any("\x1b]52" in w for w in written)


async def test_copy_and_cut_stay_inside_the_app(
    make_app: Callable[..., KapJournalApp], existing_journal: Journal
) -> None:
    app = make_app()
    written: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await open_screen(pilot, "write")
        driver_write = app._driver.write
        app._driver.write = lambda data: (written.append(data), driver_write(data))[1]
        await pilot.press(*"secret", "f7", "ctrl+c")
        await pilot.press("ctrl+x", "ctrl+v")
        assert app.screen.query_one("#reflection-body").text == "secret"
    assert not any("\x1b]52" in w for w in written)


EXOTIC = "שלום עולם 🌿👨‍👩‍👧 [bold]not bold[/bold] $var \x1b[31mred\x1b[0m end\n\tsecond line"


async def test_free_reflection_stores_exactly_and_shows_no_markup(
    make_app: Callable[..., KapJournalApp], existing_journal: Journal
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await unlock(pilot)
        await open_screen(pilot, "write")
        assert "private" in text_of(app, "#reflection-status")
        body = app.screen.query_one("#reflection-body")
        body.insert(EXOTIC)
        app.screen.query_one("#reflection-title").value = "[red]Title[/red]"
        app.screen.query_one("#reflection-tags").value = "#roots, calm"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen"
        (r,) = app.journal.reflections()
        assert (r.body, r.title, r.tags, r.share, r.draft) == (
            EXOTIC,
            "[red]Title[/red]",
            ("roots", "calm"),
            False,
            False,
        )
        await open_screen(pilot, "timeline")
        app.screen.query_one("#timeline-search").value = "not bold"
        app.screen.apply_filters()
        await pilot.pause()
        timeline = app.screen.query_one("#timeline-list")
        assert [x.id for x in timeline.items] == [r.id]
        shown = "\n".join("".join(s.text for s in timeline.render_line(y)) for y in range(3))
        assert "[red]Title[/red]" in shown and "\x1b" not in shown
        preview = text_of(app, "#timeline-preview-text")
        assert "[bold]not bold[/bold]" in preview and "\x1b" not in preview and "red end" in preview
        assert "🌿" in preview and "שלום" in preview
        await pilot.press("enter")  # edit it again: the editor holds the stored text exactly
        await pilot.pause()
        assert type(app.screen).__name__ == "ReflectionScreen"
        body = app.screen.query_one("#reflection-body")
        assert body.text == EXOTIC
        drawn = "".join(seg.text for y in range(body.size.height) for seg in body.render_line(y))
        assert "[31mred" in drawn and "\x1b" not in drawn  # the terminal never gets the escape
        await pilot.press("end", *" more")
        await pilot.press("escape")
        await pilot.pause()
        assert app.journal.get(r.id).body == EXOTIC + " more"
        assert not app.journal.get(r.id).draft


async def test_free_writing_left_with_escape_is_kept_as_a_draft_and_survives_lock(
    make_app: Callable[..., KapJournalApp], existing_journal: Journal
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await open_screen(pilot, "write")
        await pilot.press(*"an unfinished thought")
        await pilot.press("ctrl+l")
        await pilot.pause()
        await unlock(pilot)
        await pilot.pause()
        assert type(app.screen).__name__ == "ReflectionScreen"
        assert app.screen.query_one("#reflection-body").text == "an unfinished thought"
        await pilot.press("escape")
        await pilot.pause()
        (draft,) = app.journal.drafts()
        assert draft.body == "an unfinished thought"
        assert app.journal.reflections() == []


async def test_editing_an_exercise_reflection_shows_each_prompt_with_its_answer(
    make_app: Callable[..., KapJournalApp], existing_journal: Journal
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        r = app.journal.add(Reflection, exercise_id="capture", answers=("one", "two", "three"))
        await open_screen(pilot, "write", reflection_id=r.id)
        prompts = [str(s.content) for s in app.screen.query(".step-prompt")]
        assert prompts[1] == "How does your body feel right now?"
        area = app.screen.query_one("#reflection-answer-1")
        assert area.text == "two"
        area.focus()
        await pilot.press("end", *" and three")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.journal.get(r.id).answers == ("one", "two and three", "three")
