"""Building the summary from plain lists of records: the privacy rule and every number.

Everything a renderer shows is decided here, once, so Markdown, HTML and FHIR JSON can never
disagree about what is shared. The privacy rule is :func:`_pick_reflections`: with
``include="shared"`` a reflection not marked ``share=True`` never reaches the model; with
``"scores"`` no free text at all does (no reflections, intentions, notes); drafts never do.

The range decides what is listed. Two things look a little past it, because a clinician reading
the range needs them and they carry no text: the mood windows around a session (the week before
and the week after, whatever range was chosen, so a session's figures do not change with the
range) and the one score before the range that the first score in it is compared with.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta, tzinfo
from typing import TypeVar

from kapjournal import dates, measures, trends
from kapjournal.records import (
    ROUTE_LABELS,
    Assessment,
    CheckIn,
    DosingSession,
    Record,
    Reflection,
)
from kapjournal.summary.model import (
    DEFAULT_COMMITMENTS,
    DEFAULT_FOLLOWUPS,
    DEFAULT_INTENTIONS,
    DEFAULT_REVIEWS,
    INCLUDES,
    NO_MOOD,
    TALK_TAG,
    WEEKLY_AFTER_DAYS,
    AssessmentItem,
    CheckInItem,
    Commitment,
    Flag,
    MoodTrend,
    MoodWindow,
    ReflectionItem,
    ScoreMove,
    ScorePoint,
    ScoreRow,
    SessionRow,
    Summary,
    clean,
    long_date,
)

_R = TypeVar("_R", DosingSession, Reflection, CheckIn, Assessment)
WEEK = 7
KIND_ORDER = ("session", "reflection", "checkin", "assessment")


def commitments_from(catalog: object) -> tuple[dict[str, int], dict[str, str]]:
    """Commitment steps and follow-ups from an ``exercises.Catalog`` (duck-typed, stays pure)."""
    exercises = getattr(catalog, "exercises", {}).values()
    steps = {e.id: e.commitment_step for e in exercises if e.commitment_step}
    follow = {e.id: e.followup_of for e in exercises if e.followup_of}
    return steps, follow


def questions_from(catalog: object) -> dict[str, tuple[str, ...]]:
    """Each exercise's step texts (placeholders unfilled), so answers can sit beside them."""
    exercises = getattr(catalog, "exercises", {}).values()
    return {e.id: tuple(e.steps) for e in exercises}


