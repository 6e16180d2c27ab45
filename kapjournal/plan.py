"""The plan: which exercises to offer after a session and before the next one.

A calm plan, not a to-do list. Only the latest session that has happened gets new suggestions;
its windows close the day before the next logged session, because the newer session is what the
patient is living with. Anything missed is shown as "overdue" for a few days (``GRACE_DAYS``) and
then quietly let go: a skipped week is never held against anyone. Earlier sessions show only what
was done. When nothing is due, a gentle "anytime" exercise is offered.

"Before" exercises open ``BEFORE_DAYS`` days before a session logged in the future; with no future
session logged, one is offered in the week after the latest one (days 8-14), for "your next
session" (``PlanItem.session`` is None then). The committed action ("one small step", an
exercise with ``commitment_step``) is asked about again in that same before-window by its
follow-up exercise (``followup_of``), once, if it was chosen since the latest session.

Choices are deterministic: in each window the exercises never done come first, then those done
longest ago, rotated by the session's place in the course so that sessions vary.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Literal

from kapjournal import dates
from kapjournal.exercises import Catalog, Exercise
from kapjournal.records import DosingSession, Reflection

Status = Literal["due", "overdue", "done", "coming"]

# Days after the session's date (day 0) each window covers.
WINDOWS: dict[str, tuple[int, int]] = {
    "same-day": (0, 0),
    "next-day": (1, 1),
    "days-2-7": (2, 7),
    "week-after": (8, 14),
}
NEXT_SESSION_WINDOW = (8, 14)  # "before" exercises when no future session is logged
SLOTS = {"same-day": 1, "next-day": 1, "days-2-7": 2, "week-after": 1, "before": 2}
GRACE_DAYS = 3  # a missed exercise stays "overdue" this long, then is let go
BEFORE_DAYS = 2  # "before" exercises open this many days before a logged session
REVISIT_AFTER = timedelta(days=7)  # an earlier reflection is at least this old
REVISIT_AIM = timedelta(days=28)  # ...and preferably about this old
EXCERPT_CHARS = 600

_NEVER = datetime.min.replace(tzinfo=UTC)
_ORDER = {"overdue": 0, "due": 1, "coming": 2, "done": 3}
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")  # fmt: skip


@dataclass(frozen=True, slots=True)
class SmallStep:
    """The patient's latest committed action, to ask about before the next session."""

    text: str
    reflection_id: str
    committed: datetime
    session_id: str | None


@dataclass(frozen=True, slots=True)
class PlanItem:
    """One exercise offered (or done) for a session; ``session`` is None for "your next session"."""

    exercise: Exercise
    session: DosingSession | None
    status: Status
    window: str
    opens: date
    closes: date
    reflection_id: str | None = None  # the reflection that did it, when done
    values: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)

    def filled(self) -> Exercise:
        """The exercise with this session's placeholders filled, ready to show."""
        return self.exercise.filled(self.values)


@dataclass(frozen=True, slots=True)
class Plan:
    today: date
    items: tuple[PlanItem, ...]
    small_step: SmallStep | None = None
    next_session: DosingSession | None = None

    def due_today(self) -> list[PlanItem]:
        """What can be done today: overdue first, then due."""
        items = [i for i in self.items if i.status in ("due", "overdue")]
        return sorted(items, key=lambda i: _ORDER[i.status])

    def coming(self) -> list[PlanItem]:
        return [i for i in self.items if i.status == "coming"]

    def done(self) -> list[PlanItem]:
        return [i for i in self.items if i.status == "done"]

    def for_session(self, session_id: str | None) -> list[PlanItem]:
        return [i for i in self.items if (i.session.id if i.session else None) == session_id]


def _day(moment: datetime, now: datetime) -> date:
    """The calendar day of a moment, in the patient's time zone (the clock's)."""
    return dates.in_zone(moment, now.tzinfo).date()


def _long_date(day: date, today: date) -> str:
    text = f"{_DAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]}"
    return text if day.year == today.year else f"{text} {day.year}"


class _Finished(list[Reflection]):
    """Non-draft reflections already in time order: sorted once per plan, not per question."""


