"""Forms of the education section: registration for an event."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Registration
from .validators import normalise_riziv, validate_riziv


class RegistrationForm(forms.ModelForm):
    class Meta:
        model = Registration
        fields = ["name", "email", "profession", "institution", "riziv_number", "needs"]
        labels = {
            "name": _("Full name"),
            "email": _("E-mail address"),
            "institution": _("Institution"),
            "riziv_number": _("RIZIV/INAMI number (optional)"),
            "needs": _("Dietary or access needs (optional)"),
        }
        help_texts = {
            "email": _("Your confirmation and your personal link to cancel are sent here."),
            "riziv_number": _(
                "Eleven digits, for example 1-08290-59-001; needed for RIZIV/INAMI points."
            ),
        }
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "institution": forms.TextInput(attrs={"autocomplete": "organization"}),
            "riziv_number": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 16}),
            "needs": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Typed with separators (1-08290-59-001) is fine: the model keeps the 11 digits.
        riziv = self.fields["riziv_number"]
        riziv.max_length = 16
        riziv.validators = []
        riziv.widget.attrs["maxlength"] = "16"
        self.fields["profession"].choices = [("", _("Choose…")), *Registration.Profession.choices]

    def clean_riziv_number(self):
        value = (self.cleaned_data.get("riziv_number") or "").strip()
        if not value:
            return ""
        validate_riziv(value)
        return normalise_riziv(value)

    def clean_email(self):
        return self.cleaned_data["email"].strip()

    def validate_unique(self):
        # The service checks double registrations under the event's row lock (a clearer message).
        pass


def member_initial(user) -> dict:
    """A signed-in member's details, to prefill the form."""
    if not user.is_authenticated:
        return {}
    initial = {
        "name": user.get_full_name(),
        "email": user.email,
        "institution": user.affiliation,
    }
    person = getattr(user, "person", None)
    if person is not None and person.unit_id:
        initial["institution"] = initial["institution"] or str(person.unit)
    return {key: value for key, value in initial.items() if value}
