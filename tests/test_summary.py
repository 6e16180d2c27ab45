"""The therapist's summary: what it holds, the privacy rule in every format, and its layout."""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest

from kapjournal import measures
from kapjournal.records import Assessment, CheckIn, DosingSession, Reflection
from kapjournal.summary import (
    DISCLAIMER,
    Summary,
    build_summary,
    render,
    render_html,
    render_markdown,
)

TZ = timezone(timedelta(hours=-5))
T0 = datetime(2026, 10, 1, 9, 0, tzinfo=TZ)
SINCE, UNTIL = date(2026, 10, 1), date(2026, 10, 30)
CANARY = "Canary-Private-Lynx-51"
DRAFT_CANARY = "Canary-Draft-Heron-22"
SHARED = "The sea was warm and I let myself float"
FORMATS = ("md", "html", "json")


def _id() -> str:
    return str(uuid.uuid4())


def at(days: float, hours: float = 0) -> datetime:
    return T0 + timedelta(days=days, hours=hours)


@dataclass
class Data:
    sessions: list[DosingSession] = field(default_factory=list)
    reflections: list[Reflection] = field(default_factory=list)
    checkins: list[CheckIn] = field(default_factory=list)
    assessments: list[Assessment] = field(default_factory=list)

    def session(self, days: float, hours: float = 0, **values: Any) -> DosingSession:
        values.setdefault("number", len(self.sessions) + 1)
        values.setdefault("route", "sublingual")
        when = at(days, hours)
        s = DosingSession(id=_id(), created=when, updated=when, when=when, **values)
        self.sessions.append(s)
        return s

    def reflection(self, days: float, **values: Any) -> Reflection:
        r = Reflection(id=_id(), created=at(days), updated=at(days), **values)
        self.reflections.append(r)
        return r

    def checkin(self, days: float, mood: int, **values: Any) -> CheckIn:
        c = CheckIn(id=_id(), created=at(days), updated=at(days), mood=mood, **values)
        self.checkins.append(c)
        return c

    def assess(self, days: float, instrument: str, answers: tuple[int, ...]) -> Assessment:
        a = measures.new_assessment(_id(), at(days), instrument, answers)
        self.assessments.append(a)
        return a

    def summary(self, include: str = "shared", since: date = SINCE, until: date = UNTIL) -> Summary:
        return build_summary(
            sessions=self.sessions,
            reflections=self.reflections,
            checkins=self.checkins,
            assessments=self.assessments,
            since=since,
            until=until,
            include=include,
            today=until,
        )


