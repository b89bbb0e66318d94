"""Forms of the pre-screen: the members' clinical form (no free text: no name, date of birth or register
number can be typed), the referral that carries its answers, and the public form's four questions."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from ion_portal.immunotherapy import ImmunotherapyClass
from ion_portal.models import CancerType

from ..criteria.units import to_mg_dl
from ..forms import identifier_problems
from .engine import BIOMARKERS, Patient

NOT_KNOWN = ("", _("Not known"))
YES_NO = [NOT_KNOWN, ("yes", _("Yes")), ("no", _("No"))]
VIRAL = [
    NOT_KNOWN,
    ("negative", _("Negative")),
    ("controlled", _("Positive, controlled")),
    ("active", _("Positive, not controlled")),
]
BIOMARKER_LABELS = {
    "msi_h_dmmr": _("MSI-high / dMMR"),
    "egfr": _("EGFR mutation"),
    "alk": _("ALK rearrangement"),
    "ros1": _("ROS1 rearrangement"),
    "braf_v600": _("BRAF V600 mutation"),
    "kras_g12c": _("KRAS G12C mutation"),
    "her2": _("HER2-positive"),
}
POSITIVE = [NOT_KNOWN, ("yes", _("Positive")), ("no", _("Negative"))]
CONCENTRATION_UNITS = [("mg/dL", "mg/dL"), ("umol/L", "\u00b5mol/L")]
CONCENTRATIONS = ("creatinine", "bilirubin")  # value in mg/dL or µmol/L (trials.criteria.units)


class QuickSelect(forms.Select):
    """A <select> written in Python: the same HTML as Django's, without a template per option (the
    cancer-type list has a few hundred; the results page renders in a fraction of the time)."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        chosen = "" if value is None else str(value)
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (key, " selected" if str(key) == chosen else "", label)
                for key, label in self.choices
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', name, forms.utils.flatatt(attrs), options
        )


