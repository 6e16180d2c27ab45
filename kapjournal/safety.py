"""Safety content: crisis lines by region, the app's plain statements, and the safety plan's parts.

The crisis lines live in ``data/crisis_lines.toml`` so they can be checked and updated without
touching code; they are read only by :func:`load_crisis_lines`, never at import time.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

from kapjournal.errors import KapJournalError
from kapjournal.records import SafetyPlan

INTERNATIONAL = "INT"
REACH_KINDS = ("call", "text", "chat", "web", "email")
REGION_ALIASES = {"UK": "GB"}

NOT_MONITORED = (
    "kapjournal never contacts anyone. Nobody reads your journal as you write it; it is not "
    "monitored. If you need help now, reach out to one of the people or lines below yourself."
)
NOT_TREATMENT = (
    "kapjournal is not a treatment and does not diagnose. It is a private place to write and "
    "to notice patterns, alongside the care you get from your therapist."
)
IN_DANGER = (
    "If you might act on thoughts of ending your life, or you are in danger right now, call "
    "{emergency} or go to your nearest emergency department."
)
_ITEM9_START = (
    "You said you have had thoughts of being better off dead or of hurting yourself. That "
    "answer matters on its own, whatever your total score, and you deserve support with it. "
    "kapjournal does not tell anyone, so please consider telling your therapist, or someone "
    "you trust."
)
ITEM9_NOTE = (
    f"{_ITEM9_START} Help is one key away on every screen: f1 or ctrl+g opens Get help now."
)
"""The note after PHQ-9 question 9 in the app (it names the keys)."""
ITEM9_NOTE_CLI = (
    f"{_ITEM9_START} Crisis lines are below; 'kapjournal help' shows them again at any time."
)
"""The same note on the command line, where there are no keys to press."""

_CODE = re.compile(r"^(?:[A-Z]{2}|INT)$")
_CHECKED = re.compile(r"^\d{4}-(?:0[1-9]|1[0-2])$")


class CrisisDataError(KapJournalError, ValueError):
    """The crisis-line data file is malformed."""


@dataclass(frozen=True, slots=True)
class Reach:
    """One way to contact a line: call, text, chat, web or email."""

    how: str
    value: str
    keyword: str = ""

    @property
    def label(self) -> str:
        """How to use it, in words: "Call 116 123", "Text SHOUT to 85258"."""
        if self.how == "call":
            return f"Call {self.value}"
        if self.how == "text":
            return f"Text {self.keyword} to {self.value}" if self.keyword else f"Text {self.value}"
        if self.how == "chat":
            return f"Chat online at {self.value}"
        if self.how == "email":
            return f"Email {self.value}"
        return self.value


@dataclass(frozen=True, slots=True)
class CrisisLine:
    """A crisis line in one region, with every way to reach it."""

    region: str
    name: str
    reach: tuple[Reach, ...]
    hours: str
    emergency: str  # the region's emergency number
    checked: str  # year-month it was last checked, e.g. "2026-11"
    about: str = ""
    source: str = ""  # where it was checked, for the people who keep this file up to date


@dataclass(frozen=True, slots=True)
class Region:
    """A region the app has crisis lines for."""

    code: str
    name: str
    emergency: str
    lines: tuple[CrisisLine, ...]


@dataclass(frozen=True, slots=True)
class CrisisDirectory:
    """All regions, keyed by code, with ``INT`` always present as the fallback."""

    regions: dict[str, Region]

    def region(self, code: str) -> Region:
        """The region for a code (any case; "UK" means GB), or the international fallback."""
        key = code.strip().upper()
        key = REGION_ALIASES.get(key, key)
        return self.regions.get(key) or self.regions[INTERNATIONAL]


def _text(table: dict[str, Any], key: str, where: str) -> str:
    value = table.get(key)
    if not isinstance(value, str) or not value.strip():
        raise CrisisDataError(f"crisis lines: {where} needs a non-empty `{key}`")
    return value.strip()


def _reach(raw: Any, where: str) -> Reach:
    if not isinstance(raw, dict):
        raise CrisisDataError(f"crisis lines: {where} has a `reach` entry that is not a table")
    how = _text(raw, "how", where)
    if how not in REACH_KINDS:
        raise CrisisDataError(
            f"crisis lines: {where} `how` must be one of {', '.join(REACH_KINDS)}"
        )
    keyword = raw.get("keyword", "")
    if not isinstance(keyword, str):
        raise CrisisDataError(f"crisis lines: {where} `keyword` must be text")
    return Reach(how, _text(raw, "value", where), keyword.strip())


def _line(raw: Any, code: str, emergency: str, index: int) -> CrisisLine:
    where = f"region {code} line {index}"
    if not isinstance(raw, dict):
        raise CrisisDataError(f"crisis lines: {where} is not a table")
    name = _text(raw, "name", where)
    where = f"region {code} line {name!r}"
    checked = _text(raw, "checked", where)
    if not _CHECKED.match(checked):
        raise CrisisDataError(f"crisis lines: {where} `checked` must look like 2026-11")
    reach_raw = raw.get("reach")
    if not isinstance(reach_raw, list) or not reach_raw:
        raise CrisisDataError(f"crisis lines: {where} has no way to reach it")
    about = raw.get("about", "")
    source = raw.get("source", "")
    return CrisisLine(
        region=code,
        name=name,
        reach=tuple(_reach(r, where) for r in reach_raw),
        hours=_text(raw, "hours", where),
        emergency=emergency,
        checked=checked,
        about=about.strip() if isinstance(about, str) else "",
        source=source.strip() if isinstance(source, str) else "",
    )


def parse_crisis_lines(text: str) -> CrisisDirectory:
    """Parse and validate crisis-line TOML; every problem names its region and line."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CrisisDataError(f"crisis lines: not valid TOML ({exc})") from exc
    raw_regions = data.get("region")
    if not isinstance(raw_regions, list) or not raw_regions:
        raise CrisisDataError("crisis lines: no [[region]] tables")
    regions: dict[str, Region] = {}
    for i, raw in enumerate(raw_regions, start=1):
        if not isinstance(raw, dict):
            raise CrisisDataError(f"crisis lines: region {i} is not a table")
        code = _text(raw, "code", f"region {i}")
        if not _CODE.match(code):
            raise CrisisDataError(f"crisis lines: region code {code!r} must be like US, GB or INT")
        if code in regions:
            raise CrisisDataError(f"crisis lines: region {code} appears twice")
        emergency = _text(raw, "emergency", f"region {code}")
        raw_lines = raw.get("line")
        if not isinstance(raw_lines, list) or not raw_lines:
            raise CrisisDataError(f"crisis lines: region {code} has no lines")
        lines = tuple(_line(r, code, emergency, n) for n, r in enumerate(raw_lines, start=1))
        regions[code] = Region(code, _text(raw, "name", f"region {code}"), emergency, lines)
    if INTERNATIONAL not in regions:
        raise CrisisDataError("crisis lines: the international fallback (INT) is missing")
    return CrisisDirectory(regions)


