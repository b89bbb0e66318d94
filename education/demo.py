"""Demo data of the education app, loaded by `manage.py seed_demo` (must be idempotent).

Dates are relative to today, so the agenda always has upcoming and past events. Leaflets are small real
PDFs generated in code (education/pdf.py). Everything is fictitious example content.
"""

from __future__ import annotations

import datetime
import zoneinfo
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from ion_portal.models import CancerType, Person

from .models import Event, NewsItem, Resource, ResourceVariant
from .pdf import simple_pdf

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")

NEWS = [
    # slug, days ago (negative: scheduled in the future), status, language, audience, title, summary, body
    (
        "new-task-force-on-call-rota",
        2,
        "published",
        "en",
        "professionals",
        "The irAE task force now answers around the clock",
        "Clinicians in the region can reach a specialist of the immune-related side-effect task force "
        "at any hour through the hospital's switchboard.",
        "From this month the network's multidisciplinary task force for immune-related adverse events "
        "runs a 24/7 on-call rota. Gastroenterologists, endocrinologists, pneumologists, dermatologists, "
        "cardiologists and neurologists take turns.\n\nMembers find the on-call numbers in the side-effect "
        "guidelines section after signing in.",
    ),
    (
        "patient-day-immunotherapy",
        9,
        "published",
        "nl",
        "patients",
        "Infodag immunotherapie voor patiënten en naasten",
        "Op onze infodag leggen artsen en verpleegkundigen uit hoe immunotherapie werkt en welke "
        "bijwerkingen u meteen moet melden.",
        "Tijdens de infodag krijgt u uitleg in eenvoudige taal over immunotherapie, met ruimte voor vragen."
        "\n\nDeelname is gratis; inschrijven helpt ons om genoeg koffie te voorzien.",
    ),
    (
        "new-melanoma-adjuvant-trial-open",
        16,
        "published",
        "en",
        "everyone",
        "A new adjuvant melanoma trial opens in the network",
        "Patients with resected stage III melanoma can now be referred to a new phase 3 trial combining a "
        "checkpoint inhibitor with a personalised vaccine.",
        "The trial is open at the university hospital and two partner sites. Referring physicians find the "
        "eligibility criteria and the local contact on the trial's page.",
    ),
    (
        "esmo-2022-toxicity-guideline-summary",
        30,
        "published",
        "en",
        "professionals",
        "Our summary of the ESMO 2022 toxicity guideline is online",
        "The task force summarised the ESMO Clinical Practice Guideline on immunotherapy toxicities and "
        "set out where local practice differs.",
        "The summary sits next to the local consensus in the side-effect guidelines section. It "
        "paraphrases the guideline; the full text remains the reference.",
    ),
    (
        "leaflets-in-more-languages",
        45,
        "published",
        "en",
        "patients",
        "Patient leaflets now in English, Dutch, French and German",
        "Our leaflet on immunotherapy side effects is available in four languages, with links to the "
        "European patient guide in many more.",
        "Patients and relatives told us they wanted information in their own language. The resource "
        "library now lists every language version of each leaflet.",
    ),
    (
        "new-spatial-biology-platform",
        60,
        "published",
        "en",
        "professionals",
        "Spatial biology platform joins the network",
        "The tumour-immunology lab's new multiplex imaging platform can now take requests for "
        "FFPE tissue from the network's sample collections.",
        "Researchers can find the platform and its accepted sample types in the collaborations section.",
    ),
    (
        "journal-club-season-announced",
        -3,
        "published",
        "en",
        "professionals",
        "Journal club programme for the new season",
        "This item is scheduled: it appears on the site three days after the demo data was loaded.",
        "The monthly journal club returns with papers on resistance to PD-1 blockade.",
    ),
    (
        "draft-annual-report",
        0,
        "draft",
        "en",
        "everyone",
        "Annual report (draft)",
        "A draft that the public never sees.",
        "Work in progress.",
    ),
]


def _at(days: int, hour: int, minute: int = 0) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=BRUSSELS)


