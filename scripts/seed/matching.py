"""Demo data for the matching service: topic catalogue, profiles, approvals by 'supervisor', a few exclusions."""

import random
from typing import Any

from seed.api import DemoApi
from seed.faculty import Faculty, Person

# area -> [(name, kind)]; names mix the English and French wording students actually use
CATALOGUE: dict[str, list[tuple[str, str]]] = {
    "Cardiology / Cardiologie": [
        ("ECG interpretation", "clinical_reasoning"),
        ("Cardiac auscultation", "practical_skill"),
        ("Chest pain work-up (douleur thoracique)", "clinical_reasoning"),
        ("Heart failure drugs", "knowledge"),
        ("Explaining a hypertension diagnosis", "patient_communication"),
    ],
    "Clinical skills / Gestes techniques": [
        ("Venepuncture (prise de sang)", "practical_skill"),
        ("IV cannulation (pose de voie veineuse)", "practical_skill"),
        ("Arterial blood gas sampling", "practical_skill"),
        ("Suturing simple wounds", "practical_skill"),
        ("Urinary catheterisation", "practical_skill"),
    ],
    "Respiratory / Pneumologie": [
        ("Chest X-ray reading", "clinical_reasoning"),
        ("Spirometry interpretation", "knowledge"),
        ("Acute dyspnoea approach", "clinical_reasoning"),
        ("Teaching inhaler technique", "patient_communication"),
    ],
    "Communication": [
        ("History taking (interrogatoire)", "patient_communication"),
        ("Breaking bad news (annonce)", "patient_communication"),
        ("Consulting with an interpreter", "patient_communication"),
        ("Shared decision making", "patient_communication"),
    ],
    "Ward life / Vie de service": [
        ("Handover (SBAR)", "ward_integration"),
        ("Writing a discharge letter", "ward_integration"),
        ("Prescribing on the ward", "ward_integration"),
        ("First night shift (première garde)", "ward_integration"),
        ("Calling a senior", "ward_integration"),
    ],
    "Exams & reasoning / ECOS-EDN": [
        ("OSCE station practice (ECOS)", "practical_skill"),
        ("EDN clinical cases", "clinical_reasoning"),
        ("Small-group case review (group teaching)", "clinical_reasoning"),
        ("Acid-base disorders", "knowledge"),
        ("Antibiotic choices", "knowledge"),
    ],
}
GROUP_TEACHING = "Small-group case review (group teaching)"
FORMATS = ["one_to_one_in_person", "one_to_one_online", "group_in_person", "group_online"]
GOALS = [
    "Feel confident before my first ward placement.",
    "Prepare the ECOS stations.",
    "Stop panicking with ECGs on call.",
    "Get faster at venepuncture.",
    "Learn how to present a patient at the morning handover.",
]


def _catalogue(api: DemoApi) -> dict[str, int]:
    """Create the topics not already there; returns leaf name -> id."""
    existing = {(t["name"], t["parent_id"]): t["id"] for t in api.get("/api/matching/topics", params={"include_retired": True})}
    leaves: dict[str, int] = {}
    for area, topics in CATALOGUE.items():
        area_id = existing.get((area, None)) or api.post("/api/matching/topics", json={"name": area, "kind": "knowledge"})["id"]
        for name, kind in topics:
            key = (name, area_id)
            leaves[name] = existing.get(key) or api.post("/api/matching/topics", json={"name": name, "kind": kind, "parent_id": area_id})["id"]
    return leaves


def _near_peer(tutor: Person, learner: Person) -> bool:
    return tutor.stage is not None and learner.stage is not None and 1 <= tutor.stage - learner.stage <= 3


def seed(api: DemoApi, faculty: Faculty) -> None:
    """Seed catalogue, learner and tutor profiles, approvals (as 'supervisor') and two exclusions."""
    rng = random.Random(2026)
    leaves = _catalogue(api)
    names = list(leaves)
    ecg = leaves["ECG interpretation"]
    group = leaves[GROUP_TEACHING]

    learner_items: list[dict[str, Any]] = []
    for person in faculty.learners:
        if person.stage is None:
            continue
        wanted = rng.sample(names, rng.randint(2, 4))
        if person.username == "learner":
            wanted = ["ECG interpretation", GROUP_TEACHING, "Venepuncture (prise de sang)"]
        learner_items.append({
            "user_id": person.id,
            "display_name": person.full_name,
            "stage": person.stage,
            "cohort": person.cohort,
            "topics": [{"topic_id": leaves[n], "priority": 5 - i if person.username == "learner" else rng.randint(1, 5)} for i, n in enumerate(wanted)],
            "formats": rng.sample(FORMATS, rng.randint(1, 3)),
            "languages": person.languages,
            "goal": rng.choice(GOALS),
        })
    api.post("/api/matching/learners/bulk", json=learner_items)

    approvals: list[dict[str, Any]] = []
    tutor_items: list[dict[str, Any]] = []
    for person in faculty.tutors:
        if person.stage is None:
            continue
        offered = rng.sample(names, rng.randint(2, 4))
        if person.username == "tutor":
            offered = ["ECG interpretation", GROUP_TEACHING, "Cardiac auscultation"]
        tutor_items.append({
            "user_id": person.id,
            "display_name": person.full_name,
            "stage": person.stage,
            "capacity": 3 if person.username == "tutor" else rng.randint(1, 4),
            "formats": rng.sample(FORMATS, rng.randint(1, 4)),
            "languages": person.languages,
            "topics": [leaves[n] for n in offered],
        })
        if person.username == "tutor":
            approved = [ecg, group]
        elif rng.random() < 0.85:  # most tutors are approved for what they offer
            approved = [leaves[n] for n in offered]
        else:
            approved = []
        approvals += [
            {"tutor_id": person.id, "topic_id": topic, "evidence": "Observed a teaching session; content checked by the supervisor.", "link": None}
            for topic in approved
        ]
    api.post("/api/matching/tutors/bulk", json=tutor_items)

    supervisor = faculty.by_username("supervisor")
    as_supervisor = DemoApi.login(api.base_url, supervisor.username, supervisor.password)
    as_supervisor.post("/api/matching/approvals/bulk", json=approvals)

    # two exclusions (e.g. family ties, a past conflict), only visible to admins
    learners = [p for p in faculty.learners if p.stage is not None and p.username != "learner"]
    tutors = [p for p in faculty.tutors if p.stage is not None and p.username != "tutor"]
    existing = {(e["learner_id"], e["tutor_id"]) for e in api.get("/api/matching/exclusions")}
    made = 0
    for learner in learners:
        for tutor in tutors:
            if made >= 2:
                return
            if learner.id != tutor.id and _near_peer(tutor, learner) and (learner.id, tutor.id) not in existing and rng.random() < 0.01:
                reason = "Siblings" if made == 0 else "Reported conflict during a previous placement"
                api.post("/api/matching/exclusions", json={"learner_id": learner.id, "tutor_id": tutor.id, "reason": reason})
                made += 1
