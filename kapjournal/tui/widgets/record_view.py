"""How a record reads in the timeline: a one-line row and a whole-record preview.

Everything the patient wrote goes through ``clean`` and is put into ``Text`` as plain text, so
markup or escape sequences they typed show as typed and never act.
"""

from __future__ import annotations

import contextlib
from datetime import datetime, tzinfo

from rich.text import Text

from kapjournal import dates, measures
from kapjournal.errors import KapJournalError
from kapjournal.exercises import Catalog
from kapjournal.records import (
    ROUTE_LABELS,
    Assessment,
    CheckIn,
    DosingSession,
    Record,
    Reflection,
)
from kapjournal.tui.widgets.text import clean, one_line

ICONS = {"reflection": "✎", "checkin": "◔", "session": "◆", "assessment": "▤"}
INSTRUMENTS = {"phq9": "PHQ-9", "gad7": "GAD-7", "pcl5": "PCL-5"}
KIND_OPTIONS = [
    ("reflections", "reflection"),
    ("check-ins", "checkin"),
    ("sessions", "session"),
    ("questionnaires", "assessment"),
]


def day_label(moment: datetime, zone: tzinfo | None, year: int) -> str:
    local = dates.in_zone(moment, zone)
    return local.strftime("%a %d %b") if local.year == year else local.strftime("%d %b %Y")


def title_of(record: Record, catalog: Catalog) -> str:
    match record:
        case Reflection():
            exercise = catalog.get(record.exercise_id)
            return record.title or (exercise.title if exercise else "Free writing")
        case DosingSession():
            return f"Session {record.number}" if record.number else "Session"
        case CheckIn():
            return "Check-in"
        case Assessment():
            return INSTRUMENTS.get(record.instrument, record.instrument)
    return record.kind


def scales(c: CheckIn) -> str:
    parts = [f"mood {c.mood}"]
    if c.anxiety is not None:
        parts.append(f"anxiety {c.anxiety}")
    if c.energy is not None:
        parts.append(f"energy {c.energy}")
    return " · ".join(parts)


def excerpt_of(record: Record, width: int) -> str:
    match record:
        case Reflection():
            text = one_line(record.text[: width * 4], width)
            return f"“{text}”" if text else ""
        case DosingSession():
            route = ROUTE_LABELS.get(record.route, record.route)
            intention = one_line(record.intention[: width * 4], width)
            return f"{route} · “{intention}”" if intention else route
        case CheckIn():
            note = one_line(record.note[: width * 4], width)
            return f"{scales(record)} · {note}" if note else scales(record)
        case Assessment():
            band = measures.band_label(record)
            return f"{record.score} · {band}" if band else str(record.score)
    return ""


def privacy_of(record: Record) -> str:
    if isinstance(record, Reflection):
        if record.draft:
            return "draft"
        return "shared" if record.share else "private"
    return ""


def row(record: Record, width: int, catalog: Catalog, zone: tzinfo | None, year: int) -> Text:
    """``Tue 25 Nov  ✎ Intention review    “it came up as…”    private``"""
    title_width = 28 if width >= 100 else 22 if width >= 64 else 16
    privacy = privacy_of(record)
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(f" {day_label(record.at, zone, year):<11} ", style="dim")
    text.append(ICONS.get(record.kind, "·") + " ")
    title = Text(one_line(title_of(record, catalog), title_width))
    title.truncate(title_width, overflow="ellipsis", pad=True)
    text.append_text(title)
    text.append("  ")
    rest = max(0, width - text.cell_len - 9)
    excerpt = Text(excerpt_of(record, rest), style="italic" if privacy else "")
    excerpt.truncate(rest, overflow="ellipsis", pad=True)
    text.append_text(excerpt)
    style = {"shared": "bold", "draft": "dim italic"}.get(privacy, "dim")
    text.append(f" {privacy:>7} ", style=style)
    return text


def preview(record: Record, catalog: Catalog, zone: tzinfo | None) -> str:
    """The whole record as plain text (cleaned), for the preview pane."""
    when = dates.in_zone(record.at, zone).strftime("%A %d %B %Y, %H:%M")
    head = [clean(title_of(record, catalog)), when]
    body: list[str] = []
    match record:
        case Reflection():
            privacy = "shared with my therapist" if record.share else "private"
            head.append(f"{privacy} · draft" if record.draft else privacy)
            exercise = catalog.get(record.exercise_id)
            steps = exercise.filled({}).steps if exercise else ()
            for i, answer in enumerate(record.answers):
                prompt = steps[i] if i < len(steps) else f"Step {i + 1}"
                body += [f"— {clean(prompt)}", clean(answer) or "(no answer)", ""]
            if record.body:
                body += [clean(record.body), ""]
            if record.tags:
                body.append("tags: " + ", ".join(clean(t) for t in record.tags))
        case DosingSession():
            fields = [
                ("route", ROUTE_LABELS.get(record.route, record.route)),
                ("dose", record.dose),
                ("setting", record.setting),
                ("support", record.support),
                ("side effects", ", ".join(sorted(record.side_effects))),
                (
                    "dissociation",
                    "" if record.dissociation is None else f"{record.dissociation}/10",
                ),
                ("blood pressure before", record.bp_before),
                ("blood pressure after", record.bp_after),
            ]
            body += [f"{k}: {clean(v)}" for k, v in fields if v]
            if record.intention:
                body += ["", "Intention", clean(record.intention)]
            if record.notes:
                body += ["", "Notes", clean(record.notes)]
        case CheckIn():
            body.append(scales(record) + f" · {record.context}")
            if after := measures.after_effects_text(record):
                body.append(f"after the session: {after}")
            if record.note:
                body += ["", clean(record.note)]
        case Assessment():
            band = measures.band_label(record)
            body.append(f"score {record.score}" + (f" · {band}" if band else ""))
            if difficulty := measures.difficulty_label(record.instrument, record.difficulty):
                body.append(f"difficulty (not scored): {difficulty}")
            if record.instrument == "pcl5":
                with contextlib.suppress(KapJournalError):
                    body.append(f"clusters: {measures.pcl5_cluster_short(record.answers)}")
    return "\n".join([*head, "", *body]).rstrip()
