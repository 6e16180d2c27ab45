"""Get help now (locked and unlocked, region switch) and the safety plan (saved three ways)."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Select, TextArea

from kapjournal import region, safety
from kapjournal.journal import Journal
from kapjournal.records import Settings
from kapjournal.tui.app import KapJournalApp
from tests.conftest import PASSPHRASE
from tests.tui.conftest import unlock
from tests.tui.sample import screen_text


async def test_help_shows_us_lines_then_samaritans_for_gb(
    make_app: Callable[..., KapJournalApp], existing_journal: Journal
) -> None:
    region.save("US")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        assert app.journal is not None
        assert app.journal.settings().region == "US"  # the file's choice reached the journal
        app.journal.add(
            Settings, region="US", therapist_name="Dr. [i]Rivera[/i]", therapist_contact="555-0142"
        )
        await pilot.press("f1")
        await pilot.pause()
        screen = app.screen
        assert type(screen).__name__ == "HelpScreen"
        lines = str(screen.query_one("#help-lines").content)
        assert "988 Suicide & Crisis Lifeline" in lines and "Call 988" in lines
        assert "checked 2026-11" in lines
        assert "call 911" in screen_text(app)
        assert safety.NOT_MONITORED in screen_text(app)
        therapist = str(screen.query_one("#help-therapist").content)
        assert "Dr. [i]Rivera[/i]" in therapist and "555-0142" in therapist
        screen.query_one("#help-region", Select).value = "GB"
        await pilot.pause()
        lines = str(screen.query_one("#help-lines").content)
        assert "Samaritans" in lines and "Call 116 123" in lines
        assert "999" in screen_text(app)
        assert app.journal.settings().region == "GB"
        assert region.stored() == "GB"  # so help shows it before the next unlock too
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen"


async def test_help_when_locked_needs_no_journal(
    make_app: Callable[..., KapJournalApp], existing_journal: Journal
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        screen = app.screen
        assert type(screen).__name__ == "HelpScreen"
        assert "Unlock your journal" in str(screen.query_one("#help-therapist").content)
        await pilot.press("p")  # no safety plan while locked
        await pilot.pause()
        assert app.screen is screen
        assert "p" not in {b.key for (_, b, _, _) in screen.active_bindings.values() if b.show}
        screen.query_one("#help-region", Select).value = "GB"
        await pilot.pause()
        assert "116 123" in str(screen.query_one("#help-lines").content)
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "UnlockScreen"


async def test_safety_plan_saves_on_ctrl_s_on_leave_and_on_lock(
    make_app: Callable[..., KapJournalApp], existing_journal: Journal
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await pilot.press("f1")
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        assert type(app.screen).__name__ == "SafetyPlanScreen"
        assert app.screen.query_one("#plan-warning_signs", TextArea).has_focus
        await pilot.press(*"not answering messages", "ctrl+s")
        assert app.journal is not None
        assert app.journal.safety_plan().warning_signs == "not answering messages"
        assert "Saved" in str(app.screen.query_one("#plan-status").content)
        app.screen.query_one("#plan-reasons", TextArea).text = "my sister, the dog"
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen"
        assert app.journal.safety_plan().reasons == "my sister, the dog"
        app.open("safety_plan")
        await pilot.pause()
        app.screen.query_one("#plan-coping", TextArea).text = "a walk"
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert app.journal is None
        await unlock(pilot)
        assert type(app.screen).__name__ == "SafetyPlanScreen"  # reopened where they were
        assert app.screen.query_one("#plan-coping", TextArea).text == "a walk"
    reopened = Journal.unlock(existing_journal.path, PASSPHRASE)
    plan = reopened.safety_plan()
    assert (plan.warning_signs, plan.coping, plan.reasons) == (
        "not answering messages",
        "a walk",
        "my sister, the dog",
    )
    assert len(reopened.of_kind(type(plan))) == 1  # updated in place, not copied
    reopened.lock()
