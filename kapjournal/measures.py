"""The questionnaires (PHQ-9, GAD-7, PCL-5) as published, and how to score them.

Scores are always computed here from the item answers, never taken from input, so a stored
score can be checked against its answers. Bands are named as in clinical use; each also has a
plain-language ``meaning`` for the UI that never reads as a diagnosis.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from kapjournal.errors import RecordError
from kapjournal.records import Assessment

FLAG_PHQ9_ITEM9 = "phq9_item9"

CHECKIN_DISCLAIMER = (
    "Check-ins are your own 0–10 ratings, not a validated measure. They are useful for "
    "noticing your own patterns, not for comparing with anyone else."
)

# What the ends of each check-in scale mean. Mood and energy: higher is better; anxiety: higher is
# more anxious. (Before 2026-11 the app said "0 worst · 10 best" above all three; see the README's
# note on older anxiety ratings.)
CHECKIN_SCALES: dict[str, tuple[str, str]] = {
    "mood": ("worst", "best"),
    "anxiety": ("none", "extreme"),
    "energy": ("exhausted", "full"),
}


def scale_hint(name: str) -> str:
    """ "0 none · 10 extreme" for a check-in scale."""
    low, high = CHECKIN_SCALES[name]
    return f"0 {low} · 10 {high}"


@dataclass(frozen=True, slots=True)
class AfterEffect:
    """An optional question after a session (a CheckIn field), answered 0, 1 or 2."""

    field: str
    label: str  # short, for a row in the app and a column in lists
    question: str  # the whole question
    answers: tuple[str, str, str]  # the words for 0, 1 and 2


AFTER_EFFECT_QUESTIONS: tuple[AfterEffect, ...] = (
    AfterEffect(
        "urinary",
        "Bladder",
        "Bladder or urinary changes: needing to go more often or more urgently, pain or "
        "burning, or blood in your urine.",
        ("none", "some", "a lot"),
    ),
    AfterEffect(
        "sleep",
        "Sleep",
        "Trouble sleeping since your session: getting to sleep, staying asleep, or sleeping "
        "far more than usual.",
        ("no trouble", "some", "a lot"),
    ),
    AfterEffect(
        "lasting_dissociation",
        "Feeling unreal",
        "Feeling detached, unreal or not quite here for longer than the day of the session.",
        ("no", "some", "a lot"),
    ),
    AfterEffect(
        "urges",
        "Urges or use",
        "Urges or cravings to take ketamine or other substances, or taking them outside your "
        "sessions.",
        ("none", "urges", "used"),
    ),
)
AFTER_EFFECTS_NOTE = (
    "Bladder pain or blood in your urine, effects that last, and use outside sessions are worth "
    "telling your care team about soon. kapjournal does not tell anyone."
)


def after_effects_text(checkin: object) -> str:
    """ "bladder: some · urges: used" for the answered after-session questions, or ""."""
    parts = []
    for q in AFTER_EFFECT_QUESTIONS:
        value = getattr(checkin, q.field, None)
        if isinstance(value, int) and 0 <= value <= 2:
            parts.append(f"{q.label.lower()}: {q.answers[value]}")
    return " · ".join(parts)


ONLY_A_CLINICIAN = "Only a clinician can say what it means for you."

_PFIZER = (
    "Developed by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and colleagues, "
    "with an educational grant from Pfizer Inc. No permission required to reproduce, translate, "
    "display or distribute."
)
_PCL5_ATTRIBUTION = (
    "PCL-5: Weathers, F.W., Litz, B.T., Keane, T.M., Palmieri, P.A., Marx, B.P., & Schnurr, P.P. "
    "(2013). The PTSD Checklist for DSM-5 (PCL-5). National Center for PTSD, "
    "www.ptsd.va.gov. In the public domain."
)


@dataclass(frozen=True, slots=True)
class Option:
    """One answer choice: the number it scores and the words shown beside it."""

    value: int
    label: str
    loinc: str = ""  # LOINC answer code, where LOINC has one


@dataclass(frozen=True, slots=True)
class Band:
    """A severity range of total scores, inclusive at both ends."""

    id: str
    low: int
    high: int
    label: str  # as clinicians say it
    meaning: str  # plain words for the patient; never a diagnosis

    def __contains__(self, score: object) -> bool:
        return isinstance(score, int) and self.low <= score <= self.high


@dataclass(frozen=True, slots=True)
class Instrument:
    """A published questionnaire: its wording, answer scale, bands and codes."""

    id: str
    name: str  # short name, e.g. "PHQ-9"
    title: str
    stem: str  # the question every item completes
    items: tuple[str, ...]
    options: tuple[Option, ...]
    max_score: int
    bands: tuple[Band, ...]
    loinc_panel: str
    loinc_total: str
    loinc_items: tuple[str, ...]  # one per item, or empty where LOINC codes were not verified
    attribution: str
    instructions: str = ""
    difficulty: Difficulty | None = None  # the unscored last question, where the form has one

    @property
    def max_answer(self) -> int:
        return max(o.value for o in self.options)

    def band(self, score: int) -> Band:
        """The band a total score falls in."""
        for band in self.bands:
            if score in band:
                return band
        raise RecordError(f"{self.name} score must be a whole number from 0 to {self.max_score}")


@dataclass(frozen=True, slots=True)
class Difficulty:
    """The unscored question at the end of the PHQ-9 and GAD-7 forms: how much the problems
    get in the way of everyday life. It is part of the published form but not of the score."""

    text: str
    options: tuple[Option, ...]
    loinc: str  # "" where LOINC has no code for this instrument's version of the question


DIFFICULTY_TEXT = (
    "If you checked off any problems, how difficult have these problems made it for you to do "
    "your work, take care of things at home, or get along with other people?"
)
# LOINC answer list LL359-1. Note the codes are not in numeric order: "Very difficult" is
# LA6575-0 and "Extremely difficult" LA6574-3 (checked against loinc.org, 2026-11).
DIFFICULTY_OPTIONS = (
    Option(0, "Not difficult at all", "LA6572-7"),
    Option(1, "Somewhat difficult", "LA6573-5"),
    Option(2, "Very difficult", "LA6575-0"),
    Option(3, "Extremely difficult", "LA6574-3"),
)
# LOINC 69722-7 is the PHQ's "How difficult have these made it for you..." [Reported.PHQ]. No
# GAD-7-specific code was found (LL359-1 is used only by 69722-7 and 44256-6), so the GAD-7's
# difficulty answer carries its text and answer code but no question code.
PHQ9_DIFFICULTY = Difficulty(DIFFICULTY_TEXT, DIFFICULTY_OPTIONS, "69722-7")
GAD7_DIFFICULTY = Difficulty(DIFFICULTY_TEXT, DIFFICULTY_OPTIONS, "")


def _meaning(words: str) -> str:
    return f"Scores like this are often described as {words}. {ONLY_A_CLINICIAN}"


_FREQUENCY = (
    Option(0, "Not at all", "LA6568-5"),
    Option(1, "Several days", "LA6569-3"),
    Option(2, "More than half the days", "LA6570-1"),
    Option(3, "Nearly every day", "LA6571-9"),
)

PHQ9 = Instrument(
    id="phq9",
    name="PHQ-9",
    title="Patient Health Questionnaire (PHQ-9)",
    stem=(
        "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
    ),
    items=(
        "Little interest or pleasure in doing things",
        "Feeling down, depressed, or hopeless",
        "Trouble falling or staying asleep, or sleeping too much",
        "Feeling tired or having little energy",
        "Poor appetite or overeating",
        "Feeling bad about yourself — or that you are a failure or have let yourself or your "
        "family down",
        "Trouble concentrating on things, such as reading the newspaper or watching television",
        "Moving or speaking so slowly that other people could have noticed? Or the opposite — "
        "being so fidgety or restless that you have been moving around a lot more than usual",
        "Thoughts that you would be better off dead or of hurting yourself in some way",
    ),
    options=_FREQUENCY,
    max_score=27,
    bands=(
        Band("minimal", 0, 4, "minimal", _meaning("minimal")),
        Band("mild", 5, 9, "mild", _meaning("mild")),
        Band("moderate", 10, 14, "moderate", _meaning("moderate")),
        Band("moderately_severe", 15, 19, "moderately severe", _meaning("moderately severe")),
        Band("severe", 20, 27, "severe", _meaning("severe")),
    ),
    loinc_panel="44249-1",
    loinc_total="44261-6",
    loinc_items=(
        "44250-9",
        "44255-8",
        "44259-0",
        "44254-1",
        "44251-7",
        "44258-2",
        "44252-5",
        "44253-3",
        "44260-8",
    ),
    attribution=_PFIZER,
    difficulty=PHQ9_DIFFICULTY,
)

GAD7 = Instrument(
    id="gad7",
    name="GAD-7",
    title="Generalized Anxiety Disorder 7-item scale (GAD-7)",
    stem="Over the last 2 weeks, how often have you been bothered by the following problems?",
    items=(
        "Feeling nervous, anxious, or on edge",
        "Not being able to stop or control worrying",
        "Worrying too much about different things",
        "Trouble relaxing",
        "Being so restless that it is hard to sit still",
        "Becoming easily annoyed or irritable",
        "Feeling afraid as if something awful might happen",
    ),
    options=_FREQUENCY,
    max_score=21,
    bands=(
        Band("minimal", 0, 4, "minimal", _meaning("minimal")),
        Band("mild", 5, 9, "mild", _meaning("mild")),
        Band("moderate", 10, 14, "moderate", _meaning("moderate")),
        Band("severe", 15, 21, "severe", _meaning("severe")),
    ),
    loinc_panel="69737-5",
    loinc_total="70274-6",
    loinc_items=("69725-0", "68509-9", "69733-4", "69734-2", "69735-9", "69689-8", "69736-7"),
    attribution=_PFIZER,
    difficulty=GAD7_DIFFICULTY,
)

PCL5_CUTOFF = 33
"""PCL-5 total at or above which clinicians usually look more closely (a "probable PTSD" screen).

