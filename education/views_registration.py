"""Registration pages: the form, the personal page (view, cancel, certificate), certificate
verification, and the download of after-event material.

The personal page is reached by a secret link (the token in the confirmation e-mail): nobody else
sees who registered. The public event page shows only the number of places left.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from ion_portal import ratelimit

from . import registration as service
from .certificates import certificate_facts, render_certificate
from .forms import RegistrationForm, member_initial
from .models import Event, EventMaterial, Registration
from .uploads import serve_upload

logger = logging.getLogger(__name__)

DEFAULT_RATE_LIMIT = 10  # registrations per client per hour


def _rate_limit() -> int:
    return getattr(settings, "EVENT_REGISTRATION_RATE_LIMIT", DEFAULT_RATE_LIMIT)


def registration_state(event: Event) -> dict:
    """What the public may know: open or not, places left, and whether new people go on the list."""
    left = service.places_left(event)
    return {
        "open": event.registration_open,
        "places_left": left,
        "full": left == 0,
    }


@never_cache
@require_http_methods(["GET", "POST"])
def event_register(request, slug: str) -> HttpResponse:
    event = get_object_or_404(Event.objects.published(), slug=slug, registration_enabled=True)
    state = registration_state(event)
    form = RegistrationForm(request.POST or None, initial=member_initial(request.user))
    status = 200
    if request.method == "POST":
        status = 400
        if not state["open"]:
            form.add_error(None, _("Registration for this event is closed."))
            status = 409
        elif form.is_valid():
            if not ratelimit.allow(request, "event-registration", _rate_limit()):
                form.add_error(
                    None,
                    _("Too many registrations from your connection. Please try again in an hour."),
                )
                status = 429
            else:
                try:
                    registration = service.register(
                        event, form.cleaned_data, user=request.user, language=get_language()
                    )
                except service.RegistrationError as error:
                    form.add_error(None, str(error))
                    status = 409
                else:
                    return redirect(registration.get_absolute_url() + "?new=1")
    context = {"event": event, "form": form, "state": state}
    return render(request, "education/event_register.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def registration_manage(request, token: str) -> HttpResponse:
    registration = get_object_or_404(Registration.objects.select_related("event"), token=token)
    if request.method == "POST" and request.POST.get("action") == "cancel":
        if registration.event.is_past:
            messages.error(
                request, _("This event has ended; the registration can no longer change.")
            )
        elif registration.is_active:
            service.cancel(registration)
            messages.success(request, _("Your registration is cancelled."))
        return redirect(registration.get_absolute_url())
    response = render(
        request,
        "education/registration_manage.html",
        {
            "registration": registration,
            "event": registration.event,
            "is_new": request.GET.get("new") == "1",
        },
    )
    response["X-Robots-Tag"] = "noindex"
    # The token must not leak to other sites through the Referer; "no-referrer" would also make
    # the browser send "Origin: null" with the cancel form, which CSRF protection refuses.
    response["Referrer-Policy"] = "same-origin"
    return response


@never_cache
@require_GET
def registration_certificate(request, token: str) -> HttpResponse:
    registration = get_object_or_404(Registration.objects.select_related("event"), token=token)
    if not registration.has_certificate:
        raise Http404(_("There is no certificate for this registration (no attendance recorded)."))
    body = render_certificate(registration, language=get_language())
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="certificate-{registration.event.slug}.pdf"'
    )
    return response


@require_GET
def certificate_verify(request, code: str) -> HttpResponse:
    registration = (
        Registration.objects.select_related("event")
        .filter(certificate_code=code.strip().upper())
        .first()
    )
    valid = registration is not None and registration.has_certificate
    context = {
        "code": code,
        "valid": valid,
        "registration": registration if valid else None,
        "facts": certificate_facts(registration) if valid else [],
    }
    response = render(
        request, "education/certificate_verify.html", context, status=200 if valid else 404
    )
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
def certificate_lookup(request) -> HttpResponse:
    """The verification form's target: /events/certificates/?code=… redirects to the code's page."""
    code = (request.GET.get("code") or "").strip().upper()
    if code:
        return redirect(reverse("education:certificate_verify", args=[code]))
    return render(request, "education/certificate_verify.html", {"code": "", "valid": None})


@require_GET
def material_download(request, slug: str, pk: int) -> FileResponse:
    events = Event.objects.all() if request.user.is_staff else Event.objects.published()
    material = get_object_or_404(
        EventMaterial.objects.filter(event__in=events).select_related("event"),
        event__slug=slug,
        pk=pk,
    )
    if not material.visible_to(request.user):
        raise Http404(_("This material is for members only."))
    response = serve_upload(
        material,
        filename=f"{slug}-{material.pk}",
        not_a_file=_("This material is a link, not a file."),
    )
    if material.audience == EventMaterial.Audience.MEMBERS:
        response["Cache-Control"] = "private, no-store"
    return response
