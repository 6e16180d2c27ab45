"""What a therapist reads: tables that parse, the patient's line breaks, questions beside answers,
changes judged by each questionnaire's rule, mood windows that do not move with the range, and
one thread per session. Markdown is checked with markdown-it-py, as a viewer would parse it."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from kapjournal.exercises import builtin_prompt_dirs, load_packs
from kapjournal.records import CheckIn
from kapjournal.summary import build_summary, render, render_html, render_markdown
from kapjournal.summary.build import questions_from
from kapjournal.summary.markdown import md_inline
from kapjournal.summary.model import Summary
from tests.test_summary import SINCE, UNTIL, Data, sample
from tests.test_summary_hostile import hostile_data

CATALOG = load_packs(builtin_prompt_dirs())
QUESTIONS = questions_from(CATALOG)


def summarise(
    d: Data, include: str = "shared", since: date = SINCE, until: date = UNTIL
) -> Summary:
    return build_summary(
        sessions=d.sessions,
        reflections=d.reflections,
        checkins=d.checkins,
        assessments=d.assessments,
        since=since,
        until=until,
        include=include,
        today=until,
        questions=QUESTIONS,
    )


def rich() -> Data:
    """The sample month with PCL-5, a worsening, a long multi-line reflection and a full thread."""
    d = sample()
    d.assess(2, "pcl5", tuple([2] * 20))
    d.assess(20, "pcl5", tuple([3] * 10 + [2] * 10))
    third = d.sessions[2]
    d.reflection(
        18, exercise_id="intention-review", session_id=third.id, share=True,
        answers=("It felt close", "It went around it, then straight through", ""),
    )  # fmt: skip
    d.reflection(
        19, exercise_id="small-step", session_id=third.id, share=True,
        answers=("", "", "Phone my sister on Sunday", ""),
    )  # fmt: skip
    d.reflection(
        25, exercise_id="small-step-followup", answers=("We talked for an hour",), share=True
    )
    d.reflection(21, body="A list:\n- one\n- two\n\nNew paragraph.", share=True)
    return d


VARIANTS = [
    pytest.param(lambda: summarise(Data()), id="empty"),
    *(pytest.param(lambda i=i: summarise(sample(), i), id=f"sample-{i}") for i in ("shared", "all", "scores")),
    *(pytest.param(lambda i=i: summarise(rich(), i), id=f"rich-{i}") for i in ("shared", "all", "scores")),
    *(pytest.param(lambda i=i: hostile_data().summary(i), id=f"hostile-{i}") for i in ("shared", "all")),
    pytest.param(lambda: summarise(sample(), "all", date(2026, 1, 1), date(2026, 12, 31)), id="year"),
]  # fmt: skip

_PIPE = re.compile(r"(?<!\\)\|")


def raw_cells(line: str) -> int:
    """Cells in a table line as written (escaped pipes are text, not separators)."""
    return len(_PIPE.split(line.strip().strip("|"))) if line.strip() else 0


@pytest.mark.parametrize("make", VARIANTS)
def test_every_markdown_table_has_a_cell_per_header(make) -> None:  # type: ignore[no-untyped-def]
    md = render_markdown(make())
    lines = md.split("\n")
    tokens = MarkdownIt("commonmark").enable("table").parse(md)
    tables = [t for t in tokens if t.type == "table_open"]
    assert len(tables) == md.count("\n|---")  # every table we wrote is a table to markdown-it
    for table in tables:
        assert table.map is not None
        start, end = table.map
        header = raw_cells(lines[start])
        assert header > 1
        for line in lines[start:end]:
            if line.startswith("|---"):
                continue
            assert raw_cells(line) == header, line
    for i, tok in enumerate(tokens):  # and markdown-it reads as many cells as were written
        if tok.type == "tr_open":
            cells = 0
            for t in tokens[i + 1 :]:
                if t.type == "tr_close":
                    break
                cells += t.type in ("th_open", "td_open")
            assert cells > 1


def test_table_checks_would_catch_a_missing_cell() -> None:
    assert raw_cells("| a | b | c |") == 3 and raw_cells("| a \\| b | c |") == 2


def test_line_breaks_are_kept() -> None:
    md = render_markdown(summarise(rich(), "all"))
    html = MarkdownIt("commonmark").render(md)
    assert "A list:<br />\n- one<br />\n- two</p>" in html.replace("\\-", "-")
    assert "<li>one" not in html  # still the patient's text, not our list
    assert "New paragraph." in html
    page = render_html(summarise(rich(), "all"))
    assert "A list:\n- one\n- two" in page  # blockquotes keep them (white-space: pre-wrap)


@pytest.mark.parametrize("fmt", ["md", "html", "json"])
def test_questions_sit_beside_answers(fmt: str) -> None:
    out = render(summarise(sample()), fmt)
    question = "Choose one small step you could take before your next session."
    assert question in out and "Walk after lunch" in out
    if fmt == "md":
        assert out.index(question) < out.index("> Walk after lunch")
    if fmt == "json":
        doc = json.loads(out)
        parts = [
            c
            for e in doc["entry"]
            for c in e["resource"].get("component", [])
            if c["code"]["text"].startswith("question: Choose one small step")
        ]
        assert parts and parts[0]["valueString"] == "Walk after lunch"


def test_worsening_is_judged_against_the_score_before_it() -> None:
    """PHQ-9 6 → 13 in five days and back: +0 first to latest, yet a meaningful worsening."""
    d = Data()
    d.assess(1, "phq9", (1, 1, 1, 1, 1, 1, 0, 0, 0))
    d.assess(6, "phq9", (2, 2, 2, 2, 2, 1, 1, 1, 0))
    d.assess(12, "phq9", (1, 1, 1, 1, 1, 1, 0, 0, 0))
    s = summarise(d)
    (row,) = s.scores
    assert row.change == 0
    assert [f.kind for f in s.flags] == ["worse"]
    assert "rose from 6 (2 Oct 2026) to 13 (7 Oct 2026), 7 points" in s.flags[0].text
    md = render_markdown(s)
    assert md.index("## Flags") < md.index("PHQ-9 rose from 6") < md.index("## Scores")
    assert "| 13 | +7, worse |" in md  # the item table says it too
    gad = Data()
    gad.assess(1, "gad7", (1, 1, 1, 1, 0, 0, 0))
    gad.assess(3, "gad7", (2, 2, 2, 1, 0, 0, 0))  # +3: below GAD-7's 4 points
    assert summarise(gad).flags == ()


def test_the_score_before_the_range_counts() -> None:
    d = Data()
    d.assess(-10, "phq9", (0, 0, 0, 0, 1, 1, 1, 1, 0))  # 4, before the range
    d.assess(5, "phq9", (2, 2, 2, 1, 1, 1, 1, 1, 0))  # 11
    s = summarise(d)
    (row,) = s.scores
    assert row.previous is not None and row.previous.score == 4 and row.last_change is not None
    assert row.last_change.worse
    assert "from 4 (before this period) to 11" in s.flags[0].text


def test_item_9_history_zeros_included() -> None:
    md = render_markdown(summarise(sample()))
    table = md[md.index("### PHQ-9, question by question") :].split("\n\n")[1]
    rows = [r for r in table.split("\n")[2:]]
    assert [r.split("|")[10].strip() for r in rows] == ["0", "1", "0"]  # Q9, every time


def test_pcl5_gets_clusters_and_no_fifty_percent_rule() -> None:
    s = summarise(rich())
    pcl = next(r for r in s.scores if r.instrument == "pcl5")
    assert pcl.response is None
    assert pcl.last_change is not None and pcl.last_change.delta == 10 and pcl.last_change.worse
    assert [(k, v) for k, _n, v in pcl.clusters] == [("B", 15), ("C", 6), ("D", 17), ("E", 12)]
    md = render_markdown(s)
    assert "B intrusions 15 of 20; C avoidance 6 of 8" in md and "not its rule" in md
    assert "PCL-5: PCL-5:" not in md and "- PCL-5: Weathers" in md


def test_mood_windows_do_not_move_with_the_range() -> None:
    d = sample()
    whole = summarise(d).sessions[1]
    day = whole.day
    narrow = summarise(d, since=day, until=day).sessions[0]
    assert narrow.id == whole.id
    assert narrow.windows() == whole.windows()
    assert whole.before.count == 7 and whole.day3.count == 1
    md = render_markdown(summarise(d, since=day, until=day))
    assert "| 3.9 (7) |" in md  # the mean, and the check-ins behind it


def test_one_thread_per_session_holds_all_four_parts() -> None:
    s = summarise(rich())
    third = s.sessions[2]
    assert third.intention == "to listen"
    assert third.review == "It went around it, then straight through"
    assert third.step == "Phone my sister on Sunday"
    assert third.outcome == "We talked for an hour"
    md = render_markdown(s)
    line = next(x for x in md.split("\n") if x.startswith("- **Session 3,"))
    for part in (
        "Intention: to listen",
        "Review: It went around it, then straight through",
        "Small step: Phone my sister on Sunday",
        "What came of it: We talked for an hour",
        "PCL-5 40 → 50 (+10, worse",
        "mood 5.3 the week before (6 check-ins)",
    ):
        assert part in line, part
    assert (
        line.index("Intention")
        < line.index("Review")
        < line.index("Small step")
        < line.index("What came")
    )
    html = render_html(s)
    assert "We talked for an hour" in html and "Phone my sister on Sunday" in html
    scores_only = render_markdown(summarise(rich(), "scores"))
    line = next(x for x in scores_only.split("\n") if x.startswith("- **Session 3,"))
    assert "Intention" not in line and "PCL-5 40 → 50" in line


def test_private_review_stays_out_of_the_thread_when_sharing_only_shared() -> None:
    d = rich()
    review = next(r for r in d.reflections if r.exercise_id == "intention-review")
    d.reflections.remove(review)
    d.reflection(
        18,
        exercise_id="intention-review",
        session_id=d.sessions[2].id,
        answers=("x", "PRIVATE-OWL"),
    )
    assert "PRIVATE-OWL" not in render_markdown(summarise(d, "shared"))
    assert "PRIVATE-OWL" in render_markdown(summarise(d, "all"))


def test_small_words_read_right() -> None:
    d = Data()
    d.checkin(2, mood=4, note="a note")
    md = render_markdown(summarise(d, "all"))
    assert "over 1 day with check-ins" in md and "1 days" not in md
    assert "- 3 Oct 2026, mood 4: a note" in md  # dates as everywhere else, not ISO


# --- md_inline: a translate and literal scans, the same output as the regex it replaced -------

_OLD = re.compile(r"([\\`*_\[\]<>&|~#@]|:(?=/)|(?<=\w)\.(?=[^\W\d_]))")


def old_md_inline(text: str) -> str:
    return _OLD.sub(r"\\\1", " ".join(text.split()))


@settings(max_examples=400, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("ab1_.:/\\`*[]<>&|~#@ \n²éß٣.")), max_size=40)
    | st.text(max_size=40)
)
def test_md_inline_matches_the_regex_it_replaced(text: str) -> None:
    assert md_inline(text) == old_md_inline(text)


def test_md_inline_examples() -> None:
    assert md_inline("see evil.com or x.1, a. b, a..b, http://x") == (
        "see evil\\.com or x.1, a. b, a..b, http\\://x"
    )
    assert md_inline("_.a é.b 3.c") == "\\_\\.a é\\.b 3\\.c"


def test_week_columns_are_labelled() -> None:
    md = render_markdown(summarise(sample()))
    assert "| Week before | Same day | Day +1 | Day +3 | Day +7 |" in md
    assert timedelta(days=29) == (UNTIL - SINCE)


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("ab \n\r\t\x1b[31m\x07\x00\x7f\x85\u202e\u2066é")),
        max_size=30,
    )
)
def test_clean_fast_path_changes_nothing(text: str) -> None:
    from kapjournal.summary import model

    slow = model._UNSAFE.sub(
        "", model._ANSI.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    )
    assert model.clean(text) == slow.strip()


def test_an_after_session_check_in_counts_as_same_day_even_if_logged_early() -> None:
    d = Data()
    s = d.session(3, hours=6)  # entered as 15:00
    d.checkin(3, mood=2)  # 09:00, before the session began
    d.checkins.append(
        CheckIn(id="after", created=d.sessions[0].when.replace(hour=12), updated=s.when, mood=8,
                context="after-session", session_id=s.id)
    )  # fmt: skip
    (row,) = summarise(d).sessions
    assert (row.before.mean, row.before.count) == (2.0, 1)
    assert (row.same_day.mean, row.same_day.count) == (8.0, 1)
