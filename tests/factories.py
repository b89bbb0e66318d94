"""The one factory module of the suite: small builders of real rows, saved through the models.

Every test folder imports from here (never another folder's conftest). Each builder takes the fields a
test cares about and fills the rest; what a builder publishes by default is in its docstring.
"""

from __future__ import annotations

import datetime
import itertools
from datetime import date

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.text import slugify

from ion_portal.models import CancerType, Person, Unit, User

PASSWORD = "correct-horse-battery-staple-42"
_numbers = itertools.count(1)


def _next() -> int:
    return next(_numbers)


# --- Accounts --------------------------------------------------------------------------------------------


def make_user(
    email: str = "user@example.org", *, groups: tuple[str, ...] = (), verified: bool = True, **extra
) -> User:
    """A user with a verified primary e-mail address (allauth) in the given groups."""
    from allauth.account.models import EmailAddress  # allauth's models load after the app registry

    user = User.objects.create_user(email=email, password=PASSWORD, **extra)
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=verified)
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    return user


def give_second_factor(user: User) -> User:
    """An authenticator app (TOTP) for `user`: staff need one before any admin page."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret  # as above

    TOTP.activate(user, generate_totp_secret())
    return user


# --- The core --------------------------------------------------------------------------------------------


def make_unit(
    slug: str = "medical-oncology",
    name: str = "",
    *,
    kind: str = Unit.Kind.CLINICAL,
    institution: str = "University Hospital",
) -> Unit:
    """The unit with `slug`, created on first use (its name is the slug in title case unless given)."""
    unit, _ = Unit.objects.get_or_create(
        slug=slug,
        defaults={
            "name": name or slug.replace("-", " ").title(),
            "kind": kind,
            "institution": institution,
        },
    )
    return unit


# --- Trials ----------------------------------------------------------------------------------------------


def make_trial(nct_id: str | None = None, *, publish: bool = True, **fields):
    """A trial written directly (not imported), published and recruiting unless told otherwise
    (`publish=False` or `status=`), indexed for search as an import would. Lists of `phases` and
    `immunotherapy_classes` are joined into their stored form."""
    from trials.models import Trial, join_codes
    from trials.search_index import trial_reindex

    nct_id = nct_id or f"NCT9{_next():07d}"
    fields.setdefault("brief_title", f"Trial {nct_id}")
    fields.setdefault("overall_status", "RECRUITING")
    fields.setdefault("status", Trial.Status.PUBLISHED if publish else Trial.Status.DRAFT)
    for name in ("phases", "immunotherapy_classes"):
        if isinstance(fields.get(name), (list, tuple)):
            fields[name] = join_codes(fields[name])
    trial = Trial.objects.create(nct_id=nct_id, **fields)
    trial_reindex(trial)
    return trial


_registry_numbers = itertools.count(10000001)


def make_detailed_trial(
    *,
    nct_id: str | None = None,
    status: str = "published",
    overall_status: str = "RECRUITING",
    phases: tuple[str, ...] = ("PHASE2",),
    drugs: tuple[str, ...] = ("pembrolizumab",),
    cancer_types: tuple[str, ...] = (),
    sites: tuple[str, ...] = ("medical-oncology",),
    **fields,
):
    """A trial as complete as an import makes it: interventions linked to seeded drugs (and their
    immunotherapy classes), cancer types, network sites with a principal investigator, dates, sponsor,
    identifiers; for the API, FHIR and standards tests."""
    from trials.models import Drug, Intervention, Trial, TrialSite, join_codes
    from trials.search_index import trial_reindex

    nct_id = nct_id or f"NCT{next(_registry_numbers):08d}"
    defaults = {
        "brief_title": f"A study of {' and '.join(drugs) or 'something'} ({nct_id})",
        "official_title": "A Phase 2, Open-label Study",
        "brief_summary": "This study tests an immunotherapy.",
        "acronym": "",
        "study_type": "INTERVENTIONAL",
        "primary_purpose": "TREATMENT",
        "enrollment_count": 120,
        "enrollment_type": "ESTIMATED",
        "start_date": date(2024, 3, 1),
        "completion_date": date(2028, 1, 1),
        "last_update_posted": date(2025, 6, 1),
        "conditions": ["Melanoma"],
        "keywords": ["immunotherapy"],
        "sex": "ALL",
        "minimum_age": "18 Years",
        "minimum_age_days": 18 * 365,
        "lead_sponsor": "Merck Sharp & Dohme LLC",
        "lead_sponsor_class": "INDUSTRY",
        "collaborators": [{"name": "ION", "class": "OTHER"}],
        "other_ids": [{"id": "KEYNOTE-999", "type": "OTHER"}],
    }
    defaults.update(fields)
    classes = []
    drug_rows = []
    for name in drugs:
        drug = Drug.objects.get(name=name)
        drug_rows.append(drug)
        if drug.immunotherapy_class:
            classes.append(drug.immunotherapy_class)
    trial = Trial.objects.create(
        nct_id=nct_id,
        status=status,
        overall_status=overall_status,
        phases=join_codes(phases),
        immunotherapy_classes=join_codes(classes),
        **defaults,
    )
    for position, drug in enumerate(drug_rows):
        Intervention.objects.create(
            trial=trial,
            type="DRUG",
            name=drug.name.title(),
            other_names=drug.synonym_list[:2],
            drug=drug,
            position=position,
        )
    for slug in cancer_types:
        trial.cancer_types.add(CancerType.objects.get(slug=slug))
    pi, _ = Person.objects.get_or_create(first_name="Ada", last_name="Peeters")
    for slug in sites:
        TrialSite.objects.create(
            trial=trial,
            unit=make_unit(slug),
            local_status="RECRUITING",
            principal_investigator=pi,
        )
    trial_reindex(trial)  # search text and (PostgreSQL) search vector, as the importer does
    return trial


# --- Toxicity --------------------------------------------------------------------------------------------


def make_toxicity(**fields):
    """A draft guideline on a small organ system, source and grading scheme of its own."""
    from toxicity.models import GradingScheme, GuidelineSource, OrganSystem, Toxicity

    organ, _ = OrganSystem.objects.get_or_create(slug="builders-organ", defaults={"name": "Organ"})
    source, _ = GuidelineSource.objects.get_or_create(
        key="builders",
        defaults={"name": "Source", "edition": "1", "year": 2025, "citation": "Source 2025."},
    )
    scheme, _ = GradingScheme.objects.get_or_create(
        slug="builders-scheme", defaults={"name": "Scheme", "system": "ctcae", "source": source}
    )
    number = _next()
    values = {
        "name": f"Toxicity {number}",
        "slug": f"toxicity-{number}",
        "organ_system": organ,
        "grading_scheme": scheme,
        "specialist": "dermatology",
        "status": "draft",
    }
    values.update(fields)
    return Toxicity.objects.create(**values)


def make_consult(*, requested_by, **fields):
    from toxicity.models import ConsultRequest

    values = {
        "requested_by": requested_by,
        "specialty": "dermatology",
        "urgency": "routine",
        "question": "Rash after the second dose?",
        "callback_phone": "+32 9 000 00 01",
    }
    values.update(fields)
    return ConsultRequest.objects.create(**values)


# --- Collaborations --------------------------------------------------------------------------------------


def terms(model, *slugs):
    """The vocabulary rows with these slugs (seeded by the data migrations); fails on an unknown one."""
    found = list(model.objects.filter(slug__in=slugs))
    assert len(found) == len(slugs), f"unknown {model.__name__}: {slugs}"
    return found


def _lab() -> Unit:
    return make_unit("builders-lab", "Builders Lab", kind=Unit.Kind.LAB, institution="University")


def make_platform(
    unit=None,
    *,
    slug: str = "",
    name: str = "Mass cytometry",
    techniques=("mass-cytometry",),
    sample_types=(),
    cancer_types=(),
    timepoints=(),
    therapy_classes=(),
    data_types=(),
    not_met=(),
    contact=None,
    published=True,
    **extra,
):
    """A platform of `unit` (a lab of its own if none), published unless `published=False` (or
    `status=`); the slug is "cytof" for the default name, else the name's."""
    from collaborations.models import (
        AccessCondition,
        DataType,
        Platform,
        SampleType,
        Technique,
        Timepoint,
    )

    status = extra.pop("status", Platform.Status.PUBLISHED if published else Platform.Status.DRAFT)
    platform = Platform.objects.create(
        name=name,
        slug=slug or ("cytof" if name == "Mass cytometry" else slugify(name)),
        unit=unit or _lab(),
        summary=extra.pop("summary", f"{name} for immune monitoring."),
        access_model=extra.pop("access_model", Platform.AccessModel.COLLABORATION),
        therapy_classes=list(therapy_classes),
        contact=contact,
        status=status,
        **extra,
    )
    platform.techniques.set(terms(Technique, *techniques))
    platform.sample_types.set(terms(SampleType, *sample_types))
    platform.cancer_types.set(terms(CancerType, *cancer_types))
    platform.timepoints.set(terms(Timepoint, *timepoints))
    platform.data_types.set(terms(DataType, *data_types))
    platform.access_conditions_not_met.set(terms(AccessCondition, *not_met))
    return platform