Patient-facing words describe the score range and never name the disorder.

The National Center for PTSD gives 31–33 as the usual cut-point range (Bovin et al. 2016 found
31–33 efficient in veterans); 33 is the commonly used single value, and the one used here.
"""

PCL5 = Instrument(
    id="pcl5",
    name="PCL-5",
    title="PTSD Checklist for DSM-5 (PCL-5)",
    stem="In the past month, how much were you bothered by:",
    instructions=(
        "Below is a list of problems that people sometimes have in response to a very stressful "
        "experience. Please read each problem carefully and then choose one of the answers to "
        "indicate how much you have been bothered by that problem in the past month."
    ),
    items=(
        "Repeated, disturbing, and unwanted memories of the stressful experience?",
        "Repeated, disturbing dreams of the stressful experience?",
        "Suddenly feeling or acting as if the stressful experience were actually happening again "
        "(as if you were actually back there reliving it)?",
        "Feeling very upset when something reminded you of the stressful experience?",
        "Having strong physical reactions when something reminded you of the stressful experience "
        "(for example, heart pounding, trouble breathing, sweating)?",
        "Avoiding memories, thoughts, or feelings related to the stressful experience?",
        "Avoiding external reminders of the stressful experience (for example, people, places, "
        "conversations, activities, objects, or situations)?",
        "Trouble remembering important parts of the stressful experience?",
        "Having strong negative beliefs about yourself, other people, or the world (for example, "
        "having thoughts such as: I am bad, there is something seriously wrong with me, no one "
        "can be trusted, the world is completely dangerous)?",
        "Blaming yourself or someone else for the stressful experience or what happened after it?",
        "Having strong negative feelings such as fear, horror, anger, guilt, or shame?",
        "Loss of interest in activities that you used to enjoy?",
        "Feeling distant or cut off from other people?",
        "Trouble experiencing positive feelings (for example, being unable to feel happiness or "
        "have loving feelings for people close to you)?",
        "Irritable behavior, angry outbursts, or acting aggressively?",
        "Taking too many risks or doing things that could cause you harm?",
        'Being "superalert" or watchful or on guard?',
        "Feeling jumpy or easily startled?",
        "Having difficulty concentrating?",
        "Trouble falling or staying asleep?",
    ),
    options=(
        Option(0, "Not at all"),
        Option(1, "A little bit"),
        Option(2, "Moderately"),
        Option(3, "Quite a bit"),
        Option(4, "Extremely"),
    ),
    max_score=80,
    bands=(
        Band(
            "below_cutoff",
            0,
            PCL5_CUTOFF - 1,
            f"below the usual screening cut-point ({PCL5_CUTOFF})",
            "Scores like this are below the point often used to suggest a closer look at "
            f"trauma-related stress. {ONLY_A_CLINICIAN}",
        ),
        Band(
            # Stored as "probable_ptsd" by versions before 2026-11; displays rescore, so an old
            # record shows this band's words.
            "above_cutoff",
            PCL5_CUTOFF,
            80,
            f"at or above the usual screening cut-point ({PCL5_CUTOFF})",
            "Scores like this are often taken as a sign to look more closely at trauma-related "
            f"stress with a clinician. It is not a diagnosis. {ONLY_A_CLINICIAN}",
        ),
    ),
    loinc_panel="101697-1",
    loinc_total="101698-9",
    loinc_items=(),
    attribution=_PCL5_ATTRIBUTION,
)

INSTRUMENTS: dict[str, Instrument] = {i.id: i for i in (PHQ9, GAD7, PCL5)}


def instrument(instrument_id: str) -> Instrument:
    """Look an instrument up by id ("phq9", "gad7", "pcl5")."""
    try:
        return INSTRUMENTS[instrument_id]
    except KeyError:
        raise RecordError(f"instrument must be one of: {', '.join(INSTRUMENTS)}") from None


@dataclass(frozen=True, slots=True)
class Scored:
    """A total score computed from answers, with its band and any flags."""

    score: int
    band: str
    band_label: str
    flags: tuple[str, ...]
    meaning: str = ""


def check_answers(inst: Instrument, answers: Sequence[int]) -> tuple[int, ...]:
    """The answers as a tuple, or a clear error if they do not fit the instrument."""
    if isinstance(answers, str | bytes) or not isinstance(answers, Sequence):
        raise RecordError(f"{inst.name} answers must be a list of whole numbers")
    n = len(inst.items)
    if len(answers) != n:
        raise RecordError(f"{inst.name} needs {n} answers, one per question; got {len(answers)}")
    top = inst.max_answer
    for number, value in enumerate(answers, start=1):
        if isinstance(value, bool) or not isinstance(value, int):
            raise RecordError(
                f"{inst.name} question {number}: answer must be a whole number from 0 to {top}"
            )
        if not 0 <= value <= top:
            raise RecordError(f"{inst.name} question {number}: answer must be from 0 to {top}")
    return tuple(answers)


def score(instrument_id: str, answers: Sequence[int]) -> Scored:
    """Score a completed questionnaire; the total is the sum of the item answers."""
    inst = instrument(instrument_id)
    checked = check_answers(inst, answers)
    total = sum(checked)
    band = inst.band(total)
    flags: list[str] = []
    if inst.id == "phq9" and checked[8] > 0:
        flags.append(FLAG_PHQ9_ITEM9)
    return Scored(total, band.id, band.label, tuple(flags), band.meaning)


def band_for(instrument_id: str, total: int) -> Band:
    """The band of a total score (for axes and legends)."""
    return instrument(instrument_id).band(total)


def response(baseline: int, latest: int) -> bool:
    """Whether a score fell by at least half from baseline (the usual "treatment response").

    A baseline of 0 leaves nothing to fall, so it is never a response.
    """
    for name, value in (("baseline", baseline), ("latest", latest)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise RecordError(f"{name} score must be a whole number of 0 or more")
    if baseline == 0:
        return False
    return latest * 2 <= baseline


REMISSION_BELOW: dict[str, int | None] = {"phq9": 5, "gad7": 5, "pcl5": None}


def remission(instrument_id: str, total: int) -> bool | None:
    """Whether a score is in the usual remission range (PHQ-9 and GAD-7 below 5).

    PCL-5 has no agreed remission threshold, so it returns None rather than guess.
    """
    inst = instrument(instrument_id)
    inst.band(total)  # validates the range
    below = REMISSION_BELOW[inst.id]
    return None if below is None else total < below


def check_difficulty(inst: Instrument, difficulty: int | None) -> int | None:
    """The difficulty answer if it fits the instrument (None: skipped), or a clear error."""
    if difficulty is None:
        return None
    if inst.difficulty is None:
        raise RecordError(f"the {inst.name} has no difficulty question")
    top = max(o.value for o in inst.difficulty.options)
    if isinstance(difficulty, bool) or not isinstance(difficulty, int):
        raise RecordError(f"the difficulty answer must be a whole number from 0 to {top}")
    if not 0 <= difficulty <= top:
        raise RecordError(f"the difficulty answer must be from 0 to {top}")
    return difficulty


def difficulty_label(instrument_id: str, difficulty: int | None) -> str:
    """The words of a difficulty answer ("Somewhat difficult"), or "" when there is none."""
    inst = instrument(instrument_id)
    if difficulty is None or inst.difficulty is None:
        return ""
    return next((o.label for o in inst.difficulty.options if o.value == difficulty), "")


def new_assessment(
    id: str,
    created: datetime,
    instrument_id: str,
    answers: Sequence[int],
    session_id: str | None = None,
    difficulty: int | None = None,
) -> Assessment:
    """Build an Assessment whose score, band and flags come from its answers."""
    scored = score(instrument_id, answers)
    difficulty = check_difficulty(instrument(instrument_id), difficulty)
    return Assessment(
        id=id,
        created=created,
        updated=created,
        instrument=instrument_id,
        answers=tuple(answers),
        score=scored.score,
        band=scored.band,
        flags=scored.flags,
        session_id=session_id,
        difficulty=difficulty,
    )


def rescore(assessment: Assessment) -> Scored:
    """Score a stored assessment again from its answers, ignoring its stored score."""
    return score(assessment.instrument, assessment.answers)


# --- change between two scores -------------------------------------------------------------------

# Points of change usually taken as meaningful for one person: PHQ-9 5 (Löwe et al. 2004; Kroenke's
# reliable-change estimate), GAD-7 4 (Toussaint et al. 2020), PCL-5 10 (National Center for PTSD).
MEANINGFUL_CHANGE: dict[str, int] = {"phq9": 5, "gad7": 4, "pcl5": 10}


@dataclass(frozen=True, slots=True)
class Change:
    """How a score moved from the one before it. On these instruments lower is better."""

    previous: int
    latest: int
    meaningful: bool  # at least MEANINGFUL_CHANGE points either way

    @property
    def delta(self) -> int:
        return self.latest - self.previous

    @property
    def direction(self) -> str:
        """ "better", "worse" or "steady" (a change smaller than the instrument's threshold)."""
        if not self.meaningful:
            return "steady"
        return "better" if self.delta < 0 else "worse"

    @property
    def worse(self) -> bool:
        return self.direction == "worse"


def change(instrument_id: str, previous: int, latest: int) -> Change:
    """Judge the change between two totals of the same instrument by its own rule."""
    inst = instrument(instrument_id)
    inst.band(previous)
    inst.band(latest)
    return Change(previous, latest, abs(latest - previous) >= MEANINGFUL_CHANGE[inst.id])


# PCL-5's DSM-5 clusters: B intrusions 1–5, C avoidance 6–7, D negative thoughts and mood 8–14,
# E arousal and reactivity 15–20 (item numbers, 1-based).
PCL5_CLUSTERS: tuple[tuple[str, str, range], ...] = (
    ("B", "intrusions", range(1, 6)),
    ("C", "avoidance", range(6, 8)),
    ("D", "negative thoughts and mood", range(8, 15)),
    ("E", "arousal and reactivity", range(15, 21)),
)


def pcl5_clusters(answers: Sequence[int]) -> dict[str, int]:
    """PCL-5 cluster subtotals, keyed "B", "C", "D", "E"."""
    checked = check_answers(instrument("pcl5"), answers)
    return {key: sum(checked[i - 1] for i in items) for key, _name, items in PCL5_CLUSTERS}


def band_label(assessment: Assessment) -> str:
    """The band's words for a stored assessment, recomputed from its answers.

    Old records may hold a band id that was later renamed, so never show ``assessment.band``.
    """
    try:
        return rescore(assessment).band_label
    except RecordError:
        return ""


def previous_change(assessments: Sequence[Assessment], latest: Assessment) -> Change | None:
    """How ``latest`` moved from the score of the same instrument just before it, or None."""
    before = [
        a
        for a in assessments
        if a.instrument == latest.instrument and a.id != latest.id and a.created <= latest.created
    ]
    if not before:
        return None
    previous = max(before, key=lambda a: a.created)
    try:
        return change(latest.instrument, rescore(previous).score, rescore(latest).score)
    except RecordError:
        return None


def change_sentence(instrument_id: str, moved: Change) -> str:
    """The change in plain words, with the instrument's own rule, for the patient."""
    inst = instrument(instrument_id)
    rule = MEANINGFUL_CHANGE[inst.id]
    points = abs(moved.delta)
    unit = "point" if points == 1 else "points"
    if moved.delta == 0:
        return f"The same as your previous {inst.name} ({moved.previous})."
    way = "up" if moved.delta > 0 else "down"
    said = f"{points} {unit} {way} from your previous {inst.name} ({moved.previous})."
    if moved.worse:
        return (
            f"{said} On the {inst.name}, a rise of {rule} or more is usually taken as a real "
            "worsening, so it may be worth talking over with your therapist."
        )
    if moved.direction == "better":
        return f"{said} On the {inst.name}, a fall of {rule} or more is usually taken as a real change."
    return f"{said} Changes smaller than {rule} points are usually within the ups and downs."


def change_phrase(instrument_id: str, moved: Change) -> str:
    """The change in a few words, for a line in Trends or a list.

    "▲ up 7 since the one before (6): a worsening by the PHQ-9 rule of 5 points"
    """
    inst = instrument(instrument_id)
    rule = f"the {inst.name} rule of {MEANINGFUL_CHANGE[inst.id]} points"
    points = abs(moved.delta)
    if points == 0:
        return f"the same as the one before ({moved.previous})"
    way = "up" if moved.delta > 0 else "down"
    said = f"{way} {points} since the one before ({moved.previous})"
    if moved.worse:
        return f"▲ {said}: a worsening by {rule}"
    if moved.direction == "better":
        return f"{said}: a real change by {rule}"
    return f"{said}: within the usual ups and downs (under {MEANINGFUL_CHANGE[inst.id]})"


def pcl5_cluster_short(answers: Sequence[int]) -> str:
    """ "B 12/20 · C 5/8 · D 14/28 · E 9/24" """
    totals = pcl5_clusters(answers)
    top = PCL5.max_answer
    return " · ".join(
        f"{key} {totals[key]}/{top * len(items)}" for key, _name, items in PCL5_CLUSTERS
    )


PCL5_CLUSTER_KEY = "PCL-5 clusters: " + ", ".join(
    f"{key} {name}" for key, name, _items in PCL5_CLUSTERS
)


def pcl5_cluster_lines(answers: Sequence[int]) -> list[str]:
    """ "B intrusions (items 1–5): 7 of 20", one line per DSM-5 cluster."""
    totals = pcl5_clusters(answers)
    top = PCL5.max_answer
    return [
        f"{key} {name} (items {items.start}–{items.stop - 1}): {totals[key]} of {top * len(items)}"
        for key, name, items in PCL5_CLUSTERS
    ]
