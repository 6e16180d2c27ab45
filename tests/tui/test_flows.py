"""The rough edges a patient tripped on (issue 15), each walked as they met it.

Quitting, the keys panel, F1 first, notifications clear of key hints, one Home, the unlock
message, an exercise left untouched, a draft reopened where it was left, the timeline's ↓ and
"No matches", the export's write key and format, the sessions table at 80 columns, words.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from textual.widgets import DataTable, Input, Select

from kapjournal.journal import Journal
from kapjournal.records import DosingSession, Reflection, ShareLog
from kapjournal.tui.app import KapJournalApp
from tests.conftest import FrozenClock
from tests.tui.conftest import unlock, wait_workers
from tests.tui.layout import footer_keys
from tests.tui.sample import sample_journal_fixture, screen_text  # noqa: F401


def name(app: KapJournalApp) -> str:
    return type(app.screen).__name__


# --- quitting -----------------------------------------------------------------------------------


async def test_quitting_is_shown_and_esc_on_the_unlock_screen_does_not_quit(
    make_app: Callable[..., KapJournalApp], existing_journal: Journal
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        keys = footer_keys(app.screen)
        assert keys[0] == "f1" and "ctrl+q" in keys
        await pilot.press("f1", "escape", "escape", "escape")  # help, closed, then esc twice more
        await pilot.pause()
        assert name(app) == "UnlockScreen" and app.is_running
        await unlock(pilot)
        assert "ctrl+q" in footer_keys(app.screen)  # Home shows how to quit
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0


async def test_the_unlock_message_is_a_sentence(
    make_app: Callable[..., KapJournalApp], existing_journal: Journal
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot, "not the passphrase")
        message = str(app.screen.query_one("#unlock-error").content)
        assert message == "That passphrase does not open this journal."


# --- keys ---------------------------------------------------------------------------------------


async def test_the_keys_panel_lists_every_key_of_the_screen(
    make_app: Callable[..., KapJournalApp], sample_journal: Journal
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        home = app.screen
        offered = {
            b.description for b in home.BINDINGS if hasattr(b, "description") and b.description
        }
        await pilot.press("question_mark")
        await pilot.pause()
        assert name(app) == "KeysScreen"
        text = screen_text(app)
        for description in offered - {"Get help now", "keys"}:
            assert description in text, description
        for everywhere in ("ctrl+l", "ctrl+q", "ctrl+p", "Get help now"):
            assert everywhere in text
        await pilot.press("escape")
        await pilot.press("t")
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        text = screen_text(app)
        for description in ("edit", "delete", "share", "search", "back"):
            assert description in text


async def test_f1_comes_first_even_where_a_text_box_shares_keys(
    make_app: Callable[..., KapJournalApp], sample_journal: Journal
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        app.open("exercise", exercise_id="capture")
        await pilot.pause()
        keys = footer_keys(app.screen)
        assert keys[0] == "f1" and {"ctrl+left", "ctrl+right", "ctrl+s", "escape"} <= set(keys)


async def test_notifications_never_cover_the_keys(
    make_app: Callable[..., KapJournalApp], sample_journal: Journal
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await unlock(pilot)
        await pilot.press("f1")  # a dialog with its own footer, in its box
        await pilot.pause()
        assert name(app) == "HelpScreen"
        app.notify("A fairly long notification that wraps onto a few lines of the toast.")
        for _ in range(3):
            await pilot.pause()
        visible = app.screen._compositor.visible_widgets
        toasts = [r for w, (r, _) in visible.items() if type(w).__name__ == "Toast"]
        keys = [r for w, (r, _) in visible.items() if type(w).__name__ == "FooterKey"]
        assert toasts and keys
        for toast in toasts:
            assert not any(toast.overlaps(k) for k in keys)


# --- one Home -----------------------------------------------------------------------------------


async def test_opening_home_from_home_does_not_stack_a_second_one(
    make_app: Callable[..., KapJournalApp], existing_journal: Journal
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        depth = len(app.screen_stack)
        app.open("home")
        await wait_workers(pilot)
        assert len(app.screen_stack) == depth and name(app) == "HomeScreen"
        app.open("write")
        await pilot.pause()
        await pilot.press(*"on the way home")
        app.open("home")
        await wait_workers(pilot)
        assert len(app.screen_stack) == depth and name(app) == "HomeScreen"
        assert app.journal is not None
        assert [d.body for d in app.journal.drafts()] == ["on the way home"]


# --- exercises ----------------------------------------------------------------------------------


async def test_an_exercise_opened_and_left_untouched_keeps_nothing(
    make_app: Callable[..., KapJournalApp], existing_journal: Journal
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        app.open("exercise", exercise_id="three-good-things")
        await pilot.pause()
        await pilot.press("ctrl+n")  # even moving on a step without writing
        await pilot.press("escape")
        await pilot.pause()
        assert name(app) == "HomeScreen"
        assert app.journal is not None and app.journal.reflections(drafts=True) == []
        assert not any("draft" in n.message for n in app._notifications)


async def test_a_draft_reopens_on_the_step_where_it_was_left(
    make_app: Callable[..., KapJournalApp], existing_journal: Journal
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        app.open("exercise", exercise_id="three-good-things")
        await pilot.pause()
        await pilot.press(*"tea in the garden", "ctrl+n", "ctrl+n")  # on step 3, nothing yet
        assert app.screen.step == 2  # type: ignore[attr-defined]
        await pilot.press("escape")
        await pilot.pause()
        assert app.journal is not None
        (draft,) = app.journal.drafts()
        assert draft.answers[0] == "tea in the garden"
        await pilot.press("x", "enter")  # Exercises: the draft is listed first
        await pilot.pause()
        assert name(app) == "ExerciseScreen"
        assert app.screen.step == 2  # type: ignore[attr-defined]
        assert "step 3 of" in str(app.screen.query_one("#exercise-progress").content)
        await pilot.press(*"a kind word", "ctrl+n", "ctrl+n", "ctrl+n", "ctrl+n")
        await pilot.click("#exercise-finish")
        await pilot.pause()
    (done,) = [r for r in app.journal.reflections() if not r.draft]
    assert done.answers == ("tea in the garden", "", "a kind word")  # no empty tail


# --- timeline -----------------------------------------------------------------------------------


async def test_down_from_the_search_box_reaches_the_results_and_no_hits_say_so(
    make_app: Callable[..., KapJournalApp], existing_journal: Journal
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        assert app.journal is not None
        app.journal.add(Reflection, body="the river at dusk")
        await pilot.press("t")
        await pilot.pause()
        assert str(app.screen.query_one("#timeline-count").content).startswith("1 entry ")
        await pilot.press("slash", *"zebra")
        await pilot.pause()
        app.screen.apply_filters()  # type: ignore[attr-defined]
        await pilot.pause()
        timeline = app.screen.query_one("#timeline-list")
        assert timeline.empty == "No matches."  # type: ignore[attr-defined]
        await pilot.press(*["backspace"] * 5, *"river")
        app.screen.apply_filters()  # type: ignore[attr-defined]
        await pilot.press("down")
        await pilot.pause()
        assert app.screen.focused is timeline
        await pilot.press("enter")
        await pilot.pause()
        assert name(app) == "ReflectionScreen"


# --- export -------------------------------------------------------------------------------------


async def test_export_write_key_is_always_shown_and_the_format_follows_the_name(
    make_app: Callable[..., KapJournalApp], sample_journal: Journal
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await pilot.press("e")
        await wait_workers(pilot)
        screen = app.screen
        for widget_id in ("#export-range", "#export-include", "#export-encrypt", "#export-path"):
            screen.query_one(widget_id).focus()
            await pilot.pause()
            assert "ctrl+s" in footer_keys(screen), widget_id
        path = screen.query_one("#export-path", Input)
        path.value = "~/for-dr-rivera.html.age"
        await wait_workers(pilot)
        assert screen.query_one("#export-format", Select).value == "html"
        assert "<" not in screen.query_one("#export-preview").text  # type: ignore[attr-defined]
        assert path.value == "~/for-dr-rivera.html.age"  # the typed name stays
        path.value = "~/notes.json"
        await wait_workers(pilot)
        assert screen.query_one("#export-format", Select).value == "json"


async def test_export_log_counts_one_record_as_one(
    make_app: Callable[..., KapJournalApp], existing_journal: Journal
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        assert app.journal is not None
        app.journal.add(ShareLog, format="md", include="shared", recipient="none", item_ids=("a",))
        await pilot.press("e")
        await wait_workers(pilot)
        log = str(app.screen.query_one("#export-log").content)
        assert "· 1 record" in log and "1 records" not in log


# --- sessions -----------------------------------------------------------------------------------


async def test_sessions_at_80_columns_keep_dissociation_and_cut_intentions_with_an_ellipsis(
    make_app: Callable[..., KapJournalApp], existing_journal: Journal, clock: FrozenClock
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        assert app.journal is not None
        app.journal.add(
            DosingSession,
            when=clock.now - timedelta(days=2),
            route="sublingual",
            dose="300 mg lozenge, split in two",
            intention="to let some joy in without apologising for it, and to notice the urge to",
            dissociation=6,
        )
        await pilot.press("l")
        await pilot.pause()
        table = app.screen.query_one("#sessions-list", DataTable)
        labels = [str(c.label) for c in table.columns.values()]
        assert labels[-1] == "dissociation"
        assert table.virtual_size.width <= table.scrollable_content_region.width
        row = [str(cell) for cell in table.get_row_at(0)]
        assert row[-1] == "6/10"
        assert row[4].startswith("to let some joy") and row[4].endswith("…")