def make_collection(
    unit=None,
    *,
    slug: str = "",
    name: str = "Melanoma blood cohort",
    sample_types=("pbmc",),
    cancer_types=("melanoma",),
    timepoints=(),
    therapy_classes=(),
    data_types=(),
    access=(),
    donor_count=420,
    contact=None,
    published=True,
    published_at=None,
    **extra,
):
    """A sample collection of `unit` (a lab of its own if none), published unless `published=False`
    (or `status=`); the slug is "mel-blood" for the default name, else the name's."""
    from collaborations.models import (
        AccessCondition,
        DataType,
        SampleCollection,
        SampleType,
        Timepoint,
    )

    status = extra.pop(
        "status",
        SampleCollection.Status.PUBLISHED if published else SampleCollection.Status.DRAFT,
    )
    is_published = status == SampleCollection.Status.PUBLISHED
    collection = SampleCollection.objects.create(
        name=name,
        slug=slug or ("mel-blood" if name == "Melanoma blood cohort" else slugify(name)),
        unit=unit or _lab(),
        summary=extra.pop("summary", f"{name} of patients on immunotherapy."),
        donor_count=donor_count,
        size_band=extra.pop("size_band", 0),
        therapy_classes=list(therapy_classes),
        contact=contact,
        status=status,
        published_at=published_at or (timezone.now() if is_published else None),
        **extra,
    )
    collection.sample_types.set(terms(SampleType, *sample_types))
    collection.cancer_types.set(terms(CancerType, *cancer_types))
    collection.timepoints.set(terms(Timepoint, *timepoints))
    collection.data_types.set(terms(DataType, *data_types))
    collection.access_conditions.set(terms(AccessCondition, *access))
    return collection


