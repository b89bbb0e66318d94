"""The core pages: home, about, contact, the account overview, health check, robots and errors."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.db.migrations.loader import MigrationLoader
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import TemplateView
from django.views.i18n import set_language as django_set_language

from ion_portal.forms import ContactForm
from ion_portal.home import home_blocks
from ion_portal.mail import mail_send
from ion_portal.models import ContactMessage, Person

logger = logging.getLogger(__name__)


def admin_index_with_dashboard(index):
    """The admin index, with the curators' dashboard (what needs attention) above the app list."""
    from functools import wraps

    from ion_portal.dashboard import attention_groups

    @wraps(index)
    def wrapped(request, extra_context=None):
        context = {"attention_groups": attention_groups(request.user), **(extra_context or {})}
        return index(request, extra_context=context)

    return wrapped


class HomeView(TemplateView):
    """The network's aims and entry points for each audience."""

    template_name = "ion_portal/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["blocks"] = home_blocks(self.request)
        return context


class AboutView(TemplateView):
    """The network, its steering committee and how to reach it."""

    template_name = "ion_portal/about.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["committee"] = Person.objects.filter(on_steering_committee=True).select_related(
            "unit"
        )
        return context


def _client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "unknown")


def _contact_allowed(request: HttpRequest) -> bool:
    """At most CONTACT_RATE_LIMIT messages per client address per hour."""
    key = f"contact-rate:{_client_ip(request)}"
    count = cache.get(key, 0)
    if count >= settings.CONTACT_RATE_LIMIT:
        return False
    cache.set(key, count + 1, timeout=3600)
    return True


def contact(request: HttpRequest) -> HttpResponse:
    """The contact form: sends an e-mail to CONTACT_EMAIL; on any error keeps what was typed."""
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not _contact_allowed(request):
            form.add_error(
                None, _("Too many messages from your connection. Please try again in an hour.")
            )
            return render(request, "ion_portal/contact.html", {"form": form}, status=429)
        data = form.cleaned_data
        ContactMessage.objects.create(
            name=data["name"], email=data["email"], subject=data["subject"], message=data["message"]
        )
        try:
            # Sent now, not queued: the visitor is told at once when the e-mail could not go out.
            mail_send(
                subject=f"[ION Portal contact] {data['subject']}",
                body=f"{data['name']} <{data['email']}> wrote:\n\n{data['message']}",
                to=[settings.CONTACT_EMAIL],
                reply_to=[data["email"]],
            )
        except OSError:
            logger.exception("Contact e-mail could not be sent")
            form.add_error(
                None, _("Your message was saved but the e-mail could not be sent. We will read it.")
            )
            return render(request, "ion_portal/contact.html", {"form": form}, status=503)
        messages.success(
            request,
            _("Thank you, your message has been sent. We usually answer within two working days."),
        )
        return redirect(reverse("contact"))
    status = 400 if request.method == "POST" else 200
    return render(request, "ion_portal/contact.html", {"form": form}, status=status)


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's set_language, resolving `next` in the language of its own path.

    Django resolves `next` in the request's language, which for /i18n/ comes from the cookie or the
    browser; a Dutch page (/nl/…) would then not resolve and the switch would not keep the page.
    """
    next_path = urlsplit(request.POST.get("next", "/")).path
    with translation.override(
        translation.get_language_from_path(next_path) or settings.LANGUAGE_CODE
    ):
        return django_set_language(request)


@login_required
def account_overview(request: HttpRequest) -> HttpResponse:
    """The signed-in user's page: membership state and links to account settings."""
    return render(
        request, "ion_portal/account.html", {"awaiting_approval": not request.user.is_member}
    )


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Database reachability and whether every migration is applied; 503 when either fails."""
    database_ok, migrations_ok = True, False
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        loader = MigrationLoader(connection)
        migrations_ok = set(loader.graph.nodes) <= set(loader.applied_migrations)
    except DatabaseError:
        database_ok = False
    healthy = database_ok and migrations_ok
    body = {
        "status": "ok" if healthy else "unhealthy",
        "database": database_ok,
        "migrations": migrations_ok,
    }
    return JsonResponse(body, status=200 if healthy else 503)


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /accounts/",
        "Disallow: /account/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors that touch the database: the error may be the database.
    from django.template import loader

    from ion_portal.api_errors import server_error_response

    if (api_response := server_error_response(request)) is not None:
        return api_response  # machine clients get JSON, not the HTML page

    return HttpResponse(loader.get_template("500.html").render({}), status=500)


@require_GET
def site_search(request: HttpRequest) -> HttpResponse:
    """/search/: every section's published matches for ?q=, grouped by section."""
    from ion_portal.search import MAX_QUERY_LENGTH
    from ion_portal.search import site_search as search

    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    sections = search(query)
    context = {
        "query": query,
        "sections": [found for found in sections if found.results],
        "empty_sections": [found.section for found in sections if not found.results],
    }
    return render(request, "ion_portal/search.html", context)
