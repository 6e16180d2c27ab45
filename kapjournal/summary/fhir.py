"""The summary as a FHIR R4 Bundle (type "collection"), built as plain dicts.

What goes in, and why:
- each questionnaire as a ``QuestionnaireResponse`` (LOINC panel as its canonical, LOINC item codes
  as link ids and LOINC answer codes where LOINC has them), with its total score as an
  ``Observation`` (LOINC total code) derived from it; PHQ-9 question 9 answered above 0 also gets
  its own ``Observation`` (LOINC 44260-8) so a receiving system can alert on it;
- mood check-ins as ``Observation``s with a text-only code, since no validated code fits a 0-10
  self-rating, saying so;
- sessions, shared reflections, committed actions and talking points as narrative
  ``Observation``s (``valueString``), because they are the patient's words, not coded data.
No ``subject``: the file carries no identity; the therapist knows whose it is. The runtime never
imports ``fhir.resources`` (it is a test extra); tests validate the output against R4 models.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from kapjournal import measures
from kapjournal.summary.model import (
    DISCLAIMER,
    MOOD_NOTE,
    AssessmentItem,
    CheckInItem,
    Commitment,
    ReflectionItem,
    SessionRow,
    Summary,
)

LOINC = "http://loinc.org"
NAMESPACE = uuid.UUID("6f1c2a1e-5b7d-4f0e-9a51-0d5c4f8b6a21")
SURVEY = {
    "coding": [
        {
            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
            "code": "survey",
            "display": "Survey",
        }
    ]
}
PATIENT_REPORTED = {"tag": [{"code": "patient-reported", "display": DISCLAIMER}]}
MOOD_CODE = "patient-reported mood 0-10, not a validated measure"


def _uuid(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


def _entry(resource: dict[str, Any]) -> dict[str, Any]:
    return {"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource}


def _text(code: str) -> dict[str, Any]:
    return {"text": code}


def _observation(rid: str, code: dict[str, Any], when: str, **fields: Any) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": rid,
        "meta": PATIENT_REPORTED,
        "status": "final",
        "category": [SURVEY],
        "code": code,
        "effectiveDateTime": when,
        **{k: v for k, v in fields.items() if v not in (None, [], "")},
    }


def _component(code: str, **value: Any) -> dict[str, Any]:
    return {"code": _text(code), **value}


def _answer(inst: measures.Instrument, value: int) -> dict[str, Any]:
    option = next((o for o in inst.options if o.value == value), None)
    if option is not None and option.loinc:
        coding = {"system": LOINC, "code": option.loinc, "display": option.label}
        return {"valueCoding": coding}
    return {"valueInteger": value}


def _assessment(a: AssessmentItem) -> list[dict[str, Any]]:
    inst = measures.instrument(a.instrument)
    qr_id = _uuid(a.id, "response")
    items = []
    for number, (text, value) in enumerate(zip(inst.items, a.answers, strict=True), start=1):
        link = inst.loinc_items[number - 1] if inst.loinc_items else f"{inst.id}-{number}"
        items.append({"linkId": link, "text": text, "answer": [_answer(inst, value)]})
    items.append(
        {"linkId": inst.loinc_total, "text": "Total score", "answer": [{"valueInteger": a.score}]}
    )
    response = {
        "resourceType": "QuestionnaireResponse",
        "id": qr_id,
        "meta": PATIENT_REPORTED,
        "questionnaire": f"{LOINC}/q/{inst.loinc_panel}",
        "status": "completed",
        "authored": a.when,
        "item": items,
    }
    derived = [{"reference": f"urn:uuid:{qr_id}"}]
    total = _observation(
        _uuid(a.id, "total"),
        {
            "coding": [{"system": LOINC, "code": inst.loinc_total}],
            "text": f"{inst.name} total score",
        },
        a.when,
        valueInteger=a.score,
        interpretation=[{"text": f"{a.band} (published score range; not a diagnosis)"}],
        derivedFrom=derived,
    )
    out = [response, total]
    if measures.FLAG_PHQ9_ITEM9 in a.flags:
        out.append(
            _observation(
                _uuid(a.id, "item9"),
                {
                    "coding": [{"system": LOINC, "code": inst.loinc_items[8]}],
                    "text": "PHQ-9 question 9: thoughts of being better off dead or of self-harm",
                },
                a.when,
                valueCodeableConcept={"coding": [_answer(inst, a.answers[8])["valueCoding"]]},
                derivedFrom=derived,
            )
        )
    return out


def _narrative(r: ReflectionItem, what: str, include: str) -> dict[str, Any]:
    text = f"{r.title}\n\n{r.text}" if r.title else r.text
    components = []
    if r.tags:
        components.append(_component("tags", valueString=", ".join(r.tags)))
    if r.session_number:
        components.append(_component("after session number", valueInteger=r.session_number))
    if include == "all":
        components.append(_component("shared by the patient", valueBoolean=r.shared))
    return _observation(
        _uuid(r.id, "reflection"),
        _text(what),
        r.when,
        valueString=text or "(no text)",
        component=components,
    )


def _checkin(c: CheckInItem) -> dict[str, Any]:
    components = [
        _component(f"patient-reported {name} 0-10, not a validated measure", valueInteger=v)
        for name, v in (("anxiety", c.anxiety), ("energy", c.energy))
        if v is not None
    ]
    return _observation(
        _uuid(c.id, "mood"),
        _text(MOOD_CODE),
        c.when,
        valueInteger=c.mood,
        component=components,
        note=[{"text": c.note}] if c.note else [],
    )


def _session(s: SessionRow) -> dict[str, Any]:
    components = [_component("route", valueString=s.route)]
    if s.dose:
        components.append(_component("dose as recorded by the patient", valueString=s.dose))
    if s.intention:
        components.append(_component("intention", valueString=s.intention))
    if s.dissociation is not None:
        components.append(_component("dissociation 0-10", valueInteger=s.dissociation))
    if s.side_effects:
        components.append(_component("side effects", valueString=", ".join(s.side_effects)))
    components += [_component(k, valueString=v) for k, v in s.details]
    return _observation(
        _uuid(s.id, "session"),
        _text("ketamine dosing session, as recorded by the patient"),
        s.when,
        valueString=f"Session {s.number}, {s.route}",
        component=components,
    )


def _commitment(c: Commitment) -> dict[str, Any]:
    components = []
    if c.followed_up:
        components.append(_component("looked back on", valueDateTime=c.followed_up.isoformat()))
    if c.outcome:
        components.append(_component("how it went", valueString=c.outcome))
    return _observation(
        _uuid(c.reflection_id, "commitment"),
        _text("committed action (one small step)"),
        c.when,
        valueString=c.text,
        component=components,
    )


def render_fhir(summary: Summary) -> str:
    """The summary as FHIR R4 Bundle JSON, one resource per thing the patient recorded."""
    resources: list[dict[str, Any]] = []
    for a in summary.assessments:
        resources += _assessment(a)
    resources += [_checkin(c) for c in summary.checkins]
    resources += [_session(s) for s in summary.sessions]
    talk = "something the patient would like to talk about"
    resources += [_narrative(r, talk, summary.include) for r in summary.talk]
    resources += [_narrative(r, "journal reflection", summary.include) for r in summary.reflections]
    resources += [_commitment(c) for c in summary.commitments]
    bundle = {
        "resourceType": "Bundle",
        "id": _uuid(
            "bundle", summary.since.isoformat(), summary.until.isoformat(), *summary.item_ids
        ),
        "meta": {
            "tag": [
                *PATIENT_REPORTED["tag"],
                {"code": "range", "display": f"{summary.since} to {summary.until}"},
                {"code": "mood-note", "display": MOOD_NOTE},
            ]
        },
        "type": "collection",
        "entry": [_entry(r) for r in resources],
    }
    return json.dumps(bundle, ensure_ascii=False, indent=1) + "\n"
