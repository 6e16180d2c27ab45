"""The therapist's summary as plain data: what every format renders, and nothing else.

Renderers only format these values. Patient text in them has already been through :func:`clean`
(no control, escape or bidi-override characters); each renderer still escapes it for its format.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal

Include = Literal["shared", "all", "scores"]
INCLUDES: tuple[str, ...] = ("shared", "all", "scores")
TALK_TAG = "for-therapist"  # a reflection tagged so goes under "what I would like to talk about"
DISCLAIMER = "Patient-reported, not clinically verified."
MOOD_NOTE = "Mood is the patient's own 0-10 rating, not a validated measure."
NOT_A_DIAGNOSIS = "Score bands are the published ranges of each questionnaire, not a diagnosis."
WORSE_BY = 5  # PHQ-9 points above baseline that raise a flag
WEEKLY_AFTER_DAYS = 120  # longer ranges draw the text sparkline one character per week
# Which exercise's answer is the committed action (1-based step), and which exercise looks back
# on it. Defaults match prompts/core.toml and before.toml; pass ``commitments_from(catalog)``.
DEFAULT_COMMITMENTS: Mapping[str, int] = {"small-step": 3}
DEFAULT_FOLLOWUPS: Mapping[str, str] = {"small-step-followup": "small-step"}

_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def clean(text: str) -> str:
    """Patient text without ANSI sequences, control characters or bidi overrides; keeps \\n, \\t."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _UNSAFE.sub("", _ANSI.sub("", text)).strip()


@dataclass(frozen=True, slots=True)
class Flag:
    """Something a clinician would want to see first. ``text`` is ours, never patient text."""

    kind: str  # phq9_item9, phq9_worse, side_effects
    day: date
    text: str


@dataclass(frozen=True, slots=True)
class ScorePoint:
    day: date
    score: int
    band: str


@dataclass(frozen=True, slots=True)
class ScoreRow:
    """One questionnaire over the range: baseline (first in range) against the latest."""

    instrument: str
    name: str
    points: tuple[ScorePoint, ...]
    band: str  # band label of the latest score
    change: int
    change_pct: float | None
    response: bool | None  # None with a single score
    remission: bool | None  # None where the instrument has no remission range

    @property
    def baseline(self) -> ScorePoint:
        return self.points[0]

    @property
    def latest(self) -> ScorePoint:
        return self.points[-1]


@dataclass(frozen=True, slots=True)
class MoodTrend:
    """Daily mean mood over the range (gaps are None), and a text sparkline with sessions."""

    start: date
    daily: tuple[float | None, ...]
    session_days: tuple[int, ...]  # day index from start
    spark: str
    markers: str
    per: str  # "day" or "week": one sparkline character per...
    days_with_data: int
    mean: float | None
    first_week: float | None
    last_week: float | None


@dataclass(frozen=True, slots=True)
class SessionRow:
    id: str
    when: str  # ISO timestamp, for FHIR
    day: date
    number: int
    route: str  # label
    dose: str
    intention: str  # empty with include="scores"
    dissociation: int | None
    side_effects: tuple[str, ...]
    before: float | None
    same_day: float | None
    day1: float | None
    day7: float | None
    details: tuple[tuple[str, str], ...] = ()  # setting, support, notes, BP: include="all" only


@dataclass(frozen=True, slots=True)
class ReflectionItem:
    id: str
    when: str
    day: date
    title: str
    text: str
    tags: tuple[str, ...]
    shared: bool
    session_number: int | None

    def meta(self, include: str, escape_text: Callable[[str], str]) -> list[str]:
        """The small print under a reflection's heading, the same in every format."""
        meta = []
        if self.session_number:
            meta.append(f"after session {self.session_number}")
        if include == "all":
            meta.append("shared" if self.shared else "private")
        if self.tags:
            meta.append("tags: " + ", ".join(escape_text(t) for t in self.tags))
        return meta


@dataclass(frozen=True, slots=True)
class Commitment:
    """A committed action ("one small step") and whether the patient has looked back on it."""

    reflection_id: str
    when: str
    day: date
    text: str
    followed_up: date | None
    outcome: str  # the patient's first answer when looking back, or ""


@dataclass(frozen=True, slots=True)
class AssessmentItem:
    id: str
    when: str  # ISO timestamp, for FHIR
    day: date
    instrument: str
    answers: tuple[int, ...]
    score: int
    band: str
    flags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CheckInItem:
    id: str
    when: str
    mood: int
    anxiety: int | None
    energy: int | None
    note: str  # include="all" only


@dataclass(frozen=True, slots=True)
class Summary:
    since: date
    until: date
    today: date
    include: str
    flags: tuple[Flag, ...]
    scores: tuple[ScoreRow, ...]
    mood: MoodTrend
    sessions: tuple[SessionRow, ...]
    reflections: tuple[ReflectionItem, ...]
    talk: tuple[ReflectionItem, ...]
    commitments: tuple[Commitment, ...]
    assessments: tuple[AssessmentItem, ...]
    checkins: tuple[CheckInItem, ...]
    attributions: tuple[tuple[str, str], ...]  # (instrument names, attribution)
    item_ids: tuple[str, ...]  # every record the summary drew on, for the share log

    @property
    def title(self) -> str:
        return f"Summary, {long_date(self.since)} to {long_date(self.until)}"


def long_date(day: date) -> str:
    return f"{day.day} {day:%b %Y}"
