"""Forms of the collaborations app: the request form, screening and answer comments, alerts."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from collaborations.models import (
    CollaborationRequest,
    Platform,
    RequestItem,
    SampleCollection,
    SavedSearch,
)


class RequestForm(forms.ModelForm):
    """A member's collaboration request: resources, project, ethics status and commitments."""

    platforms = forms.ModelMultipleChoiceField(
        label=_("Platforms"),
        queryset=Platform.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        to_field_name="slug",
    )
    collections = forms.ModelMultipleChoiceField(
        label=_("Sample collections"),
        queryset=SampleCollection.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        to_field_name="slug",
    )

    class Meta:
        model = CollaborationRequest
        fields = [
            "platforms",
            "collections",
            "title",
            "project_summary",
            "intended_use",
            "ethics_status",
            "protocol",
            "acknowledge_network",
            "discuss_coauthorship",
            "report_back",
        ]
        widgets = {
            "project_summary": forms.Textarea(attrs={"rows": 5}),
            "intended_use": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            # Resources are fixed once a request exists; a new request picks new ones.
            del self.fields["platforms"]
            del self.fields["collections"]
        else:
            self.fields["platforms"].queryset = Platform.objects.published().select_related("unit")
            self.fields[
                "collections"
            ].queryset = SampleCollection.objects.published().select_related("unit")
        for name in ("acknowledge_network", "discuss_coauthorship", "report_back"):
            self.fields[name].required = True
        self.fields["acknowledge_network"].help_text = _(
            "Publications and talks acknowledge the Immuno-Oncology Network."
        )
        self.fields["discuss_coauthorship"].help_text = _(
            "You will discuss co-authorship with the providers before you publish."
        )
        self.fields["report_back"].help_text = _(
            "You will share results and technical insights with the providers."
        )

    def clean(self):
        data = super().clean()
        if "platforms" in self.fields and not data.get("platforms") and not data.get("collections"):
            raise forms.ValidationError(_("Choose at least one platform or sample collection."))
        return data


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Your answer"),
        choices=[
            (RequestItem.Answer.ACCEPTED, _("Accept")),
            (RequestItem.Answer.NEEDS_INFO, _("Ask for more information")),
            (RequestItem.Answer.DECLINED, _("Decline")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Message to the requester"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )


class SavedSearchForm(forms.Form):
    name = forms.CharField(label=_("Name of the alert"), max_length=200, required=False)
    frequency = forms.ChoiceField(
        label=_("How often"),
        choices=SavedSearch.Frequency.choices,
        initial=SavedSearch.Frequency.WEEKLY,
    )
