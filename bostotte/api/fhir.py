"""FKO support need and goals as FHIR R4 (4.0.1) resources, for a municipality's data
warehouse or a national collection. Pure mapping: rows in, JSON-ready dicts out; the
endpoints are in bostotte/api/resources/fhir.py.

Terminology: what is published and where it was checked
========================================================

KL (Kommunernes Landsforening) publishes its FHIR terminology in the implementation guide
"KL Terminologi" (package kl.dk.fhir.term 2.3.0, canonical http://fhir.kl.dk/term, FHIR
4.0.1; source https://github.com/hl7dk/kl-term, commit c32a6c2ec18efadee00574ffd50e0d0af5e0f33c,
files input/vocabulary/CodeSystem-FFB.json, input/vocabulary/CodeSystem-CareSocialCodes.json
and input/fsh/KLCommonValuesets.fsh; the same codes are on the guide's pages
ValueSet-KLNeedsAssessmentCodesFFB.html and CodeSystem-CareSocialCodes.html). The concepts
used here are copied unchanged in tests/api/fhir_vendored/kl-term-2.3.0-excerpt.json, and the
tests check these constants against that copy.

- FFB ("Fælles Faglige Begreber", the social-care part of Fælles Sprog) code system
  `urn:oid:1.2.208.176.2.22` (version 20240530 in the guide). The support-need levels are the
  children of 7ac451dc-773b-4877-baaf-1e6b1d5c8e28 "Støttebehovsniveau"; they make up the value
  set http://fhir.kl.dk/term/ValueSet/KLNeedsAssessmentCodesFFB (KLStøttebehovsvurderingskoderFFB):

      ae9f388a-91c3-46cf-af55-f81952f2977c  Intet støttebehov
      dd628e73-d6c9-4837-a2b8-aa62d73bd6ae  Let støttebehov
      401a397b-b3aa-4ca3-8b23-bd8f99dd3f76  Moderat støttebehov
      b99a0790-4d70-4152-b149-3fe58b745583  Højt støttebehov
      e99763d6-6c43-4969-ad52-2b1a7055f9dc  Fuldstændigt støttebehov
      2254dac8-8aa3-4334-8502-9720194f49ad  Ikke vurderet   (never sent: not a score in bostøtte)

- KL's code system `http://fhir.kl.dk/term/CodeSystem/CareSocialCodes` (version 20250530):
  effe55c7-572c-4a99-8fb4-2a9dda2f6572 "FFB støttebehovsvurdering" (a child of "evaluering",
  in value set KLEvaluationTypeCodes) is the Observation's code, and
  0bb3daef-538d-45dc-b444-abdbcb63f6bc "FFB indsatsmål" (a child of "Mål/formål", value set
  KLGoalTypeCodes) is the Goal's category.

The KL profiles these resources follow (read in their FSH sources; not claimed in
meta.profile, since bostøtte has no CPR number and the profiles' citizen needs one):

- KL's common model (kl.dk.fhir.core 1.2.0, https://github.com/hl7dk/KL-dk, commit
  b3f12a0113abd892f45fc873147dfb0752ca0bef,
  input/fsh/KLCommonCareSocialEvaluation.fsh): Observation with code.coding = CareSocialCodes
  #effe55c7 (plus an optional SNOMED CT coding), value[x] only CodeableConcept with codings from
  KLNeedsAssessmentCodesFFB, effective[x] only dateTime, performer a practitioner. Its example
  "AndreasStottebehov" is exactly this shape. KLCommonCareSocialGoal (same repository) gives
  Goal.category 1..1 from KLGoalTypeCodes, and KLCommonCareSocialFFBGoal fixes it to #0bb3daef.
- KL's FFB reporting guide ("FFB uddatasæt", kl.dk.fhir.ffbreporting 1.0.0, canonical
  http://fhir.kl.dk/ffbreporting, https://github.com/hl7dk/kl-ffb-reporting, commit
  22b3d14d4fedbdf3a08a6c5b2c223db9d436bcf7,
  input/fsh/KLReportingFFBCareEvaluation.fsh): profile kl-reporting-ffb-careEvaluation, the
  same code and value, but category, focus, performer, method, note and identifier 0..0, and a
  subject with a CPR identifier and a KOMBIT STS managing organisation.

How bostøtte maps onto them (our choices, not KL's)
---------------------------------------------------

- FKO's 0–4 levels (instruments/definitions/fko.json: Intet, Let, Moderat, Højt,
  Fuldstændigt) are KL's five levels by name. The numbers 0–4 are bostøtte's (the seeds give
  no numeric scale): they ride on the FFB coding as the core R4 extension
  http://hl7.org/fhir/StructureDefinition/ordinalValue (valueDecimal), so the value stays a
  single KL coding, as the profiles bind it, and a warehouse can still compute with it.
  (value[x] is a choice: valueCodeableConcept and valueInteger cannot both be sent.)
- baseline, status and final are Observations; `method` carries the occasion as a code of
  bostøtte's own (there is no published code for FKO occasions). The *target* is not an
  Observation: it is the support need the goal aims at, not one anybody observed, so it is
  Goal.target (measure = "FFB støttebehovsvurdering", detailCodeableConcept = the level,
  dueDate = the goal's target date). A consumer taking "the latest observation" therefore
  never reads a target as a measurement. (KL's Goal profiles measure their targets as
  "funktionsevneniveau" or "måltype"; their binding is extensible, and neither is a
  support need.)
- The goal an FKO score belongs to is Observation.focus (R4: Reference(Any), "what the
  observation is about, when it is not the subject"); KL's common profile leaves focus open.
- Goal status: active → active / in-progress; achieved → completed / achieved;
  partly_achieved → completed / not-achieved; abandoned → cancelled / not-achieved;
  replaced → cancelled (FHIR: "abandoned"; the goal was called off for a new one) with no
  standard achievement code. achievementStatus always carries bostøtte's own status code
  too, so "partly achieved" and "replaced" are not lost.
- Not sent: display names, free-text notes and citizen comments (a warehouse needs none of
  them), staff names (performer is a logical reference by bostøtte's user id).

Codes of bostøtte's own (unpublished, not resolvable) live under the deployment's
BOSTOTTE_BASE_URL + "/fhir/": CodeSystem/fko-occasion, CodeSystem/goal-status,
CodeSystem/goal-theme, and identifier systems sid/citizen, sid/citizen-external-id,
sid/goal, sid/goal-external-id, sid/scoring and sid/user.

HL7 codes used (FHIR R4 4.0.1): observation-category "survey" (assessment instruments),
goal-status (http://hl7.org/fhir/goal-status, a required binding), goal-achievement
(http://terminology.hl7.org/CodeSystem/goal-achievement: in-progress, achieved,
not-achieved), observation-status final/amended.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from bostotte import instruments

if TYPE_CHECKING:
    from bostotte.citizens.models import Citizen
    from bostotte.goals.models import Goal
    from bostotte.scoring.models import Scoring

Resource = dict[str, Any]

MEDIA_TYPE = "application/fhir+json"
FKO = "FKO"

# --- KL (verified: see the module's docstring) -------------------------------------------
FFB = "urn:oid:1.2.208.176.2.22"
CARE_SOCIAL_CODES = "http://fhir.kl.dk/term/CodeSystem/CareSocialCodes"
NEEDS_ASSESSMENT_VALUE_SET = "http://fhir.kl.dk/term/ValueSet/KLNeedsAssessmentCodesFFB"
SUPPORT_NEED_PARENT = "7ac451dc-773b-4877-baaf-1e6b1d5c8e28"  # Støttebehovsniveau
SUPPORT_NEED_ASSESSMENT = ("effe55c7-572c-4a99-8fb4-2a9dda2f6572", "FFB støttebehovsvurdering")
FFB_INTERVENTION_GOAL = ("0bb3daef-538d-45dc-b444-abdbcb63f6bc", "FFB indsatsmål")
# FKO's value → KL's level (code, display). The numbers are bostøtte's, the names KL's.
SUPPORT_NEED_LEVELS: Mapping[int, tuple[str, str]] = {
    0: ("ae9f388a-91c3-46cf-af55-f81952f2977c", "Intet støttebehov"),
    1: ("dd628e73-d6c9-4837-a2b8-aa62d73bd6ae", "Let støttebehov"),
    2: ("401a397b-b3aa-4ca3-8b23-bd8f99dd3f76", "Moderat støttebehov"),
    3: ("b99a0790-4d70-4152-b149-3fe58b745583", "Højt støttebehov"),
    4: ("e99763d6-6c43-4969-ad52-2b1a7055f9dc", "Fuldstændigt støttebehov"),
}
NOT_ASSESSED = ("2254dac8-8aa3-4334-8502-9720194f49ad", "Ikke vurderet")  # never a score

# --- HL7 FHIR R4 ---------------------------------------------------------------------------
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
GOAL_ACHIEVEMENT = "http://terminology.hl7.org/CodeSystem/goal-achievement"
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"

# Occasions that are observations; the target goes to Goal.target.
OBSERVED_OCCASIONS = ("baseline", "status", "final")
TARGET = "target"

# bostøtte's goal status → (goal-status, goal-achievement code or None).
GOAL_STATUS: Mapping[str, tuple[str, str | None]] = {
    "active": ("active", "in-progress"),
    "achieved": ("completed", "achieved"),
    "partly_achieved": ("completed", "not-achieved"),
    "abandoned": ("cancelled", "not-achieved"),
    "replaced": ("cancelled", None),
}
ACHIEVEMENT_DISPLAY = {
    "in-progress": "In Progress",
    "achieved": "Achieved",
    "not-achieved": "Not Achieved",
}


@dataclass(frozen=True)
class Local:
    """bostøtte's own code and identifier systems, under the deployment's base URL."""

    base: str

    @classmethod
    def at(cls, base_url: str) -> Local:
        return cls(base_url.rstrip("/") + "/fhir")

    def sid(self, name: str) -> str:
        return f"{self.base}/sid/{name}"

    def code_system(self, name: str) -> str:
        return f"{self.base}/CodeSystem/{name}"


def instant(moment: datetime) -> str:
    """A FHIR instant in UTC, to the millisecond."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _day(day: date) -> str:
    return day.isoformat()


