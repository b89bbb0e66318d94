"""The core pages: home, about, contact, the account overview, health check, robots and errors."""

from __future__ import annotations

import functools
import logging
from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import TemplateView
from django.views.i18n import set_language as django_set_language

from ion_portal import ratelimit
from ion_portal.api_errors import server_error_response
from ion_portal.dashboard import attention_groups
from ion_portal.errors import NotFound
from ion_portal.forms import ContactForm
from ion_portal.home import home_blocks
from ion_portal.mail import mail_send
from ion_portal.models import ContactMessage, Person

logger = logging.getLogger(__name__)


def admin_index_with_dashboard(index):
    """The admin index, with the curators' dashboard (what needs attention) above the app list."""

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


def _contact_allowed(request: HttpRequest) -> bool:
    """At most CONTACT_RATE_LIMIT messages per client address (behind the trusted proxies) per hour."""
    return ratelimit.allow(request, "contact", settings.CONTACT_RATE_LIMIT)


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


@functools.cache
def _migrations_on_disk() -> frozenset[tuple[str, str]]:
    """Every migration of the installed code: read once per process (the code does not change under
    a running worker), so /healthz never re-imports migration modules."""
    return frozenset(MigrationLoader(None, ignore_no_migrations=True).graph.nodes)


_migrations_confirmed = False


def _migrations_applied() -> bool:
    """One small query until every migration is seen applied, then nothing: a release that adds
    migrations starts new processes."""
    global _migrations_confirmed
    if not _migrations_confirmed:
        applied = set(MigrationRecorder(connection).applied_migrations())
        _migrations_confirmed = _migrations_on_disk() <= applied
    return _migrations_confirmed


def _cache_ok() -> bool | None:
    """True/False for a Redis cache (asked directly, not through the fallback); None without Redis."""
    ping = getattr(cache, "ping", None)
    if ping is None:
        return None
    return ping()


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """What is up and what is down: database, migrations and (with REDIS_URL) the cache.

    503 when a required dependency fails: the database and its migrations always, the cache only with
    HEALTHZ_REQUIRE_CACHE (without it, a Redis outage is "degraded": the portal runs on its fallback).
    """
    database_ok, migrations_ok = True, False
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        migrations_ok = _migrations_applied()
    except DatabaseError:
        database_ok = False
    cache_ok = _cache_ok()
    healthy = database_ok and migrations_ok
    if settings.HEALTHZ_REQUIRE_CACHE and cache_ok is False:
        healthy = False
    status = "ok" if healthy and cache_ok is not False else ("degraded" if healthy else "unhealthy")
    body = {
        "status": status,
        "database": database_ok,
        "migrations": migrations_ok,
        "cache": "memory" if cache_ok is None else cache_ok,
        # What is down (migrations cannot be checked, so are not listed, while the database is down).
        "down": [
            name
            for name, ok in (
                ("database", database_ok),
                ("migrations", migrations_ok),
                ("cache", cache_ok),
            )
            if ok is False and not (name == "migrations" and not database_ok)
        ],
    }
    return JsonResponse(body, status=200 if healthy else 503)


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    private = ["/admin/", "/accounts/", "/account/"]
    lines = ["User-agent: *"]
    # The same private paths under every language prefix (/nl/admin/, …), not only in English.
    for code, _name in settings.LANGUAGES:
        prefix = "" if code == settings.LANGUAGE_CODE else f"/{code}"
        lines += [f"Disallow: {prefix}{path}" for path in private]
    lines.append(f"Sitemap: {settings.SITE_URL}/sitemap.xml")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    message = str(exception) if isinstance(exception, NotFound) else ""
    return render(request, "404.html", {"message": message}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors that touch the database: the error may be the database.
    from django.template import loader

    if (api_response := server_error_response(request)) is not None:
        return api_response  # machine clients get JSON, not the HTML page

    return HttpResponse(loader.get_template("500.html").render({}), status=500)


@require_GET
def site_search(request: HttpRequest) -> HttpResponse:
    """/search/: every section's published matches for ?q=, grouped by section."""
    # The site search imports every section's models: loaded on the first search (start-up cost).
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