def _events() -> list[dict]:
    return [
        {
            "slug": "irae-management-course",
            "title": "Managing immune-related adverse events: a practical course",
            "event_type": Event.Type.COURSE,
            "audience": "professionals",
            "start": _at(12, 9),
            "end": _at(12, 17),
            "location": "University Hospital, Auditorium C, Ghent",
            "languages": ["en"],
            "accreditation_system": Event.Accreditation.RIZIV,
            "accreditation_points": Decimal("6"),
            "registration_url": "https://example.org/register/irae-course",
            "speakers": "Prof. Dr. A. Example (Medical Oncology)\nDr. B. Sample (Gastroenterology)",
            "summary": "A one-day, case-based course on recognising and grading irAEs and on when to "
            "hold immunotherapy, start steroids and call the task force.",
            "description": "Morning: colitis, hepatitis and pneumonitis. Afternoon: endocrine, "
            "cardiac and neurological toxicities, with cases brought by participants.",
        },
        {
            "slug": "winter-seminar-car-t",
            "title": "Winter seminar: CAR-T cells beyond lymphoma",
            "event_type": Event.Type.SEMINAR,
            "audience": "professionals",
            "start": _at(40, 18),
            "end": _at(40, 19, 30),
            "location": "University Hospital, Seminar room 2",
            "online_url": "https://example.org/live/car-t",
            "languages": ["en"],
            "accreditation_system": Event.Accreditation.RIZIV,
            "accreditation_points": Decimal("1.5"),
            "summary": "Where CAR-T therapy stands in solid tumours, and how to manage CRS and ICANS.",
        },
        {
            "slug": "io-symposium",
            "title": "Regional immuno-oncology symposium",
            "event_type": Event.Type.SYMPOSIUM,
            "audience": "professionals",
            "start": _at(75, 8, 30),
            "end": _at(76, 17),
            "location": "Congress Centre, Ghent",
            "languages": ["en", "nl"],
            "accreditation_system": Event.Accreditation.EACCME,
            "accreditation_points": Decimal("10"),
            "registration_url": "https://example.org/register/symposium",
            "summary": "Two days of updates from the network's clinics and labs, with a session on "
            "translational research and sample collections.",
        },
        {
            "slug": "webinar-checkpoint-inhibitors-gp",
            "title": "Webinar for GPs: your patient on a checkpoint inhibitor",
            "event_type": Event.Type.WEBINAR,
            "audience": "professionals",
            "start": _at(20, 20),
            "end": _at(20, 21),
            "online_url": "https://example.org/live/gp-webinar",
            "languages": ["nl"],
            "accreditation_system": Event.Accreditation.RIZIV,
            "accreditation_points": Decimal("1"),
            "summary": "What general practitioners need to know when a patient on immunotherapy "
            "calls with diarrhoea, breathlessness or fatigue.",
        },
        {
            "slug": "journal-club-pd1-resistance",
            "title": "Journal club: mechanisms of resistance to PD-1 blockade",
            "event_type": Event.Type.JOURNAL_CLUB,
            "audience": "professionals",
            "start": _at(6, 12, 30),
            "end": _at(6, 13, 30),
            "location": "Tumour Immunology Lab, meeting room",
            "languages": ["en"],
            "summary": "Residents and researchers discuss two recent papers on acquired resistance.",
        },
        {
            "slug": "patient-information-session",
            "title": "Information session: living with immunotherapy",
            "event_type": Event.Type.PATIENT_SESSION,
            "audience": "patients",
            "start": _at(27, 14),
            "end": _at(27, 16),
            "location": "University Hospital, Patient Information Centre",
            "languages": ["nl"],
            "registration_url": "https://example.org/register/patient-session",
            "summary": "Nurses and doctors explain how immunotherapy works and which side effects to "
            "report, with time for your questions.",
        },
        {
            "slug": "esmo-mora-preceptorship",
            "title": "Preceptorship: immunotherapy in lung cancer",
            "event_type": Event.Type.COURSE,
            "audience": "professionals",
            "start": _at(100, 0),
            "end": _at(101, 0),
            "all_day": True,
            "location": "University Hospital, Ghent",
            "languages": ["en"],
            "accreditation_system": Event.Accreditation.ESMO_MORA,
            "accreditation_points": Decimal("12"),
            "summary": "Two days of lectures and participants' cases on first-line and perioperative "
            "immunotherapy in NSCLC.",
        },
        {
            "slug": "open-day-immunology-lab",
            "title": "Open day at the tumour-immunology lab",
            "event_type": Event.Type.SEMINAR,
            "audience": "everyone",
            "start": _at(55, 13),
            "end": _at(55, 17),
            "location": "Tumour Immunology Lab, Ghent",
            "languages": ["nl", "en"],
            "summary": "See how researchers study T cells and tumour samples, and meet the team.",
        },
        {
            "slug": "autumn-seminar-irae-endocrine",
            "title": "Autumn seminar: endocrine side effects of immunotherapy",
            "event_type": Event.Type.SEMINAR,
            "audience": "professionals",
            "start": _at(-20, 18),
            "end": _at(-20, 19, 30),
            "location": "University Hospital, Seminar room 2",
            "languages": ["en"],
            "accreditation_system": Event.Accreditation.RIZIV,
            "accreditation_points": Decimal("1.5"),
            "summary": "Hypophysitis, thyroiditis and immune diabetes: diagnosis and follow-up.",
        },
        {
            "slug": "webinar-patients-side-effects",
            "title": "Webinar for patients: side effects, when to call",
            "event_type": Event.Type.WEBINAR,
            "audience": "patients",
            "start": _at(-45, 19),
            "end": _at(-45, 20),
            "online_url": "https://example.org/live/patient-webinar",
            "languages": ["nl"],
            "summary": "A nurse specialist explains which symptoms need a call to the care team.",
        },
        {
            "slug": "journal-club-biomarkers",
            "title": "Journal club: biomarkers of response",
            "event_type": Event.Type.JOURNAL_CLUB,
            "audience": "professionals",
            "start": _at(-70, 12, 30),
            "end": _at(-70, 13, 30),
            "location": "Tumour Immunology Lab, meeting room",
            "languages": ["en"],
            "summary": "TMB, PD-L1 and beyond: what predicts benefit?",
        },
        {
            "slug": "draft-spring-symposium",
            "title": "Spring symposium (draft)",
            "event_type": Event.Type.SYMPOSIUM,
            "audience": "professionals",
            "start": _at(150, 9),
            "end": _at(150, 17),
            "location": "To be confirmed",
            "languages": ["en"],
            "status": "draft",
            "summary": "A draft event that the public never sees.",
        },
    ]