def _coding(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    coding = {"system": system, "code": code}
    if display:
        coding["display"] = display
    return coding


def _meta(version: int | None, updated: datetime | None) -> dict[str, str]:
    meta = {"versionId": str(version or 1)}
    if updated is not None:
        meta["lastUpdated"] = instant(updated)
    return meta


def support_need(value: float) -> dict[str, Any]:
    """An FKO value as KL's støttebehovsniveau, with the value as its ordinal."""
    level = int(value)
    if level != value or level not in SUPPORT_NEED_LEVELS:
        raise ValueError(f"FKO value outside 0–4: {value!r}")
    code, display = SUPPORT_NEED_LEVELS[level]
    coding = _coding(FFB, code, display)
    coding["extension"] = [{"url": ORDINAL_VALUE, "valueDecimal": level}]
    return {"coding": [coding]}


def support_need_assessment() -> dict[str, Any]:
    return {"coding": [_coding(CARE_SOCIAL_CODES, *SUPPORT_NEED_ASSESSMENT)]}


def patient_reference(citizen: Citizen, local: Local) -> dict[str, Any]:
    return {
        "reference": f"Patient/{citizen.id}",
        "type": "Patient",
        "identifier": {"system": local.sid("citizen"), "value": str(citizen.id)},
    }


def practitioner_reference(user_id: int, local: Local) -> dict[str, Any]:
    """A logical reference: bostøtte serves no Practitioner, and sends no staff names."""
    return {
        "type": "Practitioner",
        "identifier": {"system": local.sid("user"), "value": str(user_id)},
    }


def to_patient(citizen: Citizen, local: Local) -> Resource:
    """The citizen as far as a receiver needs her to link the rest: identifiers only."""
    identifiers = [{"system": local.sid("citizen"), "value": str(citizen.id)}]
    if citizen.external_id:
        identifiers.append(
            {"system": local.sid("citizen-external-id"), "value": citizen.external_id}
        )
    return {
        "resourceType": "Patient",
        "id": str(citizen.id),
        "meta": _meta(citizen.version, citizen.updated_at),
        "identifier": identifiers,
    }


def to_observation(scoring: Scoring, citizen: Citizen, local: Local) -> Resource:
    """An FKO baseline, status or final score of one goal."""
    if scoring.instrument != FKO or scoring.goal_id is None:
        raise ValueError(f"not an FKO score of a goal: scoring {scoring.id}")
    if scoring.occasion not in OBSERVED_OCCASIONS:
        raise ValueError(f"an FKO {scoring.occasion} is not an observation (Goal.target)")
    occasion = instruments.get(FKO).occasions[scoring.occasion]
    resource: Resource = {
        "resourceType": "Observation",
        "id": str(scoring.id),
        "meta": _meta(scoring.version, scoring.updated_at),
        "identifier": [{"system": local.sid("scoring"), "value": str(scoring.id)}],
        "status": "amended" if scoring.version > 1 else "final",
        "category": [
            {"coding": [_coding(OBSERVATION_CATEGORY, "survey", "Survey")], "text": "FKO"}
        ],
        "code": support_need_assessment(),
        "subject": patient_reference(citizen, local),
        "focus": [{"reference": f"Goal/{scoring.goal_id}", "type": "Goal"}],
        "effectiveDateTime": _day(scoring.scored_on),
        "issued": instant(scoring.updated_at or scoring.created_at),
        "valueCodeableConcept": support_need(scoring.total),
        "method": {
            "coding": [
                _coding(local.code_system("fko-occasion"), scoring.occasion, occasion.label)
            ],
            "text": occasion.label,
        },
    }
    if scoring.scored_by_id is not None:
        resource["performer"] = [practitioner_reference(scoring.scored_by_id, local)]
    return resource


def to_goal(goal: Goal, citizen: Citizen, target: Scoring | None, local: Local) -> Resource:
    """An indsatsmål; `target` is its FKO target score, if the myndighed set one."""
    lifecycle, achievement = GOAL_STATUS[goal.status]
    achievement_codings = (
        [_coding(GOAL_ACHIEVEMENT, achievement, ACHIEVEMENT_DISPLAY[achievement])]
        if achievement
        else []
    )
    achievement_codings.append(
        _coding(local.code_system("goal-status"), goal.status, goal.status_label)
    )
    identifiers = [{"system": local.sid("goal"), "value": str(goal.id)}]
    if goal.external_id:
        identifiers.append({"system": local.sid("goal-external-id"), "value": goal.external_id})
    resource: Resource = {
        "resourceType": "Goal",
        "id": str(goal.id),
        "meta": _meta(goal.version, goal.updated_at),
        "identifier": identifiers,
        "lifecycleStatus": lifecycle,
        "achievementStatus": {"coding": achievement_codings, "text": goal.status_label},
        "category": [
            {"coding": [_coding(CARE_SOCIAL_CODES, *FFB_INTERVENTION_GOAL)]},
            {
                "coding": [_coding(local.code_system("goal-theme"), goal.theme, goal.theme_label)],
                "text": goal.theme_label,
            },
        ],
        "description": {"text": goal.specific},
        "subject": patient_reference(citizen, local),
        "startDate": _day(goal.created_on),
    }
    targets = _targets(goal, target)
    if targets:
        resource["target"] = targets
    if goal.closed_on is not None and goal.status != "active":
        resource["statusDate"] = _day(goal.closed_on)
    return resource


def _targets(goal: Goal, target: Scoring | None) -> list[dict[str, Any]]:
    entry: dict[str, Any] = {}
    if target is not None:
        if target.occasion != TARGET or target.goal_id != goal.id:
            raise ValueError(f"scoring {target.id} is not the FKO target of goal {goal.id}")
        entry["measure"] = support_need_assessment()
        entry["detailCodeableConcept"] = support_need(target.total)
    if goal.target_date is not None:
        entry["dueDate"] = _day(goal.target_date)
    return [entry] if entry else []


@dataclass(frozen=True)
class Entry:
    resource: Resource
    mode: str = "match"  # or "include": there to resolve a reference


def searchset(
    entries: Iterable[Entry],
    total: int,
    base: str,
    self_url: str,
    next_url: str | None,
    now: datetime,
) -> Resource:
    """A search result: `total` matches in all, this page's entries, and the next page's
    link. `base` is the FHIR endpoint's absolute URL (fullUrl = base/Type/id)."""
    links = [{"relation": "self", "url": self_url}]
    if next_url:
        links.append({"relation": "next", "url": next_url})
    bundle: Resource = {
        "resourceType": "Bundle",
        "type": "searchset",
        "timestamp": instant(now),
        "total": total,
        "link": links,
    }
    found = [
        {
            "fullUrl": f"{base.rstrip('/')}/{e.resource['resourceType']}/{e.resource['id']}",
            "resource": e.resource,
            "search": {"mode": e.mode},
        }
        for e in entries
    ]
    if found:  # FHIR's JSON has no empty arrays
        bundle["entry"] = found
    return bundle
