"""What an export's file name says: its format, and whether it is encrypted.

One pure function for the CLI and the app alike: the format follows the name through ``.age``
(``summary.html.age`` is HTML), and an encrypted export always ends in ``.age`` (a plaintext one
never does), so nobody opens age ciphertext named ``summary.html`` or trusts a ``.age`` file that
is not encrypted. Nothing here touches the disk.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

AGE = ".age"
FORMAT_BY_SUFFIX = {
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".json": "json",
}
SUFFIX_FOR = {"md": ".md", "html": ".html", "json": ".json", "everything": ".json"}


@dataclass(frozen=True, slots=True)
class ExportName:
    """What a name asks for: the format its suffix names (None if none), and the right name."""

    fmt: str | None
    problem: str  # "" when the name is right for the encryption chosen
    suggestion: str  # a name that would be right (the same name when there is no problem)


def format_for_name(name: str | PurePath) -> str | None:
    """The format the name's suffix asks for, looking through ``.age``; None if it names none."""
    text = PurePath(name).name.lower()
    if text.endswith(AGE):
        text = text[: -len(AGE)]
    suffix = PurePath(text).suffix
    return FORMAT_BY_SUFFIX.get(suffix)


def check_name(name: str | PurePath, *, encrypted: bool, fmt: str | None = None) -> ExportName:
    """Whether ``name`` suits an export that is (or is not) encrypted, and a name that would.

    ``fmt`` is the format chosen, if any: a name whose suffix names another format is refused
    too (``--format html -o summary.md`` would write HTML under a Markdown name).
    """
    path = PurePath(name)
    found = format_for_name(path)
    aged = path.name.lower().endswith(AGE)
    plain_name = path.name[: -len(AGE)] if aged else path.name
    if (
        fmt is not None
        and found is not None
        and found != fmt
        and not (fmt == "everything" and found == "json")
    ):
        right = str(path.with_name(PurePath(plain_name).stem + SUFFIX_FOR[fmt]))
        right += AGE if encrypted else ""
        return ExportName(
            found,
            f'"{path.name}" names another format than the one chosen; use "{PurePath(right).name}"',
            right,
        )
    if encrypted and not aged:
        right = str(path) + AGE
        return ExportName(
            found,
            f'an encrypted export\'s name ends in .age; use "{PurePath(right).name}"',
            right,
        )
    if not encrypted and aged:
        right = str(path.with_name(plain_name))
        return ExportName(
            found,
            f'"{path.name}" ends in .age but would not be encrypted; use '
            f'"{PurePath(right).name}", or choose encryption',
            right,
        )
    return ExportName(found, "", str(path))
