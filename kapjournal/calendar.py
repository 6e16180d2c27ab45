"""The plan as an iCalendar file (RFC 5545), so a calendar the patient already uses can remind them.

kapjournal never contacts anyone; this lets the patient carry the plan elsewhere themselves. A
calendar syncs to servers and shows on lock screens, so the events say nothing private: no
intention, dose, route, exercise title or text, and not what the sessions are. Every title is
one of the fixed phrases below ("kapjournal: a 10-minute exercise"); no journal text can reach
the file. Events are all-day (a date, no time zone) with a gentle reminder in the morning.

Pure: text in, text out. Writing the file (0600, never overwriting) is the caller's.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from kapjournal.plan import Plan

PRODID = "-//kapjournal//plan reminders//EN"
PREPARE = "kapjournal: prepare for your next session"
REMIND_AT = timedelta(hours=9)  # the alarm: 09:00 on the day, in the calendar's own time zone
DESCRIPTION = "A reminder you made with kapjournal. Open it when it suits you; nothing is overdue."


@dataclass(frozen=True, slots=True)
class Reminder:
    """One all-day event: a day, a title that says nothing private, and a stable id."""

    day: date
    title: str
    key: str  # what the uid is made from: ids and a date, never text

    @property
    def uid(self) -> str:
        return hashlib.sha256(self.key.encode()).hexdigest()[:32] + "@kapjournal"


def exercise_title(minutes: int) -> str:
    return f"kapjournal: a {minutes}-minute exercise" if minutes > 0 else "kapjournal: an exercise"


def reminders(plan: Plan, now: datetime) -> list[Reminder]:
    """Today's open exercises, the coming ones, and the day before a known next session."""
    out: list[Reminder] = []
    for item in [*plan.due_today(), *plan.coming()]:
        day = max(item.opens, plan.today)
        session = item.session.id if item.session else "next"
        key = f"exercise:{session}:{item.exercise.id}:{item.opens.isoformat()}"
        out.append(Reminder(day, exercise_title(item.exercise.minutes), key))
    upcoming = plan.next_session
    if upcoming is not None:
        day = upcoming.when.astimezone(now.tzinfo).date() - timedelta(days=1)
        if day >= plan.today:
            out.append(Reminder(day, PREPARE, f"prepare:{upcoming.id}:{day.isoformat()}"))
    return sorted(out, key=lambda r: (r.day, r.title))


def _escape(text: str) -> str:
    """TEXT value escaping (RFC 5545 3.3.11)."""
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space (RFC 5545 3.1)."""
    out: list[str] = []
    current, size = "", 0
    for ch in line:
        width = len(ch.encode())
        if size + width > (75 if not out else 74):
            out.append(current)
            current, size = "", 0
        current += ch
        size += width
    out.append(current)
    return "\r\n ".join(out)


def to_ics(items: Iterable[Reminder], now: datetime) -> str:
    """An iCalendar object with one VEVENT (and a morning VALARM) per reminder."""
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ]
    for r in items:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{r.uid}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{r.day:%Y%m%d}",
            f"DTEND;VALUE=DATE:{r.day + timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{_escape(r.title)}",
            f"DESCRIPTION:{_escape(DESCRIPTION)}",
            "TRANSP:TRANSPARENT",
            "CLASS:PRIVATE",
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            f"DESCRIPTION:{_escape(r.title)}",
            f"TRIGGER;RELATED=START:PT{int(REMIND_AT.total_seconds() // 3600)}H",
            "END:VALARM",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)


def plan_ics(plan: Plan, now: datetime) -> str:
    """The plan's reminders as iCalendar text."""
    return to_ics(reminders(plan, now), now)


def default_name(today: date) -> str:
    return f"kapjournal-plan-{today:%Y-%m-%d}.ics"
