"""Forms of the core pages."""

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(label=_("Your e-mail address"))
    subject = forms.CharField(
        label=_("Subject"),
        max_length=200,
        # The subject becomes an e-mail header, where a line break is refused (BadHeaderError).
        validators=[
            RegexValidator(
                r"[\r\n\x0b\x0c\x85\u2028\u2029]",
                inverse_match=True,
                message=_("The subject must fit on one line."),
            )
        ],
    )
    message = forms.CharField(
        label=_("Message"), widget=forms.Textarea(attrs={"rows": 8}), max_length=5000
    )
    # Honeypot: hidden from people (CSS and aria-hidden), filled in by bots.
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("This message looks automated and was not sent."))
        return ""
