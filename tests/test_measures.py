"""Scoring of PHQ-9, GAD-7 and PCL-5: bands, flags, validation, response and remission."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kapjournal import measures
from kapjournal.errors import RecordError
from kapjournal.measures import GAD7, INSTRUMENTS, PCL5, PHQ9, Instrument


def answers_for(inst: Instrument, total: int, *, item9: int = 0) -> list[int]:
    """Answers summing to ``total``, filled from the first item (PHQ-9 item 9 held apart)."""
    top = inst.max_answer
    answers = [0] * len(inst.items)
    free = list(range(len(inst.items)))
    if inst.id == "phq9":
        answers[8] = item9
        total -= item9
        free.remove(8)
    for i in free:
        answers[i] = min(top, total)
        total -= answers[i]
    assert total == 0, "cannot reach that total"
    return answers


PHQ9_BOUNDARIES = [
    (0, "minimal"),
    (4, "minimal"),
    (5, "mild"),
    (9, "mild"),
    (10, "moderate"),
    (14, "moderate"),
    (15, "moderately_severe"),
    (19, "moderately_severe"),
    (20, "severe"),
    (27, "severe"),
]
GAD7_BOUNDARIES = [
    (0, "minimal"),
    (4, "minimal"),
    (5, "mild"),
    (9, "mild"),
    (10, "moderate"),
    (14, "moderate"),
    (15, "severe"),
    (21, "severe"),
]
PCL5_BOUNDARIES = [
    (0, "below_cutoff"),
    (32, "below_cutoff"),
    (33, "above_cutoff"),
    (80, "above_cutoff"),
]


@pytest.mark.parametrize(("total", "band"), PHQ9_BOUNDARIES)
def test_phq9_band_boundaries(total: int, band: str) -> None:
    item9 = 3 if total == 27 else 0
    scored = measures.score("phq9", answers_for(PHQ9, total, item9=item9))
    assert (scored.score, scored.band) == (total, band)


@pytest.mark.parametrize(("total", "band"), GAD7_BOUNDARIES)
def test_gad7_band_boundaries(total: int, band: str) -> None:
    scored = measures.score("gad7", answers_for(GAD7, total))
    assert (scored.score, scored.band) == (total, band)
    assert scored.flags == ()


@pytest.mark.parametrize(("total", "band"), PCL5_BOUNDARIES)
def test_pcl5_band_boundaries(total: int, band: str) -> None:
    scored = measures.score("pcl5", answers_for(PCL5, total))
    assert (scored.score, scored.band) == (total, band)


def test_band_labels_describe_a_score_range_without_naming_a_disorder() -> None:
    assert measures.score("phq9", answers_for(PHQ9, 17)).band_label == "moderately severe"
    pcl5 = measures.score("pcl5", answers_for(PCL5, 40))
    assert pcl5.band_label == "at or above the usual screening cut-point (33)"
    every_word = " ".join(
        f"{b.label} {b.meaning}" for inst in (PHQ9, GAD7, PCL5) for b in inst.bands
    ).casefold()
    for disorder in ("ptsd", "depression", "anxiety disorder", "disorder"):
        assert disorder not in every_word


@pytest.mark.parametrize(("inst", "top"), [(PHQ9, 27), (GAD7, 21), (PCL5, 80)])
def test_all_zero_and_all_max(inst: Instrument, top: int) -> None:
    low = measures.score(inst.id, [0] * len(inst.items))
    high = measures.score(inst.id, [inst.max_answer] * len(inst.items))
    assert low.score == 0 and low.band == inst.bands[0].id and low.flags == ()
    assert high.score == top == inst.max_score and high.band == inst.bands[-1].id


@pytest.mark.parametrize("value", [1, 2, 3])
def test_phq9_item9_flagged_for_every_positive_answer(value: int) -> None:
    answers = [0] * 9
    answers[8] = value
    scored = measures.score("phq9", answers)
    assert scored.flags == (measures.FLAG_PHQ9_ITEM9,) == ("phq9_item9",)
    assert scored.band == "minimal"  # the flag is raised whatever the total


def test_phq9_item9_zero_is_not_flagged_even_when_severe() -> None:
    assert measures.score("phq9", [3] * 8 + [0]).flags == ()


def test_only_phq9_item9_raises_the_flag() -> None:
    answers = [3] * 9
    answers[8] = 0
    assert measures.score("phq9", answers).flags == ()
    assert measures.score("gad7", [3] * 7).flags == ()
    assert measures.score("pcl5", [4] * 20).flags == ()


@pytest.mark.parametrize(
    ("inst_id", "answers", "message"),
    [
        ("phq9", [0] * 8, "PHQ-9 needs 9 answers, one per question; got 8"),
        ("phq9", [0] * 10, "PHQ-9 needs 9 answers, one per question; got 10"),
        ("gad7", [], "GAD-7 needs 7 answers, one per question; got 0"),
        ("pcl5", [0] * 19, "PCL-5 needs 20 answers, one per question; got 19"),
        ("phq9", [0] * 8 + [4], "PHQ-9 question 9: answer must be from 0 to 3"),
        ("gad7", [-1] + [0] * 6, "GAD-7 question 1: answer must be from 0 to 3"),
        ("pcl5", [0] * 19 + [5], "PCL-5 question 20: answer must be from 0 to 4"),
        ("phq9", [True] + [0] * 8, "PHQ-9 question 1: answer must be a whole number from 0 to 3"),
        ("gad7", [0, 1.0] + [0] * 5, "GAD-7 question 2: answer must be a whole number from 0 to 3"),
        ("pcl5", ["1"] + [0] * 19, "PCL-5 question 1: answer must be a whole number from 0 to 4"),
        ("phq9", "000000000", "PHQ-9 answers must be a list of whole numbers"),
        ("bdi", [0] * 21, "instrument must be one of: phq9, gad7, pcl5"),
    ],
)
def test_bad_answers_are_rejected_clearly(inst_id: str, answers: object, message: str) -> None:
    with pytest.raises(RecordError) as err:
        measures.score(inst_id, answers)  # type: ignore[arg-type]
    assert str(err.value) == message


@given(
    st.sampled_from(list(INSTRUMENTS.values())).flatmap(
        lambda inst: st.tuples(
            st.just(inst),
            st.lists(
                st.integers(0, inst.max_answer), min_size=len(inst.items), max_size=len(inst.items)
            ),
        )
    )
)
def test_score_is_the_sum_and_band_contains_it(case: tuple[Instrument, list[int]]) -> None:
    inst, answers = case
    scored = measures.score(inst.id, answers)
    assert scored.score == sum(answers)
    band = inst.band(scored.score)
    assert band.id == scored.band and band.low <= scored.score <= band.high
    assert scored.meaning == band.meaning


def test_bands_cover_the_whole_range_without_overlap() -> None:
    for inst in INSTRUMENTS.values():
        covered = [s for band in inst.bands for s in range(band.low, band.high + 1)]
        assert covered == list(range(inst.max_score + 1)), inst.id


def test_band_meanings_are_plain_and_never_a_diagnosis() -> None:
    for inst in INSTRUMENTS.values():
        for band in inst.bands:
            assert "Only a clinician can say what it means for you." in band.meaning
            assert "you have" not in band.meaning.lower()


def test_published_wording() -> None:
    assert len(PHQ9.items) == 9 and len(GAD7.items) == 7 and len(PCL5.items) == 20
    assert PHQ9.stem == (
        "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
    )
    assert PHQ9.items[8] == (
        "Thoughts that you would be better off dead or of hurting yourself in some way"
    )
    assert [o.label for o in PHQ9.options] == [
        "Not at all",
        "Several days",
        "More than half the days",
        "Nearly every day",
    ]
    assert GAD7.options == PHQ9.options
    assert PCL5.stem == "In the past month, how much were you bothered by:"
    assert [(o.value, o.label) for o in PCL5.options] == [
        (0, "Not at all"),
        (1, "A little bit"),
        (2, "Moderately"),
        (3, "Quite a bit"),
        (4, "Extremely"),
    ]
    assert PHQ9.attribution == GAD7.attribution
    assert PHQ9.attribution.startswith("Developed by Drs. Robert L. Spitzer, Janet B.W. Williams")
    assert "No permission required to reproduce, translate, display or distribute." in (
        PHQ9.attribution
    )
    assert "National Center for PTSD" in PCL5.attribution and "public domain" in PCL5.attribution


def test_loinc_codes() -> None:
    assert (PHQ9.loinc_panel, PHQ9.loinc_total, PHQ9.loinc_items[8]) == (
        "44249-1",
        "44261-6",
        "44260-8",
    )
    assert (GAD7.loinc_panel, GAD7.loinc_total) == ("69737-5", "70274-6")
    assert (PCL5.loinc_panel, PCL5.loinc_total) == ("101697-1", "101698-9")
    for inst in INSTRUMENTS.values():
        assert len(inst.loinc_items) in (0, len(inst.items))


@pytest.mark.parametrize(
    ("baseline", "latest", "expected"),
    [
        (20, 10, True),
        (20, 11, False),
        (21, 10, True),
        (21, 11, False),
        (1, 0, True),
        (10, 12, False),
    ],
)
def test_response_is_a_drop_of_at_least_half(baseline: int, latest: int, expected: bool) -> None:
    assert measures.response(baseline, latest) is expected


def test_response_from_zero_baseline_is_never_a_response() -> None:
    assert measures.response(0, 0) is False


@pytest.mark.parametrize("bad", [(-1, 0), (5, -1), (True, 0), (5.0, 2)])
def test_response_rejects_bad_scores(bad: tuple[object, object]) -> None:
    with pytest.raises(RecordError):
        measures.response(*bad)  # type: ignore[arg-type]


def test_remission() -> None:
    assert measures.remission("phq9", 4) is True
    assert measures.remission("phq9", 5) is False
    assert measures.remission("gad7", 0) is True
    assert measures.remission("gad7", 5) is False
    assert measures.remission("pcl5", 0) is None
    with pytest.raises(RecordError):
        measures.remission("phq9", 28)


def test_new_assessment_takes_its_score_from_the_answers() -> None:
    now = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)
    a = measures.new_assessment("a1", now, "phq9", [1] * 9, session_id="s1")
    assert (a.score, a.band, a.flags, a.session_id) == (9, "mild", ("phq9_item9",), "s1")
    assert a.created == a.updated == now
    tampered = a.__class__(a.id, a.created, a.updated, "phq9", a.answers, score=0, band="minimal")
    assert measures.rescore(tampered).score == 9


def test_checkin_disclaimer_says_not_validated() -> None:
    assert "not a validated measure" in measures.CHECKIN_DISCLAIMER


def test_change_is_judged_by_each_instruments_own_rule() -> None:
    from kapjournal.measures import change

    assert change("phq9", 6, 13).direction == "worse"
    assert change("phq9", 13, 9).direction == "steady"
    assert change("phq9", 15, 9).direction == "better"
    assert change("gad7", 8, 12).worse
    assert change("gad7", 8, 11).direction == "steady"
    assert change("pcl5", 40, 31).direction == "steady"
    assert change("pcl5", 40, 30).direction == "better"


def test_pcl5_cluster_subtotals_follow_dsm5() -> None:
    from kapjournal.measures import pcl5_clusters

    answers = [4] * 5 + [3] * 2 + [2] * 7 + [1] * 6
    assert pcl5_clusters(answers) == {"B": 20, "C": 6, "D": 14, "E": 6}


# --- the difficulty question, the previous score, what the patient reads -------------------------


def test_difficulty_question_is_the_published_one_with_loinc_codes() -> None:
    assert PHQ9.difficulty is not None and GAD7.difficulty is not None and PCL5.difficulty is None
    assert PHQ9.difficulty.text.startswith("If you checked off any problems, how difficult")
    assert PHQ9.difficulty.loinc == "69722-7"
    assert GAD7.difficulty.loinc == ""  # no GAD-7-specific code exists in LOINC
    assert [(o.value, o.label, o.loinc) for o in PHQ9.difficulty.options] == [
        (0, "Not difficult at all", "LA6572-7"),
        (1, "Somewhat difficult", "LA6573-5"),
        (2, "Very difficult", "LA6575-0"),
        (3, "Extremely difficult", "LA6574-3"),
    ]


def test_difficulty_is_stored_unscored_and_checked() -> None:
    now = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)
    a = measures.new_assessment("a1", now, "gad7", [1] * 7, difficulty=2)
    assert (a.score, a.difficulty) == (7, 2)
    assert measures.difficulty_label("gad7", 2) == "Very difficult"
    assert measures.difficulty_label("gad7", None) == ""
    assert measures.new_assessment("a2", now, "phq9", [0] * 9).difficulty is None
    for bad, message in ((4, "from 0 to 3"), (-1, "from 0 to 3"), (True, "whole number")):
        with pytest.raises(RecordError, match=message):
            measures.new_assessment("a3", now, "phq9", [0] * 9, difficulty=bad)  # type: ignore[arg-type]
    with pytest.raises(RecordError, match="no difficulty question"):
        measures.new_assessment("a4", now, "pcl5", [0] * 20, difficulty=1)


def _assessment(id: str, day: int, instrument: str, total: int) -> object:
    inst = INSTRUMENTS[instrument]
    when = datetime(2026, 11, day, 9, 0, tzinfo=UTC)
    return measures.new_assessment(id, when, instrument, answers_for(inst, total))


def test_change_is_against_the_previous_score_not_the_first() -> None:
    # The review's case: PHQ-9 6 → 13 in five days is a worsening, whatever came first.
    history = [
        _assessment("a", 1, "phq9", 13),
        _assessment("b", 20, "phq9", 6),
        _assessment("g", 22, "gad7", 2),
    ]
    latest = _assessment("c", 25, "phq9", 13)
    moved = measures.previous_change([*history, latest], latest)  # type: ignore[list-item,arg-type]
    assert moved is not None and (moved.previous, moved.latest, moved.worse) == (6, 13, True)
    assert measures.previous_change(history[:1], history[0]) is None  # type: ignore[list-item,arg-type]
    sentence = measures.change_sentence("phq9", moved)
    assert sentence.startswith("7 points up from your previous PHQ-9 (6).")
    assert "real worsening" in sentence
    assert measures.change_phrase("phq9", moved).startswith("▲ up 7 since the one before (6)")
    steady = measures.change("gad7", 8, 11)
    assert "within the usual ups and downs (under 4)" in measures.change_phrase("gad7", steady)
    better = measures.change("pcl5", 40, 30)
    assert "real change by the PCL-5 rule of 10 points" in measures.change_phrase("pcl5", better)


def test_band_label_rescores_old_records_with_renamed_bands() -> None:
    now = datetime(2026, 10, 1, tzinfo=UTC)
    old = measures.new_assessment("o", now, "pcl5", answers_for(PCL5, 40))
    old = old.__class__(old.id, now, now, "pcl5", old.answers, 40, band="probable_ptsd")
    assert measures.band_label(old) == "at or above the usual screening cut-point (33)"


def test_pcl5_cluster_lines_name_items_and_maxima() -> None:
    answers = [4] * 5 + [3] * 2 + [2] * 7 + [1] * 6
    assert measures.pcl5_cluster_lines(answers) == [
        "B intrusions (items 1–5): 20 of 20",
        "C avoidance (items 6–7): 6 of 8",
        "D negative thoughts and mood (items 8–14): 14 of 28",
        "E arousal and reactivity (items 15–20): 6 of 24",
    ]
    assert measures.pcl5_cluster_short(answers) == "B 20/20 · C 6/8 · D 14/28 · E 6/24"


def test_checkin_scales_say_what_their_ends_mean() -> None:
    assert measures.scale_hint("mood") == "0 worst · 10 best"
    assert measures.scale_hint("anxiety") == "0 none · 10 extreme"
    assert measures.scale_hint("energy") == "0 exhausted · 10 full"
