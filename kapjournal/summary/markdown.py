"""The summary as Markdown that also reads well as plain text.

Patient text can never become a link, an image, raw HTML or a heading: every Markdown-significant
character in it is backslash-escaped (``[ ] < > & * _ ` | ~ # \\``, and list or heading markers at
the start of a line), and multi-line text is quoted line by line, each line break kept as a hard
break (a backslash at the end of the line, which survives editors that strip trailing spaces). So
that viewers that auto-link bare addresses (GFM) cannot either, ``@``, a ``:`` before ``/`` and a
``.`` between a word character and a letter are escaped too (``evil\\.com``). Our own text is
written as is. Every table has as many cells in each row as it has headers.

:func:`iter_markdown` yields the document in pieces, so a large export is written as it is made.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from kapjournal import measures
from kapjournal.summary.model import (
    DISCLAIMER,
    MOOD_NOTE,
    MOOD_WINDOW_NOTE,
    MOOD_WINDOWS,
    NOT_A_DIAGNOSIS,
    MoodWindow,
    ReflectionItem,
    ScoreRow,
    SessionRow,
    Summary,
    long_date,
    plural,
)

_SIGNIFICANT_CHARS = "\\`*_[]<>&|~#@"
_ESCAPES = str.maketrans({ch: "\\" + ch for ch in _SIGNIFICANT_CHARS})
_LINE_START = re.compile(r"^(\s*)(\d*)([-+=.)])")
INCLUDE_WORDS = {
    "shared": "scores, mood, sessions and the reflections the patient marked as shared",
    "all": "everything the patient wrote in this period, shared or private",
    "scores": "scores, mood and sessions only; no written text",
}


def _escape(text: str) -> str:
    """Backslash-escape what Markdown (and GFM's auto-linking) would read as markup.

    A ``str.translate`` for single characters, then literal scans for the two that depend on
    their neighbours (``:`` before ``/``; ``.`` between a word character and a letter). Same
    output as the single regular expression it replaced, several times faster on long text.
    """
    text = text.translate(_ESCAPES)
    if ":/" in text:
        text = text.replace(":/", "\\:/")
    if "." not in text:
        return text
    parts = text.split(".")
    out = [parts[0]]
    for left, right in zip(parts, parts[1:], strict=False):
        before = left[-1] if left else "."
        after = right[0] if right else "."
        word = before.isalnum() or before == "_"
        letter = after.isalnum() and not after.isdecimal()
        out.append("\\." if word and letter else ".")
        out.append(right)
    return "".join(out)


def md_inline(text: str) -> str:
    """Patient text for one line or a table cell: newlines become spaces, markup is escaped."""
    return _escape(" ".join(text.split()))


def md_block(text: str) -> str:
    """Patient text as a quote, escaped line by line, its line breaks kept as hard breaks."""
    lines = [_LINE_START.sub(r"\1\2\\\3", _escape(line.rstrip())) for line in text.split("\n")]
    out = []
    for i, line in enumerate(lines):
        if not line:
            out.append(">")
            continue
        more = i + 1 < len(lines) and lines[i + 1]
        out.append(f"> {line}\\" if more else f"> {line}")
    return "\n".join(out)


def num(value: float | int | None, places: int = 1) -> str:
    if value is None:
        return "—"
    return str(value) if isinstance(value, int) else f"{value:.{places}f}"


def signed(value: float | int | None, places: int = 1) -> str:
    if value is None:
        return "—"
    if isinstance(value, int):
        return f"{value:+d}".replace("-", "−")
    return f"{value:+.{places}f}".replace("-", "−")


def window(w: MoodWindow) -> str:
    """A mood window as "4.2 (6)": the mean and the number of check-ins behind it."""
    return "—" if w.mean is None else f"{w.mean:.1f} ({w.count})"


def yes_no(value: bool | None) -> str:
    return "—" if value is None else ("yes" if value else "no")


def change_words(change: measures.Change | None) -> str:
    """A change against the score before, as "+7, worse" / "−2, steady"."""
    if change is None:
        return "—"
    return f"{signed(change.delta)}, {change.direction}"


def score_cells(row: ScoreRow) -> list[str]:
    """The cells of one row of the scores table, the same in Markdown and HTML."""
    pct = f" ({row.change_pct:+.0f}%)".replace("-", "−") if row.change_pct is not None else ""
    previous = f"{row.previous.score} ({long_date(row.previous.day)})" if row.previous else "—"
    return [
        row.name,
        f"{row.baseline.score} ({long_date(row.baseline.day)})",
        previous,
        f"{row.latest.score} ({long_date(row.latest.day)})",
        row.band,
        change_words(row.last_change),
        f"{signed(row.change)}{pct}",
        yes_no(row.response) if row.instrument != "pcl5" else "not its rule",
        yes_no(row.remission),
    ]


SCORE_HEADERS = (
    "Questionnaire",
    "First in period",
    "Previous",
    "Latest",
    "Band (latest)",
    "Latest against previous",
    "Change in period",
    "Response (50% fall)",
    "Remission range",
)
SESSION_HEADERS = (
    "Date",
    "Session",
    "Route",
    "Dose (as recorded)",
    "Dissociation (0-10)",
    "Side effects",
    *(label for _key, label in MOOD_WINDOWS),
)
CHANGE_NOTE = (
    "Latest against previous judges the latest score against the one before it by each "
    "questionnaire's usual rule of meaningful change (PHQ-9 5 points, GAD-7 4, PCL-5 10); smaller "
    "moves read as steady. The 50% fall is a PHQ-9 and GAD-7 convention, not PCL-5's."
)


def session_cells(s: SessionRow) -> list[str]:
    """The plain-text cells of one session row (escape them for the format)."""
    return [
        long_date(s.day),
        str(s.number),
        s.route,
        s.dose or "—",
        num(s.dissociation),
        ", ".join(s.side_effects) or "none logged",
        *(window(w) for _label, w in s.windows()),
    ]


def item_table(summary: Summary, instrument: str) -> tuple[list[str], list[list[str]]]:
    """Headers and rows of one questionnaire's answers by question (PCL-5: by cluster)."""
    found = [a for a in summary.assessments if a.instrument == instrument]
    inst = measures.instrument(instrument)
    if instrument == "pcl5":
        headers = ["Date", "Total", *(f"{k} {name}" for k, name, _r in measures.PCL5_CLUSTERS)]
        rows = [
            [long_date(a.day), str(a.score), *(str(v) for _k, _n, v in a.clusters)] for a in found
        ]
    else:
        headers = ["Date", *(f"Q{i}" for i in range(1, len(inst.items) + 1)), "Total"]
        rows = [[long_date(a.day), *(str(v) for v in a.answers), str(a.score)] for a in found]
    headers.append("Against previous")
    for row, a in zip(rows, found, strict=True):
        row.append(change_words(a.change))
    return headers, rows


def thread_parts(s: SessionRow, texts: bool) -> list[tuple[str, str]]:
    """The four parts of a session's thread as (label, plain text); empty without texts."""
    if not texts:
        return []
    if s.step and s.followed_up:
        came = s.outcome or "looked back on, no answer written"
        came += f" (looked back on {long_date(s.followed_up)})"
    elif s.step:
        came = "not looked back on yet"
    else:
        came = "—"
    return [
        ("Intention", s.intention or "—"),
        ("Review", s.review or "—"),
        ("Small step", s.step or "—"),
        ("What came of it", came),
    ]


def thread_numbers(s: SessionRow) -> list[str]:
    """The session's score and mood changes, in plain words."""
    parts = [
        f"{m.name} {m.before.score} → {m.after.score} ({change_words(m.change)}; "
        f"{long_date(m.before.day)} to {long_date(m.after.day)})"
        for m in s.scores
    ]
    moves = [
        f"{label.lower()} {signed(s.mood_change(key))}"
        for key, label in MOOD_WINDOWS[1:]
        if s.mood_change(key) is not None
    ]
    if moves:
        parts.append(
            f"mood {num(s.before.mean)} the week before ({plural(s.before.count, 'check-in')}), "
            "then " + ", ".join(moves)
        )
    return parts


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """A Markdown table; every row has exactly as many cells as there are headers."""
    out = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    for row in rows:
        assert len(row) == len(headers), (len(row), len(headers))
        out.append("| " + " | ".join(row) + " |")
    return out


def render_markdown(summary: Summary) -> str:
    """The whole summary, most useful first: flags, scores, mood, sessions, the patient's words."""
    return "".join(iter_markdown(summary))


def iter_markdown(summary: Summary) -> Iterator[str]:
    """:func:`render_markdown` in pieces (sections, then one piece per reflection)."""
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
    out += ["", "## Scores", "", *_scores(summary)]
    out += ["", "## Mood", "", *_mood(summary), "", "## Sessions", "", *_sessions(summary)]
    if summary.sessions:
        out += ["", "## The course, session by session", "", *_threads(summary)]
    yield "\n".join(out) + "\n"
    if summary.include != "scores":
        yield "\n## What the patient would like to talk about\n\n"
        yield from _reflections(summary.talk, summary, "Nothing marked for this.")
        yield "\n## Committed actions\n\n"
        yield "\n".join(_commitments(summary) or ["None in this period."]) + "\n"
        heading = "Reflections" if summary.include == "all" else "Shared reflections"
        yield f"\n## {heading}\n\n"
        yield from _reflections(summary.reflections, summary, "None in this period.")
    end = ["", "## About the questionnaires", ""]
    end += [f"- {names}: {text}" for names, text in summary.attributions]
    end += ["", f"*{DISCLAIMER}*", ""]
    yield "\n".join(end)


def _scores(summary: Summary) -> list[str]:
    if not summary.scores:
        return ["No questionnaires in this period."]
    lines = table(SCORE_HEADERS, [score_cells(row) for row in summary.scores])
    lines += ["", CHANGE_NOTE, "", NOT_A_DIAGNOSIS]
    for row in summary.scores:
        if row.clusters:
            parts = [
                f"{k} {name} {value} of {4 * len(items)}"
                for (k, name, value), (_k, _n, items) in zip(
                    row.clusters, measures.PCL5_CLUSTERS, strict=True
                )
            ]
            lines += [
                "",
                f"PCL-5 clusters on {long_date(row.latest.day)}: " + "; ".join(parts) + ".",
            ]
    for instrument in ("phq9", "gad7", "pcl5"):
        if not any(a.instrument == instrument for a in summary.assessments):
            continue
        inst = measures.instrument(instrument)
        headers, rows = item_table(summary, instrument)
        what = "by cluster" if instrument == "pcl5" else "question by question"
        lines += ["", f"### {inst.name}, {what}", "", *table(headers, rows)]
        if instrument == "pcl5":
            continue
        lines += ["", f"Answers 0-{inst.max_answer} ({_scale(inst)}). The questions:", ""]
        lines += [f"{i}. {text}" for i, text in enumerate(inst.items, start=1)]
        if instrument == "phq9":
            lines += [
                "",
                "Question 9 is shown at every completion, zeros included, so its history can be "
                "read on its own.",
            ]
    return lines


def _scale(inst: measures.Instrument) -> str:
    return ", ".join(f"{o.value} {o.label.lower()}" for o in inst.options)


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
    stats = f"Mean mood {num(mood.mean)} over {plural(mood.days_with_data, 'day')} with check-ins"
    if mood.first_week is not None:
        stats += f"; first week {num(mood.first_week)}"
    if mood.last_week is not None:
        stats += f"; last 7 days {num(mood.last_week)}"
    lines += ["", stats + ".", "", MOOD_NOTE]
    notes = [c for c in summary.checkins if c.note]
    if notes:
        lines += ["", "Notes with check-ins:", ""]
        lines += [
            f"- {long_date(c.day) if c.day else c.when[:10]}, mood {c.mood}: {md_inline(c.note)}"
            for c in notes
        ]
    return lines


def _sessions(summary: Summary) -> list[str]:
    if not summary.sessions:
        return ["No sessions in this period."]
    rows = []
    for s in summary.sessions:
        cells = session_cells(s)
        cells[3] = md_inline(s.dose) or "—"
        rows.append(cells)
    return [*table(SESSION_HEADERS, rows), "", MOOD_WINDOW_NOTE]


def _threads(summary: Summary) -> list[str]:
    texts = summary.include != "scores"
    lines = []
    for s in summary.sessions:
        head = f"- **Session {s.number}, {long_date(s.day)}.**"
        parts = thread_parts(s, texts)
        if parts:
            head += " " + " → ".join(f"{label}: {md_inline(text)}" for label, text in parts)
            head += "."
        numbers = thread_numbers(s)
        if numbers:
            joined = "; ".join(numbers)
            head += f" {joined[:1].upper()}{joined[1:]}."
        else:
            head += " No score or mood change to show."
        lines.append(head)
        lines += [f"  - {name}: {md_inline(value)}" for name, value in s.details]
    return lines


def _reflections(items: Sequence[ReflectionItem], summary: Summary, empty: str) -> Iterator[str]:
    if not items:
        yield empty + "\n"
        return
    for n, r in enumerate(items):
        head = f"### {long_date(r.day)}"
        if r.title:
            head += f" · {md_inline(r.title)}"
        lines = ([""] if n else []) + [head, ""]
        meta = r.meta(summary.include, md_inline)
        if meta:
            lines += ["*" + " · ".join(meta) + "*", ""]
        if not r.parts:
            lines += ["(no text)"]
        for i, (question, answer) in enumerate(r.parts):
            if i:
                lines.append("")
            if question:
                lines += [f"**{md_inline(question)}**", ""]
            lines.append(md_block(answer))
        yield "\n".join(lines) + "\n"


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
