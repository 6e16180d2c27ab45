"""The summary as a FHIR R4 Bundle (type "collection"), built as plain dicts and streamed.

What goes in, and why:
- first a ``Composition`` whose narrative is the summary at a glance (flags, scores, mood, the
  course session by session), its sections pointing at the resources below;
- each questionnaire as a ``QuestionnaireResponse`` (LOINC panel as its canonical, LOINC item codes
  as link ids and LOINC answer codes where LOINC has them), with its total score as an
  ``Observation`` (LOINC total code) derived from it; PHQ-9 question 9 answered above 0 also gets
  its own ``Observation`` (LOINC 44260-8) so a receiving system can alert on it. PCL-5 has no
  item codes in ``measures`` yet (LOINC's panel 101697-1 could not be checked item by item), so
  its response does not claim LOINC's questionnaire with link ids of ours: it points at a
  contained ``Questionnaire`` coded as the LOINC panel, whose items carry the LOINC codes that
  were checked (:data:`PCL5_ITEM_CODES`) and our own link ids otherwise;
- mood check-ins as ``Observation``s with a text-only code, since no validated code fits a 0-10
  self-rating, saying so;
- sessions, shared reflections, committed actions and talking points as narrative
  ``Observation``s (``valueString``), because they are the patient's words, not coded data.
Every resource carries a generated narrative (``text``), every LOINC coding its display, every
tag its code system (:data:`TAG_SYSTEM`, a URN of our own, as no published system has these).
No ``subject``: the file carries no identity; the therapist knows whose it is. The runtime never
imports ``fhir.resources`` (a test extra); tests validate the output against R4, R4B and R5.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from html import escape
from typing import Any

import orjson

from kapjournal import measures
from kapjournal.summary.markdown import (
    change_words,
    score_cells,
    thread_numbers,
    thread_parts,
    window,
)
from kapjournal.summary.model import (
    DISCLAIMER,
    MOOD_NOTE,
    AssessmentItem,
    CheckInItem,
    Commitment,
    ReflectionItem,
    SessionRow,
    Summary,
    long_date,
)

LOINC = "http://loinc.org"
NAMESPACE = uuid.UUID("6f1c2a1e-5b7d-4f0e-9a51-0d5c4f8b6a21")
TAG_SYSTEM = "urn:uuid:1e2cad33-a22f-41c6-8677-646369b886f2"  # kapjournal's own summary tags
XHTML = "http://www.w3.org/1999/xhtml"
SURVEY = {
    "coding": [
        {
            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
            "code": "survey",
            "display": "Survey",
        }
    ]
}
PATIENT_REPORTED_TAG = {"system": TAG_SYSTEM, "code": "patient-reported", "display": DISCLAIMER}
PATIENT_REPORTED = {"tag": [PATIENT_REPORTED_TAG]}
MOOD_CODE = "patient-reported mood 0-10, not a validated measure"
# LOINC displays (the long common names), for the codes whose names were checked.
LOINC_DISPLAY = {
    "44261-6": "Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]",
    "70274-6": "Generalized anxiety disorder 7 item (GAD-7) total score [Reported.PHQ]",
    "101698-9": "PTSD PCL-5 score [PCL-5]",
    "44260-8": "Thoughts that you would be better off dead, or of hurting yourself in some way "
    "in last 2 weeks [Reported.PHQ]",
}


PCL5_PANEL_DISPLAY = "Post traumatic stress disorder checklist - civilian version DSM-5 [PCL-5]"
# PCL-5 items whose LOINC code and name were checked (item number: code, LOINC display). The rest
# are left uncoded rather than guessed; measures.PCL5.loinc_items, once filled, replaces this.
PCL5_ITEM_CODES: dict[int, tuple[str, str]] = {
    9: ("101699-7", "Having strong negative beliefs about yourself, others, or the world [PCL-5]"),
    16: ("101702-9", "Taking too many risks or doing things that could cause you harm [PCL-5]"),
    17: ("101715-1", "Being superalert or watchful or on guard [PCL-5]"),
}


def _uuid(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


def _ref(rid: str) -> dict[str, str]:
    return {"reference": f"urn:uuid:{rid}"}


def _entry(resource: dict[str, Any]) -> dict[str, Any]:
    return {"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource}


def _text(code: str) -> dict[str, Any]:
    return {"text": code}


def _loinc(code: str, text: str) -> dict[str, Any]:
    coding = {"system": LOINC, "code": code}
    if code in LOINC_DISPLAY:
        coding["display"] = LOINC_DISPLAY[code]
    return {"coding": [coding], "text": text}


def _div(*paragraphs: str, raw: str = "") -> dict[str, str]:
    """A generated narrative: our paragraphs, escaped, then any already-escaped XHTML."""
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs if p) + raw
    return {"status": "generated", "div": f'<div xmlns="{XHTML}">{body or "<p>-</p>"}</div>'}


def _observation(
    rid: str, code: dict[str, Any], when: str, narrative: dict[str, str], **fields: Any
) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": rid,
        "meta": PATIENT_REPORTED,
        "text": narrative,
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


def _label(inst: measures.Instrument, value: int) -> str:
    option = next((o for o in inst.options if o.value == value), None)
    return f"{value} ({option.label})" if option else str(value)


def _assessment(a: AssessmentItem) -> list[dict[str, Any]]:
    inst = measures.instrument(a.instrument)
    qr_id = _uuid(a.id, "response")
    coded = bool(inst.loinc_items)
    items = []
    rows = []
    for number, (text, value) in enumerate(zip(inst.items, a.answers, strict=True), start=1):
        link = inst.loinc_items[number - 1] if coded else f"{inst.id}-{number}"
        items.append({"linkId": link, "text": text, "answer": [_answer(inst, value)]})
        rows.append(
            f"<tr><td>{number}. {escape(text)}</td><td>{escape(_label(inst, value))}</td></tr>"
        )
    total_link = inst.loinc_total if coded else f"{inst.id}-total"
    items.append(
        {"linkId": total_link, "text": "Total score", "answer": [{"valueInteger": a.score}]}
    )
    when = long_date(a.day)
    response: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "id": qr_id,
        "meta": PATIENT_REPORTED,
        "text": _div(
            f"{inst.name} completed by the patient on {when}: total {a.score} ({a.band}).",
            raw=f"<table>{''.join(rows)}</table>",
        ),
    }
    if coded:
        response["questionnaire"] = f"{LOINC}/q/{inst.loinc_panel}"
    else:
        response["contained"] = [_questionnaire(inst)]
        response["questionnaire"] = f"#{inst.id}"
    response |= {"status": "completed", "authored": a.when, "item": items}
    derived = [_ref(qr_id)]
    change = f" Against the score before: {change_words(a.change)}." if a.change is not None else ""
    components = [
        _component(f"PCL-5 cluster {key} ({name}) subtotal", valueInteger=value)
        for key, name, value in a.clusters
    ]
    total = _observation(
        _uuid(a.id, "total"),
        _loinc(inst.loinc_total, f"{inst.name} total score"),
        a.when,
        _div(
            f"{inst.name} total {a.score} on {when}: {a.band} (published score range; not a "
            f"diagnosis).{change}"
        ),
        valueInteger=a.score,
        interpretation=[{"text": f"{a.band} (published score range; not a diagnosis)"}],
        note=[{"text": change.strip()}] if change else [],
        component=components,
        derivedFrom=derived,
    )
    out = [response, total]
    if measures.FLAG_PHQ9_ITEM9 in a.flags:
        answer = _answer(inst, a.answers[8])["valueCoding"]
        out.append(
            _observation(
                _uuid(a.id, "item9"),
                _loinc(
                    inst.loinc_items[8],
                    "PHQ-9 question 9: thoughts of being better off dead or of self-harm",
                ),
                a.when,
                _div(f"PHQ-9 question 9 answered \u201c{answer['display']}\u201d on {when}."),
                valueCodeableConcept={"coding": [answer], "text": answer["display"]},
                derivedFrom=derived,
            )
        )
    return out


def _questionnaire(inst: measures.Instrument) -> dict[str, Any]:
    """The questionnaire a response without LOINC link ids answers: coded where it was checked."""
    items = []
    for number, text in enumerate(inst.items, start=1):
        item: dict[str, Any] = {"linkId": f"{inst.id}-{number}", "text": text, "type": "integer"}
        if inst.id == "pcl5" and number in PCL5_ITEM_CODES:
            code, display = PCL5_ITEM_CODES[number]
            item["code"] = [{"system": LOINC, "code": code, "display": display}]
        items.append(item)
    items.append({"linkId": f"{inst.id}-total", "text": "Total score", "type": "integer"})
    coding = {"system": LOINC, "code": inst.loinc_panel}
    if inst.id == "pcl5":
        coding["display"] = PCL5_PANEL_DISPLAY
    return {
        "resourceType": "Questionnaire",
        "id": inst.id,
        "status": "active",
        "title": inst.title,
        "description": "Each item answered "
        + ", ".join(f"{o.value} ({o.label})" for o in inst.options)
        + ".",
        "code": [coding],
        "item": items,
    }


def _narrative(r: ReflectionItem, what: str, include: str) -> dict[str, Any]:
    text = f"{r.title}\n\n{r.text}" if r.title else r.text
    components = []
    if r.tags:
        components.append(_component("tags", valueString=", ".join(r.tags)))
    if r.session_number:
        components.append(_component("after session number", valueInteger=r.session_number))
    if include == "all":
        components.append(_component("shared by the patient", valueBoolean=r.shared))
    components += [
        _component(f"question: {question}", valueString=answer)
        for question, answer in r.parts
        if question
    ]
    raw = "".join(
        (f"<p><b>{escape(q)}</b></p>" if q else "") + f"<p>{escape(a)}</p>" for q, a in r.parts
    )
    return _observation(
        _uuid(r.id, "reflection"),
        _text(what),
        r.when,
        _div(
            f"{what.capitalize()}, {long_date(r.day)}." + (f" {r.title}" if r.title else ""),
            raw=raw,
        ),
        valueString=text or "(no text)",
        component=components,
    )


def _checkin(c: CheckInItem) -> dict[str, Any]:
    components = [
        _component(f"patient-reported {name} 0-10, not a validated measure", valueInteger=v)
        for name, v in (("anxiety", c.anxiety), ("energy", c.energy))
        if v is not None
    ]
    words = ", ".join(
        f"{name} {v}" for name, v in (("anxiety", c.anxiety), ("energy", c.energy)) if v is not None
    )
    day = long_date(c.day) if c.day else c.when[:10]
    return _observation(
        _uuid(c.id, "mood"),
        _text(MOOD_CODE),
        c.when,
        _div(
            f"Mood check-in, {day}: mood {c.mood}" + (f", {words}" if words else "") + ".", c.note
        ),
        valueInteger=c.mood,
        component=components,
        note=[{"text": c.note}] if c.note else [],
    )


def _session(s: SessionRow, texts: bool) -> dict[str, Any]:
    components = [_component("route", valueString=s.route)]
    if s.dose:
        components.append(_component("dose as recorded by the patient", valueString=s.dose))
    if s.intention:
        components.append(_component("intention", valueString=s.intention))
    if s.dissociation is not None:
        components.append(_component("dissociation 0-10", valueInteger=s.dissociation))
    if s.side_effects:
        components.append(_component("side effects", valueString=", ".join(s.side_effects)))
    for label, w in s.windows():
        if w.mean is not None:
            components.append(
                _component(
                    f"mean mood 0-10, {label.lower()} (from {w.count} check-ins)",
                    valueQuantity={"value": round(w.mean, 2)},
                )
            )
    thread = thread_parts(s, texts)
    components += [
        _component(label.lower(), valueString=text)
        for label, text in thread
        if label != "Intention" and text != "—"
    ]
    components += [_component(k, valueString=v) for k, v in s.details]
    head = f"Session {s.number}, {long_date(s.day)}, {s.route}" + (f", {s.dose}" if s.dose else "")
    return _observation(
        _uuid(s.id, "session"),
        _text("ketamine dosing session, as recorded by the patient"),
        s.when,
        _div(
            head + ".",
            " → ".join(f"{k}: {v}" for k, v in thread),
            "; ".join(thread_numbers(s)),
        ),
        valueString=f"Session {s.number}, {s.route}",
        component=components,
    )


def _commitment(c: Commitment) -> dict[str, Any]:
    components = []
    if c.followed_up:
        components.append(_component("looked back on", valueDateTime=c.followed_up.isoformat()))
    if c.outcome:
        components.append(_component("how it went", valueString=c.outcome))
    status = (
        f"Looked back on {long_date(c.followed_up)}" + (f": {c.outcome}" if c.outcome else ".")
        if c.followed_up
        else "Not looked back on yet."
    )
    return _observation(
        _uuid(c.reflection_id, "commitment"),
        _text("committed action (one small step)"),
        c.when,
        _div(f"Small step chosen on {long_date(c.day)}: {c.text}", status),
        valueString=c.text,
        component=components,
    )


def _composition(summary: Summary, bundle_id: str, made: str) -> dict[str, Any]:
    """The summary at a glance, with sections pointing at the resources that follow."""

    def refs(rids: Sequence[str]) -> list[dict[str, str]]:
        return [_ref(r) for r in rids]

    flags = "".join(f"<li>{escape(f.text)}</li>" for f in summary.flags)
    score_rows = "".join(
        "<tr>" + "".join(f"<td>{escape(c)}</td>" for c in score_cells(row)) + "</tr>"
        for row in summary.scores
    )
    mood = summary.mood
    mood_text = (
        f"Mean mood {mood.mean:.1f} over {mood.days_with_data} days with check-ins. {MOOD_NOTE}"
        if mood.mean is not None
        else "No mood check-ins in this period."
    )
    texts = summary.include != "scores"
    session_items = "".join(
        f"<li>Session {s.number}, {escape(long_date(s.day))}: "
        + escape(" → ".join(f"{k}: {v}" for k, v in thread_parts(s, texts)))
        + (" " if texts else "")
        + escape("; ".join(thread_numbers(s)) or f"week before {window(s.before)}")
        + "</li>"
        for s in summary.sessions
    )
    sections: list[dict[str, Any]] = [
        {
            "title": "Flags",
            "text": _div(raw=f"<ul>{flags}</ul>" if flags else "<p>None in this period.</p>"),
        },
        {
            "title": "Scores",
            "text": _div(
                raw=f"<table>{score_rows}</table>" if score_rows else "<p>No questionnaires.</p>"
            ),
            "entry": refs([_uuid(a.id, "total") for a in summary.assessments]),
        },
        {
            "title": "Mood",
            "text": _div(mood_text),
            "entry": refs([_uuid(c.id, "mood") for c in summary.checkins]),
        },
        {
            "title": "The course, session by session",
            "text": _div(
                raw=f"<ul>{session_items}</ul>" if session_items else "<p>No sessions.</p>"
            ),
            "entry": refs([_uuid(s.id, "session") for s in summary.sessions]),
        },
    ]
    if texts:
        words = [*summary.talk, *summary.reflections]
        sections.append(
            {
                "title": "The patient's words",
                "text": _div(
                    f"{len(words)} reflections and {len(summary.commitments)} small "
                    "steps follow, each as its own entry."
                ),
                "entry": refs(
                    [_uuid(r.id, "reflection") for r in words]
                    + [_uuid(c.reflection_id, "commitment") for c in summary.commitments]
                ),
            }
        )
    for section in sections:
        if not section.get("entry"):
            section.pop("entry", None)
    return {
        "resourceType": "Composition",
        "id": _uuid("composition", bundle_id),
        "meta": PATIENT_REPORTED,
        "text": _div(
            f"{summary.title}. {DISCLAIMER} Written with kapjournal on {long_date(summary.today)}."
        ),
        "status": "final",
        "type": _text("patient-reported summary for a therapist"),
        "date": made,
        "author": [{"display": "the patient, with kapjournal"}],
        "title": summary.title,
        "section": sections,
    }


def _resources(summary: Summary) -> Iterator[dict[str, Any]]:
    for a in summary.assessments:
        yield from _assessment(a)
    for check in summary.checkins:
        yield _checkin(check)
    texts = summary.include != "scores"
    for s in summary.sessions:
        yield _session(s, texts)
    talk = "something the patient would like to talk about"
    for r in summary.talk:
        yield _narrative(r, talk, summary.include)
    for r in summary.reflections:
        yield _narrative(r, "journal reflection", summary.include)
    for c in summary.commitments:
        yield _commitment(c)


def iter_fhir(summary: Summary, made: str | None = None) -> Iterator[bytes]:
    """The Bundle as UTF-8 JSON in pieces: one entry per line, so a large one is never whole."""
    made = made or summary.made or f"{summary.today.isoformat()}T00:00:00+00:00"
    bundle_id = _uuid(
        "bundle", summary.since.isoformat(), summary.until.isoformat(), summary.digest
    )
    head = {
        "resourceType": "Bundle",
        "id": bundle_id,
        "meta": {
            "tag": [
                PATIENT_REPORTED_TAG,
                {
                    "system": TAG_SYSTEM,
                    "code": "range",
                    "display": f"{summary.since} to {summary.until}",
                },
                {"system": TAG_SYSTEM, "code": "mood-note", "display": MOOD_NOTE},
            ]
        },
        "type": "collection",
        "timestamp": made,
    }
    opening = orjson.dumps(head)[:-1] + b',"entry":[\n'
    yield opening + orjson.dumps(_entry(_composition(summary, bundle_id, made)))
    for resource in _resources(summary):
        yield b",\n" + orjson.dumps(_entry(resource))
    yield b"\n]}\n"


def render_fhir(summary: Summary, made: str | None = None) -> str:
    """The summary as FHIR R4 Bundle JSON, one resource per thing the patient recorded."""
    return b"".join(iter_fhir(summary, made)).decode()
