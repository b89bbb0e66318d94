"""Forms of the trials app: the "refer a patient" form and the admin upload form."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ion_portal.alerts import Frequency

from .models import TrialSite

MAX_UPLOAD_BYTES = 25 * 1024 * 1024

# Belgian national register number (rijksregisternummer / numéro de registre national): YY.MM.DD-XXX.CC,
# written with or without separators. We refuse anything of that shape, valid check digits or not: a
# mistyped number still identifies a patient.
_NATIONAL_NUMBER = re.compile(
    r"(?<!\d)\d{2}[.\s/-]?\d{2}[.\s/-]?\d{2}[.\s/-]?\d{3}[.\s/-]?\d{2}(?!\d)"
)
_IDENTIFIER_PATTERNS = [
    (
        _NATIONAL_NUMBER,
        _(
            "It contains what looks like a Belgian national register number. Never send a patient's "
            "national number by e-mail."
        ),
    ),
    (
        re.compile(r"\b\d{1,2}[./-]\d{1,2}[./-](?:19|20)\d{2}\b|\b(?:19|20)\d{2}-\d{2}-\d{2}\b"),
        _("It contains a full date, which may be a date of birth. Give the patient's age instead."),
    ),
    (
        re.compile(r"(?<!\d)\d{7,}(?!\d)"),
        _("It contains a long number, which may be a medical record or patient number."),
    ),
    (
        re.compile(
            r"\b(MRN|EAD|EPD|patient\s*(id|nr|no|number)|pati[ëe]ntnummer|dossiernummer|"
            r"record\s*number|SSN|INSZ|NISS|rijksregister)\b",
            re.IGNORECASE,
        ),
        _("It mentions a patient or record number. Leave identifiers out of the message."),
    ),
    (
        re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"),
        _("It contains an e-mail address. The study team will contact you, not the patient."),
    ),
    (
        re.compile(
            r"(?:\+|00)\d[\d\s./-]{7,}\d|\b0\d{1,2}[\s./-]?\d{2,3}[\s./-]?\d{2}[\s./-]?\d{2}\b"
        ),
        _("It contains a phone number. The study team will contact you, not the patient."),
    ),
]


def identifier_problems(text: str) -> list[str]:
    """Why `text` looks like it identifies a patient (empty when it does not)."""
    return [str(message) for pattern, message in _IDENTIFIER_PATTERNS if pattern.search(text or "")]


class ReferralForm(forms.Form):
    """A member refers a patient to a trial's network site, without identifying the patient."""

    site = forms.ModelChoiceField(
        label=_("Network site"),
        queryset=TrialSite.objects.none(),
        empty_label=None,
        help_text=_("The site whose study team receives the referral."),
    )
    patient_age = forms.IntegerField(
        label=_("Patient's age (years)"), min_value=0, max_value=130, required=False
    )
    message = forms.CharField(
        label=_("Clinical summary"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=3000,
        help_text=_(
            "Diagnosis, stage, prior treatments and why this trial may fit. Do not include the patient's "
            "name, national register number, date of birth, record number or contact details."
        ),
    )
    consent = forms.BooleanField(
        label=_("The patient agrees to be referred to this study team."), required=True
    )

    def __init__(self, *args, trial, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = trial.sites.select_related("unit", "referral_contact")
        self.fields["site"].label_from_instance = lambda site: str(site.unit)

    def clean_message(self):
        text = self.cleaned_data["message"]
        problems = identifier_problems(text)
        if problems:
            raise ValidationError(
                [_("This text may identify the patient and cannot be sent."), *problems],
                code="identifier",
            )
        return text

    def clean_site(self):
        site = self.cleaned_data["site"]
        if not site.referral_address:
            raise ValidationError(
                _("This site has no referral contact yet; please choose another site."),
                code="no_contact",
            )
        return site


class ImportUploadForm(forms.Form):
    """Admin: upload a ClinicalTrials.gov file (API v2 JSON, search page or legacy XML)."""

    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "An API v2 study (.json), an API v2 search page (.json) or a legacy record (.xml)."
        ),
    )
    publish = forms.BooleanField(
        label=_("Publish new trials at once"), required=False, initial=False
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(_("The file is larger than 25 MB."))
        return upload


class TrialAlertForm(forms.Form):
    """Subscribe to the search shown on the trial list (the query string travels in `query`)."""

    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    frequency = forms.ChoiceField(
        label=_("How often"), choices=Frequency.choices, initial=Frequency.WEEKLY
    )
    query = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)