def digest_of(records: Iterable[Record]) -> str:
    """SHA-256 of the ids and versions drawn on: what a share log keeps instead of every id."""
    lines = sorted(f"{r.id} {r.updated.isoformat()}" for r in records)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def build_summary(
    *,
    sessions: Sequence[DosingSession],
    reflections: Sequence[Reflection],
    checkins: Sequence[CheckIn],
    assessments: Sequence[Assessment],
    since: date,
    until: date,
    include: str = "shared",
    today: date,
    tz: tzinfo | None = None,
    commitment_steps: Mapping[str, int] = DEFAULT_COMMITMENTS,
    followups: Mapping[str, str] = DEFAULT_FOLLOWUPS,
    questions: Mapping[str, Sequence[str]] | None = None,
    intentions: Mapping[str, int] = DEFAULT_INTENTIONS,
    reviews: Mapping[str, int] = DEFAULT_REVIEWS,
    made: datetime | None = None,
) -> Summary:
    """What the patient shares for ``since``..``until`` (inclusive days), ``include`` deciding text."""
    if include not in INCLUDES:
        raise ValueError(f"include must be one of: {', '.join(INCLUDES)}")
    if until < since:
        raise ValueError("the end of the range cannot be before its start")
    tz = dates.for_many(tz)  # the same local days, without a Python call per record

    def inside(records: Iterable[_R]) -> list[_R]:
        return sorted(
            (r for r in records if since <= trends.day_of(r.at, tz) <= until), key=lambda r: r.at
        )

    s_in, c_in, a_in = inside(sessions), inside(checkins), inside(assessments)
    all_sessions = sorted(sessions, key=lambda s: s.when)
    numbers = {s.id: s.number for s in sessions}
    chosen = _pick_reflections(inside(reflections), include)
    texts = include != "scores"
    items = [_reflection_item(r, numbers, questions, tz) for r in chosen]
    talk = tuple(i for i in items if any(t.casefold().lstrip("#@") == TALK_TAG for t in i.tags))
    talk_ids = {i.id for i in talk}
    rest = tuple(i for i in items if i.id not in talk_ids)
    history = _History(assessments, tz)
    scores = _scores(a_in, history, tz)
    assessed = tuple(_assessment_item(a, history, tz) for a in a_in)
    used = [i for i in measures.INSTRUMENTS if any(a.instrument == i for a in a_in)]
    commitments = _commitments(chosen, commitment_steps, followups, tz)
    windows = _MoodWindows(checkins, tz)
    drawn: dict[str, Record] = {r.id: r for group in (s_in, c_in, a_in, chosen) for r in group}
    threads = [r for r in chosen if r.exercise_id in intentions or r.exercise_id in reviews]
    rows = []
    for s in s_in:
        index = next(i for i, x in enumerate(all_sessions) if x.id == s.id)
        earlier = all_sessions[index - 1].when if index else None
        later = all_sessions[index + 1].when if index + 1 < len(all_sessions) else None
        row = _session_row(s, texts, include == "all", tz, windows, drawn)
        rows.append(
            _thread(
                row, s, earlier, later, threads, commitments, intentions, reviews, history, drawn
            )
        )
    counts = Counter(r.kind for r in drawn.values())
    return Summary(
        since=since,
        until=until,
        today=today,
        include=include,
        flags=_flags(assessed, s_in, tz),
        scores=scores,
        mood=_mood(c_in, s_in, since, until, tz),
        sessions=tuple(rows),
        reflections=rest,
        talk=talk,
        commitments=commitments,
        assessments=assessed,
        checkins=tuple(
            CheckInItem(
                c.id,
                c.created.isoformat(),
                c.mood,
                c.anxiety,
                c.energy,
                clean(c.note) if include == "all" else "",
                trends.day_of(c.created, tz),
            )
            for c in c_in
        ),
        attributions=_attributions(used),
        item_ids=tuple(drawn),
        counts=tuple((k, counts[k]) for k in KIND_ORDER if counts[k]),
        digest=digest_of(drawn.values()),
        made=made.isoformat(timespec="seconds") if made is not None else "",
    )


# --- the parts ---------------------------------------------------------------------------------


def _pick_reflections(found: Iterable[Reflection], include: str) -> list[Reflection]:
    """The privacy rule: drafts never; "scores" no text; "shared" only what the patient shared."""
    if include == "scores":
        return []
    return [r for r in found if not r.draft and (include == "all" or r.share is True)]


def _reflection_item(
    r: Reflection,
    numbers: Mapping[str, int],
    questions: Mapping[str, Sequence[str]] | None,
    tz: tzinfo | None,
) -> ReflectionItem:
    number = numbers.get(r.session_id) if r.session_id else None
    parts: list[tuple[str, str]] = []
    if r.answers:
        asked = _questions(questions, r.exercise_id, number)
        for i, answer in enumerate(r.answers):
            answer = clean(answer)
            if answer:
                parts.append((asked[i] if i < len(asked) else f"Step {i + 1}", answer))
    body = clean(r.body)
    if body:
        parts.append(("", body))
    return ReflectionItem(
        id=r.id,
        when=r.created.isoformat(),
        day=trends.day_of(r.created, tz),
        title=clean(r.title),
        text="\n\n".join(answer for _question, answer in parts),
        tags=tuple(t for t in (clean(t) for t in r.tags) if t),
        shared=r.share,
        session_number=number,
        parts=tuple(parts),
    )


def _questions(
    questions: Mapping[str, Sequence[str]] | None, exercise_id: str | None, number: int | None
) -> tuple[str, ...]:
    """The exercise's steps as a reader can follow them: placeholders filled where we can."""
    steps = (questions or {}).get(exercise_id or "")
    if not steps:
        return ()
    from kapjournal.exercises import fill

    values = {"session": f"session {number}"} if number else {}
    if number:
        values["session_number"] = str(number)
    return tuple(clean(fill(step, values)) for step in steps)


