"""The public version: open trials for a cancer type and an age, nearest registered location first.

No medical judgement: only the registry's own limits (the trial's cancer types and its registered age
range) choose the trials; the structured criteria are not used here. Distance is a straight line from
the centre of the province chosen to the trial's nearest registered location that has coordinates
(ClinicalTrials.gov geocodes locations), rounded to 5 km.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from ion_portal.models import CancerType

from ..models import TrialLocation, TrialSite
from .queries import open_trials

# Approximate geographic centres of Belgium's provinces and the Brussels-Capital Region (to verify;
# rounded to 0.05 degree, enough for distances rounded to 5 km).
PROVINCES = {
    "antwerp": (_("Antwerp"), 51.20, 4.65),
    "east-flanders": (_("East Flanders"), 51.00, 3.80),
    "west-flanders": (_("West Flanders"), 51.05, 3.05),
    "flemish-brabant": (_("Flemish Brabant"), 50.90, 4.60),
    "limburg": (_("Limburg"), 50.95, 5.40),
    "brussels": (_("Brussels-Capital Region"), 50.85, 4.35),
    "walloon-brabant": (_("Walloon Brabant"), 50.65, 4.55),
    "hainaut": (_("Hainaut"), 50.45, 3.95),
    "namur": (_("Namur"), 50.30, 4.85),
    "liege": (_("Liège"), 50.50, 5.75),
    "luxembourg": (_("Luxembourg (province)"), 49.95, 5.50),
    "outside": (_("Outside Belgium"), None, None),
}
EARTH_KM = 6371.0
SHOWN = 30


def province_choices():
    return [(code, label) for code, (label, _lat, _lon) in PROVINCES.items()]


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_KM * math.asin(math.sqrt(h))


@dataclass(slots=True)
class Found:
    trial: object
    location: object  # the nearest location with coordinates, or None
    km: int | None
    sites: list  # confirmed network sites (public phone / e-mail)


def find_trials(*, cancer_type: str, age: int, province: str, limit: int = SHOWN) -> list[Found]:
    """Open trials of this cancer type (or a narrower one) a patient of this age may enter, nearest
    first (four queries)."""
    types = CancerType.objects.filter(slug=cancer_type).with_descendants()
    trials = (
        open_trials()
        .filter(cancer_types__in=types)
        .for_age(age)
        .distinct()
        .prefetch_related(
            Prefetch(
                "locations",
                queryset=TrialLocation.objects.filter(
                    latitude__isnull=False, longitude__isnull=False
                ),
            ),
            Prefetch("sites", queryset=TrialSite.objects.select_related("unit")),
        )
    )
    _label, lat, lon = PROVINCES.get(province, (None, None, None))
    found = []
    for trial in trials:
        nearest, km = None, None
        if lat is not None:
            for location in trial.locations.all():
                d = distance_km((lat, lon), (location.latitude, location.longitude))
                if km is None or d < km:
                    nearest, km = location, d
        rounded = None if km is None else max(5, int(round(km / 5) * 5))
        found.append(Found(trial, nearest, rounded, list(trial.sites.all())))
    found.sort(key=lambda f: (f.km is None, f.km or 0, f.trial.brief_title, f.trial.nct_id))
    return found[:limit]
