"""The timeline: newest first, search, filters, share, edit, delete, and 2,000+ entries at once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from kapjournal.journal import Journal
from kapjournal.records import CheckIn, DosingSession, Record, Reflection
from kapjournal.tui.app import KapJournalApp
from tests.conftest import T0
from tests.tui.conftest import unlock


async def open_timeline(pilot) -> None:
    pilot.app.open("timeline")
    await pilot.pause()
    await pilot.pause()


def many(journal: Journal, count: int) -> list[Record]:
    """``count`` entries, one an hour going back, a mix of kinds; saved in one transaction."""
    batch: list[Record] = []
    for i in range(count):
        at = T0 - timedelta(hours=i + 1)
        if i % 3 == 0:
            batch.append(journal.new(CheckIn, created=at, mood=i % 11, note=f"note {i}"))
        else:
            batch.append(
                journal.new(
                    Reflection, created=at, title=f"entry {i}", body=f"words of entry {i}",
                    share=i % 5 == 0, tags=("calm",) if i % 7 == 0 else (),
                )
            )  # fmt: skip
    journal.save_many(batch)
    return batch


def rows(app: KapJournalApp, count: int = 3) -> list[str]:
    timeline = app.screen.query_one("#timeline-list")
    return ["".join(s.text for s in timeline.render_line(y)) for y in range(count)]


async def test_two_thousand_entries_open_at_once_newest_first(
    make_app: Callable[..., KapJournalApp], existing_journal: Journal
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        many(app.journal, 2000)
        newest = app.journal.add(Reflection, title="today's page", body="written just now")
        await open_timeline(pilot)  # its speed is measured by benchmarks/bench.py, not here
        assert type(app.screen).__name__ == "TimelineScreen"
        timeline = app.screen.query_one("#timeline-list")
        assert len(timeline.items) == 2001 and timeline.items[0].id == newest.id
        first, second, third = rows(app)
        assert "today's page" in first and "private" in first and "✎" in first
        assert "◔ Check-in" in second and "mood 0 · note 0" in second
        assert "entry 1" in third
        assert "2,001 entries" in str(app.screen.query_one("#timeline-count").content)
        await pilot.press("end")
        assert timeline.current.body == "words of entry 1999"
        await pilot.press("home", "pagedown")
        assert timeline.cursor > 10


async def test_search_filters_and_shared_only(
    make_app: Callable[..., KapJournalApp], existing_journal: Journal
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        many(app.journal, 60)
        session = app.journal.add(DosingSession, when=T0 - timedelta(days=1), route="iv",
                                  intention="grief")  # fmt: skip
        linked = app.journal.add(Reflection, session_id=session.id, body="after the infusion")
        await open_timeline(pilot)
        screen = app.screen
        timeline = screen.query_one("#timeline-list")
        await pilot.press("slash")
        assert screen.focused.id == "timeline-search"
        await pilot.press(*"entry 43")  # no timer under the kit: each key filters at once
        await pilot.pause()
        assert [r.title for r in timeline.items] == ["entry 43"]
        await pilot.press("escape")  # leaves the search box, not the screen
        assert screen.focused is timeline
        screen.query_one("#timeline-search").value = ""
        screen.apply_filters()
        screen.query_one("#timeline-shared").value = True
        await pilot.pause()
        assert timeline.items and all(isinstance(r, Reflection) and r.share for r in timeline.items)
        assert all("shared" in line for line in rows(app))
        screen.query_one("#timeline-shared").value = False
        screen.query_one("#timeline-kind").value = "checkin"
        await pilot.pause()
        assert {r.kind for r in timeline.items} == {"checkin"} and len(timeline.items) == 20
        screen.query_one("#timeline-kind").value = screen.query_one("#timeline-kind").NULL
        screen.query_one("#timeline-tag").value = "calm"
        await pilot.pause()
        assert timeline.items and all("calm" in r.tags for r in timeline.items)
        screen.query_one("#timeline-tag").value = screen.query_one("#timeline-tag").NULL
        screen.query_one("#timeline-session").value = session.id
        await pilot.pause()
        assert {r.id for r in timeline.items} == {session.id, linked.id}


async def test_share_edit_and_delete_from_the_timeline(
    make_app: Callable[..., KapJournalApp], existing_journal: Journal
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        older = app.journal.add(CheckIn, created=T0 - timedelta(days=2), mood=6, note="steady")
        r = app.journal.add(Reflection, title="a page", body="first words")
        await open_timeline(pilot)
        timeline = app.screen.query_one("#timeline-list")
        assert timeline.current.id == r.id
        await pilot.press("x")
        await pilot.pause()
        assert app.journal.get(r.id).share is True
        assert "shared" in rows(app)[0]
        await pilot.press("x")
        assert app.journal.get(r.id).share is False and "private" in rows(app)[0]
        await pilot.press("e")
        await pilot.pause()
        assert type(app.screen).__name__ == "ReflectionScreen"
        await pilot.press("end", *", then more")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert type(app.screen).__name__ == "TimelineScreen"
        assert app.journal.get(r.id).body == "first words, then more"
        await pilot.press("d")
        await pilot.pause()
        assert type(app.screen).__name__ == "Confirm"
        assert "a page" in str(app.screen.query_one("#confirm-question").content)
        await pilot.press("escape")  # keep it
        await pilot.pause()
        assert app.journal.get(r.id) is not None
        await pilot.press("d")
        await pilot.pause()
        await pilot.click("#confirm-yes")
        await pilot.pause()
        assert app.journal.get(r.id) is None
        assert [x.id for x in timeline.items] == [older.id]
        await pilot.press("enter")  # a check-in opens read-only
        await pilot.pause()
        assert type(app.screen).__name__ == "RecordModal"
        assert "steady" in str(app.screen.query_one("#record-text").content)


async def test_preview_pane_only_on_wide_terminals(
    make_app: Callable[..., KapJournalApp], existing_journal: Journal
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock(pilot)
        app.journal.add(Reflection, exercise_id="capture", answers=("blue light", "heavy"))
        await open_timeline(pilot)
        preview = app.screen.query_one("#timeline-preview")
        assert preview.display
        text = str(app.screen.query_one("#timeline-preview-text").content)
        assert "blue light" in text and "How does your body feel right now?" in text
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert not preview.display
