"""Demo data of the toxicity app, loaded by `manage.py seed_demo` (must be idempotent).

The clinical content lives in toxicity/content.py. It is published under a clearly labelled demo reviewer
so the site can be tried out; the demo banner (settings.DEMO_CONTENT) says it awaits the task force's review.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from ion_portal.models import Person
from toxicity import content
from toxicity.models import (
    GradeDefinition,
    GradingScheme,
    GuidelineSource,
    OnCallShift,
    OrganSystem,
    Recommendation,
    TaskForceMember,
    Toxicity,
)

DEMO_REVIEWER = {
    "first_name": "Demo",
    "last_name": "Reviewer (not a real person)",
    "title": "",
    "role": "Placeholder reviewer for demonstration content only",
    "specialty": "",
}

# first, last, title, specialty code, phone, pager
TASK_FORCE = [
    ("David", "Demo-Maes", "Dr.", "oncology", "+32 9 000 10 01", "4101"),
    ("Hanne", "Demo-Goossens", "Dr.", "gastroenterology", "+32 9 000 10 02", "4102"),
    ("Gert", "Demo-Wouters", "Dr.", "pulmonology", "+32 9 000 10 03", "4103"),
    ("Femke", "Demo-Willems", "Dr.", "dermatology", "+32 9 000 10 04", "4104"),
    ("Ilse", "Demo-Mertens", "Dr.", "endocrinology", "+32 9 000 10 05", "4105"),
    ("Jan", "Demo-Jacobs", "Dr.", "cardiology", "+32 9 000 10 06", "4106"),
    ("Karen", "Demo-Vermeulen", "Dr.", "neurology", "+32 9 000 10 07", "4107"),
    ("Lucas", "Demo-Hermans", "Dr.", "haematology", "+32 9 000 10 08", "4108"),
    ("Mira", "Demo-Aerts", "Dr.", "nephrology", "+32 9 000 10 09", "4109"),
    ("Nils", "Demo-Smet", "Dr.", "rheumatology", "+32 9 000 10 10", "4110"),
    ("Olga", "Demo-De Vos", "Dr.", "ophthalmology", "+32 9 000 10 11", "4111"),
    ("Pieter", "Demo-Lambert", "Dr.", "intensive_care", "+32 9 000 10 12", "4112"),
    ("Rosa", "Demo-Pauwels", "Dr.", "oncology", "+32 9 000 10 13", "4113"),
]


def demo_email(first: str, last: str) -> str:
    slug = f"{first}.{last}".lower().replace(" ", "-")
    return f"{slug}@demo.ion-portal.example"


def _person(first, last, **fields) -> Person:
    person, _ = Person.objects.update_or_create(
        first_name=first, last_name=last, defaults={**fields, "is_demo": True}
    )
    return person


def load_sources() -> dict[str, GuidelineSource]:
    sources = {}
    for row in content.SOURCES:
        data = dict(row)
        key = data.pop("key")
        sources[key], _ = GuidelineSource.objects.update_or_create(key=key, defaults=data)
    return sources


def load_task_force() -> list[TaskForceMember]:
    members = []
    for index, (first, last, title, specialty, phone, pager) in enumerate(TASK_FORCE):
        person = _person(
            first,
            last,
            title=title,
            email=demo_email(first, last),
            role="Task force for immune-related toxicity",
        )
        member, _ = TaskForceMember.objects.update_or_create(
            person=person,
            defaults={"specialty": specialty, "phone": phone, "pager": pager, "order": index},
        )
        members.append(member)
    # A simple rota: this week, one shift per specialty, 08:00 to 08:00 the next day, for 7 days.
    # Rebuilt on every load so the demo always has someone on call now.
    OnCallShift.objects.filter(member__in=members).delete()
    today = timezone.localdate()
    start = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=1), dt.time(8)))
    by_specialty: dict[str, list[TaskForceMember]] = {}
    for member in members:
        by_specialty.setdefault(member.specialty, []).append(member)
    shifts = []
    for day in range(8):
        for group in by_specialty.values():
            member = group[day % len(group)]
            begins = start + dt.timedelta(days=day)
            shifts.append(
                OnCallShift(member=member, starts_at=begins, ends_at=begins + dt.timedelta(days=1))
            )
    OnCallShift.objects.bulk_create(shifts)
    return members


def load() -> dict[str, int]:
    """Create or update the demo rows; return counts by kind for the command's report."""
    sources = load_sources()
    organs = {}
    for slug, name, description, order in content.ORGAN_SYSTEMS:
        organs[slug], _ = OrganSystem.objects.update_or_create(
            slug=slug, defaults={"name": name, "description": description, "order": order}
        )
    reviewer = _person(
        DEMO_REVIEWER["first_name"],
        DEMO_REVIEWER["last_name"],
        **{
            key: value
            for key, value in DEMO_REVIEWER.items()
            if key not in ("first_name", "last_name")
        },
    )
    members = load_task_force()
    reviewed = timezone.localdate()
    recommendation_count = 0
    for order, item in enumerate(content.TOXICITIES):
        scheme_data = item["scheme"]
        scheme, _ = GradingScheme.objects.update_or_create(
            slug=scheme_data["slug"],
            defaults={
                "name": scheme_data["name"],
                "system": scheme_data["system"],
                "source": sources[scheme_data["source"]],
                "ctcae_terms": scheme_data.get("ctcae_terms", ""),
                "notes": scheme_data.get("notes", ""),
            },
        )
        for grade, definition in scheme_data["grades"].items():
            GradeDefinition.objects.update_or_create(
                scheme=scheme, grade=grade, defaults={"definition": definition}
            )
        scheme.grades.exclude(grade__in=scheme_data["grades"].keys()).delete()
        applies = item["applies"]
        toxicity, _ = Toxicity.objects.update_or_create(
            slug=item["slug"],
            defaults={
                "name": item["name"],
                "organ_system": organs[item["organ"]],
                "summary": item["summary"],
                "aliases": "\n".join(item["aliases"]),
                "symptoms": "\n".join(item["symptoms"]),
                "ctcae_term": item["ctcae_term"],
                "meddra_code": item["meddra"],
                "grading_scheme": scheme,
                "applies_checkpoint": "checkpoint" in applies,
                "applies_car_t": "car_t" in applies,
                "applies_bispecific": "bispecific" in applies,
                "higher_risk_classes": item.get("higher_risk", ""),
                "higher_risk_note": item.get("higher_risk_note", ""),
                "workup": "\n".join(item["workup"]),
                "red_flags": "\n".join(item["red_flags"]),
                "specialist": item["specialist"],
                "call_task_force_when": item["call"],
                "must_not_miss": item.get("must_not_miss", ""),
                "contraindicated_agents": item.get("contraindicated", ""),
                "is_endocrinopathy": item.get("endocrine", False),
                "version": "0.1-demo",
                "reviewer": reviewer,
                "reviewed_on": reviewed,
                "next_review_on": reviewed + dt.timedelta(days=365),
                "order": order,
                "status": Toxicity.Status.PUBLISHED,
            },
        )
        if toxicity.published_at is None or toxicity.published_at > timezone.now():
            toxicity.published_at = timezone.now()
            toxicity.save(update_fields=["published_at"])
        kept = []
        for rec_order, rec in enumerate(item["recs"]):
            for grade in rec["g"]:
                recommendation, _ = Recommendation.objects.update_or_create(
                    toxicity=toxicity,
                    grade=grade,
                    source=sources[rec.get("src", "local")],
                    scenario=rec.get("scen", ""),
                    defaults=_recommendation_fields(rec, rec_order),
                )
                recommendation.based_on.set([sources[key] for key in rec.get("based", [])])
                kept.append(recommendation.pk)
                recommendation_count += 1
        toxicity.recommendations.exclude(pk__in=kept).delete()
    return {
        "guideline sources": len(sources),
        "organ systems": len(organs),
        "toxicities": len(content.TOXICITIES),
        "recommendations": recommendation_count,
        "task-force members": len(members),
    }


def _recommendation_fields(rec: dict, order: int) -> dict:
    return {
        "action": rec["act"],
        "action_note": rec.get("note", ""),
        "treatment": rec.get("tx", ""),
        "steroid_drug": rec.get("st", ""),
        "steroid_dose": rec.get("dose", ""),
        "steroid_mg_per_kg_min": rec.get("kmin"),
        "steroid_mg_per_kg_max": rec.get("kmax"),
        "steroid_route": rec.get("route", ""),
        "steroid_purpose": rec.get("purpose", ""),
        "steroid_taper": rec.get("taper", ""),
        "hormones": rec.get("horm", []),
        "escalation_agents": rec.get("esc", ""),
        "escalation_trigger": rec.get("trig", ""),
        "consults": rec.get("cons", ""),
        "workup": rec.get("wu", ""),
        "setting": rec["set"],
        "evidence_level": rec.get("ev", ""),
        "source_checked": rec.get("checked", False),
        "order": order,
    }
