"""The FHIR export is a valid R4 Bundle with the right LOINC codes (validated with fhir.resources)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from kapjournal.summary import render_fhir
from tests.test_summary import SHARED, sample

bundle_model = pytest.importorskip("fhir.resources.R4B.bundle")


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


def test_validation_is_not_a_rubber_stamp() -> None:
    doc = json.loads(render_fhir(sample().summary()))
    del doc["entry"][0]["resource"]["status"]
    with pytest.raises(ValueError):
        bundle_model.Bundle.model_validate(doc)


def test_questionnaire_responses_carry_loinc_codes() -> None:
    out = render_fhir(sample().summary())
    responses = resources(out, "QuestionnaireResponse")
    assert len(responses) == 5
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