def _finished(reflections: Iterable[Reflection]) -> _Finished:
    if isinstance(reflections, _Finished):
        return reflections
    return _Finished(
        sorted((r for r in reflections if not r.draft), key=lambda r: (r.created, r.id))
    )


def latest_small_step(reflections: Iterable[Reflection], catalog: Catalog) -> SmallStep | None:
    """The answer to the commitment step of the latest non-draft commitment exercise."""
    for r in reversed(_finished(reflections)):
        exercise = catalog.get(r.exercise_id)
        if exercise is None or exercise.commitment_step is None:
            continue
        index = exercise.commitment_step - 1
        text = r.answers[index].strip() if index < len(r.answers) else ""
        if text:
            return SmallStep(text, r.id, r.created, r.session_id)
    return None


def earlier_reflection(
    reflections: Iterable[Reflection], now: datetime, catalog: Catalog | None = None
) -> Reflection | None:
    """A reflection worth rereading: at least a week old, as close to a month old as there is."""
    aim = now - REVISIT_AIM

    def revisit(r: Reflection) -> bool:
        exercise = catalog.get(r.exercise_id) if catalog else None
        return exercise is not None and "earlier_reflection" in exercise.needs

    def fits(r: Reflection) -> bool:
        return r.created <= latest and bool(r.text.strip()) and not revisit(r)

    # In time order, the nearest on each side of the aim are found by walking out from it (not by
    # reading all the text of every reflection); the earlier one wins a tie, as min() would.
    found, latest = _finished(reflections), now - REVISIT_AFTER
    at = bisect_left(found, aim, key=lambda r: r.created)
    before = next((k for k in range(at - 1, -1, -1) if fits(found[k])), None)
    if before is not None:  # of several at the same instant, the first in order
        k, tied = before, found[before].created
        while k and found[k - 1].created == tied:
            k -= 1
            if fits(found[k]):
                before = k
    after = next((k for k in range(at, len(found)) if fits(found[k])), None)
    sides = [found[k] for k in (before, after) if k is not None]
    return min(sides, key=lambda r: abs(r.created - aim), default=None)


def _excerpt(text: str) -> str:
    text = text.strip()
    if len(text) <= EXCERPT_CHARS:
        return text
    cut = text[:EXCERPT_CHARS].rsplit(None, 1)[0]
    return cut.rstrip() + " …"


def placeholder_values(
    session: DosingSession | None,
    reflections: Sequence[Reflection],
    now: datetime,
    catalog: Catalog | None = None,
) -> dict[str, str]:
    """Values for an exercise's placeholders; a missing key means "no value" (fallback text).

    ``catalog`` is needed for ``{small_step}``, since it says which exercise holds the step.
    """
    return {**journal_values(reflections, now, catalog), **session_values(session, now)}


def session_values(session: DosingSession | None, now: datetime) -> dict[str, str]:
    """The placeholders that come from one session."""
    values: dict[str, str] = {}
    if session is None:
        return values
    today = now.date()
    day = _day(session.when, now)
    if session.intention.strip():
        values["intention"] = session.intention.strip()
    values["session"] = f"session {session.number}" if session.number else "your session"
    if session.number:
        values["session_number"] = str(session.number)
    values["session_date"] = _long_date(day, today)
    days = (today - day).days
    if days >= 0:
        values["days_since_session"] = str(days)
        values["session_ago"] = {0: "today", 1: "yesterday"}.get(days, f"{days} days ago")
    return values


def journal_values(
    reflections: Sequence[Reflection],
    now: datetime,
    catalog: Catalog | None = None,
    step: SmallStep | None = None,
) -> dict[str, str]:
    """The placeholders that come from the whole journal (the same for every session);
    ``step``: the latest small step, when the caller has already found it."""
    values: dict[str, str] = {}
    if step is None and catalog is not None:
        step = latest_small_step(reflections, catalog)
    if step is not None:
        values["small_step"] = step.text
    if earlier := earlier_reflection(reflections, now, catalog):
        values["earlier_reflection"] = _excerpt(earlier.text)
        values["earlier_reflection_date"] = "on " + _long_date(
            _day(earlier.created, now), now.date()
        )
    return values


