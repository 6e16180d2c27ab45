"""The summary as one self-contained, print-ready HTML file with inline SVG charts.

No external resources of any kind (no CDN, web fonts or linked images), and a Content Security
Policy that forbids them and all scripts, so the file opens the same offline, years from now,
and a mistake in escaping could still not run anything. Every piece of patient text goes through
:func:`html.escape`, including text inside SVG ``<title>`` elements.
"""

from __future__ import annotations

from html import escape

from kapjournal import measures
from kapjournal.summary.charts import mood_chart, score_chart
from kapjournal.summary.markdown import INCLUDE_WORDS, mood_moves, num, yes_no
from kapjournal.summary.model import (
    DISCLAIMER,
    MOOD_NOTE,
    NOT_A_DIAGNOSIS,
    ReflectionItem,
    Summary,
    long_date,
)

PAPER = {"auto": "auto", "a4": "A4", "letter": "letter"}
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'"

# Content is at most 180 mm wide, which fits A4 (210 mm) and Letter (216 mm) with 15 mm margins.
CSS = """
@page { size: PAPER_SIZE; margin: 14mm 15mm 16mm; }
* { box-sizing: border-box; }
body { font: 10.5pt/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
  sans-serif; color: #222; background: #fff; max-width: 180mm; margin: 0 auto; padding: 10mm 4mm; }
h1 { font-size: 16pt; margin: 0 0 1mm; }
h2 { font-size: 12.5pt; margin: 7mm 0 2.5mm; padding-bottom: 1mm; border-bottom: 1px solid #bbb;
  break-after: avoid; page-break-after: avoid; }
h3 { font-size: 10.5pt; margin: 4mm 0 1mm; break-after: avoid; page-break-after: avoid; }
p { margin: 1.5mm 0; }
.label { display: inline-block; border: 1px solid #888; border-radius: 2mm; padding: 0 2mm;
  font-size: 9pt; }
.muted, .meta { color: #555; font-size: 9pt; }
.flags { padding-left: 5mm; }
.flags li { margin: 1mm 0; font-weight: 600; }
table { border-collapse: collapse; width: 100%; font-size: 9pt; margin: 2mm 0; }
th, td { border-bottom: 1px solid #ddd; padding: 1.2mm 1.5mm; text-align: left;
  vertical-align: top; }
td { overflow-wrap: break-word; }
th { border-bottom: 1.5px solid #888; font-weight: 600; hyphens: manual; }
td.n { white-space: nowrap; }
thead { display: table-header-group; }
tr, figure, article, svg, .keep { break-inside: avoid; page-break-inside: avoid; }
figure { margin: 2mm 0 4mm; }
figcaption { color: #555; font-size: 9pt; }
svg { display: block; width: 100%; height: auto; }
svg text { font: 9px system-ui, sans-serif; fill: #444; }
blockquote { margin: 1mm 0 3mm; padding-left: 3mm; border-left: 2px solid #ccc;
  white-space: pre-wrap; overflow-wrap: anywhere; }
pre { font-size: 10pt; line-height: 1.1; margin: 1mm 0; }
footer { margin-top: 8mm; color: #555; font-size: 8.5pt; }
@media print { body { max-width: none; padding: 0; } }
"""


def render_html(summary: Summary, *, paper: str = "auto") -> str:
    """The whole summary as one HTML file; ``paper`` is "auto" (the printer's), "a4" or "letter"."""
    e = escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="referrer" content="no-referrer">',
        f"<title>{e(summary.title)}</title>",
        f"<style>{CSS.replace('PAPER_SIZE', PAPER.get(paper, 'auto'))}</style></head><body>",
        f"<header><h1>{e(summary.title)}</h1>",
        f'<p><span class="label">{e(DISCLAIMER)}</span></p>',
        f'<p class="muted">Written with kapjournal on {e(long_date(summary.today))}. '
        f"Includes {e(INCLUDE_WORDS[summary.include])}.</p></header>",
        '<section class="keep"><h2>Flags</h2>',
    ]
    if summary.flags:
        parts.append('<ul class="flags">')
        parts += [f"<li>{e(f.text)}</li>" for f in summary.flags]
        parts.append("</ul>")
    else:
        parts.append("<p>None in this period.</p>")
    parts += ["</section>", *_scores(summary), *_mood(summary), *_sessions(summary)]
    if summary.include != "scores":
        parts += ["<section><h2>What the patient would like to talk about</h2>"]
        parts += _reflections(summary.talk, summary) or ["<p>Nothing marked for this.</p>"]
        parts += ["</section><section><h2>Committed actions</h2>"]
        parts += _commitments(summary) or ["<p>None in this period.</p>"]
        heading = "Reflections" if summary.include == "all" else "Shared reflections"
        parts += [f"</section><section><h2>{heading}</h2>"]
        parts += _reflections(summary.reflections, summary) or ["<p>None in this period.</p>"]
        parts.append("</section>")
    parts.append('<footer class="keep"><h2>About the questionnaires</h2><ul>')
    parts += [f"<li>{e(names)}: {e(text)}</li>" for names, text in summary.attributions]
    parts.append(f"</ul><p>{e(DISCLAIMER)}</p></footer></body></html>\n")
    return "\n".join(parts)