class QuickNumber(forms.NumberInput):
    """<input type="number"> written in Python (no widget template), like QuickSelect."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        shown = self.format_value(value)
        value_attr = format_html(' value="{}"', shown) if shown not in (None, "") else ""
        return format_html(
            '<input type="number" name="{}"{}{}>', name, value_attr, forms.utils.flatatt(attrs)
        )


def _choice(label, choices, **kwargs):
    return forms.ChoiceField(
        label=label, choices=choices, required=False, widget=QuickSelect, **kwargs
    )


def _number(label, low, high, help_text="", step="any"):
    return forms.FloatField(
        label=label,
        min_value=low,
        max_value=high,
        required=False,
        help_text=help_text,
        widget=QuickNumber(attrs={"step": step}),
    )


def cancer_type_choices():
    return [("", _("Choose a cancer type")), *CancerType.objects.values_list("slug", "name")]


class PrescreenForm(forms.Form):
    """The members' pre-screen. Every answer but the cancer type may stay "not known"."""

    cancer_type = forms.ChoiceField(label=_("Cancer type"), choices=(), widget=QuickSelect)
    setting = _choice(
        _("Setting of the treatment sought"),
        [
            NOT_KNOWN,
            ("neoadjuvant", _("Neoadjuvant (before surgery)")),
            ("adjuvant", _("Adjuvant (after surgery)")),
            ("first_line_metastatic", _("First line, advanced or metastatic")),
            ("later_line", _("Second line or later")),
        ],
    )
    age = forms.IntegerField(
        label=_("Age (years)"),
        min_value=0,
        max_value=120,
        required=False,
        widget=QuickNumber,
        help_text=_("The age, never the date of birth."),
    )
    sex = _choice(_("Sex"), [NOT_KNOWN, ("female", _("Female")), ("male", _("Male"))])
    ecog = _choice(_("ECOG performance status"), [NOT_KNOWN, *((str(i), str(i)) for i in range(5))])
    prior_lines = forms.IntegerField(
        label=_("Prior lines of systemic therapy (advanced disease)"),
        min_value=0,
        max_value=20,
        required=False,
        widget=QuickNumber,
    )
    prior_immunotherapy = _choice(
        _("Prior immunotherapy"),
        [NOT_KNOWN, ("none", _("None")), ("yes", _("Yes: the classes ticked below"))],
    )
    prior_classes = forms.MultipleChoiceField(
        label=_("Immunotherapy classes received"),
        choices=ImmunotherapyClass.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    brain_metastases = _choice(
        _("Brain metastases"),
        [
            NOT_KNOWN,
            ("none", _("None")),
            ("treated_stable", _("Treated and stable")),
            ("active", _("Active or untreated")),
        ],
    )
    autoimmune_disease = _choice(_("Active autoimmune disease"), YES_NO)
    steroids = _number(
        _("Systemic steroids (mg prednisone or equivalent per day)"),
        0,
        2000,
        _("0 when none."),
    )
    hiv = _choice(_("HIV"), VIRAL)
    hbv = _choice(_("Hepatitis B"), VIRAL)
    hcv = _choice(_("Hepatitis C"), VIRAL)
    measurable_disease = _choice(_("Measurable disease (RECIST 1.1)"), YES_NO)
    pregnancy = _choice(_("Pregnant or breastfeeding"), YES_NO)
    pd_l1_tps = _number(_("PD-L1 tumour proportion score (%)"), 0, 100)
    pd_l1_cps = _number(_("PD-L1 combined positive score"), 0, 100)
    tmb = _number(_("Tumour mutational burden (mutations/Mb)"), 0, 1000)
    msi_h_dmmr = _choice(BIOMARKER_LABELS["msi_h_dmmr"], POSITIVE)
    egfr = _choice(BIOMARKER_LABELS["egfr"], POSITIVE)
    alk = _choice(BIOMARKER_LABELS["alk"], POSITIVE)
    ros1 = _choice(BIOMARKER_LABELS["ros1"], POSITIVE)
    braf_v600 = _choice(BIOMARKER_LABELS["braf_v600"], POSITIVE)
    kras_g12c = _choice(BIOMARKER_LABELS["kras_g12c"], POSITIVE)
    her2 = _choice(BIOMARKER_LABELS["her2"], POSITIVE)
    anc = _number(_("Absolute neutrophil count (10^9/L)"), 0, 100)
    platelets = _number(_("Platelets (10^9/L)"), 0, 2000)
    haemoglobin = _number(_("Haemoglobin (g/dL)"), 0, 25)
    creatinine_clearance = _number(_("Creatinine clearance (mL/min)"), 0, 300)
    creatinine = _number(_("Serum creatinine (multiple of the upper limit of normal)"), 0, 50)
    bilirubin = _number(_("Bilirubin (multiple of the upper limit of normal)"), 0, 50)
    creatinine_value = _number(_("Serum creatinine (mg/dL or µmol/L)"), 0, 5000)
    creatinine_unit = _choice(_("Unit"), CONCENTRATION_UNITS)
    bilirubin_value = _number(_("Bilirubin (mg/dL or µmol/L)"), 0, 5000)
    bilirubin_unit = _choice(_("Unit"), CONCENTRATION_UNITS)
    ast_alt = _number(_("AST/ALT, the higher (multiple of the upper limit of normal)"), 0, 100)
    liver_metastases = _choice(_("Liver metastases"), YES_NO)

    GROUPS = (
        (_("The cancer"), ("cancer_type", "setting", "measurable_disease")),
        (_("The patient"), ("age", "sex", "ecog", "pregnancy")),
        (
            _("Treatment so far"),
            ("prior_lines", "prior_immunotherapy", "prior_classes", "steroids"),
        ),
        (
            _("Other conditions"),
            ("brain_metastases", "liver_metastases", "autoimmune_disease", "hiv", "hbv", "hcv"),
        ),
        (_("Biomarkers"), ("pd_l1_tps", "pd_l1_cps", "tmb", *BIOMARKERS)),
        (
            _("Laboratory values (optional)"),
            (
                "anc",
                "platelets",
                "haemoglobin",
                "creatinine_clearance",
                "creatinine",
                "creatinine_value",
                "creatinine_unit",
                "bilirubin",
                "bilirubin_value",
                "bilirubin_unit",
                "ast_alt",
            ),
        ),
    )

    def __init__(self, *args, cancer_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cancer_type"].choices = cancer_choices or cancer_type_choices()

    def groups(self):
        """(legend, bound fields) for the template's fieldsets."""
        return [(legend, [self[name] for name in names]) for legend, names in self.GROUPS]

    def clean(self):
        data = super().clean()
        if data.get("prior_immunotherapy") == "none" and data.get("prior_classes"):
            self.add_error(
                "prior_classes", _("You answered no prior immunotherapy: untick the classes.")
            )
        if data.get("prior_immunotherapy") == "yes" and not data.get("prior_classes"):
            self.add_error("prior_classes", _("Tick the immunotherapy classes received."))
        for kind in CONCENTRATIONS:
            if data.get(f"{kind}_value") is not None and not data.get(f"{kind}_unit"):
                self.add_error(f"{kind}_unit", _("Choose the unit."))
        return data

    def patient(self) -> Patient:
        """The answers as the engine's Patient (call after is_valid())."""
        d = self.cleaned_data

        def flag(name):
            return {"yes": True, "no": False}.get(d.get(name) or "")

        received = None
        if d.get("prior_immunotherapy") == "none":
            received = frozenset()
        elif d.get("prior_immunotherapy") == "yes" or d.get("prior_classes"):
            received = frozenset(d.get("prior_classes") or ())
        numbers = ("pd_l1_tps", "pd_l1_cps", "tmb", "anc", "platelets", "haemoglobin")
        numbers += ("creatinine_clearance", "creatinine", "bilirubin", "ast_alt", "steroids")
        return Patient(
            cancer_type=d.get("cancer_type") or "",
            setting=d.get("setting") or "",
            age=d.get("age"),
            sex=d.get("sex") or "",
            ecog=int(d["ecog"]) if d.get("ecog") else None,
            prior_lines=d.get("prior_lines"),
            prior_immunotherapy=received,
            brain_metastases=d.get("brain_metastases") or "",
            hiv=d.get("hiv") or "",
            hbv=d.get("hbv") or "",
            hcv=d.get("hcv") or "",
            **{name: flag(name) for name in ("autoimmune_disease", "measurable_disease")},
            **{name: flag(name) for name in ("pregnancy", "liver_metastases", *BIOMARKERS)},
            **{name: d.get(name) for name in numbers},
            **{
                f"{kind}_mg_dl": to_mg_dl(kind, d.get(f"{kind}_value"), d.get(f"{kind}_unit"))
                for kind in CONCENTRATIONS
            },
        )

    def summary_lines(self) -> list[str]:
        """The answers given, one "label: answer" line each (for the referral e-mail)."""
        lines = []
        for name, field in self.fields.items():
            value = self.cleaned_data.get(name)
            if value in (None, "", []) or name.endswith("_unit"):
                continue  # a unit goes with its value
            if isinstance(field, forms.MultipleChoiceField):
                labels = dict(field.choices)
                shown = ", ".join(str(labels.get(v, v)) for v in value)
            elif isinstance(field, forms.ChoiceField):
                shown = str(dict(field.choices).get(value, value))
            else:
                shown = f"{value:g}" if isinstance(value, float) else str(value)
            if name.endswith("_value"):
                unit = self.cleaned_data.get(name.replace("_value", "_unit"))
                shown += f" {dict(CONCENTRATION_UNITS).get(unit, unit)}"
            lines.append(f"{field.label}: {shown}")
        return lines


class PrescreenReferralForm(forms.Form):
    """Refer from the results: the site, the patient's consent and an optional note."""

    trial = forms.CharField(widget=forms.HiddenInput, max_length=11)
    site = forms.TypedChoiceField(
        label=_("Network site"), coerce=int, choices=(), widget=QuickSelect
    )
    note = forms.CharField(
        label=_("Note for the study team (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("No name, national register number, date of birth or record number."),
    )
    consent = forms.BooleanField(
        label=_("The patient agrees to be referred to this study team."), required=True
    )

    def __init__(self, *args, sites=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.sites = {site.pk: site for site in sites if site.referral_address}
        self.fields["site"].choices = [(pk, str(site.unit)) for pk, site in self.sites.items()]

    def clean_note(self):
        text = self.cleaned_data["note"]
        problems = identifier_problems(text)
        if problems:
            raise ValidationError(
                [_("This text may identify the patient and cannot be sent."), *problems],
                code="identifier",
            )
        return text


class PublicForm(forms.Form):
    """Four plain questions for patients and relatives; no medical question."""

    cancer_type = forms.ChoiceField(label=_("Which cancer is it?"), choices=(), widget=QuickSelect)
    age = forms.IntegerField(label=_("How old is the patient?"), min_value=0, max_value=120)
    province = forms.ChoiceField(label=_("Where does the patient live?"), choices=())
    treated_now = forms.ChoiceField(
        label=_("Is the patient being treated for this cancer now?"),
        choices=[("yes", _("Yes")), ("no", _("No")), ("unsure", _("Not sure"))],
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, provinces=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cancer_type"].choices = cancer_type_choices()
        self.fields["province"].choices = [("", _("Choose a province")), *provinces]