def _pick(
    candidates: list[Exercise],
    history: list[Reflection],
    before: date,
    count: int,
    offset: int,
    now: datetime,
) -> list[Exercise]:
    """Never-done first, then least recently done; ties rotate with ``offset`` for variety."""
    if count <= 0 or not candidates:
        return []
    last: dict[str, datetime] = {}
    for r in history:
        if r.exercise_id and _day(r.created, now) < before:
            last[r.exercise_id] = r.created
    n = len(candidates)
    order = sorted(range(n), key=lambda i: (last.get(candidates[i].id, _NEVER), (i - offset) % n))
    return [candidates[i] for i in order[:count]]


class _Builder:
    def __init__(
        self,
        sessions: Sequence[DosingSession],
        reflections: Sequence[Reflection],
        catalog: Catalog,
        now: datetime,
    ) -> None:
        self.catalog, self.now, self.today = catalog, now, now.date()
        finished = _finished(reflections)
        self.reflections = reflections
        self.finished = [r for r in finished if catalog.get(r.exercise_id)]
        self.past = sorted((s for s in sessions if s.when <= now), key=lambda s: s.when)
        future = sorted((s for s in sessions if s.when > now), key=lambda s: s.when)
        self.upcoming = future[0] if future else None
        self.latest = self.past[-1] if self.past else None
        self.step = latest_small_step(finished, catalog)
        self.shared_values = journal_values(finished, now, catalog, self.step)
        self.items: list[PlanItem] = []
        self.claimed: set[str] = set()

    def values(self, session: DosingSession | None) -> dict[str, str]:
        return {**self.shared_values, **session_values(session, self.now)}

    def exercise(self, r: Reflection) -> Exercise:
        found = self.catalog.get(r.exercise_id)
        assert found is not None  # self.finished holds only known exercises
        return found

    def slot(
        self,
        window: str,
        session: DosingSession | None,
        opens: date,
        closes: date,
        *,
        count: int,
        offset: int,
        done_if: Mapping[str | None, bool],
    ) -> None:
        """Done items for one window, then fresh picks to fill it, with their status."""
        values = self.values(session)
        done: dict[str, Reflection] = {}
        for r in self.finished:
            if r.id in self.claimed or self.exercise(r).timing != window:
                continue
            in_window = opens <= _day(r.created, self.now) <= closes + timedelta(GRACE_DAYS)
            if done_if.get(r.session_id) is True or (in_window and r.session_id in done_if):
                self.claimed.add(r.id)
                done.setdefault(r.exercise_id or "", r)
        for r in done.values():
            self.add(self.exercise(r), session, "done", window, opens, closes, values, r.id)
        if closes < opens or self.today > closes + timedelta(GRACE_DAYS):
            return  # no room before the next session, or missed: let it go
        status: Status = "coming" if self.today < opens else "due"
        if self.today > closes:
            status = "overdue"
        counted = [i for i in done if self.catalog.exercises[i].followup_of is None]
        candidates = [
            e
            for e in self.catalog.by_timing(window)
            if e.id not in done and e.followup_of is None and e.needs <= values.keys()
        ]
        for e in _pick(candidates, self.finished, opens, count - len(counted), offset, self.now):
            self.add(e, session, status, window, opens, closes, values)
        if window == "before" and self.step and "small_step" in values:
            fresh = self.latest is None or self.step.committed >= self.latest.when
            asked = any(
                self.exercise(r).followup_of and r.created > self.step.committed
                for r in self.finished
            )
            if fresh and not asked:
                for e in self.catalog.by_timing("before"):
                    if e.followup_of and e.id not in done and e.needs <= values.keys():
                        self.add(e, session, status, window, opens, closes, values)

    def add(
        self,
        exercise: Exercise,
        session: DosingSession | None,
        status: Status,
        window: str,
        opens: date,
        closes: date,
        values: Mapping[str, str],
        reflection_id: str | None = None,
    ) -> None:
        item = PlanItem(exercise, session, status, window, opens, closes, reflection_id, values)
        self.items.append(item)

    def history(self, session: DosingSession) -> None:
        """What was done for a session, outside the windows already shown."""
        values = self.values(session)
        for r in self.finished:
            if r.session_id == session.id and r.id not in self.claimed:
                self.claimed.add(r.id)
                day = _day(r.created, self.now)
                exercise = self.exercise(r)
                self.add(exercise, session, "done", exercise.timing, day, day, values, r.id)

    def build(self) -> Plan:
        latest, upcoming = self.latest, self.upcoming
        done_if: dict[str | None, bool] = {None: False}
        if latest is not None:
            done_if[latest.id] = False
        if upcoming is not None:
            closes = _day(upcoming.when, self.now)
            opens = closes - timedelta(BEFORE_DAYS)
            if latest is not None:
                opens = max(opens, _day(latest.when, self.now) + timedelta(1))
            done_if[upcoming.id] = True
            count = SLOTS["before"]
        elif latest is not None:
            start = _day(latest.when, self.now)
            opens, closes = (start + timedelta(d) for d in NEXT_SESSION_WINDOW)
            count = SLOTS["before"] - 1  # no date yet: one gentle nudge is enough
        if latest is not None or upcoming is not None:
            offset = max(0, len(self.past) - 1)
            self.slot(
                "before", upcoming, opens, closes, count=count, offset=offset, done_if=done_if
            )
        if latest is not None:
            start = _day(latest.when, self.now)
            limit = _day(upcoming.when, self.now) - timedelta(1) if upcoming else None
            for window, (first, last) in WINDOWS.items():
                opens, closes = start + timedelta(first), start + timedelta(last)
                self.slot(
                    window,
                    latest,
                    opens,
                    min(closes, limit or closes),
                    count=SLOTS[window],
                    offset=len(self.past) - 1,
                    done_if={latest.id: True, None: False},
                )
        for session in self.past:
            self.history(session)
        self.anytime()
        order = {w: i for i, w in enumerate(["before", *WINDOWS, "anytime"])}
        self.items.sort(key=lambda i: (i.opens, order.get(i.window, 0)))
        return Plan(self.today, tuple(self.items), self.step, upcoming)

    def anytime(self) -> None:
        """Something gentle to do on a day when nothing else is due."""
        if any(i.status in ("due", "overdue") for i in self.items):
            return
        values = self.values(self.latest)
        today_done = [
            r
            for r in self.finished
            if self.exercise(r).timing == "anytime" and _day(r.created, self.now) == self.today
        ]
        for r in today_done:
            if r.id not in self.claimed:
                self.claimed.add(r.id)
                self.add(
                    self.exercise(r), None, "done", "anytime", self.today, self.today, values, r.id
                )
        if today_done or any(_day(r.created, self.now) == self.today for r in self.finished):
            return  # something was done today already; that is enough
        count = 1 if self.past else 2
        candidates = [e for e in self.catalog.by_timing("anytime") if e.needs <= values.keys()]
        offset = self.today.toordinal()
        for e in _pick(candidates, self.finished, self.today, count, offset, self.now):
            self.add(e, None, "due", "anytime", self.today, self.today, values)


def build_plan(
    sessions: Sequence[DosingSession],
    reflections: Sequence[Reflection],
    catalog: Catalog,
    now: datetime,
) -> Plan:
    """The plan as of ``now`` (timezone-aware; its zone decides what "today" is).

    Records dated outside 1900-2100 (a typo stored by an older version) play no part in it:
    the windows around them would fall off the calendar.
    """
    sessions = [s for s in sessions if dates.in_bounds(s.when)]
    reflections = [r for r in reflections if dates.in_bounds(r.created)]
    return _Builder(sessions, reflections, catalog, now).build()


def open_small_step(reflections: Iterable[Reflection], catalog: Catalog) -> SmallStep | None:
    """The latest small step while no follow-up of it has been written; then None.

    A newer small step replaces an older one (the follow-up asks about the latest), so at most one
    step is open at a time.
    """
    finished = _finished(reflections)
    step = latest_small_step(finished, catalog)
    if step is None:
        return None
    made = next((r for r in finished if r.id == step.reflection_id), None)
    chosen_in = made.exercise_id if made is not None else None
    for r in finished:
        exercise = catalog.get(r.exercise_id)
        if (
            exercise is not None
            and exercise.followup_of == chosen_in
            and r.created > step.committed
        ):
            return None
    return step
