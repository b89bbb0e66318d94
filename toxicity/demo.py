"""Demo data of the toxicity app, loaded by `manage.py seed_demo` (idempotent).

The clinical content lives in the data files (`toxicity/data/`, read by toxicity.datafiles). New demo
guidelines are published under a clearly labelled demo reviewer and marked `is_demo`, so every page, print,
patient card and API answer says they await the task force's review. Guidelines that already exist are
left as they are: a reload keeps earlier review dates and curators' edits.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from ion_portal.models import Person
from toxicity.datafiles import read_content
from toxicity.models import OnCallShift, TaskForceMember
from toxicity.services import guidelines_import

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
    """Create what is missing of the demo guidelines (from the data files), the demo reviewer and the
    task force; leave existing guidelines alone. Return counts by kind for the command's report."""
    content = read_content()
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
    result = guidelines_import(content=content, update_existing=False, demo_reviewer=reviewer)
    return {
        "guideline sources": len(content.sources),
        "organ systems": len(content.organ_systems),
        "guidelines created": len(result.created),
        "guidelines kept as they were": len(result.kept),
        "task-force members": len(members),
    }
