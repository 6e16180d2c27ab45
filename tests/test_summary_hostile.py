"""Hostile patient text cannot break out of the HTML or the Markdown summary."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from kapjournal.summary import render_fhir, render_html, render_markdown
from tests.test_summary import Data

HOSTILE = [
    "<script>alert(1)</script>",
    "</style><script>alert(2)</script>",
    "[click me](javascript:alert(1))",
    "](javascript:alert(1))",
    "![x](https://evil.example/pixel.png)",
    "<!-- hide the rest",
    "<img src=x onerror=alert(3)>",
    '"><svg onload=alert(4)>',
    "</title></svg><script>alert(5)</script>",
    "<https://evil.example>",
    "[ref]: javascript:alert(6)",
    "# Not a heading\n- not a list\n1. not a list\n> not a quote\n---\n```\ncode\n```",
    "&lt;script&gt; &#x3C;script&#x3E;",
    "red \x1b[31mALERT\x1b[0m and \x1b]0;title\x07 bell\x07 nul\x00 del\x7f",
    "right-to-left \u202eevil\u202c and isolate \u2066x\u2069",
    "`code` *bold* _it_ ~~gone~~ | pipe | \\",
]
HOSTILE_TEXT = "\n".join(HOSTILE)
ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3", "p", "span",
    "ul", "li", "section", "table", "thead", "tbody", "tr", "th", "td", "figure", "figcaption",
    "svg", "line", "text", "path", "circle", "rect", "g", "article", "blockquote", "footer", "em",
    "div", "ol",
}  # fmt: skip
CONTROL = [chr(c) for c in (*range(0, 9), *range(11, 32), 0x7F, *range(0x80, 0xA0))]
BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]


def hostile_data(text: str = HOSTILE_TEXT) -> Data:
    d = Data()
    line = text.replace("\n", " ")
    d.session(2, dose=line, intention=text, setting=text, notes=text, bp_before="120/80")
    d.checkin(2, mood=5, note=text)
    d.checkin(3, mood=6)
    d.assess(2, "phq9", (1, 1, 1, 1, 1, 1, 1, 1, 0))
    d.reflection(4, title=line, body=text, tags=(line, "sea"), share=True)
    d.reflection(5, body=text, tags=("for-therapist",), share=True)
    d.reflection(6, exercise_id="small-step", answers=(text, text, line, text), share=True)
    d.reflection(8, exercise_id="small-step-followup", answers=(line,), share=True)
    return d


class Tags(HTMLParser):
    """Every tag, attribute and piece of text in an HTML document."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.comments: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += attrs

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> Tags:
    parser = Tags()
    parser.feed(html)
    parser.close()
    return parser


def check_html(html: str) -> None:
    found = parse(html)
    assert set(found.tags) <= ALLOWED_TAGS, set(found.tags) - ALLOWED_TAGS
    assert found.tags.count("style") == 1 and found.tags.count("script") == 0
    assert html.count("</style>") == 1
    assert not found.comments
    for name, value in found.attrs:
        assert not name.startswith("on") and name not in ("src", "href", "srcdoc")
        assert "javascript" not in (value or "").lower()
    check_clean("".join(found.text))


def check_clean(text: str) -> None:
    for ch in CONTROL + BIDI:
        assert ch not in text, repr(ch)
    assert "[31m" not in text and "0;title" not in text


def markdown_html(md: str) -> str:
    """What a Markdown viewer would make of it: CommonMark with raw HTML on, plus GFM bits."""
    return (
        MarkdownIt("commonmark", {"html": True, "linkify": True})
        .enable(["table", "strikethrough", "linkify"])
        .render(md)
    )


def check_markdown(md: str) -> None:
    check_clean(md)
    html = markdown_html(md)
    found = parse(html)
    assert set(found.tags) <= {
        "h1",
        "h2",
        "h3",
        "p",
        "em",
        "strong",
        "ul",
        "ol",
        "li",
        "blockquote",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "pre",
        "code",
        "br",
    }
    assert not found.comments and "<script" not in html and "<img" not in html
    hrefs = [v for n, v in found.attrs if n == "href"]
    assert all(not (v or "").lower().startswith("javascript") for v in hrefs)


@pytest.mark.parametrize("include", ["shared", "all"])
def test_hostile_text_stays_text_in_html(include: str) -> None:
    html = render_html(hostile_data().summary(include))
    check_html(html)
    text = "".join(parse(html).text)
    assert "<script>alert(1)</script>" in text  # shown, as text
    assert "](javascript:alert(1))" in text


def test_hostile_text_is_escaped_inside_svg_titles() -> None:
    html = render_html(hostile_data().summary())
    start = html.index("<svg")
    svg = html[start : html.index("</svg>", start)]
    assert "&lt;/title&gt;&lt;/svg&gt;&lt;script&gt;" in svg  # the dose, in a session tooltip


@pytest.mark.parametrize("include", ["shared", "all"])
def test_hostile_text_cannot_make_markdown_links_or_html(include: str) -> None:
    md = render_markdown(hostile_data().summary(include))
    check_markdown(md)
    html = markdown_html(md)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown, as text
    assert "<h1>Not a heading" not in html and "<li>not a list" not in html
    assert "<hr" not in html


def test_hostile_text_is_clean_in_fhir_json() -> None:
    out = render_fhir(hostile_data().summary("all"))
    check_clean(out)
    assert "\\u001b" not in out and "\\u202e" not in out.lower()


def test_breaking_escaping_would_be_caught() -> None:
    """The checks above are not vacuous: unescaped output fails them."""
    with pytest.raises(AssertionError):
        check_html("<p><script>alert(1)</script></p><style></style>")
    with pytest.raises(AssertionError):
        check_markdown("[click me](javascript:alert(1)) <img src=x>")
    with pytest.raises(AssertionError):
        check_clean("x\u202ey")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.text(
        alphabet=st.sampled_from(list("<>[]()!&#*_`|~\\/:\"'=-+. \n\x1b\u202eajsvcript1")),
        min_size=1,
        max_size=60,
    )
)
def test_any_text_stays_text(text: str) -> None:
    summary = hostile_data(text).summary("all")
    check_html(render_html(summary))
    check_markdown(render_markdown(summary))
