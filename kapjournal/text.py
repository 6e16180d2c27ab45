"""Text from outside made safe to show on a terminal: the words stay, the controls go.

Anything that reaches a terminal from data (an imported title, a prompt pack, a row id, the
patient's own text) passes through here first. C0 and C1 controls (ESC, BEL, CSI...), DEL and the
bidi overrides and isolates that can make text read differently from what it holds are removed;
tabs and (where kept) newlines survive. Pure functions, no I/O.
"""

from __future__ import annotations

_C0 = {c: None for c in range(0x00, 0x20) if chr(c) not in "\t\n"}
_C1 = {c: None for c in range(0x7F, 0xA0)}  # DEL and C1 (0x9B is a one-byte CSI)
_BIDI = {c: None for c in (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))}
_LINE_BREAKS = {0x2028: "\n", 0x2029: "\n", 0x0D: "\n", 0x0B: "\n", 0x0C: "\n", 0x85: "\n"}

# Many lines: line breaks kept (CR, VT, FF, NEL, U+2028/9 become "\n"), controls gone.
_KEEP_LINES = str.maketrans({**_C0, **_C1, **_BIDI, **_LINE_BREAKS})
# One line: every line break and tab becomes a space.
_ONE_LINE = str.maketrans(
    {**_C0, **_C1, **_BIDI, **{c: " " for c in _LINE_BREAKS}, 0x0A: " ", 0x09: " "}
)


def safe_text(text: str) -> str:
    """``text`` with control, escape and bidi-override characters removed; lines kept."""
    return text.translate(_KEEP_LINES)


def one_line(text: str, limit: int | None = None) -> str:
    """``text`` on one line, safe for a terminal, cut to ``limit`` characters with "…".

    Only the start of a long text is looked at, so listing long entries stays cheap.
    """
    if limit is not None:
        text = text[: limit * 2 + 64]
    line = " ".join(text.translate(_ONE_LINE).split())
    if limit is not None and len(line) > limit:
        return line[: max(limit - 1, 0)].rstrip() + "…"
    return line


def is_safe(text: str) -> bool:
    """Whether ``text`` holds nothing :func:`safe_text` would remove or change."""
    return text.translate(_KEEP_LINES) == text
