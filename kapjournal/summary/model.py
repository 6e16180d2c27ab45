"""The therapist's summary as plain data: what every format renders, and nothing else.

Renderers only format these values. Patient text in them has already been through :func:`clean`
(no control, escape or bidi-override characters); each renderer still escapes it for its format.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from kapjournal.measures import Change

Include = Literal["shared", "all", "scores"]
INCLUDES: tuple[str, ...] = ("shared", "all", "scores")
TALK_TAG = "for-therapist"  # a reflection tagged so goes under "what I would like to talk about"
DISCLAIMER = "Patient-reported, not clinically verified."
MOOD_NOTE = "Mood is the patient's own 0-10 rating, not a validated measure."
NOT_A_DIAGNOSIS = "Score bands are the published ranges of each questionnaire, not a diagnosis."
WEEKLY_AFTER_DAYS = 120  # longer ranges draw the text sparkline one character per week
# Which exercise's answer is the committed action (1-based step), and which exercise looks back
# on it. Defaults match prompts/core.toml and before.toml; pass ``commitments_from(catalog)``.
DEFAULT_COMMITMENTS: Mapping[str, int] = {"small-step": 3}
DEFAULT_FOLLOWUPS: Mapping[str, str] = {"small-step-followup": "small-step"}
# Which answer of which exercise states the intention, and which says how the session met it
# (1-based steps of prompts/before.toml "intention" and core.toml "intention-review").
DEFAULT_INTENTIONS: Mapping[str, int] = {"intention": 3}
DEFAULT_REVIEWS: Mapping[str, int] = {"intention-review": 2}
# Mood around a session: a fixed window whatever range the summary covers (see build._windows).
MOOD_WINDOWS: tuple[tuple[str, str], ...] = (
    ("before", "Week before"),
    ("same_day", "Same day"),
    ("day1", "Day +1"),
    ("day3", "Day +3"),
    ("day7", "Day +7"),
)
MOOD_WINDOW_NOTE = (
    "Each mood cell is the mean of the patient's 0-10 ratings, with the number of check-ins "
    "behind it in brackets, from a fixed window around the session whatever period this summary "
    "covers: the 7 days before (and earlier on the session day), the rest of the session day, "
    "and days +1, +3 and +7."
)

_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


_ANY_UNSAFE = re.compile(
    r"[\r\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def clean(text: str) -> str:
    """Patient text without ANSI sequences, control characters or bidi overrides; keeps \\n, \\t."""
    if _ANY_UNSAFE.search(text) is None:  # the usual case: one scan, no copies
        return text.strip()
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _UNSAFE.sub("", _ANSI.sub("", text)).strip()


@dataclass(frozen=True, slots=True)
class Flag:
    """Something a clinician would want to see first. ``text`` is ours, never patient text."""

    kind: str  # phq9_item9, worse, side_effects
    day: date
    text: str


@dataclass(frozen=True, slots=True)
class ScorePoint:
    day: date
    score: int
    band: str


@dataclass(frozen=True, slots=True)
class ScoreRow:
    """One questionnaire over the range: first in range, the one before the latest, the latest.

    ``previous`` may lie before the range (the last score before it), so a worsening at the
    start of the range is still judged against what came before; it says its own date.
    """

    instrument: str
    name: str
    points: tuple[ScorePoint, ...]  # inside the range, oldest first
    band: str  # band label of the latest score
    change: int  # latest minus first in range
    change_pct: float | None
    response: bool | None  # 50% fall; None with a single score, and for PCL-5 (not its rule)
    remission: bool | None  # None where the instrument has no remission range
    previous: ScorePoint | None = None  # the score before the latest (maybe before the range)
    last_change: Change | None = None  # latest against previous, by the instrument's own rule
    clusters: tuple[tuple[str, str, int], ...] = ()  # PCL-5 latest: (key, name, subtotal)

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
class MoodWindow:
    """Mean mood in one window around a session, and how many check-ins it rests on."""

    mean: float | None
    count: int


NO_MOOD = MoodWindow(None, 0)


@dataclass(frozen=True, slots=True)
class ScoreMove:
    """A questionnaire around one session: the last score before it, the first after it."""

    name: str
    before: ScorePoint
    after: ScorePoint
    change: Change


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
    before: MoodWindow = NO_MOOD
    same_day: MoodWindow = NO_MOOD
    day1: MoodWindow = NO_MOOD
    day3: MoodWindow = NO_MOOD
    day7: MoodWindow = NO_MOOD
    details: tuple[tuple[str, str], ...] = ()  # setting, support, notes, BP: include="all" only
    # The thread of the session (issue 14): intention → review → small step → what came of it.
    review: str = ""
    step: str = ""
    outcome: str = ""
    followed_up: date | None = None
    scores: tuple[ScoreMove, ...] = ()

    def windows(self) -> tuple[tuple[str, MoodWindow], ...]:
        return tuple((label, getattr(self, key)) for key, label in MOOD_WINDOWS)

    def mood_change(self, key: str) -> float | None:
        """Mean mood in a window after the session minus the week before; None if either is."""
        later, before = getattr(self, key).mean, self.before.mean
        return None if later is None or before is None else later - before


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
    parts: tuple[tuple[str, str], ...] = ()  # (question, answer); question "" for free writing

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
    session_id: str | None = None


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
    change: Change | None = None  # against the score before it, by the instrument's own rule
    clusters: tuple[tuple[str, str, int], ...] = ()  # PCL-5: (key, name, subtotal)


@dataclass(frozen=True, slots=True)
class CheckInItem:
    id: str
    when: str
    mood: int
    anxiety: int | None
    energy: int | None
    note: str  # include="all" only
    day: date | None = None


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
    item_ids: tuple[str, ...]  # every record the summary drew on (for its digest, never logged)
    counts: tuple[tuple[str, int], ...] = ()  # (kind, how many) of what it drew on
    digest: str = ""  # SHA-256 of the ids and versions drawn on (see build.digest_of)
    made: str = ""  # when it was made (ISO date and time), for the FHIR Bundle's timestamp

    @property
    def title(self) -> str:
        return f"Summary, {long_date(self.since)} to {long_date(self.until)}"


def long_date(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def plural(count: int, word: str, words: str | None = None) -> str:
    """``1 item``, ``2 items``: never "1 items"."""
    return f"{count} {word if count == 1 else (words or word + 's')}"
