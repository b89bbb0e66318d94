"""Account safety a hospital expects: staff need a second factor for the admin; sessions end.

- `StaffSecondFactorMiddleware`: a staff user or superuser without an authenticator app (TOTP) who opens
  any admin page is sent to set one up first (`ADMIN_REQUIRES_MFA`, default on). Staff sign in through
  allauth's login (see urls.py), which asks for the code of every user who has one, so from then on the
  admin is behind two factors.
- `SessionLifetimeMiddleware`: a signed-in session ends `SESSION_MAX_LIFETIME` seconds after sign-in,
  however active it is. The idle timeout is Django's own: `SESSION_COOKIE_AGE` with
  `SESSION_SAVE_EVERY_REQUEST` (each request pushes the expiry forward).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

SESSION_STARTED_KEY = "ion_session_started"


def has_second_factor(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class StaffSecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if not settings.ADMIN_REQUIRES_MFA or match is None or match.app_name != "admin":
            return None
        user = request.user
        if not user.is_authenticated or not (user.is_staff or user.is_superuser):
            return None  # the admin's own login (allauth's) handles everyone else
        if match.url_name == "logout" or has_second_factor(user):
            return None
        messages.warning(
            request,
            _(
                "Staff need two-factor authentication for the admin: set up an authenticator app "
                "first."
            ),
        )
        return redirect(
            f"{reverse('mfa_activate_totp')}?{urlencode({'next': request.get_full_path()})}"
        )


class SessionLifetimeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            started = request.session.get(SESSION_STARTED_KEY)
            if started is None:
                request.session[SESSION_STARTED_KEY] = now
            elif now - int(started) > settings.SESSION_MAX_LIFETIME:
                logout(request)
                messages.info(request, _("Your session has ended. Please sign in again."))
        return self.get_response(request)