def make_collaboration_request(*, requester, **fields):
    from collaborations.models import CollaborationRequest

    values = {
        "requester": requester,
        "title": f"Project {_next()}",
        "project_summary": "Summary.",
        "intended_use": "Use.",
        "ethics_status": "approved",
    }
    values.update(fields)
    return CollaborationRequest.objects.create(**values)


# --- Education -------------------------------------------------------------------------------------------


def _slug(slug: str, title: str | None, kind: str) -> str:
    if slug:
        return slug
    return slugify(title) if title else kind


def make_news(slug="", *, status="published", published_at=None, **extra):
    """A news item, published an hour ago unless told otherwise; the slug is the title's if not given
    (else "news")."""
    from education.models import NewsItem

    slug = _slug(slug, extra.get("title"), "news")
    if status == "published" and published_at is None:
        published_at = timezone.now() - datetime.timedelta(hours=1)
    defaults = {
        "title": f"News {slug}",
        "summary": f"Summary of {slug}",
        "body": "First paragraph.\n\nSecond paragraph.",
    }
    defaults.update(extra)
    return NewsItem.objects.create(slug=slug, status=status, published_at=published_at, **defaults)


def make_event(
    slug="",
    *,
    status="published",
    start=None,
    days_ahead: int = 7,
    hours=2,
    event_type="seminar",
    audience="professionals",
    **extra,
):
    """An event `days_ahead` days from now (or at `start`), published unless told otherwise; the slug is
    the title's if not given (else "event")."""
    from education.models import Event

    slug = _slug(slug, extra.get("title"), "event")
    start = start or timezone.now() + datetime.timedelta(days=days_ahead)
    defaults = {
        "title": f"Event {slug}",
        "summary": f"Summary of {slug}",
        "location": "Auditorium C",
        "languages": ["en"],
    }
    defaults.update(extra)
    return Event.objects.create(
        slug=slug,
        status=status,
        published_at=timezone.now() - datetime.timedelta(days=1) if status == "published" else None,
        start=start,
        end=start + datetime.timedelta(hours=hours),
        event_type=event_type,
        audience=audience,
        **defaults,
    )


def make_resource(
    slug="",
    *,
    status="published",
    audience="patients",
    topic="side-effects",
    languages=("en",),
    **extra,
):
    """A resource with one PDF per language in `languages` (saved to MEDIA_ROOT: pass `languages=()`
    where no file is wanted), published unless told otherwise; the slug is the title's if not given (else
    "resource")."""
    from education.models import Resource, ResourceVariant
    from education.pdf import simple_pdf

    slug = _slug(slug, extra.get("title"), "resource")
    fields = {"title": f"Resource {slug}", "summary": f"Summary of {slug}", **extra}
    resource = Resource.objects.create(
        slug=slug,
        status=status,
        published_at=timezone.now() - datetime.timedelta(days=1) if status == "published" else None,
        audience=audience,
        topic=topic,
        **fields,
    )
    for code in languages:
        variant = ResourceVariant(resource=resource, language=code, title=f"{slug} ({code})")
        variant.file.save(
            f"{slug}-{code}.pdf", ContentFile(simple_pdf(slug, ["Text."])), save=False
        )
        variant.save()
    return resource
