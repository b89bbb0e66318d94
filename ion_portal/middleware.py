"""Account safety a hospital expects: staff need a second factor for the admin; sessions end.

- `StaffSecondFactorMiddleware`: a staff user or superuser without an authenticator app (TOTP) who opens
  any admin page is sent to set one up first (`ADMIN_REQUIRES_MFA`, default on). Staff sign in through
  allauth's login (see urls.py), which asks for the code of every user who has one, so from then on the
  admin is behind two factors.
- `SessionLifetimeMiddleware`: a signed-in session ends `SESSION_IDLE_TIMEOUT` seconds after its last
  request and `SESSION_MAX_LIFETIME` seconds after sign-in, however active it is. The session (and its
  expiry, `SESSION_COOKIE_AGE` = the idle timeout) is written again at most once a minute, not on every
  request as `SESSION_SAVE_EVERY_REQUEST` would.
"""

from __future__ import annotations

import time

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

SESSION_STARTED_KEY = "ion_session_started"
SESSION_SEEN_KEY = "ion_session_seen"
SEEN_PRECISION = 60  # seconds: how stale the "last request" mark may be before it is written again


def mark_session_start(sender, request, user, **kwargs) -> None:
    """user_logged_in receiver: the session's clock starts at sign-in."""
    now = int(time.time())
    request.session[SESSION_STARTED_KEY] = now
    request.session[SESSION_SEEN_KEY] = now


def has_second_factor(user) -> bool:

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
            session = request.session
            now = int(time.time())
            started = session.get(SESSION_STARTED_KEY)
            seen = session.get(SESSION_SEEN_KEY, started)
            if started is None or seen is None:  # a session from before this middleware
                session[SESSION_STARTED_KEY] = session[SESSION_SEEN_KEY] = now
            elif (
                now - int(started) > settings.SESSION_MAX_LIFETIME
                or now - int(seen) > settings.SESSION_IDLE_TIMEOUT
            ):
                logout(request)
                messages.info(request, _("Your session has ended. Please sign in again."))
            elif now - int(seen) >= SEEN_PRECISION:
                session[SESSION_SEEN_KEY] = now  # saved with the response: the expiry moves on
        return self.get_response(request)