def _scores(summary: Summary) -> list[str]:
    parts = ["<section><h2>Scores</h2>"]
    if not summary.scores:
        return [*parts, "<p>No questionnaires in this period.</p></section>"]
    parts.append(
        "<table><thead><tr><th>Questionnaire</th><th>First in period</th><th>Latest</th>"
        "<th>Band (latest)</th><th>Change</th><th>Response (50% fall)</th>"
        "<th>Remission range</th></tr></thead><tbody>"
    )
    for row in summary.scores:
        pct = f" ({row.change_pct:+.0f}%)" if row.change_pct is not None else ""
        parts.append(
            f"<tr><td>{escape(row.name)}</td>"
            f"<td>{row.baseline.score} ({escape(long_date(row.baseline.day))})</td>"
            f"<td>{row.latest.score} ({escape(long_date(row.latest.day))})</td>"
            f"<td>{escape(row.band)}</td><td>{row.change:+d}{pct}</td>"
            f"<td>{yes_no(row.response)}</td><td>{yes_no(row.remission)}</td></tr>"
        )
    parts.append(f'</tbody></table><p class="muted">{escape(NOT_A_DIAGNOSIS)}</p>')
    for row in summary.scores:
        inst = measures.instrument(row.instrument)
        parts.append(
            f"<figure>{score_chart(summary, row, inst)}<figcaption>{escape(inst.name)} "
            "scores with the published bands shaded; dashed lines mark sessions."
            "</figcaption></figure>"
        )
    return [*parts, "</section>"]


def _mood(summary: Summary) -> list[str]:
    mood = summary.mood
    parts = ["<section><h2>Mood</h2>"]
    if not mood.days_with_data:
        return [*parts, f"<p>No mood check-ins in this period.</p><p>{escape(MOOD_NOTE)}</p>"]
    stats = f"Mean mood {num(mood.mean)} over {mood.days_with_data} days with check-ins"
    if mood.first_week is not None:
        stats += f"; first week {num(mood.first_week)}"
    if mood.last_week is not None:
        stats += f"; last 7 days {num(mood.last_week)}"
    parts += [
        f"<figure>{mood_chart(summary)}<figcaption>Daily mean mood, 0-10; dashed lines mark "
        "sessions; gaps are days with no check-in.</figcaption></figure>",
        f'<p>{escape(stats)}.</p><p class="muted">{escape(MOOD_NOTE)}</p>',
    ]
    notes = [c for c in summary.checkins if c.note]
    if notes:
        parts.append("<h3>Notes with check-ins</h3><ul>")
        parts += [f"<li>{escape(c.when[:10])}, mood {c.mood}: {escape(c.note)}</li>" for c in notes]
        parts.append("</ul>")
    return [*parts, "</section>"]


def _sessions(summary: Summary) -> list[str]:
    parts = ["<section><h2>Sessions</h2>"]
    if not summary.sessions:
        return [*parts, "<p>No sessions in this period.</p></section>"]
    texts = summary.include != "scores"
    parts.append(
        "<table><thead><tr><th>Date</th><th>Session</th><th>Route</th><th>Dose (as recorded)</th>"
        + ("<th>Intention</th>" if texts else "")
        + "<th>Dissociation (0-10)</th><th>Side effects</th>"
        "<th>Mood: week before → same day / +1 / +7</th></tr></thead><tbody>"
    )
    for s in summary.sessions:
        cells = [long_date(s.day), str(s.number), s.route, s.dose or "—"]
        if texts:
            cells.append(s.intention or "—")
        cells += [num(s.dissociation), ", ".join(s.side_effects) or "none logged", mood_moves(s)]
        parts.append("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in cells) + "</tr>")
    parts.append("</tbody></table>")
    for s in summary.sessions:
        if s.details:
            parts.append(f"<h3>Session {s.number} ({escape(long_date(s.day))})</h3><ul>")
            parts += [f"<li>{escape(k)}: {escape(v)}</li>" for k, v in s.details]
            parts.append("</ul>")
    return [*parts, "</section>"]


def _reflections(items: tuple[ReflectionItem, ...], summary: Summary) -> list[str]:
    parts = []
    for r in items:
        head = escape(long_date(r.day)) + (f" · {escape(r.title)}" if r.title else "")
        meta = r.meta(summary.include, escape)
        parts.append(
            f"<article><h3>{head}</h3>"
            + (f'<p class="meta">{" · ".join(meta)}</p>' if meta else "")
            + f"<blockquote>{escape(r.text) if r.text else '(no text)'}</blockquote></article>"
        )
    return parts


def _commitments(summary: Summary) -> list[str]:
    if not summary.commitments:
        return []
    parts = ["<ul>"]
    for c in summary.commitments:
        if c.followed_up:
            status = f"looked back on {escape(long_date(c.followed_up))}"
            status += f": {escape(c.outcome)}" if c.outcome else ""
        else:
            status = "not looked back on yet"
        parts.append(f"<li>{escape(long_date(c.day))}: {escape(c.text)} — <em>{status}</em></li>")
    return [*parts, "</ul>"]