@functools.cache
def load_crisis_lines() -> CrisisDirectory:
    """Read the crisis lines shipped with the app (once; later calls reuse them)."""
    path = resources.files("kapjournal") / "data" / "crisis_lines.toml"
    return parse_crisis_lines(path.read_text(encoding="utf-8"))


def regions(directory: CrisisDirectory | None = None) -> tuple[Region, ...]:
    """Regions for the settings picker: countries by name, the international fallback last."""
    d = directory or load_crisis_lines()
    named = sorted((r for r in d.regions.values() if r.code != INTERNATIONAL), key=lambda r: r.name)
    return (*named, d.regions[INTERNATIONAL])


def lines_for(region: str, directory: CrisisDirectory | None = None) -> list[CrisisLine]:
    """Crisis lines for a region code, falling back to the international directories."""
    return list((directory or load_crisis_lines()).region(region).lines)


def emergency_for(region: str, directory: CrisisDirectory | None = None) -> str:
    """The emergency number for a region ("your local emergency number" when unknown)."""
    return (directory or load_crisis_lines()).region(region).emergency


def in_danger(region: str, directory: CrisisDirectory | None = None) -> str:
    """The "in danger right now" sentence with the region's emergency number in it."""
    return IN_DANGER.format(emergency=emergency_for(region, directory))


def known_code(code: str | None, directory: CrisisDirectory | None = None) -> str:
    """The listed region for a code ("uk" → "GB"), or INT for none, an unknown or a bad code."""
    d = directory or load_crisis_lines()
    if not code:
        return INTERNATIONAL
    key = REGION_ALIASES.get(code.strip().upper(), code.strip().upper())
    return key if key in d.regions else INTERNATIONAL


def main_line(region: str, directory: CrisisDirectory | None = None) -> str:
    """One line for the unlock screen: the region's first crisis line and its emergency number.

    "United Kingdom · Samaritans: Call 116 123 · emergency 999 or 112"
    """
    r = (directory or load_crisis_lines()).region(region)
    first = r.lines[0]
    name = "" if r.code == INTERNATIONAL else f"{r.name} · "
    return f"{name}{first.name}: {first.reach[0].label} · in an emergency call {r.emergency}"


# --- safety plan -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlanSection:
    """One part of the safety plan: the SafetyPlan field it fills, a title and a prompt."""

    field: str
    title: str
    help: str


PLAN_CREDIT = (
    "The parts of this plan follow the Safety Planning Intervention of Barbara Stanley and "
    "Gregory K. Brown (Stanley & Brown, 2012). The wording here is kapjournal's own."
)

PLAN_SECTIONS: tuple[PlanSection, ...] = (
    PlanSection(
        "warning_signs",
        "Warning signs",
        "Thoughts, feelings, situations or behaviour that tell you a hard time may be starting.",
    ),
    PlanSection(
        "coping",
        "Things that help",
        "Things you can do on your own to take your mind off things or feel a little better: "
        "a walk, music, a shower, breathing, anything that has helped before.",
    ),
    PlanSection(
        "people_places",
        "People and places",
        "People to be with and places to go that take your mind off things, without needing "
        "to talk about how you feel.",
    ),
    PlanSection(
        "contacts",
        "People I can ask for help",
        "People you could reach out to when you need help, with their numbers: family, friends, "
        "a neighbour, anyone you trust.",
    ),
    PlanSection(
        "professionals",
        "Professionals and services",
        "Your therapist, your doctor, a crisis line and the emergency number, with how to reach "
        "them, so there is nothing to look up in a hard moment.",
    ),
    PlanSection(
        "safe_surroundings",
        "Making my surroundings safe",
        "What you can do, or ask someone to do, to keep things you might use to hurt yourself "
        "out of reach or away from home.",
    ),
    PlanSection(
        "reasons",
        "Reasons",
        "What matters most to you and is worth living for: people, animals, hopes, plans.",
    ),
)


def plan_entries(plan: SafetyPlan) -> list[tuple[PlanSection, str]]:
    """Each section of the plan with the patient's words for it, in order."""
    return [(section, getattr(plan, section.field)) for section in PLAN_SECTIONS]