LEAFLET_TEXT = {
    "en": (
        "Immunotherapy: side effects and when to call",
        [
            "Immunotherapy helps your immune system to fight cancer. Sometimes the immune system also "
            "attacks healthy organs. Found early, these side effects can almost always be treated.",
            "Call your care team the same day if you have diarrhoea, a new cough, shortness of breath, "
            "a rash, yellow skin or eyes, unusual tiredness, headaches or a fever.",
            "Call 112 at once for severe breathlessness, chest pain or confusion.",
            "Demonstration leaflet of the Immuno-Oncology Network.",
        ],
    ),
    "nl": (
        "Immunotherapie: bijwerkingen en wanneer u belt",
        [
            "Immunotherapie helpt uw afweersysteem om kanker te bestrijden. Soms valt het afweersysteem "
            "ook gezonde organen aan. Als u dat vroeg meldt, is het bijna altijd te behandelen.",
            "Bel uw zorgteam dezelfde dag bij diarree, een nieuwe hoest, kortademigheid, huiduitslag, "
            "gele huid of ogen, ongewone vermoeidheid, hoofdpijn of koorts.",
            "Bel meteen 112 bij ernstige kortademigheid, pijn op de borst of verwardheid.",
            "Demonstratiefolder van het Immuno-Oncologie Netwerk.",
        ],
    ),
    "fr": (
        "Immunothérapie : effets secondaires et quand appeler",
        [
            "L'immunothérapie aide votre système immunitaire à combattre le cancer. Parfois, il "
            "s'attaque aussi à des organes sains. Repérés tôt, ces effets se soignent presque toujours.",
            "Appelez votre équipe soignante le jour même en cas de diarrhée, de toux nouvelle, "
            "d'essoufflement, d'éruption cutanée, de jaunisse, de fatigue inhabituelle ou de fièvre.",
            "Appelez immédiatement le 112 en cas d'essoufflement sévère, de douleur thoracique ou de "
            "confusion.",
            "Dépliant de démonstration du réseau d'immuno-oncologie.",
        ],
    ),
    "de": (
        "Immuntherapie: Nebenwirkungen und wann Sie anrufen",
        [
            "Die Immuntherapie hilft Ihrem Immunsystem, den Krebs zu bekämpfen. Manchmal greift es "
            "auch gesunde Organe an. Früh erkannt, lassen sich diese Nebenwirkungen fast immer behandeln.",
            "Rufen Sie Ihr Behandlungsteam noch am selben Tag an bei Durchfall, neuem Husten, Atemnot, "
            "Hautausschlag, gelber Haut, ungewöhnlicher Müdigkeit oder Fieber.",
            "Rufen Sie sofort 112 an bei starker Atemnot, Brustschmerzen oder Verwirrtheit.",
            "Demonstrationsblatt des Immunonkologie-Netzwerks.",
        ],
    ),
}