def sample() -> Data:
    """A month: three sessions, daily check-ins, PHQ-9 and GAD-7, shared and private writing."""
    d = Data()
    d.session(3, hours=5, dose="300 mg", intention="to meet my grief", dissociation=6)
    d.session(10, hours=5, dose="300 mg", intention="to rest", side_effects=frozenset({"nausea"}))
    d.session(17, hours=5, dose="400 mg", intention="to listen", dissociation=4)
    for day in range(30):
        if day % 6 != 5:
            d.checkin(day, mood=3 + day // 5, anxiety=5, energy=4, note=f"note {CANARY}")
    d.assess(0, "phq9", (2, 2, 2, 2, 1, 1, 1, 1, 0))
    d.assess(14, "phq9", (1, 1, 1, 1, 1, 1, 1, 1, 1))
    d.assess(28, "phq9", (1, 1, 1, 1, 0, 0, 0, 0, 0))
    d.assess(0, "gad7", (2, 2, 2, 2, 1, 1, 1))
    d.assess(28, "gad7", (1, 1, 0, 0, 0, 0, 0))
    d.reflection(4, title="After the first", body=SHARED, share=True, tags=("sea",))
    d.reflection(5, body=f"my private words {CANARY}", tags=(CANARY,), title=CANARY)
    d.reflection(6, body=f"still a draft {DRAFT_CANARY}", share=True, draft=True)
    d.reflection(
        7,
        exercise_id="small-step",
        answers=("calm", "walks", "Walk after lunch", "alone"),
        share=True,
        title="One small step",
    )
    d.reflection(
        15,
        exercise_id="small-step-followup",
        answers=("I walked three times", "rain", ""),
        share=True,
    )
    d.reflection(16, body="My father, and what I never said", tags=("for-therapist",), share=True)
    d.reflection(40, body="outside the range", share=True)
    return d


def forms(text: str) -> list[str]:
    """The ways a string could hide in an output: as is, escaped, encoded."""
    raw = text.encode()
    return [
        text,
        text.lower(),
        json.dumps(text)[1:-1],
        json.dumps(text, ensure_ascii=True)[1:-1],
        base64.b64encode(raw).decode(),
        raw.hex(),
        "".join(f"&#{ord(ch)};" for ch in text),
        "".join(f"\\u{ord(ch):04x}" for ch in text),
    ]


def assert_absent(text: str, output: str) -> None:
    for form in forms(text):
        assert form not in output, form


# --- the privacy rule --------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_unshared_reflection_never_appears_when_shared_only(fmt: str) -> None:
    d = sample()
    out = render(d.summary("shared"), fmt)
    assert SHARED in out  # the search works: shared text is there
    assert_absent(CANARY, out)
    assert_absent(DRAFT_CANARY, out)
    assert "outside the range" not in out


@pytest.mark.parametrize("fmt", FORMATS)
def test_scores_only_has_no_written_text(fmt: str) -> None:
    out = render(sample().summary("scores"), fmt)
    for words in (SHARED, "Walk after lunch", "My father", "to meet my grief", "After the first"):
        assert_absent(words, out)
    assert_absent(CANARY, out)
    assert "PHQ-9" in out


@pytest.mark.parametrize("fmt", FORMATS)
def test_all_includes_private_writing_but_never_drafts(fmt: str) -> None:
    out = render(sample().summary("all"), fmt)
    assert CANARY in out and SHARED in out
    assert_absent(DRAFT_CANARY, out)


def test_share_must_be_true_not_truthy() -> None:
    d = Data()
    d.reflections.append(
        Reflection(id=_id(), created=at(1), updated=at(1), body=CANARY, share="yes")  # type: ignore[arg-type]
    )
    assert not d.summary("shared").reflections


def test_item_ids_list_what_was_drawn_on() -> None:
    d = sample()
    ids = set(d.summary("shared").item_ids)
    private = next(r for r in d.reflections if CANARY in r.body)
    shared = next(r for r in d.reflections if r.body == SHARED)
    assert shared.id in ids and private.id not in ids
    assert {s.id for s in d.sessions} <= ids and {a.id for a in d.assessments} <= ids
    assert not any(r.id in ids for r in d.reflections if r.draft)
    scores_ids = set(d.summary("scores").item_ids)
    assert not any(r.id in scores_ids for r in d.reflections)


# --- content -----------------------------------------------------------------------------------


def test_flags_item9_worse_and_side_effects() -> None:
    d = sample()
    d.assess(20, "phq9", (3, 3, 3, 3, 2, 1, 1, 0, 1))  # 17, from a baseline of 12
    flags = d.summary().flags
    kinds = [f.kind for f in flags]
    assert kinds == ["phq9_item9", "phq9_item9", "worse", "side_effects"]
    assert flags[0].day == date(2026, 10, 15) and "15 Oct 2026" in flags[0].text
    assert "Several days" in flags[0].text
    # judged against the score before it (9 on 15 Oct), not the first in the period (12)
    assert "from 9 (15 Oct 2026)" in flags[2].text and "to 17" in flags[2].text
    assert "8 points" in flags[2].text
    assert "session 2" in flags[3].text and "nausea" in flags[3].text


def test_no_flags_said_plainly() -> None:
    d = Data()
    d.assess(1, "phq9", (1, 1, 1, 1, 1, 1, 1, 1, 0))
    d.assess(9, "phq9", (1, 1, 1, 1, 1, 1, 1, 2, 0))  # only 1 point worse
    s = d.summary()
    assert s.flags == ()
    assert "## Flags\n\nNone in this period." in render_markdown(s)


def test_score_table_baseline_latest_change_response_remission() -> None:
    phq, gad = sample().summary().scores
    assert (phq.name, phq.baseline.score, phq.latest.score, phq.change) == ("PHQ-9", 12, 4, -8)
    assert phq.response is True and phq.remission is True and phq.band == "minimal"
    assert round(phq.change_pct or 0) == -67
    assert (gad.baseline.score, gad.latest.score, gad.response, gad.remission) == (
        11,
        2,
        True,
        True,
    )


def test_single_score_has_no_response() -> None:
    d = Data()
    d.assess(1, "gad7", (3, 3, 3, 3, 0, 0, 0))
    (row,) = d.summary().scores
    assert row.response is None and row.remission is False and row.change == 0


def test_mood_sparkline_and_session_markers_in_markdown() -> None:
    s = sample().summary()
    assert len(s.mood.spark) == 30 and s.mood.per == "day"
    assert [i for i, ch in enumerate(s.mood.markers) if ch == "▲"] == [3, 10, 17]
    md = render_markdown(s)
    assert s.mood.spark.rstrip() in md and s.mood.markers.rstrip() in md
    assert s.mood.spark[5] == " "  # a day without a check-in stays a gap


def test_long_ranges_draw_a_week_per_character() -> None:
    d = sample()
    s = d.summary(since=date(2026, 1, 1), until=date(2026, 12, 31))
    assert s.mood.per == "week" and len(s.mood.spark) == 53
    assert "▲" in s.mood.markers


def test_sessions_with_mood_around_them() -> None:
    s = sample().summary()
    first = s.sessions[0]
    assert (first.number, first.route, first.dose, first.intention) == (
        1,
        "sublingual lozenge",
        "300 mg",
        "to meet my grief",
    )
    assert first.before.mean == pytest.approx(3.0) and first.day1.mean == pytest.approx(3.0)
    assert (first.before.count, first.same_day.count, first.day1.count) == (4, 0, 1)
    assert s.sessions[1].side_effects == ("nausea",)
    assert s.sessions[0].details == ()  # setting, notes and the like only with "all"


def test_commitments_talk_and_reflections() -> None:
    s = sample().summary()
    (step,) = s.commitments
    assert step.text == "Walk after lunch" and step.outcome == "I walked three times"
    assert step.followed_up == date(2026, 10, 16)
    assert [r.text for r in s.talk] == ["My father, and what I never said"]
    assert all("for-therapist" not in r.tags for r in s.reflections)
    md = render_markdown(s)
    order = [
        "## Flags",
        "## Scores",
        "## Mood",
        "## Sessions",
        "would like to talk about",
        "## Committed actions",
        "## Shared reflections",
        "About the questionnaires",
    ]
    assert [md.index(h) for h in order] == sorted(md.index(h) for h in order)
    assert "Walk after lunch — *looked back on 16 Oct 2026: I walked three times*" in md


def test_commitment_not_yet_looked_back_on() -> None:
    d = Data()
    d.reflection(1, exercise_id="small-step", answers=("", "", "Call my sister", ""), share=True)
    (step,) = d.summary().commitments
    assert step.followed_up is None
    assert "not looked back on yet" in render_markdown(d.summary())


def test_other_commitment_exercises_can_be_named() -> None:
    d = Data()
    d.reflection(1, exercise_id="my-step", answers=("Plant seeds",), share=True)
    s = build_summary(
        sessions=[],
        reflections=d.reflections,
        checkins=[],
        assessments=[],
        since=SINCE,
        until=UNTIL,
        today=UNTIL,
        commitment_steps={"my-step": 1},
    )
    assert [c.text for c in s.commitments] == ["Plant seeds"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_label_and_attributions(fmt: str) -> None:
    out = render(sample().summary(), fmt)
    assert DISCLAIMER in out
    if fmt != "json":
        assert "Pfizer" in out and "PHQ-9 and GAD-7" in out
        assert "diagnos" in out  # "not a diagnosis", said once


def test_never_says_a_diagnosis() -> None:
    out = render_markdown(sample().summary("all")).lower()
    for phrase in ("you have depression", "diagnosed", "you have anxiety", "disorder:"):
        assert phrase not in out


def test_bad_arguments() -> None:
    with pytest.raises(ValueError):
        sample().summary(include="everything")
    with pytest.raises(ValueError):
        sample().summary(since=UNTIL, until=SINCE)


def test_empty_period() -> None:
    s = Data().summary()
    for fmt in FORMATS:
        assert render(s, fmt)
    md = render_markdown(s)
    assert "No mood check-ins" in md and "No sessions" in md and "No questionnaires" in md


# --- HTML: self-contained, print-ready ---------------------------------------------------------


def test_html_is_self_contained_and_print_ready() -> None:
    out = render_html(sample().summary())
    lowered = out.lower()
    for needle in ("src=", "href=", "@import", "url(", "@font-face", "<script", "<link", "<img"):
        assert needle not in lowered
    assert lowered.replace("http://www.w3.org/2000/svg", "").count("http:") == 0
    assert "https:" not in lowered and "//" not in lowered.replace("http://www.w3.org/2000/svg", "")
    assert "Content-Security-Policy" in out and "default-src 'none'" in out
    assert "@page" in out and "break-inside: avoid" in out and "display: table-header-group" in out
    assert out.count("<svg") == 3  # mood, PHQ-9, GAD-7
    assert "A4" in render_html(sample().summary(), paper="a4")
    assert "size: letter" in render_html(sample().summary(), paper="letter")


def test_html_score_chart_shades_bands_named_in_a_legend() -> None:
    out = render_html(sample().summary())
    for band in ("0-4 minimal", "5-9 mild", "10-14 moderate", "15-19 moderately severe"):
        assert f"{band}</li>" in out  # in a legend that wraps, never cut at the chart's edge
    assert out.count("<rect") == len(measures.PHQ9.bands) + len(measures.GAD7.bands)
