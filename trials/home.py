"""The trials block of the home page: how many trials are open, and a link to them."""

from django.urls import reverse

from .models import Trial


def home_block(request) -> dict:
    open_count = Trial.objects.published().recruiting().count()
    return {
        "template": "trials/home_block.html",
        "context": {"open_count": open_count, "url": reverse("trials:list")},
    }