RESOURCES = [
    {
        "slug": "immunotherapy-side-effects-leaflet",
        "title": "Immunotherapy side effects: when to call",
        "summary": "A one-page leaflet for patients and relatives listing the symptoms to report and "
        "the emergency signs.",
        "audience": "patients",
        "topic": Resource.Topic.SIDE_EFFECTS,
        "source": "Immuno-Oncology Network, edition 1 (demo)",
        "review_days_ago": 40,
        "funding_disclosure": "",
        "cancer_types": [],
        "pdf_languages": ["en", "nl", "fr", "de"],
        "links": {},
    },
    {
        "slug": "ecpc-patient-guide-immuno-oncology",
        "title": "European patient guide to immuno-oncology",
        "summary": "The European Cancer Patient Coalition's guide explains immunotherapy for patients; "
        "it exists in 24 European languages.",
        "audience": "patients",
        "topic": Resource.Topic.ABOUT,
        "source": "European Cancer Patient Coalition (ECPC)",
        "review_days_ago": 200,
        "funding_disclosure": "Produced by ECPC with an educational grant from a pharmaceutical "
        "company, as disclosed in the guide.",
        "cancer_types": [],
        "pdf_languages": [],
        "links": dict.fromkeys(
            ("en", "nl", "fr", "de", "es", "it", "pl", "pt", "ro", "el"),
            "https://ecpc.org/immuno-oncology-guide/",
        ),
    },
    {
        "slug": "melanoma-immunotherapy-leaflet",
        "title": "Immunotherapy for melanoma",
        "summary": "What adjuvant and advanced-stage immunotherapy for melanoma involves, for patients.",
        "audience": "patients",
        "topic": Resource.Topic.TREATMENT,
        "source": "Immuno-Oncology Network, edition 2 (demo)",
        "review_days_ago": 90,
        "funding_disclosure": "",
        "cancer_types": ["melanoma"],
        "pdf_languages": ["en", "nl"],
        "links": {},
    },
    {
        "slug": "irae-grading-pocket-card",
        "title": "irAE grading pocket card for clinicians",
        "summary": "CTCAE-based grading and first actions for the common immune-related adverse "
        "events, on one page.",
        "audience": "professionals",
        "topic": Resource.Topic.SIDE_EFFECTS,
        "source": "Task force consensus after ESMO 2022 (demo)",
        "review_days_ago": 20,
        "funding_disclosure": "",
        "cancer_types": [],
        "pdf_languages": ["en", "nl"],
        "links": {},
    },
    {
        "slug": "nsclc-immunotherapy-slides",
        "title": "First-line immunotherapy in NSCLC: teaching slides",
        "summary": "Slides from the network's course on immunotherapy in non-small cell lung cancer.",
        "audience": "professionals",
        "topic": Resource.Topic.TREATMENT,
        "source": "Immuno-Oncology Network course (demo)",
        "review_days_ago": 150,
        "funding_disclosure": "The course received an unrestricted educational grant from an industry "
        "partner, who had no say in the content.",
        "cancer_types": ["non-small-cell-lung-cancer", "lung-cancer"],
        "pdf_languages": ["en"],
        "links": {},
    },
    {
        "slug": "draft-kidney-cancer-leaflet",
        "title": "Immunotherapy for kidney cancer (draft)",
        "summary": "A draft that the public never sees.",
        "audience": "patients",
        "topic": Resource.Topic.TREATMENT,
        "source": "",
        "review_days_ago": None,
        "funding_disclosure": "",
        "cancer_types": ["renal-cell-carcinoma"],
        "pdf_languages": ["en"],
        "links": {},
        "status": "draft",
    },
]


