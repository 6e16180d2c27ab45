"""The shipped crisis-line data validates, falls back to international, and the plan matches."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
from datetime import UTC, datetime

import pytest

from kapjournal import safety
from kapjournal.records import SafetyPlan
from kapjournal.safety import CrisisDataError, Reach


def test_shipped_data_validates_and_has_the_required_regions() -> None:
    d = safety.load_crisis_lines()
    assert {"US", "CA", "GB", "IE", "AU", "NZ", "INT"} <= set(d.regions)
    for region in d.regions.values():
        assert region.emergency and region.lines
        for line in region.lines:
            assert line.reach, f"{line.name} cannot be reached"
            assert all(r.how in safety.REACH_KINDS and r.value for r in line.reach)
            assert re.fullmatch(r"\d{4}-\d{2}", line.checked)
            assert line.hours and line.emergency == region.emergency


def test_load_is_cached() -> None:
    assert safety.load_crisis_lines() is safety.load_crisis_lines()


@pytest.mark.parametrize(
    ("region", "name", "ways", "emergency"),
    [
        ("US", "988 Suicide & Crisis Lifeline", {"Call 988", "Text 988"}, "911"),
        ("CA", "9-8-8 Suicide Crisis Helpline", {"Call 988", "Text 988"}, "911"),
        ("GB", "Samaritans", {"Call 116 123"}, "999 or 112"),
        ("IE", "Samaritans Ireland", {"Call 116 123"}, "112 or 999"),
        ("AU", "Lifeline Australia", {"Call 13 11 14", "Text 0477 13 11 14"}, "000"),
        ("NZ", "1737, Need to talk?", {"Call 1737", "Text 1737"}, "111"),
    ],
)
def test_key_lines(region: str, name: str, ways: set[str], emergency: str) -> None:
    lines = safety.lines_for(region)
    first = lines[0]
    assert first.name == name and first.hours == "24/7"
    assert ways <= {r.label for r in first.reach}
    assert safety.emergency_for(region) == emergency


def test_text_lines_with_keywords() -> None:
    gb = {r.label for line in safety.lines_for("GB") for r in line.reach}
    ie = {r.label for line in safety.lines_for("IE") for r in line.reach}
    nz = {line.name for line in safety.lines_for("NZ")}
    assert "Text SHOUT to 85258" in gb
    assert "Text 50808" in ie
    assert "Lifeline Aotearoa" in nz


def test_unknown_region_falls_back_to_international() -> None:
    fallback = safety.lines_for("ZZ")
    assert fallback == safety.lines_for("INT")
    assert any("findahelpline.com" in r.value for line in fallback for r in line.reach)
    assert safety.emergency_for("zz") == "your local emergency number"


def test_region_codes_are_case_insensitive_and_uk_means_gb() -> None:
    assert safety.lines_for("gb") == safety.lines_for("GB") == safety.lines_for("UK")


def test_regions_list_ends_with_international() -> None:
    regions = safety.regions()
    assert regions[-1].code == "INT"
    assert len({r.code for r in regions}) == len(regions)


def test_in_danger_names_the_emergency_number() -> None:
    assert "000" in safety.in_danger("AU")


_GOOD = """
[[region]]
code = "INT"
name = "Everywhere"
emergency = "local"
[[region.line]]
name = "Directory"
hours = "any time"
checked = "2026-11"
reach = [{ how = "web", value = "example.org" }]
"""


def test_parse_accepts_minimal_data() -> None:
    d = safety.parse_crisis_lines(_GOOD)
    assert safety.lines_for("US", d)[0].name == "Directory"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('reach = [{ how = "web", value = "example.org" }]', "reach = []"), "no way to reach it"),
        (('checked = "2026-11"', 'checked = "soon"'), "`checked` must look like 2026-11"),
        (('checked = "2026-11"\n', ""), "needs a non-empty `checked`"),
        (('how = "web"', 'how = "pigeon"'), "`how` must be one of"),
        (('value = "example.org"', 'value = ""'), "needs a non-empty `value`"),
        (('code = "INT"', 'code = "usa"'), "region code 'usa' must be like"),
        (('code = "INT"', 'code = "US"'), "international fallback (INT) is missing"),
        (('emergency = "local"', 'emergency = ""'), "needs a non-empty `emergency`"),
        (('hours = "any time"', 'hours = " "'), "needs a non-empty `hours`"),
        (("[[region]]", "[[regio]]"), "no [[region]] tables"),
        (("[[region]]", "[[region"), "not valid TOML"),
    ],
)
def test_parse_rejects_bad_data(change: tuple[str, str], message: str) -> None:
    with pytest.raises(CrisisDataError, match=re.escape(message)):
        safety.parse_crisis_lines(_GOOD.replace(*change))


def test_parse_rejects_a_region_without_lines_and_duplicates() -> None:
    no_lines = '[[region]]\ncode = "INT"\nname = "x"\nemergency = "1"\n'
    with pytest.raises(CrisisDataError, match="has no lines"):
        safety.parse_crisis_lines(no_lines)
    with pytest.raises(CrisisDataError, match="appears twice"):
        safety.parse_crisis_lines(_GOOD + _GOOD)


def test_reach_labels() -> None:
    assert Reach("call", "116 123").label == "Call 116 123"
    assert Reach("text", "85258", "SHOUT").label == "Text SHOUT to 85258"
    assert Reach("chat", "988lifeline.org").label == "Chat online at 988lifeline.org"
    assert Reach("email", "jo@samaritans.org").label == "Email jo@samaritans.org"
    assert Reach("web", "findahelpline.com").label == "findahelpline.com"


def test_statements() -> None:
    assert "never contacts anyone" in safety.NOT_MONITORED
    assert "not monitored" in safety.NOT_MONITORED
    assert "not a treatment and does not diagnose" in safety.NOT_TREATMENT


def test_plan_sections_match_the_safety_plan_fields_in_order() -> None:
    fields = [f.name for f in dataclasses.fields(SafetyPlan)][3:]  # after id, created, updated
    assert [s.field for s in safety.PLAN_SECTIONS] == fields
    assert [s.title for s in safety.PLAN_SECTIONS] == [
        "Warning signs",
        "Things that help",
        "People and places",
        "People I can ask for help",
        "Professionals and services",
        "Making my surroundings safe",
        "Reasons",
    ]
    assert all(s.help for s in safety.PLAN_SECTIONS)
    assert "Stanley" in safety.PLAN_CREDIT and "Brown" in safety.PLAN_CREDIT


def test_plan_entries_pair_sections_with_the_patients_words() -> None:
    now = datetime(2026, 11, 1, tzinfo=UTC)
    plan = SafetyPlan("p", now, now, warning_signs="not sleeping", reasons="my dog")
    entries = safety.plan_entries(plan)
    assert entries[0] == (safety.PLAN_SECTIONS[0], "not sleeping")
    assert entries[-1][1] == "my dog"


def test_importing_safety_reads_nothing() -> None:
    code = (
        "import kapjournal.safety as s, kapjournal.measures, kapjournal.trends;"
        "print(s.load_crisis_lines.cache_info().currsize)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0"


def test_every_line_says_when_and_where_it_was_checked() -> None:
    for place in safety.load_crisis_lines().regions.values():
        for line in place.lines:
            assert re.fullmatch(r"20\d\d-(0[1-9]|1[0-2])", line.checked), line.name
            assert line.source, f"{line.name} does not say where it was checked"


def test_more_of_the_world_is_listed_and_the_rest_falls_back() -> None:
    listed = set(safety.load_crisis_lines().regions)
    assert {"DE", "FR", "NL", "ES", "IN"} <= listed
    assert safety.lines_for("FR")[0].reach[0].label == "Call 3114"
    assert safety.emergency_for("NL") == "112"
    # Everywhere else: directories that cover most countries, and the local emergency number.
    assert safety.known_code("BR") == safety.known_code(None) == safety.known_code("??") == "INT"
    assert safety.in_danger("BR").startswith("If you might act")
    assert "your local emergency number" in safety.in_danger("BR")


def test_main_line_for_the_unlock_screen() -> None:
    assert safety.main_line("UK") == (
        "United Kingdom · Samaritans: Call 116 123 · in an emergency call 999 or 112"
    )
    assert safety.main_line("ZZ").startswith("Find A Helpline: findahelpline.com")


def test_item9_notes_in_the_app_name_the_keys_and_on_the_cli_do_not() -> None:
    for note in (safety.ITEM9_NOTE, safety.ITEM9_NOTE_CLI):
        assert "matters on its own, whatever your total score" in note
        assert "does not tell anyone" in note
    assert "f1" in safety.ITEM9_NOTE and "ctrl+g" in safety.ITEM9_NOTE
    assert not re.search(r"\b(f1|ctrl|key|press)\b", safety.ITEM9_NOTE_CLI, re.IGNORECASE)
    assert "kapjournal help" in safety.ITEM9_NOTE_CLI


def test_plan_keeps_an_old_plans_contacts_as_people_to_ask() -> None:
    from kapjournal.records import from_dict

    old = {  # a plan saved before "professionals" existed
        "kind": "safety_plan",
        "id": "p",
        "created": "2026-10-01T09:00:00+00:00",
        "updated": "2026-10-01T09:00:00+00:00",
        "contacts": "Sam 0770 000; Dr Rivera 555-0142",
    }
    plan = from_dict(old)
    assert isinstance(plan, SafetyPlan)
    assert plan.contacts == "Sam 0770 000; Dr Rivera 555-0142" and plan.professionals == ""
    titles = {s.field: s.title for s in safety.PLAN_SECTIONS}
    assert titles["contacts"] == "People I can ask for help"
