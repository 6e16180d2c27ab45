"""Building the summary from plain lists of records: the privacy rule and every number.

Everything a renderer shows is decided here, once, so Markdown, HTML and FHIR JSON can never
disagree about what is shared. The privacy rule is :func:`_pick_reflections`: with
``include="shared"`` a reflection not marked ``share=True`` never reaches the model; with
``"scores"`` no free text at all does (no reflections, intentions, notes); drafts never do.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, tzinfo
from typing import TypeVar

from kapjournal import measures, trends
from kapjournal.records import ROUTE_LABELS, Assessment, CheckIn, DosingSession, Reflection
from kapjournal.summary.model import (
    DEFAULT_COMMITMENTS,
    DEFAULT_FOLLOWUPS,
    INCLUDES,
    TALK_TAG,
    WEEKLY_AFTER_DAYS,
    WORSE_BY,
    AssessmentItem,
    CheckInItem,
    Commitment,
    Flag,
    MoodTrend,
    ReflectionItem,
    ScorePoint,
    ScoreRow,
    SessionRow,
    Summary,
    clean,
    long_date,
)

_R = TypeVar("_R", DosingSession, Reflection, CheckIn, Assessment)


def commitments_from(catalog: object) -> tuple[dict[str, int], dict[str, str]]:
    """Commitment steps and follow-ups from an ``exercises.Catalog`` (duck-typed, stays pure)."""
    exercises = getattr(catalog, "exercises", {}).values()
    steps = {e.id: e.commitment_step for e in exercises if e.commitment_step}
    follow = {e.id: e.followup_of for e in exercises if e.followup_of}
    return steps, follow


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
) -> Summary:
    """What the patient shares for ``since``..``until`` (inclusive days), ``include`` deciding text.

    Only records inside the range count, even for baselines and mood before a session: the
    patient chose the range, and nothing outside it should shape what they send.
    """
    if include not in INCLUDES:
        raise ValueError(f"include must be one of: {', '.join(INCLUDES)}")
    if until < since:
        raise ValueError("the end of the range cannot be before its start")

    def inside(records: Iterable[_R]) -> list[_R]:
        return sorted(
            (r for r in records if since <= trends.day_of(r.at, tz) <= until), key=lambda r: r.at
        )

    s_in, c_in, a_in = inside(sessions), inside(checkins), inside(assessments)
    numbers = {s.id: s.number for s in sessions}
    chosen = _pick_reflections(inside(reflections), include)
    texts = include != "scores"
    items = [_reflection_item(r, numbers, tz) for r in chosen]
    talk = tuple(i for i in items if any(t.casefold().lstrip("#@") == TALK_TAG for t in i.tags))
    talk_ids = {i.id for i in talk}
    rest = tuple(i for i in items if i.id not in talk_ids)
    scores = _scores(a_in, tz)
    used = [i for i in measures.INSTRUMENTS if any(a.instrument == i for a in a_in)]
    return Summary(
        since=since,
        until=until,
        today=today,
        include=include,
        flags=_flags(a_in, s_in, scores, tz),
        scores=scores,
        mood=_mood(c_in, s_in, since, until, tz),
        sessions=tuple(
            _session_row(s, r, texts, include == "all", tz)
            for s, r in zip(s_in, trends.session_responses(c_in, s_in, tz=tz), strict=True)
        ),
        reflections=rest,
        talk=talk,
        commitments=_commitments(chosen, commitment_steps, followups, tz),
        assessments=tuple(_assessment_item(a, tz) for a in a_in),
        checkins=tuple(
            CheckInItem(
                c.id,
                c.created.isoformat(),
                c.mood,
                c.anxiety,
                c.energy,
                clean(c.note) if include == "all" else "",
            )
            for c in c_in
        ),
        attributions=_attributions(used),
        item_ids=tuple(r.id for group in (s_in, c_in, a_in, chosen) for r in group),
    )


# --- the parts ---------------------------------------------------------------------------------


def _pick_reflections(found: Iterable[Reflection], include: str) -> list[Reflection]:
    """The privacy rule: drafts never; "scores" no text; "shared" only what the patient shared."""
    if include == "scores":
        return []
    return [r for r in found if not r.draft and (include == "all" or r.share is True)]


def _reflection_item(
    r: Reflection, numbers: Mapping[str, int], tz: tzinfo | None
) -> ReflectionItem:
    return ReflectionItem(
        id=r.id,
        when=r.created.isoformat(),
        day=trends.day_of(r.created, tz),
        title=clean(r.title),
        text=clean(r.text),
        tags=tuple(t for t in (clean(t) for t in r.tags) if t),
        shared=r.share,
        session_number=numbers.get(r.session_id) if r.session_id else None,
    )


def _scores(found: Sequence[Assessment], tz: tzinfo | None) -> tuple[ScoreRow, ...]:
    rows = []
    for inst in measures.INSTRUMENTS.values():
        series = trends.score_series(found, inst.id)
        if not series:
            continue
        points = tuple(ScorePoint(trends.day_of(p.when, tz), p.score, p.band_label) for p in series)
        first, last = points[0].score, points[-1].score
        rows.append(
            ScoreRow(
                instrument=inst.id,
                name=inst.name,
                points=points,
                band=points[-1].band,
                change=last - first,
                change_pct=(last - first) / first * 100 if first else None,
                response=measures.response(first, last) if len(points) > 1 else None,
                remission=measures.remission(inst.id, last),
            )
        )
    return tuple(rows)


def _flags(
    found: Sequence[Assessment],
    sessions: Sequence[DosingSession],
    scores: Sequence[ScoreRow],
    tz: tzinfo | None,
) -> tuple[Flag, ...]:
    flags: list[Flag] = []
    labels = {o.value: o.label for o in measures.PHQ9.options}
    for a in found:
        if a.instrument == "phq9" and measures.FLAG_PHQ9_ITEM9 in measures.rescore(a).flags:
            answer = labels.get(a.answers[8], str(a.answers[8]))
            day = trends.day_of(a.created, tz)
            flags.append(
                Flag(
                    "phq9_item9",
                    day,
                    f"PHQ-9 question 9 (thoughts of being better off dead or of self-harm) "
                    f'answered "{answer}" on {long_date(day)}.',
                )
            )
    for row in scores:
        if row.instrument != "phq9" or len(row.points) < 2:
            continue
        worst = max(row.points[1:], key=lambda p: p.score)
        if worst.score - row.baseline.score >= WORSE_BY:
            flags.append(
                Flag(
                    "phq9_worse",
                    worst.day,
                    f"PHQ-9 rose from {row.baseline.score} ({long_date(row.baseline.day)}) to "
                    f"{worst.score} ({long_date(worst.day)}), "
                    f"{worst.score - row.baseline.score} points above the first score in this period.",
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
    order = {"phq9_item9": 0, "phq9_worse": 1, "side_effects": 2}
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


def _session_row(
    s: DosingSession, r: trends.SessionResponse, texts: bool, everything: bool, tz: tzinfo | None
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
    return SessionRow(
        id=s.id,
        when=s.when.isoformat(),
        day=trends.day_of(s.when, tz),
        number=s.number,
        route=ROUTE_LABELS.get(s.route, s.route),
        dose=clean(s.dose),
        intention=clean(s.intention) if texts else "",
        dissociation=s.dissociation,
        side_effects=tuple(sorted(s.side_effects)),
        before=r.before,
        same_day=r.same_day,
        day1=r.day1,
        day7=r.day7,
        details=details,
    )


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
            )
        )
    return tuple(out)


def _assessment_item(a: Assessment, tz: tzinfo | None) -> AssessmentItem:
    scored = measures.rescore(a)
    return AssessmentItem(
        id=a.id,
        when=a.created.isoformat(),
        day=trends.day_of(a.created, tz),
        instrument=a.instrument,
        answers=tuple(a.answers),
        score=scored.score,
        band=scored.band_label,
        flags=scored.flags,
    )


def _attributions(used: Sequence[str]) -> tuple[tuple[str, str], ...]:
    """PHQ-9 and GAD-7 always (they share one attribution); PCL-5 when it appears."""
    out = [("PHQ-9 and GAD-7", measures.PHQ9.attribution)]
    if "pcl5" in used:
        out.append(("PCL-5", measures.PCL5.attribution))
    return tuple(out)
