"""What the shipped exercises say: enough of them, stop lines where the body or memories are
involved, no old page quoted before a choice, credits for published ideas, no clinic assumed."""

from __future__ import annotations

import re

import pytest

from kapjournal.exercises import CATEGORIES, Catalog, builtin_prompt_dirs, load_packs


@pytest.fixture(scope="module")
def shipped() -> Catalog:
    catalog = load_packs(builtin_prompt_dirs())
    assert catalog.problems == []
    return catalog


def test_enough_exercises_in_enough_categories(shipped: Catalog) -> None:
    exercises = list(shipped.exercises.values())
    assert len(exercises) >= 36
    assert {e.category for e in exercises} == set(CATEGORIES) and len(CATEGORIES) >= 12


def test_the_gaps_the_review_found_are_filled(shipped: Catalog) -> None:
    by_category = {c: [e for e in shipped.exercises.values() if e.category == c] for c in CATEGORIES}
    assert by_category["grounding"] and by_category["hard-session"] and by_category["spiritual"]
    grounding = shipped.get("grounding")
    assert grounding is not None and grounding.timing == "anytime"


STOP = re.compile(r"\b(skip|stop|look around the room|come back)\b", re.IGNORECASE)


def test_body_and_memory_exercises_say_how_to_stop(shipped: Catalog) -> None:
    memory = {"a-thread", "morning-after", "revisit", "hard-session", "set-it-aside"}
    for e in shipped.exercises.values():
        if e.category in ("body", "grounding") or e.id in memory:
            text = " ".join([e.intro, *e.steps])
            assert STOP.search(text), f"{e.id} does not say how to stop or skip"


def test_revisit_asks_before_it_shows_an_old_page(shipped: Catalog) -> None:
    revisit = shipped.get("revisit")
    assert revisit is not None
    assert "{earlier_reflection}" not in revisit.intro
    assert "{earlier_reflection}" not in revisit.steps[0]
    assert "{earlier_reflection}" in revisit.steps[1]
    assert "good moment to look back" in revisit.steps[0]


def test_adapted_ideas_say_what_they_are_based_on(shipped: Catalog) -> None:
    credited = {
        "kind-letter": "Neff",
        "three-good-things": "Seligman",
        "six-words": "six-word memoir",
        "what-matters": "Acceptance and Commitment Therapy",
        "body-check-in": "Kabat-Zinn",
        "hard-moment": "self-compassion break",
        "big-questions": "Bathje",
    }
    for exercise_id, credit in credited.items():
        e = shipped.get(exercise_id)
        assert e is not None and "Based on" in e.intro and credit in e.intro, exercise_id


def test_no_exercise_assumes_a_clinic_or_a_ride_home(shipped: Catalog) -> None:
    for e in shipped.exercises.values():
        text = " ".join([e.intro, *e.steps]).casefold()
        assert "taking you home" not in text, e.id
        assert "your clinic" not in text, e.id
