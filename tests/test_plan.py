"""The plan after each session, on a frozen clock, with a small pack of our own."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import pytest

from kapjournal.exercises import Catalog, builtin_prompt_dirs, load_packs
from kapjournal.plan import (
    GRACE_DAYS,
    Plan,
    build_plan,
    earlier_reflection,
    latest_small_step,
    placeholder_values,
)
from kapjournal.records import DosingSession, Reflection

TZ = timezone(timedelta(hours=-5))
T0 = datetime(2025, 3, 4, 10, 0, tzinfo=TZ)  # a Tuesday

PACK = """
[pack]
id = "plan-test"
title = "Exercises for plan tests"
version = 1
license = "CC0-1.0"
"""


def _exercise(ex_id: str, timing: str, extra: str = "", intro: str = "Intro.") -> str:
    return f"""
[[exercise]]
id = "{ex_id}"
title = "{ex_id}"
category = "capture"
timing = "{timing}"
minutes = 5
intro = "{intro}"
steps = ["One.", "Two.", "Three."]
{extra}
"""


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    body = PACK
    for timing, ids in {
        "before": ["b1", "b2", "b3"],
        "same-day": ["s1", "s2"],
        "next-day": ["n1", "n2"],
        "days-2-7": ["d1", "d2", "d3"],
        "week-after": ["w1", "w2"],
        "anytime": ["a1", "a2", "a3"],
    }.items():
        body += "".join(_exercise(i, timing) for i in ids)
    body += _exercise("step", "days-2-7", "commitment_step = 2")
    body += _exercise(
        "step-back",
        "before",
        'followup_of = "step"\nneeds = ["small_step"]',
        "You chose: {small_step}",
    )
    body += _exercise(
        "revisit", "anytime", 'needs = ["earlier_reflection"]', "{earlier_reflection}"
    )
    path = tmp_path_factory.mktemp("packs") / "plan.toml"
    path.write_text(body)
    loaded = load_packs([path])
    assert loaded.problems == []
    return loaded


def session(day: float, number: int = 1, intention: str = "", sid: str = "") -> DosingSession:
    when = T0 + timedelta(days=day)
    return DosingSession(
        id=sid or f"session-{number}",
        created=when,
        updated=when,
        when=when,
        number=number,
        intention=intention,
    )


_counter = iter(range(10_000))


def reflection(
    exercise_id: str | None,
    day: float,
    session_id: str | None = None,
    answers: tuple[str, ...] = ("a", "b", "c"),
    draft: bool = False,
) -> Reflection:
    at = T0 + timedelta(days=day)
    return Reflection(
        id=f"r{next(_counter)}",
        created=at,
        updated=at,
        exercise_id=exercise_id,
        session_id=session_id,
        answers=answers,
        draft=draft,
    )


def on(day: float, hour: int = 18) -> datetime:
    return (T0 + timedelta(days=day)).replace(hour=hour)


def table(plan: Plan) -> set[tuple[str, str, str]]:
    return {(i.window, i.exercise.id, i.status) for i in plan.items}


def statuses(plan: Plan, window: str) -> list[str]:
    return [i.status for i in plan.items if i.window == window]


# --- one session --------------------------------------------------------------------------------


def test_one_session_on_the_day(catalog: Catalog) -> None:
    s = session(0)
    plan = build_plan([s], [], catalog, on(0))
    assert [(i.window, i.status) for i in plan.due_today()] == [("same-day", "due")]
    assert statuses(plan, "next-day") == ["coming"]
    assert statuses(plan, "days-2-7") == ["coming", "coming"]
    assert statuses(plan, "week-after") == ["coming"]
    assert statuses(plan, "before") == ["coming"]  # no next session logged: one gentle nudge
    before = next(i for i in plan.items if i.window == "before")
    assert before.session is None and (before.opens - s.when.date()).days == 8
    assert all(i.session == s for i in plan.items if i.window != "before")


def test_windows_move_with_the_days(catalog: Catalog) -> None:
    s = session(0)
    day1 = build_plan([s], [], catalog, on(1))
    assert statuses(day1, "same-day") == ["overdue"] and statuses(day1, "next-day") == ["due"]
    assert [i.status for i in day1.due_today()] == ["overdue", "due"]
    day5 = build_plan([s], [], catalog, on(5))
    assert statuses(day5, "same-day") == [] and statuses(day5, "next-day") == []
    assert statuses(day5, "days-2-7") == ["due", "due"]


def test_plan_is_deterministic(catalog: Catalog) -> None:
    s = [session(0), session(7, 2)]
    refs = [reflection("s1", 0, "session-1")]
    assert build_plan(s, refs, catalog, on(9)) == build_plan(s, refs, catalog, on(9))


def test_dates_are_in_the_clocks_time_zone(catalog: Catalog) -> None:
    late = session(0).when.replace(hour=23, minute=30)  # 04:30 UTC the next day
    s = DosingSession(id="late", created=late, updated=late, when=late, number=1)
    plan = build_plan([s], [], catalog, late + timedelta(minutes=20))
    assert statuses(plan, "same-day") == ["due"]


# --- done, drafts --------------------------------------------------------------------------------


def test_done_exercises_show_as_done_and_are_not_offered_again(catalog: Catalog) -> None:
    s = session(0)
    refs = [reflection("s1", 0.3, "session-1"), reflection("d2", 2, "session-1")]
    plan = build_plan([s], refs, catalog, on(3))
    assert ("same-day", "s1", "done") in table(plan)
    assert ("days-2-7", "d2", "done") in table(plan)
    fresh = [i for i in plan.items if i.window == "days-2-7" and i.status == "due"]
    assert len(fresh) == 1 and fresh[0].exercise.id != "d2"
    done = next(i for i in plan.items if i.exercise.id == "s1")
    assert done.reflection_id == refs[0].id
    assert [i.exercise.id for i in plan.due_today()].count("s1") == 0


def test_drafts_do_not_count_as_done(catalog: Catalog) -> None:
    s = session(0)
    plan = build_plan([s], [reflection("s1", 0.3, "session-1", draft=True)], catalog, on(0))
    assert statuses(plan, "same-day") == ["due"]
    assert plan.done() == []


def test_reflection_without_session_counts_inside_its_window(catalog: Catalog) -> None:
    s = session(0)
    plan = build_plan([s], [reflection("n2", 1, None)], catalog, on(1))
    assert statuses(plan, "next-day") == ["done"]
    elsewhere = build_plan([s], [reflection("n2", 6, None)], catalog, on(6))
    assert ("next-day", "n2", "done") not in table(elsewhere)


# --- more sessions -------------------------------------------------------------------------------


def test_two_sessions_a_few_days_apart_follow_the_newer_one(catalog: Catalog) -> None:
    first, second = session(0, 1), session(3, 2)
    refs = [reflection("s1", 0.2, first.id)]
    plan = build_plan([first, second], refs, catalog, on(4))
    offered = [i for i in plan.items if i.status != "done"]
    assert offered and all(i.session == second for i in offered if i.session)
    assert [i.exercise.id for i in plan.for_session(first.id)] == ["s1"]
    assert [(i.window, i.status) for i in plan.due_today()] == [
        ("same-day", "overdue"),
        ("next-day", "due"),
    ]
    same_day_2 = next(i for i in plan.items if i.window == "same-day" and i.session == second)
    assert same_day_2.exercise.id == "s2"  # s1 was done last time: variety


def test_a_logged_future_session_opens_before_exercises_and_closes_windows(
    catalog: Catalog,
) -> None:
    past, upcoming = session(0, 1), session(6, 2)
    plan = build_plan([past, upcoming], [], catalog, on(4))
    assert plan.next_session == upcoming
    before = [i for i in plan.items if i.window == "before"]
    assert [i.status for i in before] == ["due", "due"]
    assert all(i.session == upcoming for i in before)
    assert before[0].closes == upcoming.when.date()
    week = [i for i in plan.items if i.window in ("days-2-7", "week-after")]
    assert week and all(i.closes < upcoming.when.date() for i in week)
    assert statuses(plan, "week-after") == []


def test_before_exercise_done_for_the_upcoming_session(catalog: Catalog) -> None:
    past, upcoming = session(0, 1), session(6, 2)
    refs = [reflection("b1", 4.5, upcoming.id)]
    plan = build_plan([past, upcoming], refs, catalog, on(5))
    assert ("before", "b1", "done") in table(plan)
    assert statuses(plan, "before").count("due") == 1


def test_variety_across_sessions(catalog: Catalog) -> None:
    sessions = [session(7 * k, k + 1) for k in range(3)]
    refs: list[Reflection] = []
    picked = []
    for k, s in enumerate(sessions):
        plan = build_plan(sessions[: k + 1], refs, catalog, on(7 * k))
        (item,) = [i for i in plan.items if i.window == "same-day" and i.session == s]
        picked.append(item.exercise.id)
        refs.append(reflection(item.exercise.id, 7 * k + 0.2, s.id))
    assert picked[0] != picked[1]
    assert len(set(picked)) == 2  # two same-day exercises, taken in turn


# --- calm: missed weeks, nothing logged ----------------------------------------------------------


def test_a_missed_week_is_let_go(catalog: Catalog) -> None:
    s = session(0)
    assert "overdue" in statuses(build_plan([s], [], catalog, on(7 + GRACE_DAYS)), "days-2-7")
    plan = build_plan([s], [], catalog, on(7 + GRACE_DAYS + 1))
    assert statuses(plan, "days-2-7") == []
    late = build_plan([s], [reflection("s1", 0.2, s.id)], catalog, on(30))
    assert [i.status for i in late.items if i.window != "anytime"] == ["done"]
    assert [i.window for i in late.due_today()] == ["anytime"]
    assert len(late.due_today()) == 1


def test_no_session_at_all_suggests_anytime_exercises(catalog: Catalog) -> None:
    plan = build_plan([], [], catalog, on(0))
    assert plan.next_session is None and plan.small_step is None
    due = plan.due_today()
    assert len(due) == 2 and {i.window for i in due} == {"anytime"}
    assert all(i.session is None for i in due)
    assert "revisit" not in {i.exercise.id for i in due}  # nothing to revisit yet


def test_nothing_more_is_pushed_on_a_day_something_was_done(catalog: Catalog) -> None:
    plan = build_plan([], [reflection("a1", 0, None)], catalog, on(0))
    assert plan.due_today() == [] and [i.exercise.id for i in plan.done()] == ["a1"]


def test_revisit_is_offered_once_there_is_an_older_reflection(catalog: Catalog) -> None:
    old = T0 - timedelta(days=40)
    refs = [
        Reflection(id="old", created=old, updated=old, body="Dear {intention}"),
        reflection("a1", -30),
    ]
    values = placeholder_values(None, refs, on(0), catalog)
    assert values["earlier_reflection"] == "a\n\nb\n\nc"  # the one nearest a month old
    assert values["earlier_reflection_date"].startswith("on ")
    offers = set()
    for day in range(5):
        plan = build_plan([], refs, catalog, on(day))
        offers |= {i.exercise.id for i in plan.due_today()}
    assert "revisit" in offers


# --- the small step ------------------------------------------------------------------------------


def test_small_step_is_asked_about_before_the_next_session(catalog: Catalog) -> None:
    past, upcoming = session(0, 1), session(8, 2)
    commit = reflection("step", 3, past.id, answers=("why", "Call my sister {on} [b]Sunday[/b]"))
    refs = [commit, reflection("step", 2, past.id, answers=("x", "older"), draft=False)]
    assert latest_small_step(refs, catalog).text == "Call my sister {on} [b]Sunday[/b]"
    plan = build_plan([past, upcoming], refs, catalog, on(7))
    assert plan.small_step is not None and plan.small_step.reflection_id == commit.id
    (ask,) = [i for i in plan.items if i.exercise.id == "step-back"]
    assert ask.status == "due" and ask.session == upcoming
    assert ask.filled().intro == "You chose: Call my sister {on} [b]Sunday[/b]"
    answered = [*refs, reflection("step-back", 7.1, upcoming.id)]
    again = build_plan([past, upcoming], answered, catalog, on(7.5))
    assert ("before", "step-back", "done") in table(again)
    later = build_plan([past, upcoming, session(15, 3)], answered, catalog, on(14))
    assert "step-back" not in {i.exercise.id for i in later.items if i.status != "done"}


def test_draft_or_empty_commitment_is_not_a_small_step(catalog: Catalog) -> None:
    refs = [
        reflection("step", 3, "session-1", answers=("why", "a draft"), draft=True),
        reflection("step", 3, "session-1", answers=("why", "  ")),
    ]
    assert latest_small_step(refs, catalog) is None
    plan = build_plan([session(0), session(8, 2)], refs, catalog, on(7))
    assert "step-back" not in {i.exercise.id for i in plan.items}


# --- placeholder values --------------------------------------------------------------------------


def test_placeholder_values_for_a_session() -> None:
    s = session(0, 3, intention="  Be {kind} to %s [bold]me[/bold] 🌱  ")
    values = placeholder_values(s, [], on(2))
    assert values["intention"] == "Be {kind} to %s [bold]me[/bold] 🌱"
    assert values["session"] == "session 3" and values["session_number"] == "3"
    assert values["session_date"] == "Tuesday 4 March"
    assert values["days_since_session"] == "2" and values["session_ago"] == "2 days ago"
    assert placeholder_values(s, [], on(1))["session_ago"] == "yesterday"
    assert placeholder_values(s, [], on(400))["session_date"] == "Tuesday 4 March 2025"


def test_placeholder_values_without_a_session_or_intention() -> None:
    assert placeholder_values(None, [], on(0)) == {}
    unnumbered = placeholder_values(session(0, 0), [], on(0))
    assert "intention" not in unnumbered and "session_number" not in unnumbered
    assert unnumbered["session"] == "your session"


def test_shipped_packs_plan_the_evening_capture_with_the_intention() -> None:
    shipped = load_packs(builtin_prompt_dirs())
    s = session(0, 1, intention="שלום {session} [red]x[/red]")
    plan = build_plan([s], [], shipped, on(0))
    (today,) = plan.due_today()
    assert today.exercise.id == "capture"
    day1 = build_plan([s], [reflection("morning-after", 1, s.id)], shipped, on(1, 7))
    assert ("next-day", "morning-after", "done") in table(day1)
    review = shipped.get("intention-review")
    assert review is not None
    filled = review.filled(placeholder_values(s, [], on(1)))
    assert "שלום {session} [red]x[/red]" in filled.intro and "session 1" in filled.intro


@pytest.mark.parametrize("day", [-3, 0, 1, 4, 9, 13, 20, 60])
def test_plan_never_offers_the_same_exercise_twice(catalog: Catalog, day: int) -> None:
    sessions = [session(0, 1), session(10, 2)]
    plan = build_plan(sessions, [], catalog, on(day))
    ids = [i.exercise.id for i in plan.items if i.status != "done"]
    assert len(ids) == len(set(ids))
    assert len(plan.due_today()) <= 5


def test_reflections_of_unknown_exercises_are_ignored(catalog: Catalog) -> None:
    plan = build_plan([session(0)], [reflection("gone", 0.1, "session-1")], catalog, on(0))
    assert statuses(plan, "same-day") == ["due"]


def test_small_step_answered_early_is_not_asked_again(catalog: Catalog) -> None:
    past, upcoming = session(0, 1), session(12, 2)
    refs = [
        reflection("step", 3, past.id, answers=("why", "Walk at lunch")),
        reflection("step-back", 5, None),  # answered on their own, before the window opened
    ]
    plan = build_plan([past, upcoming], refs, catalog, on(11))
    assert "step-back" not in {i.exercise.id for i in plan.items if i.status != "done"}


@pytest.mark.parametrize("seed", range(30))
def test_the_earlier_reflection_is_the_one_nearest_a_month_old(catalog: Catalog, seed: int) -> None:
    """Walking out from the aim finds what the plain definition does: of the non-draft
    reflections at least a week old with words in them (and not a revisit), the nearest to 28
    days old, the earlier one on a tie, the first in order of several at one instant."""
    rng = random.Random(seed)
    now = on(60)
    refs = [
        reflection(
            rng.choice([None, "a1", "revisit"]),
            rng.choice([rng.randrange(0, 60), rng.randrange(0, 120) / 2]),  # many at one instant
            answers=rng.choice([("a", "b", "c"), ("", " ", ""), (f"words {n}",)]),
            draft=rng.random() < 0.1,
        )
        for n in range(rng.randrange(0, 40))
    ]
    aim = now - timedelta(days=28)
    in_order = sorted((r for r in refs if not r.draft), key=lambda r: (r.created, r.id))
    old = [
        r
        for r in in_order
        if r.created <= now - timedelta(days=7) and r.text.strip() and r.exercise_id != "revisit"
    ]
    expected = min(old, key=lambda r: abs(r.created - aim), default=None)
    assert earlier_reflection(refs, now, catalog) is expected
