"""The FHIR export is a valid R4 Bundle with the right LOINC codes (validated with fhir.resources).

R4 itself: the last fhir.resources with R4 models (6.4.0) needs pydantic 1, so it runs in its own
environment, ``.venv-fhir-r4`` (see tests/fhir_r4_check.py); without it that test is skipped.
R4B and R5 are validated in process with the installed fhir.resources.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from kapjournal.summary import render_fhir
from kapjournal.summary.fhir import LOINC, TAG_SYSTEM
from tests.test_summary import SHARED, sample
from tests.test_summary_content import rich, summarise

bundle_model = pytest.importorskip("fhir.resources.R4B.bundle")
ROOT = Path(__file__).resolve().parent.parent
R4_PYTHON = Path(os.environ.get("KAPJOURNAL_FHIR_R4_PYTHON", ROOT / ".venv-fhir-r4/bin/python"))


def resources(out: str, kind: str | None = None) -> list[dict[str, Any]]:
    found = [e["resource"] for e in json.loads(out)["entry"]]
    return [r for r in found if kind is None or r["resourceType"] == kind]


def codes(resource: dict[str, Any]) -> set[str]:
    return {c["code"] for c in resource["code"].get("coding", [])}


@pytest.mark.parametrize("include", ["shared", "all", "scores"])
def test_validates_against_r4(include: str) -> None:
    out = render_fhir(sample().summary(include))
    bundle = bundle_model.Bundle.model_validate_json(out)
    assert bundle.type == "collection"
    assert len(bundle.entry) == len(resources(out))
    urls = [e.fullUrl for e in bundle.entry]
    assert len(set(urls)) == len(urls)


@pytest.mark.skipif(not R4_PYTHON.exists(), reason="no .venv-fhir-r4 with the R4 models")
@pytest.mark.parametrize("include", ["shared", "all", "scores"])
def test_validates_against_the_r4_models(include: str) -> None:
    out = render_fhir(summarise(rich(), include))
    check = ROOT / "tests" / "fhir_r4_check.py"
    done = subprocess.run(
        [str(R4_PYTHON), str(check)], input=out.encode(), capture_output=True, timeout=120
    )
    assert done.returncode == 0, done.stdout.decode()[-2000:]
    assert done.stdout.decode().startswith("ok 4.0.1 ")


@pytest.mark.skipif(not R4_PYTHON.exists(), reason="no .venv-fhir-r4 with the R4 models")
def test_the_r4_check_is_not_a_rubber_stamp() -> None:
    doc = json.loads(render_fhir(sample().summary()))
    del doc["entry"][1]["resource"]["status"]  # required in R4
    done = subprocess.run(
        [str(R4_PYTHON), str(ROOT / "tests" / "fhir_r4_check.py")],
        input=json.dumps(doc).encode(),
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 1


@pytest.mark.parametrize("include", ["shared", "all", "scores"])
def test_validates_against_r5_too(include: str) -> None:
    r5 = pytest.importorskip("fhir.resources.bundle")
    r5.Bundle.model_validate_json(render_fhir(summarise(rich(), include)))


def test_validation_is_not_a_rubber_stamp() -> None:
    doc = json.loads(render_fhir(sample().summary()))
    del doc["entry"][0]["resource"]["status"]
    with pytest.raises(ValueError):
        bundle_model.Bundle.model_validate(doc)


def test_questionnaire_responses_carry_loinc_codes() -> None:
    out = render_fhir(sample().summary())
    responses = resources(out, "QuestionnaireResponse")
    assert len(responses) == 5
    assert all(
        r["text"]["div"].startswith('<div xmlns="http://www.w3.org/1999/xhtml">') for r in responses
    )
    phq = [r for r in responses if r["questionnaire"].endswith("44249-1")]
    gad = [r for r in responses if r["questionnaire"].endswith("69737-5")]
    assert len(phq) == 3 and len(gad) == 2
    first = phq[0]["item"]
    assert first[0]["linkId"] == "44250-9" and first[8]["linkId"] == "44260-8"
    assert first[0]["answer"][0]["valueCoding"]["code"] == "LA6570-1"  # more than half the days
    assert first[-1] == {
        "linkId": "44261-6",
        "text": "Total score",
        "answer": [{"valueInteger": 12}],
    }


def test_total_scores_and_item9_as_observations() -> None:
    out = render_fhir(sample().summary())
    observations = resources(out, "Observation")
    totals = [o for o in observations if codes(o) & {"44261-6", "70274-6"}]
    assert sorted(o["valueInteger"] for o in totals) == [2, 4, 9, 11, 12]
    assert all(o["derivedFrom"][0]["reference"].startswith("urn:uuid:") for o in totals)
    item9 = [o for o in observations if "44260-8" in codes(o)]
    assert len(item9) == 1  # only the one PHQ-9 where question 9 was above 0
    assert item9[0]["valueCodeableConcept"]["coding"][0]["code"] == "LA6569-3"
    assert item9[0]["effectiveDateTime"].startswith("2026-10-15")


def test_mood_is_a_text_coded_observation_that_says_what_it_is() -> None:
    out = render_fhir(sample().summary())
    moods = [o for o in resources(out, "Observation") if "mood" in o["code"].get("text", "")]
    assert len(moods) == 25
    assert moods[0]["code"] == {"text": "patient-reported mood 0-10, not a validated measure"}
    assert "coding" not in moods[0]["code"]
    assert {c["code"]["text"].split()[1] for c in moods[0]["component"]} == {"anxiety", "energy"}


def test_sessions_and_reflections_are_narrative() -> None:
    out = render_fhir(sample().summary())
    texts = [o.get("valueString", "") for o in resources(out, "Observation")]
    assert any(t.startswith("Session 1, sublingual lozenge") for t in texts)
    assert any(SHARED in t for t in texts)
    assert "Walk after lunch" in texts  # the committed action
    assert not any("subject" in r for r in resources(out))


def test_bundle_has_a_timestamp_a_composition_and_narratives() -> None:
    out = render_fhir(summarise(rich(), "all"), made="2026-10-30T18:00:00-05:00")
    doc = json.loads(out)
    assert doc["timestamp"] == "2026-10-30T18:00:00-05:00"
    first = doc["entry"][0]["resource"]
    assert first["resourceType"] == "Composition" and first["title"].startswith("Summary, 1 Oct")
    titles = [s["title"] for s in first["section"]]
    assert titles[:4] == ["Flags", "Scores", "Mood", "The course, session by session"]
    course = first["section"][3]["text"]["div"]
    assert "Phone my sister on Sunday" in course and "We talked for an hour" in course
    for entry in doc["entry"]:
        text = entry["resource"]["text"]
        assert text["status"] == "generated" and text["div"].startswith("<div xmlns=")
    refs = {r["reference"] for s in first["section"] for r in s.get("entry", [])}
    urls = {e["fullUrl"] for e in doc["entry"]}
    assert refs and refs <= urls  # every section points at entries in the bundle


def test_tags_have_a_system_and_loinc_codes_a_display() -> None:
    doc = json.loads(render_fhir(summarise(rich())))
    tags = doc["meta"]["tag"] + [t for e in doc["entry"] for t in e["resource"]["meta"]["tag"]]
    assert tags and all(t["system"] == TAG_SYSTEM for t in tags)
    observations = resources(json.dumps(doc), "Observation")
    loinc = [c for o in observations for c in o["code"].get("coding", []) if c["system"] == LOINC]
    assert {c["code"] for c in loinc} >= {"44261-6", "70274-6", "101698-9", "44260-8"}
    assert all(c.get("display") for c in loinc)
    answers = [
        a["valueCoding"]
        for r in resources(json.dumps(doc), "QuestionnaireResponse")
        for i in r["item"]
        for a in i["answer"]
        if "valueCoding" in a
    ]
    assert answers and all(a.get("display") for a in answers)


def test_pcl5_does_not_pass_our_item_ids_off_as_loinc() -> None:
    doc = json.loads(render_fhir(summarise(rich())))
    pcl = [
        r
        for r in resources(json.dumps(doc), "QuestionnaireResponse")
        if r.get("contained") and r["contained"][0]["id"] == "pcl5"
    ]
    assert len(pcl) == 2
    (questionnaire,) = pcl[0]["contained"]
    assert pcl[0]["questionnaire"] == "#pcl5" and "loinc.org/q/" not in json.dumps(pcl[0])
    assert questionnaire["code"][0]["code"] == "101697-1"
    coded = {i["linkId"]: i["code"][0]["code"] for i in questionnaire["item"] if "code" in i}
    assert coded == {"pcl5-9": "101699-7", "pcl5-16": "101702-9", "pcl5-17": "101715-1"}
    assert [i["linkId"] for i in pcl[0]["item"]][:2] == ["pcl5-1", "pcl5-2"]
    total = next(o for o in resources(json.dumps(doc), "Observation") if "101698-9" in codes(o))
    assert [c["valueInteger"] for c in total["component"]] == [10, 4, 14, 12]  # B, C, D, E