class _History:
    """Every score of every instrument in time order, to find the one before a given score."""

    def __init__(self, assessments: Iterable[Assessment], tz: tzinfo | None) -> None:
        self.tz = tz
        self.by_instrument: dict[str, list[Assessment]] = defaultdict(list)
        for a in sorted(assessments, key=lambda a: a.created):
            self.by_instrument[a.instrument].append(a)
        self.scores = {
            a.id: measures.rescore(a) for group in self.by_instrument.values() for a in group
        }

    def previous(self, a: Assessment) -> Assessment | None:
        series = self.by_instrument[a.instrument]
        i = next(i for i, x in enumerate(series) if x.id == a.id)
        return series[i - 1] if i else None

    def point(self, a: Assessment) -> ScorePoint:
        scored = self.scores[a.id]
        return ScorePoint(trends.day_of(a.created, self.tz), scored.score, scored.band_label)

    def change(self, a: Assessment) -> measures.Change | None:
        before = self.previous(a)
        if before is None:
            return None
        return measures.change(a.instrument, self.scores[before.id].score, self.scores[a.id].score)

    def around(
        self, instrument: str, when: datetime, until: datetime | None
    ) -> tuple[Assessment | None, Assessment | None]:
        """The last score before ``when`` and the first after it (before ``until``, if given)."""
        series = self.by_instrument.get(instrument, [])
        before = next((a for a in reversed(series) if a.created < when), None)
        after = next(
            (a for a in series if a.created >= when and (until is None or a.created < until)),
            None,
        )
        return before, after


def _clusters(a: Assessment) -> tuple[tuple[str, str, int], ...]:
    if a.instrument != "pcl5":
        return ()
    totals = measures.pcl5_clusters(a.answers)
    return tuple((key, name, totals[key]) for key, name, _items in measures.PCL5_CLUSTERS)


def _scores(
    found: Sequence[Assessment], history: _History, tz: tzinfo | None
) -> tuple[ScoreRow, ...]:
    rows = []
    for inst in measures.INSTRUMENTS.values():
        series = [a for a in found if a.instrument == inst.id]
        if not series:
            continue
        points = tuple(history.point(a) for a in series)
        first, last = points[0].score, points[-1].score
        before = history.previous(series[-1])
        rows.append(
            ScoreRow(
                instrument=inst.id,
                name=inst.name,
                points=points,
                band=points[-1].band,
                change=last - first,
                change_pct=(last - first) / first * 100 if first else None,
                response=(
                    measures.response(first, last)
                    if len(points) > 1 and inst.id != "pcl5"
                    else None
                ),
                remission=measures.remission(inst.id, last),
                previous=history.point(before) if before is not None else None,
                last_change=history.change(series[-1]),
                clusters=_clusters(series[-1]),
            )
        )
    return tuple(rows)


def _assessment_item(a: Assessment, history: _History, tz: tzinfo | None) -> AssessmentItem:
    scored = history.scores[a.id]
    return AssessmentItem(
        id=a.id,
        when=a.created.isoformat(),
        day=trends.day_of(a.created, tz),
        instrument=a.instrument,
        answers=tuple(a.answers),
        score=scored.score,
        band=scored.band_label,
        flags=scored.flags,
        change=history.change(a),
        clusters=_clusters(a),
    )


def _flags(
    assessed: Sequence[AssessmentItem], sessions: Sequence[DosingSession], tz: tzinfo | None
) -> tuple[Flag, ...]:
    """Question 9 above 0; any meaningful worsening against the score before; side effects."""
    flags: list[Flag] = []
    labels = {o.value: o.label for o in measures.PHQ9.options}
    for a in assessed:
        if a.instrument == "phq9" and measures.FLAG_PHQ9_ITEM9 in a.flags:
            answer = labels.get(a.answers[8], str(a.answers[8]))
            flags.append(
                Flag(
                    "phq9_item9",
                    a.day,
                    f"PHQ-9 question 9 (thoughts of being better off dead or of self-harm) "
                    f'answered "{answer}" on {long_date(a.day)}.',
                )
            )
    by_id: dict[str, list[AssessmentItem]] = defaultdict(list)
    for a in assessed:
        by_id[a.instrument].append(a)
    for instrument, series in by_id.items():
        name = measures.instrument(instrument).name
        for i, a in enumerate(series):
            if a.change is None or not a.change.worse:
                continue
            when = f" ({long_date(series[i - 1].day)})" if i else " (before this period)"
            flags.append(
                Flag(
                    "worse",
                    a.day,
                    f"{name} rose from {a.change.previous}{when} to {a.change.latest} "
                    f"({long_date(a.day)}), {a.change.delta} points: a meaningful worsening by "
                    f"its usual rule ({measures.MEANINGFUL_CHANGE[instrument]} points or more).",
                )
            )
    for s in sessions:
        if s.side_effects:
            day = trends.day_of(s.when, tz)
            effects = ", ".join(sorted(s.side_effects))
            flags.append(
                Flag(
                    "side_effects",
                    day,
                    f"Side effects logged for session {s.number} ({long_date(day)}): {effects}.",
                )
            )
    order = {"phq9_item9": 0, "worse": 1, "side_effects": 2}
    return tuple(sorted(flags, key=lambda f: (order[f.kind], f.day)))


