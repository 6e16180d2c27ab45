"""The HTML summary as a person meets it: in headless Chromium on a phone, and printed to PDF.

Skipped when Chromium or poppler's pdftotext is not installed (CI installs both). No timing is
asserted: Chromium is given minutes, and only what it renders is checked.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html import escape
from pathlib import Path

import pytest

from kapjournal.summary import render_html
from tests.test_summary_content import rich, summarise

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PDFTOTEXT, PDFINFO = shutil.which("pdftotext"), shutil.which("pdfinfo")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None or PDFTOTEXT is None or PDFINFO is None,
    reason="needs chromium and poppler-utils (pdftotext, pdfinfo)",
)
MEASURE = """<script>
const svgText = [...document.querySelectorAll('svg text')];
const sizes = svgText.map(t => parseFloat(getComputedStyle(t).fontSize) * t.ownerSVGElement.getScreenCTM().a);
const clipped = [...document.querySelectorAll('.legend li, td, th, h1, h2, h3, p, li, blockquote')]
  .filter(e => e.closest('.scroll') === null && e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .map(e => e.textContent.slice(0, 40));
parent.document.body.setAttribute('data-metrics', JSON.stringify({
  viewport: document.documentElement.clientWidth,
  page: document.documentElement.scrollWidth,
  smallest: Math.min(...sizes), texts: sizes.length, clipped}));
</script>"""


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    assert CHROMIUM is not None
    profile = tmp_path / "profile"
    flags = [
        "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={profile}",
    ]  # fmt: skip
    return subprocess.run([CHROMIUM, *flags, *args], capture_output=True, timeout=300)


def measured(tmp_path: Path, html: str, width: int) -> dict[str, object]:
    """Layout facts from Chromium at a screen width (our CSP forbids scripts: a test copy only).

    The page is shown in a frame exactly ``width`` CSS pixels wide (a headless window will not
    go below about 500), and a script in it reports back to the frame's parent.
    """
    page = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html)
    page = page.replace("</body>", MEASURE + "</body>")
    outer = (
        f'<!DOCTYPE html><html><body style="margin:0"><iframe style="width:{width}px;'
        f'height:900px;border:0" srcdoc="{escape(page, quote=True)}"></iframe></body></html>'
    )
    path = tmp_path / f"measure-{width}.html"
    path.write_text(outer)
    done = chromium(
        tmp_path, "--window-size=1280,1000", "--virtual-time-budget=5000", "--dump-dom", path.as_uri()
    )
    found = re.search(rb"data-metrics=\"([^\"]*)\"", done.stdout)
    assert found, done.stderr[-2000:]
    return json.loads(found.group(1).decode().replace("&quot;", '"'))  # type: ignore[no-any-return]


@pytest.mark.parametrize("width", [390, 1024])
def test_fits_the_screen_and_chart_text_is_readable(tmp_path: Path, width: int) -> None:
    facts = measured(tmp_path, render_html(summarise(rich(), "all")), width)
    assert facts["page"] == facts["viewport"]  # nothing wider than the screen; tables scroll
    assert facts["clipped"] == []
    assert facts["texts"] > 20 and facts["smallest"] >= 10  # chart text in CSS pixels


def pages(pdf: Path) -> list[str]:
    assert PDFINFO is not None and PDFTOTEXT is not None
    info = subprocess.run([PDFINFO, str(pdf)], capture_output=True, text=True, timeout=60)
    count = int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))  # type: ignore[union-attr]
    return [
        subprocess.run(
            [PDFTOTEXT, "-layout", "-f", str(n), "-l", str(n), str(pdf), "-"],
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout
        for n in range(1, count + 1)
    ]


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_print_has_page_numbers_a_running_header_and_whole_sessions(
    tmp_path: Path, paper: str
) -> None:
    d = rich()
    for n in range(10):  # enough sessions, with details, that one would fall across a page
        d.session(
            19 + n, hours=2, dose="0.5 mg/kg", notes=f"first note\nsecond note\nend-of-{n + 4}",
            setting="clinic", support="Dr R", bp_before="130/85", bp_after="140/90",
        )  # fmt: skip
    summary = summarise(d, "all")
    html = tmp_path / "summary.html"
    html.write_text(render_html(summary, paper=paper))
    pdf = tmp_path / f"summary-{paper}.pdf"
    done = chromium(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", html.as_uri())
    assert pdf.exists(), done.stderr[-2000:]
    found = pages(pdf)
    total = len(found)
    assert total >= 4
    for number, text in enumerate(found, start=1):
        assert f"Page {number} of {total}" in text
        assert f"kapjournal · {summary.title}" in text
    for s in summary.sessions:
        if not s.details:
            continue
        head = f"Session {s.number} · {s.day.day} "
        where = [i for i, text in enumerate(found) if head in text]
        end = [i for i, text in enumerate(found) if f"end-of-{s.number}" in text]
        assert where and where[-1:] == end, s.number  # the block's start and end on one page
