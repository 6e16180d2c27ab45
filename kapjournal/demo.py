"""Eight weeks of made-up but realistic data, for `kapjournal demo` and for screenshots.

A course of six sessions; daily check-ins that rise unevenly with one bad patch; reflections on
the exercises (some shared); PHQ-9 and GAD-7 that improve with one bump. Seeded, so the same
``today`` gives the same journal. Every word here is invented.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from typing import TypeVar

from kapjournal import measures
from kapjournal.journal import Journal
from kapjournal.records import (
    CheckIn,
    DosingSession,
    Record,
    Reflection,
    SafetyPlan,
    Settings,
)

# (days before today, route, dose, intention, dissociation, side effects)
SESSIONS = [
    (52, "im", "0.5 mg/kg", "to notice what I keep pushing away", 7, {"nausea"}),
    (48, "im", "0.6 mg/kg", "to be kinder to the tired part of me", 6, set()),
    (44, "im", "0.6 mg/kg", "to meet my grief without running from it", 8, {"dizziness"}),
    (37, "sublingual", "300 mg lozenge", "to listen to my body before my thoughts", 5, set()),
    (23, "sublingual", "300 mg lozenge", "to see my father as a whole person", 6, {"headache"}),
    (2, "sublingual", "300 mg lozenge", "to let some joy in without apologising for it", 5, set()),
]

FRAGMENTS = [
    "a long corridor of warm light, and I wasn't afraid of where it went",
    "my mother's kitchen, the radio on, the smell of oranges",
    "felt very far away, then very close to something simple",
    "I kept hearing 'you are allowed to rest' and I cried, the good kind",
    "colours, mostly blue and gold, and a sense of being held",
    "the grief was there but it was not the whole room",
]
FREE_WRITING = [
    "Walked to the river after work. Didn't fix anything, but my shoulders came down.",
    "Hard day. Old thoughts about not being enough. I noticed them instead of believing them, mostly.",
    "Called my sister. We laughed about the dog for twenty minutes. I want more of that.",
    "Slept badly. Still did the ten-minute body check. It helped a little, and a little counts.",
    "I think the thing I want to bring to my therapist is how angry I still am with Dad.",
    "Noticed I said sorry four times in one meeting. Tried not to. Managed once.",
]
ANSWERS = {
    "capture": [
        "warm, far away, then close",
        "I was allowed to rest",
        "safe, sleepy, a bit tearful",
    ],
    "intention-review": [
        "It came up as my father's voice, but softer than I remember it.",
        "I stayed with it longer than usual instead of changing the subject in my head.",
        "To keep letting it be there without making it everything.",
    ],
    "small-step": [
        "I want to stop cancelling on friends when I'm low.",
        "It would mean I'm not hiding.",
        "Text Sam on Saturday and go for a walk, even a short one.",
    ],
}

R = TypeVar("R", bound=Record)


def build_demo(journal: Journal, today: datetime, *, seed: int = 7) -> None:
    """Fill ``journal`` with eight weeks of entries ending at ``today`` (an aware datetime)."""
    rng = random.Random(seed)
    start = today - timedelta(days=56)
    made: list[Record] = []
    now = journal.clock()

    def at(day: int, hour: int, minute: int = 0) -> datetime:
        when = datetime.combine((today - timedelta(days=day)).date(), time(hour, minute))
        return when.replace(tzinfo=today.tzinfo)

    def rec(kind: type[R], created: datetime, **values: object) -> R:
        r = journal.new(kind, created=created, **values)
        made.append(r)
        return r

    sessions: list[DosingSession] = []
    for number, (ago, route, dose, intention, dissociation, effects) in enumerate(SESSIONS, 1):
        s = rec(
            DosingSession,
            at(ago, 10),
            number=number,
            route=route,
            dose=dose,
            setting="clinic, reclining chair, eyeshade and music",
            support="Dr. Rivera and a nurse",
            intention=intention,
            dissociation=dissociation,
            side_effects=frozenset(effects),
            bp_before=f"{rng.randint(118, 128)}/{rng.randint(76, 84)}",
            bp_after=f"{rng.randint(126, 142)}/{rng.randint(80, 90)}",
            when=at(ago, 10),
        )
        sessions.append(s)

    for ago in range(56, -1, -1):
        day = today - timedelta(days=ago)
        if day < start or rng.random() < 0.12:
            continue  # a missed day now and then: gaps stay gaps
        progress = (56 - ago) / 56
        bump = -2.5 if 26 <= ago <= 30 else 0.0  # a hard week between sessions 4 and 5
        after_session = any(0 <= s_ago - ago <= 3 for s_ago, *_ in SESSIONS)
        mood = 3 + 4 * progress + bump + (0.8 if after_session else 0) + rng.uniform(-1, 1)
        anxiety = 7 - 4 * progress - bump / 2 + rng.uniform(-1, 1)
        # The optional after-session questions, in the days just after a session (no rng, so
        # the rest of the demo stays as it was): a poor first night, a little lasting fog early
        # in the course, no bladder trouble and no urges.
        since = min((s_ago - ago for s_ago, *_ in SESSIONS if 1 <= s_ago - ago <= 3), default=None)
        after = (
            {
                "urinary": 0,
                "sleep": 1 if since == 1 else 0,
                "lasting_dissociation": 1 if since == 1 and progress < 0.4 else 0,
                "urges": 0,
            }
            if since is not None
            else {}
        )
        rec(
            CheckIn,
            at(ago, 8, rng.randint(0, 50)),
            mood=_clamp(mood),
            anxiety=_clamp(anxiety),
            energy=_clamp(4 + 2 * progress + rng.uniform(-1.5, 1.5)),
            note=""
            if rng.random() < 0.7
            else rng.choice(["slept ok", "tired", "a good morning", "heavy"]),
            **after,
        )

    for i, s in enumerate(sessions):
        ago = (today.date() - s.when.date()).days
        rec(
            Reflection,
            at(ago, 20),
            exercise_id="capture",
            session_id=s.id,
            title="Catch it before it fades",
            answers=(FRAGMENTS[i % len(FRAGMENTS)], *ANSWERS["capture"][1:]),
            tags=("session",),
            share=i % 2 == 0,
        )
        if ago >= 1:
            rec(
                Reflection,
                at(ago - 1, 19),
                exercise_id="intention-review",
                session_id=s.id,
                title="Looking back at your intention",
                answers=tuple(ANSWERS["intention-review"]),
                share=True,
                tags=("for-therapist",) if i == 4 else (),
            )
    rec(
        Reflection,
        at(20, 18),
        exercise_id="small-step",
        session_id=sessions[4].id,
        title="One small step",
        answers=tuple(ANSWERS["small-step"]),
        share=True,
    )
    for k, text in enumerate(FREE_WRITING):
        rec(
            Reflection,
            at(50 - k * 8, 21),
            body=text,
            share=k in (4,),
            tags=("for-therapist",) if k == 4 else ("daily",),
        )

    phq9 = [16, 14, 12, 10, 13, 9, 7, 6]
    gad7 = [13, 12, 10, 9, 11, 8, 6, 6]
    for week, (p, g) in enumerate(zip(phq9, gad7, strict=True)):
        ago = 55 - week * 7
        made.append(_assessment(journal, "phq9", p, at(ago, 9)))
        made.append(_assessment(journal, "gad7", g, at(ago, 9, 10)))

    made.append(
        journal.new(
            SafetyPlan,
            created=now,
            warning_signs="Staying in bed past noon. Not answering messages. 'What's the point' thoughts.",
            coping="Shower, then a walk round the block. Music from the playlist called 'floor'.",
            people_places="The library cafe. My sister's kitchen.",
            contacts="Sam (friend), my sister, Dr. Rivera's office line in working hours.",
            safe_surroundings="Ask my sister to keep the spare medication at hers.",
            reasons="The dog. My niece's birthday in March. Seeing the sea again.",
        )
    )
    made.append(
        journal.new(
            Settings,
            therapist_name="Dr. Rivera",
            therapist_contact="office: 555-0142 (weekdays 9-5)",
            therapist_recipient=_throwaway_recipient(),
        )
    )
    journal.save_many(made)


def _assessment(journal: Journal, instrument: str, target: int, when: datetime) -> Record:
    """Answers summing to ``target``, spread evenly; PHQ-9 item 9 stays 0 in the demo."""
    inst = measures.instrument(instrument)
    n = len(inst.items)
    answers = [0] * n
    slots = n - 1 if instrument == "phq9" else n
    for i in range(target):
        answers[i % slots] = min(answers[i % slots] + 1, inst.max_answer)
    return journal.new_assessment(instrument, answers, created=when)


def _throwaway_recipient() -> str:
    """A real age key whose secret half is thrown away: the demo's exports go nowhere."""
    import pyrage

    return str(pyrage.x25519.Identity.generate().to_public())


def _clamp(value: float) -> int:
    return max(0, min(10, round(value)))
