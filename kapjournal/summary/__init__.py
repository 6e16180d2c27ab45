"""The therapist's summary: a pure model built from plain records, and its renderers.

``build_summary(...) -> Summary``, then ``render_markdown``, ``render_html`` or ``render_fhir``.
Encrypted writing lives in :mod:`kapjournal.summary.sharing` (imported on demand: it loads pyrage).
Nothing here imports the journal, the store, the vault or Textual.
"""

from __future__ import annotations

from collections.abc import Iterator

from kapjournal.summary.build import build_summary, commitments_from, questions_from
from kapjournal.summary.fhir import iter_fhir, render_fhir
from kapjournal.summary.html import iter_html, render_html
from kapjournal.summary.markdown import iter_markdown, render_markdown
from kapjournal.summary.model import DISCLAIMER, INCLUDES, TALK_TAG, Summary

FORMATS: dict[str, str] = {"md": "Markdown", "html": "HTML", "json": "FHIR JSON"}
EXTENSIONS: dict[str, str] = {"md": "md", "html": "html", "json": "json"}


def render(summary: Summary, fmt: str) -> str:
    """The summary in one of ``FORMATS`` ("md", "html" or "json")."""
    if fmt == "md":
        return render_markdown(summary)
    if fmt == "html":
        return render_html(summary)
    if fmt == "json":
        return render_fhir(summary)
    raise ValueError(f"format must be one of: {', '.join(FORMATS)}")


def iter_render(summary: Summary, fmt: str) -> Iterator[bytes]:
    """:func:`render` as UTF-8 pieces, for writing a large summary as it is made."""
    if fmt == "json":
        return iter_fhir(summary)
    if fmt == "md":
        return (piece.encode() for piece in iter_markdown(summary))
    if fmt == "html":
        return (piece.encode() for piece in iter_html(summary))
    raise ValueError(f"format must be one of: {', '.join(FORMATS)}")


__all__ = [
    "DISCLAIMER",
    "EXTENSIONS",
    "FORMATS",
    "INCLUDES",
    "TALK_TAG",
    "Summary",
    "build_summary",
    "commitments_from",
    "iter_render",
    "questions_from",
    "render",
    "render_fhir",
    "render_html",
    "render_markdown",
]
