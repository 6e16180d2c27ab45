"""Errors the app shows to a person. Messages are one plain line and never hold journal text."""

from __future__ import annotations


class KapJournalError(Exception):
    """Base of every error kapjournal explains to the user."""


class RecordError(KapJournalError, ValueError):
    """A record's values are out of range or malformed."""


class JournalError(KapJournalError):
    """Something is wrong with the journal file as a whole."""


class NotAJournal(JournalError):
    """The file exists but is not a kapjournal journal."""


class NewerFormat(JournalError):
    """The journal was written by a newer kapjournal."""


class JournalExists(JournalError):
    """Refusing to create a journal over an existing file."""


class JournalMissing(JournalError):
    """There is no journal at the path."""


class JournalBusy(JournalError):
    """Another process holds the journal's write lock for too long."""


class WrongPassphrase(JournalError):
    """No key slot opened with the given passphrase or recovery key."""


class BadRecoveryKey(JournalError):
    """The recovery key has a typo: its checksum does not match."""


class KdfTooCostly(JournalError):
    """A key slot asks for key-derivation parameters above our ceiling."""


class DamagedItem(JournalError):
    """One item failed to decrypt or decode: tampered with, or damaged on disk."""

    def __init__(self, item_id: str, reason: str = "could not be decrypted") -> None:
        super().__init__(f"item {item_id} is damaged: {reason}")
        self.item_id = item_id


class Locked(JournalError):
    """The journal is locked; unlock it first."""


class ExportError(KapJournalError):
    """An export could not be written."""
