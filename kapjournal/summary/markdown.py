"""The summary as Markdown that also reads well as plain text.

Patient text can never become a link, an image, raw HTML or a heading: every Markdown-significant
character in it is backslash-escaped (``[ ] < > & * _ ` | ~ # \\``, and list or heading markers at
the start of a line), and multi-line text is quoted line by line. So that viewers that auto-link
bare addresses (GFM) cannot either, ``@``, a ``:`` before ``/`` and a ``.`` inside a word are
escaped too (``evil\\.com``). Our own text is written as is.
"""

from __future__ import annotations

import re

from kapjournal.summary.model import (
    DISCLAIMER,
    MOOD_NOTE,
    NOT_A_DIAGNOSIS,
    ReflectionItem,
    SessionRow,
    Summary,
    long_date,
)

_SIGNIFICANT = re.compile(r"([\\`*_\[\]<>&|~#@]|:(?=/)|(?<=\w)\.(?=[^\W\d_]))")
_LINE_START = re.compile(r"^(\s*)(\d*)([-+=.)])")
INCLUDE_WORDS = {
    "shared": "scores, mood, sessions and the reflections the patient marked as shared",
    "all": "everything the patient wrote in this period, shared or private",
    "scores": "scores, mood and sessions only; no written text",
}


def md_inline(text: str) -> str:
    """Patient text for one line or a table cell: newlines become spaces, markup is escaped."""
    return _SIGNIFICANT.sub(r"\\\1", " ".join(text.split()))


def md_block(text: str) -> str:
    """Patient text as a quote, escaped line by line, so it stays the patient's words only."""
    out = []
    for line in text.split("\n"):
        escaped = _SIGNIFICANT.sub(r"\\\1", line.rstrip())
        escaped = _LINE_START.sub(r"\1\2\\\3", escaped)
        out.append(f"> {escaped}" if escaped else ">")
    return "\n".join(out)


def num(value: float | int | None, places: int = 1) -> str:
    if value is None:
        return "—"
    return str(value) if isinstance(value, int) else f"{value:.{places}f}"


def mood_moves(s: SessionRow) -> str:
    """Mood around a session in one cell: the week before, then the same day, +1 and +7."""
    return f"{num(s.before)} → {num(s.same_day)} / {num(s.day1)} / {num(s.day7)}"


def yes_no(value: bool | None) -> str:
    return "—" if value is None else ("yes" if value else "no")


def render_markdown(summary: Summary) -> str:
    """The whole summary, most useful first: flags, scores, mood, sessions, the patient's words."""
    out: list[str] = [
        f"# {summary.title}",
        "",
        f"*{DISCLAIMER}* Written with kapjournal on {long_date(summary.today)}. "
        f"Includes {INCLUDE_WORDS[summary.include]}.",
        "",
        "## Flags",
        "",
    ]
    out += [f"- **{f.text}**" for f in summary.flags] or ["None in this period."]
    out += ["", "## Scores", ""]
    if summary.scores:
        out += [
            "| Questionnaire | First in period | Latest | Band (latest) | Change "
            "| Response (50% fall) | Remission range |",
            "|---|---|---|---|---|---|---|",
        ]
        for row in summary.scores:
            pct = f" ({row.change_pct:+.0f}%)" if row.change_pct is not None else ""
            out.append(
                f"| {row.name} | {row.baseline.score} ({long_date(row.baseline.day)}) "
                f"| {row.latest.score} ({long_date(row.latest.day)}) | {row.band} "
                f"| {row.change:+d}{pct} | {yes_no(row.response)} | {yes_no(row.remission)} |"
            )
        out += ["", NOT_A_DIAGNOSIS]
    else:
        out.append("No questionnaires in this period.")
    out += ["", "## Mood", "", *_mood(summary), "", "## Sessions", "", *_sessions(summary)]
    if summary.include != "scores":
        out += ["", "## What the patient would like to talk about", ""]
        out += _reflections(summary.talk, summary) or ["Nothing marked for this."]
        out += ["", "## Committed actions", ""]
        out += _commitments(summary) or ["None in this period."]
        heading = "Reflections" if summary.include == "all" else "Shared reflections"
        out += ["", f"## {heading}", ""]
        out += _reflections(summary.reflections, summary) or ["None in this period."]
    out += ["", "## About the questionnaires", ""]
    out += [f"- {names}: {text}" for names, text in summary.attributions]
    out += ["", f"*{DISCLAIMER}*", ""]
    return "\n".join(out)


def _mood(summary: Summary) -> list[str]:
    mood = summary.mood
    if not mood.days_with_data:
        return ["No mood check-ins in this period.", "", MOOD_NOTE]
    lines = ["```text", mood.spark.rstrip() or " ", mood.markers.rstrip(), "```", ""]
    lines.append(
        f"One character per {mood.per} from {long_date(summary.since)} to "
        f"{long_date(summary.until)}, low to high on 0-10; ▲ marks a session; a space is a "
        f"{mood.per} with no check-in."
    )
    stats = f"Mean mood {num(mood.mean)} over {mood.days_with_data} days with check-ins"
    if mood.first_week is not None:
        stats += f"; first week {num(mood.first_week)}"
    if mood.last_week is not None:
        stats += f"; last 7 days {num(mood.last_week)}"
    lines += ["", stats + ".", "", MOOD_NOTE]
    notes = [c for c in summary.checkins if c.note]
    if notes:
        lines += ["", "Notes with check-ins:", ""]
        lines += [f"- {c.when[:10]}, mood {c.mood}: {md_inline(c.note)}" for c in notes]
    return lines


def _sessions(summary: Summary) -> list[str]:
    if not summary.sessions:
        return ["No sessions in this period."]
    texts = summary.include != "scores"
    head = "| Date | Session | Route | Dose (as recorded) |"
    rule = "|---|---|---|---|"
    if texts:
        head, rule = head + " Intention |", rule + "---|"
    lines = [
        head
        + " Dissociation (0-10) | Side effects | Mood week before | Same day | Day +1 | Day +7 |",
        rule + "---|---|---|---|---|---|",
    ]
    for s in summary.sessions:
        cells = [long_date(s.day), str(s.number), s.route, md_inline(s.dose) or "—"]
        if texts:
            cells.append(md_inline(s.intention) or "—")
        cells += [num(s.dissociation), ", ".join(s.side_effects) or "none logged", mood_moves(s)]
        lines.append("| " + " | ".join(cells) + " |")
    for s in summary.sessions:
        if s.details:
            lines += ["", f"Session {s.number} ({long_date(s.day)}):", ""]
            lines += [f"- {name}: {md_inline(value)}" for name, value in s.details]
    return lines


def _reflections(items: tuple[ReflectionItem, ...], summary: Summary) -> list[str]:
    lines: list[str] = []
    for r in items:
        head = f"### {long_date(r.day)}"
        if r.title:
            head += f" · {md_inline(r.title)}"
        meta = r.meta(summary.include, md_inline)
        lines += [head, ""]
        if meta:
            lines += ["*" + " · ".join(meta) + "*", ""]
        lines += [md_block(r.text) if r.text else "(no text)", ""]
    return lines[:-1] if lines else lines


def _commitments(summary: Summary) -> list[str]:
    lines = []
    for c in summary.commitments:
        status = (
            f"looked back on {long_date(c.followed_up)}"
            + (f": {md_inline(c.outcome)}" if c.outcome else "")
            if c.followed_up
            else "not looked back on yet"
        )
        lines.append(f"- {long_date(c.day)}: {md_inline(c.text)} — *{status}*")
    return lines
