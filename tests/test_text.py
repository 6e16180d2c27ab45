"""The one sanitiser for text shown on a terminal."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kapjournal.text import is_safe, one_line, safe_text

HOSTILE = "Title\x1b]0;pwned\x07\x1b]52;c;Y3VybCB4fHNo\x07 \x9b31m\u202eevil\u2066x\u2069\r\nnext"


def test_escape_sequences_lose_their_controls_but_keep_the_words() -> None:
    out = safe_text(HOSTILE)
    assert "\x1b" not in out and "\x07" not in out and "\x9b" not in out
    assert "\u202e" not in out and "\u2066" not in out
    assert "Title" in out and "evil" in out and "\nnext" in out


def test_one_line_cuts_with_an_ellipsis() -> None:
    assert one_line("a\nb\tc") == "a b c"
    assert one_line("x" * 100, 10) == "x" * 9 + "…"
    assert one_line("short", 10) == "short"
    assert "\n" not in one_line(HOSTILE)


@given(st.text())
def test_nothing_unsafe_survives(text: str) -> None:
    out = safe_text(text)
    assert is_safe(out)
    assert not any(0x80 <= ord(c) < 0xA0 or (ord(c) < 0x20 and c not in "\t\n") for c in out)
    assert is_safe(one_line(text, 40)) and "\n" not in one_line(text)
