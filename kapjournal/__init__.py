"""kapjournal: an encrypted terminal journal for ketamine-assisted psychotherapy integration."""

__version__ = "0.1.0"
