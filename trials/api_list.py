"""The items of an API trial list page built from `.values_list()` rows, without DRF serializers.

`TrialSerializer` (trials/serializers.py) stays the definition of a trial in the API (the detail view,
the schema); this module produces exactly what it gives for a page of trials (same keys in the same
order, same value types, URLs and date strings) at a fraction of the Python time: no model instances,
no prefetch machinery, no per-field get_attribute. Five queries: the trials' columns (never raw_record
or search_vector), then one each for cancer types, interventions with their drug, and confirmed sites
with their unit and principal investigator. tests/api/test_trial_list_values.py proves the equality.

A field added to TrialSerializer must be added here too (that test fails until it is).
"""

from __future__ import annotations

import re

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from rest_framework import serializers
from rest_framework.reverse import reverse as api_reverse

from .models import Intervention, Trial, TrialSite, split_codes, status_group

# The trial columns the list shows, in the order the row tuples hold them.
TRIAL_COLUMNS = (
    "pk",
    "nct_id",
    "eu_ct_number",
    "other_ids",
    "acronym",
    "brief_title",
    "official_title",
    "brief_summary",
    "overall_status",
    "last_known_status",
    "why_stopped",
    "phases",
    "study_type",
    "primary_purpose",
    "allocation",
    "enrollment_count",
    "enrollment_type",
    "start_date",
    "primary_completion_date",
    "completion_date",
    "first_posted",
    "last_update_posted",
    "status_verified",
    "conditions",
    "keywords",
    "eligibility_criteria",
    "sex",
    "minimum_age",
    "maximum_age",
    "minimum_age_days",
    "maximum_age_days",
    "healthy_volunteers",
    "lead_sponsor",
    "lead_sponsor_class",
    "collaborators",
    "immunotherapy_classes",
    "line_of_therapy",
    "updated_at",
)

# The URL patterns of `url` and `page` accept these NCT IDs; a page holding any other (only a trial
# saved without validation could) is left to the serializer.
_NCT_ID = re.compile(r"NCT[0-9]{8}")
_SENTINEL = "NCT00000000"

# DRF's own date representation (DATE_FORMAT); datetimes below, per page (DATETIME_FORMAT).
_date = serializers.DateField(read_only=True).to_representation


def _strings(values):
    """A ListField(child=CharField()): every item as a string, null items kept null."""
    if values is None:
        return None
    return [None if item is None else str(item) for item in values]


def _dates(*values):
    return [None if value is None else _date(value) for value in values]


def _url_template(url: str):
    """`url` (made for the sentinel NCT ID) as a function of the NCT ID, or None when the sentinel
    is not exactly once in it."""
    if url.count(_SENTINEL) != 1:
        return None
    head, tail = url.split(_SENTINEL)
    return lambda nct_id: f"{head}{nct_id}{tail}"


def _grouped(rows):
    """{trial_id: [row, ...]} (each row starts with its trial id), in the rows' order."""
    found: dict[int, list] = {}
    for row in rows:
        found.setdefault(row[0], []).append(row)
    return found


def _display_name(title, first_name, last_name) -> str:
    # Person.display_name, from the joined columns.
    return " ".join(part for part in (title, first_name, last_name) if part)


def trial_list_items(ids, *, request, format=None):
    """(items, last updated_at) of the published trials with these primary keys, in the order of
    `ids`, each item equal to TrialSerializer(trial, context={"request": request, "format":
    format}).data; None when a trial's NCT ID is not one the URL patterns accept (the caller then
    uses the serializer)."""
    ids = list(ids)
    rows = list(Trial.objects.published().filter(pk__in=ids).order_by().values_list(*TRIAL_COLUMNS))
    if any(not _NCT_ID.fullmatch(row[1]) for row in rows):
        return None
    # One reverse per page, not two per trial (HyperlinkedIdentityField and get_page).
    try:
        url = _url_template(
            api_reverse(
                "trial-detail", kwargs={"nct_id": _SENTINEL}, request=request, format=format
            )
        )
    except NoReverseMatch:  # the serializer reports the misconfiguration
        return None
    try:
        path = reverse("trials:detail", args=[_SENTINEL])
    except NoReverseMatch:  # no trial pages mounted (API-only deployment): page is null
        page = lambda nct_id: None  # noqa: E731
    else:
        page = _url_template(request.build_absolute_uri(path) if request else path)
    if url is None or page is None:
        return None
    found = [row[0] for row in rows]
    cancer_types = _grouped(
        Trial.cancer_types.through.objects.filter(trial_id__in=found)
        .order_by("trial_id", "cancertype__name")
        .values_list("trial_id", "cancertype__slug")
    )
    interventions = _grouped(
        Intervention.objects.filter(trial_id__in=found)
        .order_by("trial_id", "position", "pk")
        .values_list(
            "trial_id",
            "type",
            "name",
            "description",
            "other_names",
            "drug_id",
            "drug__slug",
            "drug__name",
            "drug__immunotherapy_class",
        )
    )
    sites = _grouped(
        TrialSite.objects.filter(trial_id__in=found)
        .order_by("trial_id", "unit__name", "unit__slug")
        .values_list(
            "trial_id",
            "unit__slug",
            "unit__name",
            "unit__institution",
            "unit__city",
            "local_status",
            "principal_investigator_id",
            "principal_investigator__title",
            "principal_investigator__first_name",
            "principal_investigator__last_name",
        )
    )
    # The active time zone and today's date once per page, not once per trial (a thread-local
    # look-up each): the serializer's DateTimeField in that zone, status_group on that day.
    updated = serializers.DateTimeField(
        read_only=True, default_timezone=timezone.get_current_timezone()
    ).to_representation
    today = timezone.localdate()
    by_id = {}
    for row in rows:
        by_id[row[0]] = _item(row, cancer_types, interventions, sites, url, page, updated, today)
    items = [by_id[pk] for pk in ids if pk in by_id]
    last_modified = max((row[-1] for row in rows), default=None)
    return items, last_modified


