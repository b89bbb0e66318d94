"""Forms of the guideline admin: plain fields instead of pipe-delimited codes and raw JSON.

- `ToxicityAdminForm`: therapy families and higher-risk classes as checkboxes (stored "|code|code|"),
  small text areas.
- `RecommendationForm`: one recommendation (one grade, one source) with the hormones as one per line,
  the editions it is based on as checkboxes, and checks that say what is wrong in the curator's words.
- `RecommendationFormSet`: the recommendations of one guideline; refuses two rows for the same grade,
  source and scenario before the database would.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ion_portal.admin_fields import LinesField
from ion_portal.immunotherapy import ImmunotherapyClass, TherapyFamily
from toxicity.models import Recommendation, Toxicity, codes_to_text, text_to_codes


def _textarea(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, "cols": 60})


class ToxicityAdminForm(forms.ModelForm):
    """Families and higher-risk classes are picked from the one vocabulary, stored as |code|code|."""

    families = forms.MultipleChoiceField(
        label=_("Applies to (therapy families)"),
        choices=TherapyFamily.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    higher_risk = forms.MultipleChoiceField(
        label=_("Classes with a higher risk"),
        choices=ImmunotherapyClass.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Toxicity
        fields = "__all__"  # noqa: DJ007 (the admin's fieldsets choose; families replaces therapy_families)
        widgets = {
            "summary": _textarea(3),
            "aliases": _textarea(3),
            "symptoms": _textarea(3),
            "workup": _textarea(4),
            "red_flags": _textarea(3),
            "call_task_force_when": _textarea(2),
            "avoid_drugs": _textarea(2),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["families"].initial = text_to_codes(self.instance.therapy_families)
        self.fields["higher_risk"].initial = text_to_codes(self.instance.higher_risk_classes)

    def clean(self):
        cleaned = super().clean()
        self.instance.therapy_families = codes_to_text(cleaned.get("families") or [])
        self.instance.higher_risk_classes = codes_to_text(cleaned.get("higher_risk") or [])
        return cleaned


# The fields that describe a steroid course: none of them means anything without the steroid named.
STEROID_DETAIL_FIELDS = [
    "steroid_dose",
    "steroid_route",
    "steroid_purpose",
    "steroid_mg_per_kg_min",
    "steroid_mg_per_kg_max",
    "steroid_taper",
    "steroid_taper_weeks",
]


class RecommendationForm(forms.ModelForm):
    """One row of a guideline: what to do at one grade according to one source."""

    hormones = LinesField(
        label=_("Hormone replacement, in order of starting"),
        rows=2,
        max_item_length=60,
        help_text=_("One per line, first started first, e.g. hydrocortisone then levothyroxine."),
    )

    class Meta:
        model = Recommendation
        fields = [
            "grade",
            "source",
            "scenario",
            "based_on",
            "action",
            "action_note",
            "treatment",
            "steroid_drug",
            "steroid_dose",
            "steroid_route",
            "steroid_purpose",
            "steroid_mg_per_kg_min",
            "steroid_mg_per_kg_max",
            "steroid_taper",
            "steroid_taper_weeks",
            "hormones",
            "escalation_agents",
            "escalation_trigger",
            "consults",
            "workup",
            "setting",
            "evidence_level",
            "verification",
            "notes",
            "order",
        ]
        widgets = {
            "based_on": forms.CheckboxSelectMultiple,
            "treatment": _textarea(2),
            "workup": _textarea(2),
            "notes": _textarea(2),
        }

    def clean(self):
        cleaned = super().clean()
        errors = {}
        low, high = cleaned.get("steroid_mg_per_kg_min"), cleaned.get("steroid_mg_per_kg_max")
        if low is not None and high is not None and low > high:
            errors["steroid_mg_per_kg_max"] = _(
                "The highest dose (%(high)s mg/kg/day) is below the lowest (%(low)s mg/kg/day)."
            ) % {"high": high, "low": low}
        if not (cleaned.get("steroid_drug") or "").strip():
            described = [
                str(Recommendation._meta.get_field(name).verbose_name)
                for name in STEROID_DETAIL_FIELDS
                if cleaned.get(name) not in (None, "")
            ]
            if described:
                errors["steroid_drug"] = _("Name the steroid: this row gives its %(fields)s.") % {
                    "fields": ", ".join(described)
                }
        if cleaned.get("steroid_taper_weeks") == 0:
            errors["steroid_taper_weeks"] = _(
                "A course lasts at least one week: leave it empty when the source gives no duration."
            )
        if errors:
            raise ValidationError(errors)
        return cleaned


class RecommendationFormSet(forms.BaseInlineFormSet):
    """All the rows of one guideline: one row per grade, source and scenario."""

    def clean(self):
        # Before the formset's own unique check, so the error sits on the row and names it.
        self._refuse_duplicate_rows()
        super().clean()

    def _refuse_duplicate_rows(self):
        seen = {}
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data:
                continue
            if self.can_delete and self._should_delete_form(form):
                continue
            data = form.cleaned_data
            if data.get("grade") is None or data.get("source") is None:
                continue
            key = (data["grade"], data["source"].pk, data.get("scenario") or "")
            if key in seen:
                form.add_error(
                    "grade",
                    _(
                        "There is already a row for grade %(grade)s from %(source)s "
                        "(%(scenario)s): change its grade, source or scenario, or delete one."
                    )
                    % {
                        "grade": data["grade"],
                        "source": data["source"].short_name,
                        "scenario": Recommendation.Scenario(key[2]).label,
                    },
                )
            seen[key] = form
