"""The summary as one self-contained, print-ready HTML file with inline SVG charts.

No external resources of any kind (no CDN, web fonts or linked images), and a Content Security
Policy that forbids them and all scripts, so the file opens the same offline, years from now,
and a mistake in escaping could still not run anything. Every piece of patient text goes through
:func:`html.escape`, including text inside SVG ``<title>`` elements.

On a phone (checked at 390 px in Chromium) tables scroll sideways inside the page instead of
widening it, and chart text grows so it is never under 10 px once the chart is scaled down. In
print every page has a running header and "page n of N"; a session's block is never split across
pages, while a long reflection may flow on (keeping it whole would leave half pages blank).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from html import escape

from kapjournal import measures
from kapjournal.summary.charts import band_fills, mood_chart, score_chart
from kapjournal.summary.markdown import (
    CHANGE_NOTE,
    INCLUDE_WORDS,
    SCORE_HEADERS,
    SESSION_HEADERS,
    item_table,
    num,
    score_cells,
    session_cells,
    thread_numbers,
    thread_parts,
)
from kapjournal.summary.model import (
    DISCLAIMER,
    MOOD_NOTE,
    MOOD_WINDOW_NOTE,
    NOT_A_DIAGNOSIS,
    ReflectionItem,
    Summary,
    long_date,
    plural,
)

PAPER = {"auto": "auto", "a4": "A4", "letter": "letter"}
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'"

# Content is at most 180 mm wide, which fits A4 (210 mm) and Letter (216 mm) with 15 mm margins.
# Chart text is in the chart's units (680 wide): 12 is 12 px at full width; under 640 px of screen
# it grows so that, scaled down with the chart, it stays at 10 px or more.
CSS = """
@page { size: PAPER_SIZE; margin: 17mm 15mm 17mm;
  @top-left { content: "RUNNING_HEAD"; font: 8pt system-ui, sans-serif; color: #555; }
  @top-right { content: "Patient-reported, not clinically verified";
    font: 8pt system-ui, sans-serif; color: #555; }
  @bottom-right { content: "Page " counter(page) " of " counter(pages);
    font: 8pt system-ui, sans-serif; color: #555; } }
* { box-sizing: border-box; }
body { font: 10.5pt/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
  sans-serif; color: #222; background: #fff; max-width: 180mm; margin: 0 auto; padding: 10mm 4mm; }
h1 { font-size: 16pt; margin: 0 0 1mm; }
h2 { font-size: 12.5pt; margin: 7mm 0 2.5mm; padding-bottom: 1mm; border-bottom: 1px solid #bbb;
  break-after: avoid; page-break-after: avoid; }
h3 { font-size: 10.5pt; margin: 4mm 0 1mm; break-after: avoid; page-break-after: avoid; }
p { margin: 1.5mm 0; orphans: 3; widows: 3; }
.label { display: inline-block; border: 1px solid #888; border-radius: 2mm; padding: 0 2mm;
  font-size: 9pt; }
.muted, .meta { color: #555; font-size: 9pt; }
.flags { padding-left: 5mm; }
.flags li { margin: 1mm 0; font-weight: 600; }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; width: 100%; font-size: 9pt; margin: 2mm 0; }
th, td { border-bottom: 1px solid #ddd; padding: 1.2mm 1.5mm; text-align: left;
  vertical-align: top; }
td { overflow-wrap: break-word; }
th { border-bottom: 1.5px solid #888; font-weight: 600; hyphens: manual; }
td.n, th.n { text-align: right; white-space: nowrap; }
td:first-child { white-space: nowrap; }
.details li { white-space: pre-wrap; }
thead { display: table-header-group; }
tr, figure, svg, .keep, .session { break-inside: avoid; page-break-inside: avoid; }
figure { margin: 2mm 0 4mm; }
figcaption { color: #555; font-size: 9pt; }
svg { display: block; width: 100%; height: auto; }
svg text { font-family: system-ui, sans-serif; font-size: 12px; fill: #444; }
.legend { list-style: none; padding: 0; margin: 1mm 0 0; }
.legend li { display: inline-block; margin: 0 3mm 0.5mm 0; }
.swatch { display: inline-block; width: 3mm; height: 3mm; border: 1px solid #bbb;
  vertical-align: -0.4mm; margin-right: 1mm; }
.band0 { background: #eef4ee; } .band1 { background: #f3f3e6; } .band2 { background: #f7efdf; }
.band3 { background: #f6e6da; } .band4 { background: #f3dcdc; }
.session { border-left: 2px solid #c9b58c; padding: 0.5mm 0 0.5mm 3mm; margin: 3mm 0; }
.session h3 { margin-top: 0; }
.thread { margin: 1mm 0; padding-left: 5mm; }
.thread li { margin: 0.5mm 0; }
.q { font-weight: 600; margin: 2mm 0 0.5mm; break-after: avoid; page-break-after: avoid; }
article.reflection h3 { margin-top: 5mm; }
blockquote { margin: 1mm 0 3mm; padding-left: 3mm; border-left: 2px solid #ccc;
  white-space: pre-wrap; overflow-wrap: anywhere; orphans: 3; widows: 3; }
pre { font-size: 10pt; line-height: 1.1; margin: 1mm 0; }
footer { margin-top: 8mm; color: #555; font-size: 8.5pt; }
@media screen and (max-width: 640px) {
  body { padding: 12px; font-size: 15px; }
  table { font-size: 13px; }
  .scroll table { width: auto; min-width: 100%; }
  td, th { white-space: nowrap; }
  svg text { font-size: 15px; }
}
@media screen and (max-width: 480px) { svg text { font-size: 21px; } }
@media print { body { max-width: none; padding: 0; } .scroll { overflow: visible; } }
"""


def _css_string(text: str) -> str:
    """Our own text inside a CSS string literal (quotes and backslashes escaped)."""
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def render_html(summary: Summary, *, paper: str = "auto") -> str:
    """The whole summary as one HTML file; ``paper`` is "auto" (the printer's), "a4" or "letter"."""
    return "".join(iter_html(summary, paper=paper))


def iter_html(summary: Summary, *, paper: str = "auto") -> Iterator[str]:
    """:func:`render_html` in pieces, for writing a large summary as it is made."""
    e = escape
    css = CSS.replace("PAPER_SIZE", PAPER.get(paper, "auto")).replace(
        "RUNNING_HEAD", _css_string(f"kapjournal · {summary.title}")
    )
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="referrer" content="no-referrer">',
        f"<title>{e(summary.title)}</title>",
        f"<style>{css}</style></head><body>",
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
    yield "\n".join(parts) + "\n"
    if summary.include != "scores":
        yield "<section><h2>What the patient would like to talk about</h2>\n"
        yield from _reflections(summary.talk, summary, "Nothing marked for this.")
        yield "</section><section><h2>Committed actions</h2>\n"
        yield "\n".join(_commitments(summary) or ["<p>None in this period.</p>"]) + "\n"
        heading = "Reflections" if summary.include == "all" else "Shared reflections"
        yield f"</section><section><h2>{heading}</h2>\n"
        yield from _reflections(summary.reflections, summary, "None in this period.")
        yield "</section>\n"
    end = ['<footer class="keep"><h2>About the questionnaires</h2><ul>']
    end += [f"<li>{e(names)}: {e(text)}</li>" for names, text in summary.attributions]
    end.append(f"</ul><p>{e(DISCLAIMER)}</p></footer></body></html>\n")
    yield "\n".join(end)


def _table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[bool] = ()
) -> str:
    """A table in a sideways-scrolling box; cells are plain text, escaped here."""
    numeric = list(numeric) + [False] * (len(headers) - len(numeric))
    head = "".join(
        f"<th{' class=n' if n else ''}>{escape(h)}</th>"
        for h, n in zip(headers, numeric, strict=True)
    )
    body = "".join(
        "<tr>"
        + "".join(
            f"<td{' class=n' if n else ''}>{escape(c)}</td>"
            for c, n in zip(row, numeric, strict=True)
        )
        + "</tr>"
        for row in rows
    )
    return f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


def _legend(inst: measures.Instrument) -> str:
    items = "".join(
        f'<li><span class="swatch band{i}"></span>{escape(f"{b.low}-{b.high} {b.label}")}</li>'
        for i, (b, _fill) in enumerate(
            zip(inst.bands, band_fills(inst), strict=False),
            start=5 - len(band_fills(inst)),
        )
    )
    return f'<ul class="legend">{items}</ul>'


def _scores(summary: Summary) -> list[str]:
    parts = ["<section><h2>Scores</h2>"]
    if not summary.scores:
        return [*parts, "<p>No questionnaires in this period.</p></section>"]
    parts.append(_table(SCORE_HEADERS, [score_cells(row) for row in summary.scores]))
    parts.append(
        f'<p class="muted">{escape(CHANGE_NOTE)}</p><p class="muted">{escape(NOT_A_DIAGNOSIS)}</p>'
    )
    for row in summary.scores:
        if row.clusters:
            text = "; ".join(
                f"{k} {name} {value} of {4 * len(items)}"
                for (k, name, value), (_k, _n, items) in zip(
                    row.clusters, measures.PCL5_CLUSTERS, strict=True
                )
            )
            parts.append(
                f"<p>PCL-5 clusters on {escape(long_date(row.latest.day))}: {escape(text)}.</p>"
            )
    for row in summary.scores:
        inst = measures.instrument(row.instrument)
        parts.append(
            f"<figure>{score_chart(summary, row, inst)}<figcaption>{escape(inst.name)} "
            "scores over the published score ranges (shaded); dashed lines mark sessions."
            f"{_legend(inst)}</figcaption></figure>"
        )
    for instrument in ("phq9", "gad7", "pcl5"):
        if not any(a.instrument == instrument for a in summary.assessments):
            continue
        inst = measures.instrument(instrument)
        headers, rows = item_table(summary, instrument)
        what = "by cluster" if instrument == "pcl5" else "question by question"
        numeric = [False] + [True] * (len(headers) - 2) + [False]
        parts += [f"<h3>{escape(inst.name)}, {what}</h3>", _table(headers, rows, numeric)]
        if instrument != "pcl5":
            scale = ", ".join(f"{o.value} {o.label.lower()}" for o in inst.options)
            parts.append(f'<p class="muted">Answers 0-{inst.max_answer} ({escape(scale)}).</p>')
            parts.append(
                '<ol class="muted">'
                + "".join(f"<li>{escape(t)}</li>" for t in inst.items)
                + "</ol>"
            )
        if instrument == "phq9":
            parts.append(
                '<p class="muted">Question 9 is shown at every completion, zeros included, so its '
                "history can be read on its own.</p>"
            )
    return [*parts, "</section>"]


def _mood(summary: Summary) -> list[str]:
    mood = summary.mood
    parts = ["<section><h2>Mood</h2>"]
    if not mood.days_with_data:
        return [*parts, f"<p>No mood check-ins in this period.</p><p>{escape(MOOD_NOTE)}</p>"]
    stats = f"Mean mood {num(mood.mean)} over {plural(mood.days_with_data, 'day')} with check-ins"
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
        parts += [
            f"<li>{escape(long_date(c.day) if c.day else c.when[:10])}, mood {c.mood}: "
            f"{escape(c.note)}</li>"
            for c in notes
        ]
        parts.append("</ul>")
    return [*parts, "</section>"]


def _sessions(summary: Summary) -> list[str]:
    parts = ["<section><h2>Sessions</h2>"]
    if not summary.sessions:
        return [*parts, "<p>No sessions in this period.</p></section>"]
    numeric = [False, True, False, False, True, False] + [True] * 5
    parts.append(_table(SESSION_HEADERS, [session_cells(s) for s in summary.sessions], numeric))
    parts.append(f'<p class="muted">{escape(MOOD_WINDOW_NOTE)}</p>')
    parts.append("<h3>The course, session by session</h3>")
    texts = summary.include != "scores"
    for s in summary.sessions:
        head = f"Session {s.number} · {long_date(s.day)} · {s.route}" + (
            f" · {s.dose}" if s.dose else ""
        )
        block = [f'<article class="session"><h3>{escape(head)}</h3>']
        thread = thread_parts(s, texts)
        if thread:
            block.append(
                '<ul class="thread">'
                + "".join(f"<li><em>{escape(k)}:</em> {escape(v)}</li>" for k, v in thread)
                + "</ul>"
            )
        numbers = thread_numbers(s)
        block.append(
            f"<p>{escape('; '.join(numbers))}.</p>"
            if numbers
            else '<p class="muted">No score or mood change to show.</p>'
        )
        if s.details:
            block.append(
                '<ul class="muted details">'
                + "".join(f"<li>{escape(k)}: {escape(v)}</li>" for k, v in s.details)
                + "</ul>"
            )
        parts.append("".join(block) + "</article>")
    return [*parts, "</section>"]


def _reflections(items: Sequence[ReflectionItem], summary: Summary, empty: str) -> Iterator[str]:
    if not items:
        yield f"<p>{escape(empty)}</p>\n"
        return
    for r in items:
        head = escape(long_date(r.day)) + (f" · {escape(r.title)}" if r.title else "")
        meta = r.meta(summary.include, escape)
        body = []
        for question, answer in r.parts:
            if question:
                body.append(f'<p class="q">{escape(question)}</p>')
            body.append(f"<blockquote>{escape(answer)}</blockquote>")
        yield (
            f'<article class="reflection"><h3>{head}</h3>'
            + (f'<p class="meta">{" · ".join(meta)}</p>' if meta else "")
            + ("".join(body) or "<blockquote>(no text)</blockquote>")
            + "</article>\n"
        )


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
