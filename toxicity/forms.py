"""Forms of the toxicity app: search, the consult request and the patient alert card."""

from __future__ import annotations

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from toxicity.models import GRADES, PATIENT_CARD_DRUGS, ConsultRequest, Toxicity

CARD_LANGUAGES = [("en", _("English")), ("nl", _("Dutch")), ("fr", _("French"))]


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Symptom, organ, CTCAE term or drug class"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "autocomplete": "off",
                "placeholder": _("e.g. diarrhoea, short of breath, rash"),
                "data-live-search": "",
            }
        ),
    )
    organ = forms.SlugField(required=False, widget=forms.HiddenInput)


class ConsultRequestForm(forms.ModelForm):
    class Meta:
        model = ConsultRequest
        fields = ["specialty", "toxicity", "grade", "urgency", "question", "callback_phone"]
        widgets = {
            "question": forms.Textarea(attrs={"rows": 5}),
            "callback_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["toxicity"].queryset = Toxicity.objects.published().select_related(None)
        self.fields["toxicity"].required = False
        self.fields["grade"].choices = [("", _("Not graded yet")), *GRADES[:4]]


class PatientCardForm(forms.Form):
    drugs = forms.MultipleChoiceField(
        label=_("The patient's immunotherapy"),
        choices=[(name, name) for name, _code in PATIENT_CARD_DRUGS],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Pick at least one drug.")},
    )
    language = forms.ChoiceField(
        label=_("Language of the card"), choices=CARD_LANGUAGES, initial="en"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The page's language is the likely language of the card: /fr/ offers a French card first.
        page_language = (get_language() or "en").split("-")[0]
        if page_language in dict(CARD_LANGUAGES):
            self.fields["language"].initial = page_language
