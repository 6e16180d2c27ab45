"""One rule for choosing a passphrase, the same in the app and on the command line."""

from __future__ import annotations

MIN_LENGTH = 8
COMMON = {"password", "passphrase", "letmein", "qwerty", "123456", "iloveyou", "kapjournal"}


def strength(passphrase: str) -> tuple[str, str]:
    """A rough, honest hint: length matters most; a few unrelated words beat symbols."""
    words = passphrase.split()
    classes = sum(
        any(test(ch) for ch in passphrase)
        for test in (str.islower, str.isupper, str.isdigit, lambda c: not c.isalnum())
    )
    if not passphrase:
        return "", ""
    if passphrase.casefold().replace(" ", "") in COMMON or len(set(passphrase)) < 4:
        return "weak", "This is one of the first things anyone would try."
    if len(passphrase) < MIN_LENGTH:
        return (
            "too short",
            f"Use at least {MIN_LENGTH} characters; four unrelated words are easy to remember.",
        )
    if len(words) >= 4 or len(passphrase) >= 20:
        return "strong", "Long and hard to guess. Keep it somewhere only you can find."
    if len(passphrase) >= 12 and classes >= 2:
        return "fair", "Good. A few more words would make it much stronger."
    return "weak", "Longer is stronger: try a short sentence only you would write."


def problem(passphrase: str) -> str | None:
    """Why a new passphrase cannot be used, in one line; None when it can."""
    if len(passphrase) < MIN_LENGTH:
        return (
            f"a passphrase needs at least {MIN_LENGTH} characters; "
            "four unrelated words are easy to remember"
        )
    if passphrase != passphrase.strip():
        return "a passphrase cannot begin or end with a space (it is too easy to mistype)"
    if any(ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 for ch in passphrase):
        return "a passphrase cannot hold control characters"
    return None