def _item(row, cancer_types, interventions, sites, url, page, updated, today):
    (
        pk,
        nct_id,
        eu_ct_number,
        other_ids,
        acronym,
        brief_title,
        official_title,
        brief_summary,
        overall_status,
        last_known_status,
        why_stopped,
        phases,
        study_type,
        primary_purpose,
        allocation,
        enrollment_count,
        enrollment_type,
        start_date,
        primary_completion_date,
        completion_date,
        first_posted,
        last_update_posted,
        status_verified,
        conditions,
        keywords,
        eligibility_criteria,
        sex,
        minimum_age,
        maximum_age,
        minimum_age_days,
        maximum_age_days,
        healthy_volunteers,
        lead_sponsor,
        lead_sponsor_class,
        collaborators,
        immunotherapy_classes,
        line_of_therapy,
        updated_at,
    ) = row
    start, primary_completion, completion, first, last_update, verified = _dates(
        start_date,
        primary_completion_date,
        completion_date,
        first_posted,
        last_update_posted,
        status_verified,
    )
    # Text, code (ChoiceField) and integer columns are NOT NULL strings or ints the serializer
    # returns unchanged; nullable ones (None) it returns as None, as here.
    return {
        "nct_id": nct_id,
        "eu_ct_number": eu_ct_number,
        "other_ids": other_ids,
        "acronym": acronym,
        "brief_title": brief_title,
        "official_title": official_title,
        "brief_summary": brief_summary,
        "overall_status": overall_status,
        "last_known_status": last_known_status,
        "why_stopped": why_stopped,
        "recruitment": str(status_group(overall_status, status_verified, today)),
        "phases": split_codes(phases),
        "study_type": study_type,
        "primary_purpose": primary_purpose,
        "allocation": allocation,
        "enrollment_count": enrollment_count,
        "enrollment_type": enrollment_type,
        "start_date": start,
        "primary_completion_date": primary_completion,
        "completion_date": completion,
        "first_posted": first,
        "last_update_posted": last_update,
        "status_verified": verified,
        "conditions": _strings(conditions),
        "keywords": _strings(keywords),
        "cancer_types": [slug for _trial, slug in cancer_types.get(pk, ())],
        "eligibility": {
            "criteria": eligibility_criteria,
            "sex": sex,
            "minimum_age": minimum_age,
            "maximum_age": maximum_age,
            "minimum_age_days": minimum_age_days,
            "maximum_age_days": maximum_age_days,
            "healthy_volunteers": healthy_volunteers,
        },
        "lead_sponsor": lead_sponsor,
        "lead_sponsor_class": lead_sponsor_class,
        "collaborators": collaborators,
        "immunotherapy_classes": split_codes(immunotherapy_classes),
        "line_of_therapy": line_of_therapy,
        "interventions": [
            {
                "type": kind,
                "name": name,
                "description": description,
                "other_names": _strings(other_names),
                "drug": None
                if drug_id is None
                else {"slug": drug_slug, "name": drug_name, "immunotherapy_class": drug_class},
            }
            for (
                _trial,
                kind,
                name,
                description,
                other_names,
                drug_id,
                drug_slug,
                drug_name,
                drug_class,
            ) in interventions.get(pk, ())
        ],
        "sites": [
            {
                "slug": slug,
                "name": name,
                "institution": institution,
                "city": city,
                "local_status": local_status,
                "principal_investigator": None
                if pi_id is None
                else _display_name(pi_title, pi_first, pi_last),
            }
            for (
                _trial,
                slug,
                name,
                institution,
                city,
                local_status,
                pi_id,
                pi_title,
                pi_first,
                pi_last,
            ) in sites.get(pk, ())
        ],
        "url": url(nct_id),
        "page": page(nct_id),
        "ctgov_url": f"https://clinicaltrials.gov/study/{nct_id}",
        "updated_at": updated(updated_at),
    }
