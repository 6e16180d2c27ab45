"""New optional fields load from old journals and are checked like the rest."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kapjournal.errors import RecordError
from kapjournal.measures import after_effects_text
from kapjournal.records import AFTER_EFFECTS, Assessment, CheckIn, from_dict, from_json, to_json

WHEN = "2026-10-01T09:00:00+00:00"
NOW = datetime(2026, 11, 1, tzinfo=UTC)


def test_old_records_without_the_new_fields_still_load() -> None:
    checkin = from_dict(
        {"kind": "checkin", "id": "c", "created": WHEN, "updated": WHEN, "mood": 6, "anxiety": 7}
    )
    assert isinstance(checkin, CheckIn)
    assert all(getattr(checkin, name) is None for name in AFTER_EFFECTS)
    assessment = from_dict(
        {
            "kind": "assessment",
            "id": "a",
            "created": WHEN,
            "updated": WHEN,
            "instrument": "pcl5",
            "answers": [2] * 20,
            "score": 40,
            "band": "probable_ptsd",
        }
    )
    assert isinstance(assessment, Assessment) and assessment.difficulty is None


def test_after_effects_round_trip_and_read_in_words() -> None:
    c = CheckIn("c", NOW, NOW, mood=5, context="after-session", urinary=1, sleep=2, urges=0)
    back = from_json(to_json(c))
    assert isinstance(back, CheckIn)
    assert (back.urinary, back.sleep, back.lasting_dissociation, back.urges) == (1, 2, None, 0)
    assert after_effects_text(back) == "bladder: some · sleep: a lot · urges or use: none"
    assert after_effects_text(CheckIn("d", NOW, NOW, mood=5)) == ""


@pytest.mark.parametrize("bad", [3, -1, True, "1", 1.0])
def test_after_effects_are_0_1_or_2(bad: object) -> None:
    with pytest.raises(RecordError, match="must be 0, 1 or 2"):
        CheckIn("c", NOW, NOW, mood=5, sleep=bad)  # type: ignore[arg-type]


def test_assessment_difficulty_is_checked() -> None:
    a = Assessment("a", NOW, NOW, "phq9", (0,) * 9, difficulty=3)
    back = from_json(to_json(a))
    assert isinstance(back, Assessment) and back.difficulty == 3
    with pytest.raises(RecordError, match="from 0 to 3"):
        Assessment("a", NOW, NOW, "phq9", (0,) * 9, difficulty=4)
    with pytest.raises(RecordError, match="no difficulty question"):
        Assessment("a", NOW, NOW, "pcl5", (0,) * 20, difficulty=1)
