"""Decoding records from their JSON form: every field present (the quick path), fields missing
(written by an older version), fields unknown (a newer one), and malformed values."""

from __future__ import annotations

from datetime import UTC, date, datetime

import orjson
import pytest

from kapjournal.errors import RecordError
from kapjournal.records import (
    KINDS,
    Assessment,
    CheckIn,
    DosingSession,
    Record,
    Reflection,
    SafetyPlan,
    Settings,
    ShareLog,
    from_dict,
    from_json,
    to_dict,
    to_json,
)

AT = datetime(2026, 11, 25, 14, 30, tzinfo=UTC)
BASE = {"id": "r1", "created": AT, "updated": AT}
SAMPLES: list[Record] = [
    DosingSession(
        **BASE,
        when=AT,
        number=3,
        route="iv",
        side_effects=frozenset({"nausea", "headache"}),
        dissociation=None,
        bp_before="120/80",
    ),
    Reflection(**BASE, session_id="s1", answers=("one", "two"), body="b", tags=("t",), share=True),
    CheckIn(**BASE, mood=4, anxiety=None, energy=7, note="n"),
    Assessment(**BASE, instrument="gad7", answers=(1, 2, 3), score=6, band="mild", flags=("x",)),
    SafetyPlan(**BASE, reasons="r"),
    Settings(**BASE, region="GB"),
    ShareLog(**BASE, since=date(2026, 1, 1), until=None, item_ids=("a", "b")),
]


def test_samples_cover_every_kind() -> None:
    assert {type(r) for r in SAMPLES} == set(KINDS.values())


@pytest.mark.parametrize("record", SAMPLES, ids=lambda r: r.kind)
def test_every_field_comes_back_with_its_type(record: Record) -> None:
    back = from_json(to_json(record))
    assert back == record
    for name in to_dict(record):
        if name != "kind":
            assert type(getattr(back, name)) is type(getattr(record, name)), name


@pytest.mark.parametrize("record", SAMPLES, ids=lambda r: r.kind)
def test_a_field_from_a_newer_version_is_left_out(record: Record) -> None:
    data = to_dict(record) | {"mood_colour": "teal"}
    assert from_dict(data) == record


def test_a_missing_field_takes_its_default() -> None:
    data = to_dict(SAMPLES[1])
    del data["tags"], data["draft"]
    back = from_dict(data)
    assert isinstance(back, Reflection)
    assert back.tags == () and back.draft is False and back.answers == ("one", "two")
    assert back.created == AT


@pytest.mark.parametrize(
    ("sample", "change"),
    [
        (2, {"created": "not a date"}),
        (2, {"created": None}),
        (2, {"mood": 11}),
        (1, {"answers": None}),
        (1, {"tags": 5}),
        (6, {"since": "1st of May"}),
    ],
    ids=str,
)
def test_malformed_values_are_record_errors_with_or_without_every_field(
    sample: int, change: dict[str, object]
) -> None:
    full = to_dict(SAMPLES[sample])
    partial = {k: v for k, v in full.items() if k not in ("note", "title", "until")}
    for data in (full, partial):
        with pytest.raises(RecordError):
            from_dict(data | change)


def test_unknown_kind_and_non_objects_are_record_errors() -> None:
    with pytest.raises(RecordError):
        from_dict({"kind": "dream", "id": "x"})
    with pytest.raises(RecordError):
        from_json(orjson.dumps([1, 2]))
    with pytest.raises(RecordError):
        from_json(b"{not json")