def _load_news(now, author) -> int:
    for slug, days_ago, status, language, audience, title, summary, body in NEWS:
        NewsItem.objects.update_or_create(
            slug=slug,
            defaults={
                "status": status,
                "published_at": now - datetime.timedelta(days=days_ago)
                if status == "published"
                else None,
                "language": language,
                "audience": audience,
                "title": title,
                "summary": summary,
                "body": body,
                "author": author,
            },
        )
    return len(NEWS)


def _load_events(now) -> int:
    specs = _events()
    for spec in specs:
        spec = dict(spec)
        slug = spec.pop("slug")
        status = spec.pop("status", "published")
        spec.setdefault("all_day", False)
        spec.setdefault("timezone", "Europe/Brussels")
        Event.objects.update_or_create(
            slug=slug,
            defaults={
                **spec,
                "status": status,
                "published_at": now - datetime.timedelta(days=30)
                if status == "published"
                else None,
            },
        )
    return len(specs)


def _load_resources(now) -> tuple[int, int]:
    variants = 0
    for spec in RESOURCES:
        status = spec.get("status", "published")
        resource, _created = Resource.objects.update_or_create(
            slug=spec["slug"],
            defaults={
                "title": spec["title"],
                "summary": spec["summary"],
                "audience": spec["audience"],
                "topic": spec["topic"],
                "source": spec["source"],
                "review_date": timezone.localdate()
                - datetime.timedelta(days=spec["review_days_ago"])
                if spec["review_days_ago"] is not None
                else None,
                "funding_disclosure": spec["funding_disclosure"],
                "status": status,
                "published_at": now - datetime.timedelta(days=60)
                if status == "published"
                else None,
            },
        )
        resource.cancer_types.set(CancerType.objects.filter(slug__in=spec["cancer_types"]))
        for code in spec["pdf_languages"]:
            variant = ResourceVariant.objects.filter(resource=resource, language=code).first()
            if variant is None or not variant.file:
                heading, paragraphs = LEAFLET_TEXT.get(code, LEAFLET_TEXT["en"])
                if spec["slug"] != "immunotherapy-side-effects-leaflet":
                    heading = spec["title"] if code == "en" else heading
                variant = variant or ResourceVariant(resource=resource, language=code)
                variant.title = heading
                variant.url = ""
                variant.file.save(
                    f"{spec['slug']}-{code}.pdf",
                    ContentFile(simple_pdf(heading, paragraphs)),
                    save=False,
                )
                variant.save()
            variants += 1
        for code, url in spec["links"].items():
            ResourceVariant.objects.update_or_create(
                resource=resource, language=code, defaults={"url": url, "file": ""}
            )
            variants += 1
    return len(RESOURCES), variants


def load() -> dict[str, int]:
    """Create or update the demo rows; return counts by kind for the command's report."""
    now = timezone.now()
    author = Person.objects.filter(is_demo=True).order_by("pk").first()
    news = _load_news(now, author)
    events = _load_events(now)
    resources, variants = _load_resources(now)
    from . import demo_registration

    events += demo_registration.load(now)
    return {
        "news items": news,
        "events": events,
        "resources": resources,
        "resource language versions": variants,
    }
