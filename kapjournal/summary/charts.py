"""Inline SVG charts for the HTML summary: mood with sessions marked, and scores over their bands.

Hand-written SVG (no plotting stack, nothing fetched), drawn on the same time axis as the range so
the charts line up. Gaps stay gaps. Any patient text (a dose, in a session's tooltip) is escaped.
Band names are not drawn inside the chart (a long one was cut off at the edge): the HTML puts them
in a legend under it, which wraps at any width. Text sizes are set by the page's CSS, in the
chart's own units, so they can grow on a narrow screen where the chart is scaled down.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from html import escape

from kapjournal.measures import Instrument
from kapjournal.summary.model import ScoreRow, Summary, long_date

W, H = 680, 190
LEFT, RIGHT, TOP, BOTTOM = 36, 14, 10, 34
PLOT_W, PLOT_H = W - LEFT - RIGHT, H - TOP - BOTTOM
MAX_DOTS = 200  # above this many days, draw the line only
BAND_FILLS = ("#eef4ee", "#f3f3e6", "#f7efdf", "#f6e6da", "#f3dcdc")
LINE = "#3b6ea5"
SESSION = "#8a6d3b"


def band_fills(inst: Instrument) -> tuple[str, ...]:
    """The shade of each band, lightest for the lowest (the chart and its legend share them)."""
    return BAND_FILLS[-len(inst.bands) :] if len(inst.bands) < 3 else BAND_FILLS


def _x(index: int, days: int) -> float:
    return LEFT + (index / (days - 1) * PLOT_W if days > 1 else PLOT_W / 2)


def _y(value: float, top: float) -> float:
    return TOP + (1 - value / top) * PLOT_H


def _open(label: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" role="img" '
        f'aria-label="{escape(label)}"><title>{escape(label)}</title>'
    ]


def _path(points: Sequence[tuple[float, float] | None]) -> str:
    """A polyline broken at every gap (None), so silence never looks like data."""
    d, pen = [], False
    for p in points:
        if p is None:
            pen = False
            continue
        d.append(f"{'L' if pen else 'M'}{p[0]:.1f} {p[1]:.1f}")
        pen = True
    if not d:
        return ""
    return f'<path d="{" ".join(d)}" fill="none" stroke="{LINE}" stroke-width="1.6"/>'


def _axis(summary: Summary) -> list[str]:
    days = (summary.until - summary.since).days + 1
    out = [
        f'<line x1="{LEFT}" y1="{TOP + PLOT_H}" x2="{LEFT + PLOT_W}" y2="{TOP + PLOT_H}" '
        'stroke="#999" stroke-width="0.8"/>'
    ]
    ticks = [0, days - 1] if days > 1 else [0]
    if days > 20:
        ticks.insert(1, (days - 1) // 2)
    for i, anchor in zip(ticks, ("start", "middle", "end")[: len(ticks)], strict=False):
        anchor = "end" if i == days - 1 and days > 1 else anchor
        label = long_date(summary.since + timedelta(days=i))
        out.append(
            f'<text x="{_x(i, days):.1f}" y="{H - 6}" text-anchor="{anchor}">{escape(label)}</text>'
        )
    return out


def _sessions(summary: Summary) -> list[str]:
    """A dashed line and a triangle for each session, with a tooltip."""
    days = (summary.until - summary.since).days + 1
    out = []
    for s in summary.sessions:
        x = _x((s.day - summary.since).days, days)
        tip = f"Session {s.number}, {long_date(s.day)}, {s.route}"
        tip += f", {s.dose}" if s.dose else ""
        out.append(
            f"<g><title>{escape(tip)}</title>"
            f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{TOP + PLOT_H}" stroke="{SESSION}" '
            'stroke-width="1" stroke-dasharray="3 3"/>'
            f'<path d="M{x - 4:.1f} {TOP + PLOT_H + 7} L{x + 4:.1f} {TOP + PLOT_H + 7} '
            f'L{x:.1f} {TOP + PLOT_H + 1} Z" fill="{SESSION}"/></g>'
        )
    return out


def mood_chart(summary: Summary) -> str:
    """Daily mean mood 0-10 over the range, sessions marked."""
    mood = summary.mood
    days = len(mood.daily)
    out = _open(f"Mood from {long_date(summary.since)} to {long_date(summary.until)}")
    for level in (0, 5, 10):
        y = _y(level, 10)
        out.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{LEFT + PLOT_W}" y2="{y:.1f}" stroke="#e2e2e2"/>'
            f'<text x="{LEFT - 6}" y="{y:.1f}" text-anchor="end" dominant-baseline="central">'
            f"{level}</text>"
        )
    out += _sessions(summary)
    points = [None if v is None else (_x(i, days), _y(v, 10)) for i, v in enumerate(mood.daily)]
    out.append(_path(points))
    if days <= MAX_DOTS:
        for i, v in enumerate(mood.daily):
            if v is not None:
                label = f"{long_date(mood.start + timedelta(days=i))}: mood {v:.1f}"
                out.append(
                    f'<circle cx="{_x(i, days):.1f}" cy="{_y(v, 10):.1f}" r="2.4" '
                    f'fill="{LINE}"><title>{escape(label)}</title></circle>'
                )
    out += _axis(summary)
    out.append("</svg>")
    return "".join(out)


def score_chart(summary: Summary, row: ScoreRow, inst: Instrument) -> str:
    """One questionnaire's scores in time, over its published bands shaded from light to warm."""
    days = (summary.until - summary.since).days + 1
    top = float(inst.max_score)
    out = _open(f"{inst.name} scores from {long_date(summary.since)} to {long_date(summary.until)}")
    for band, fill in zip(inst.bands, band_fills(inst), strict=False):
        y_top, y_low = _y(min(band.high + 1, top), top), _y(band.low, top)
        out.append(
            f"<g><title>{escape(f'{inst.name} {band.low}-{band.high}: {band.label}')}</title>"
            f'<rect x="{LEFT}" y="{y_top:.1f}" width="{PLOT_W}" height="{y_low - y_top:.1f}" '
            f'fill="{fill}"/></g>'
        )
        out.append(
            f'<text x="{LEFT - 6}" y="{y_low:.1f}" text-anchor="end" '
            f'dominant-baseline="central">{band.low}</text>'
        )
    out.append(
        f'<text x="{LEFT - 6}" y="{TOP}" text-anchor="end" dominant-baseline="central">'
        f"{inst.max_score}</text>"
    )
    out += _sessions(summary)
    points = [(_x(_index(p.day, summary.since), days), _y(p.score, top)) for p in row.points]
    out.append(_path(points))
    for p, (x, y) in zip(row.points, points, strict=True):
        label = f"{inst.name} {p.score} ({p.band}), {long_date(p.day)}"
        out.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{LINE}">'
            f"<title>{escape(label)}</title></circle>"
        )
    out += _axis(summary)
    out.append("</svg>")
    return "".join(out)


def _index(day: date, start: date) -> int:
    return (day - start).days