def _mood(
    found: Sequence[CheckIn],
    sessions: Sequence[DosingSession],
    since: date,
    until: date,
    tz: tzinfo | None,
) -> MoodTrend:
    daily = trends.daily_series(found, since, until, tz=tz).values
    positions = trends.session_positions(sessions, since, until, tz=tz)
    per = "day"
    shown: Sequence[float | None] = daily
    marks: Iterable[int] = positions
    if len(daily) > WEEKLY_AFTER_DAYS:
        per = "week"
        shown = [_avg(daily[i : i + 7]) for i in range(0, len(daily), 7)]
        marks = {p // 7 for p in positions}
    present = [v for v in daily if v is not None]
    week = trends.change_since_first_week(found, until, tz=tz)
    return MoodTrend(
        start=since,
        daily=daily,
        session_days=positions,
        spark=trends.sparkline(shown),
        markers=trends.marker_line(marks, len(shown)),
        per=per,
        days_with_data=len(present),
        mean=sum(present) / len(present) if present else None,
        first_week=week.first_week,
        last_week=week.last_week,
    )


def _avg(values: Sequence[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


class _MoodWindows:
    """Mood around a session from every check-in, in fixed windows (the range plays no part).

    The week before is the mean of the daily means of the 7 days before the session day, plus
    the check-ins on the session day written before it began (as one more day), as in
    :func:`trends.session_response`; the same day counts check-ins from the session's start on.
    """

    def __init__(self, checkins: Iterable[CheckIn], tz: tzinfo | None) -> None:
        self.tz = tz
        self.by_day: dict[date, list[CheckIn]] = defaultdict(list)
        for c in checkins:
            self.by_day[trends.day_of(c.created, tz)].append(c)

    def around(self, s: DosingSession, used: dict[str, Record]) -> dict[str, MoodWindow]:
        day = trends.day_of(s.when, self.tz)
        today = self.by_day.get(day, [])
        # A check-in the patient filed as "after this session" counts as after it, even if the
        # session's time was entered later than the check-in's (a session logged from memory).
        after = [
            c
            for c in today
            if c.created >= s.when or (c.session_id == s.id and c.context == "after-session")
        ]
        later_ids = {c.id for c in after}
        earlier = [c for c in today if c.id not in later_ids]
        later = after
        means, count = [], 0
        for offset in range(WEEK, 0, -1):
            found = self.by_day.get(day - timedelta(days=offset), [])
            if found:
                means.append(sum(c.mood for c in found) / len(found))
                count += len(found)
                used.update((c.id, c) for c in found)
        if earlier:
            means.append(sum(c.mood for c in earlier) / len(earlier))
            count += len(earlier)
            used.update((c.id, c) for c in earlier)
        out = {"before": MoodWindow(sum(means) / len(means), count) if means else NO_MOOD}
        out["same_day"] = self._window(later, used)
        for key, offset in (("day1", 1), ("day3", 3), ("day7", 7)):
            out[key] = self._window(self.by_day.get(day + timedelta(days=offset), []), used)
        return out

    @staticmethod
    def _window(found: Sequence[CheckIn], used: dict[str, Record]) -> MoodWindow:
        if not found:
            return NO_MOOD
        used.update((c.id, c) for c in found)
        return MoodWindow(sum(c.mood for c in found) / len(found), len(found))


def _session_row(
    s: DosingSession,
    texts: bool,
    everything: bool,
    tz: tzinfo | None,
    windows: _MoodWindows,
    used: dict[str, Record],
) -> SessionRow:
    details: tuple[tuple[str, str], ...] = ()
    if everything:
        pairs = (
            ("setting", s.setting),
            ("support", s.support),
            ("blood pressure before", s.bp_before),
            ("blood pressure after", s.bp_after),
            ("notes", s.notes),
        )
        details = tuple((k, clean(v)) for k, v in pairs if clean(v))
    row = SessionRow(
        id=s.id,
        when=s.when.isoformat(),
        day=trends.day_of(s.when, tz),
        number=s.number,
        route=ROUTE_LABELS.get(s.route, s.route),
        dose=clean(s.dose),
        intention=clean(s.intention) if texts else "",
        dissociation=s.dissociation,
        side_effects=tuple(sorted(s.side_effects)),
        details=details,
    )
    return _replace(row, **windows.around(s, used))


def _linked(
    r: Reflection | Commitment,
    session: DosingSession,
    after: datetime | None,
    before: datetime | None,
) -> bool:
    """Written for this session: linked to it, or unlinked and written between the two times."""
    if r.session_id is not None:
        return r.session_id == session.id
    when = datetime.fromisoformat(r.when) if isinstance(r, Commitment) else r.created
    return (after is None or when > after) and (before is None or when <= before)


def _answer(r: Reflection, step: int) -> str:
    """The answer to a 1-based step, else the first answer given."""
    if 0 < step <= len(r.answers) and clean(r.answers[step - 1]):
        return clean(r.answers[step - 1])
    return next((clean(a) for a in r.answers if clean(a)), "")


def _thread(
    row: SessionRow,
    s: DosingSession,
    earlier: datetime | None,
    later: datetime | None,
    chosen: Sequence[Reflection],
    commitments: Sequence[Commitment],
    intentions: Mapping[str, int],
    reviews: Mapping[str, int],
    history: _History,
    used: dict[str, Record],
) -> SessionRow:
    """The session's thread: intention → what the review said → small step → what came of it."""
    intention = row.intention
    if not intention:
        found = [
            r for r in chosen if r.exercise_id in intentions and _linked(r, s, earlier, s.when)
        ]
        if found:
            intention = _answer(found[-1], intentions[found[-1].exercise_id or ""])
    review = next(
        (
            _answer(r, reviews[r.exercise_id or ""])
            for r in chosen
            if r.exercise_id in reviews and r.created >= s.when and _linked(r, s, s.when, later)
        ),
        "",
    )
    step = next(
        (
            c
            for c in commitments
            if datetime.fromisoformat(c.when) >= s.when and _linked(c, s, s.when, later)
        ),
        None,
    )
    moves = []
    for inst in measures.INSTRUMENTS.values():
        before, after = history.around(inst.id, s.when, later)
        if before is None or after is None:
            continue
        used[before.id], used[after.id] = before, after
        b, a = history.point(before), history.point(after)
        moves.append(ScoreMove(inst.name, b, a, measures.change(inst.id, b.score, a.score)))
    return _replace(
        row,
        intention=intention,
        review=review,
        step=step.text if step else "",
        outcome=step.outcome if step else "",
        followed_up=step.followed_up if step else None,
        scores=tuple(moves),
    )


def _replace(row: SessionRow, **changes: object) -> SessionRow:
    return dataclasses.replace(row, **changes)  # type: ignore[arg-type]


def _commitments(
    chosen: Sequence[Reflection],
    steps: Mapping[str, int],
    followups: Mapping[str, str],
    tz: tzinfo | None,
) -> tuple[Commitment, ...]:
    """Each committed action, looked back on by the first follow-up after it (before the next)."""
    made = [r for r in chosen if r.exercise_id in steps]
    out = []
    for i, r in enumerate(made):
        assert r.exercise_id is not None
        step = steps[r.exercise_id] - 1
        text = clean(r.answers[step]) if step < len(r.answers) else ""
        if not text:
            continue
        later = [m.created for m in made[i + 1 :] if m.exercise_id == r.exercise_id]
        end = later[0] if later else None
        back = next(
            (
                f
                for f in chosen
                if followups.get(f.exercise_id or "") == r.exercise_id
                and f.created > r.created
                and (end is None or f.created < end)
            ),
            None,
        )
        outcome = clean(back.answers[0]) if back is not None and back.answers else ""
        out.append(
            Commitment(
                reflection_id=r.id,
                when=r.created.isoformat(),
                day=trends.day_of(r.created, tz),
                text=text,
                followed_up=trends.day_of(back.created, tz) if back is not None else None,
                outcome=outcome,
                session_id=r.session_id,
            )
        )
    return tuple(out)


def _attributions(used: Sequence[str]) -> tuple[tuple[str, str], ...]:
    """PHQ-9 and GAD-7 always (they share one attribution); PCL-5 when it appears.

    PCL-5's published attribution already starts with its name, so it is not named twice.
    """
    out = [("PHQ-9 and GAD-7", measures.PHQ9.attribution)]
    if "pcl5" in used:
        text = measures.PCL5.attribution
        out.append(("PCL-5", text.removeprefix("PCL-5:").strip()))
    return tuple(out)
