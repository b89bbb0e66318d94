"""Create (or refresh) one demo account per role for local development and print how to sign in.

`make run` calls this before starting the server. Each run gives every demo account a fresh random
password and the partner a fresh API key (the previous demo key is revoked), so nothing printed once
stays valid for long. Refused unless DJANGO_DEBUG is on: a production site has no demo accounts.
"""

import secrets
import string

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from ion_portal.models import CURATORS_GROUP, MEMBERS_GROUP, PARTNERS_GROUP, ApiKey, User

DEMO_API_KEY_NAME = "Demo partner key (local development)"
PASSWORD_ALPHABET = string.ascii_letters + string.digits

# email, first name, last name, groups, staff
DEMO_ACCOUNTS = [
    ("member@demo.ion-portal.example", "Demo", "Member", (MEMBERS_GROUP,), False),
    ("curator@demo.ion-portal.example", "Demo", "Curator", (CURATORS_GROUP,), True),
    ("partner@demo.ion-portal.example", "Demo", "Partner", (PARTNERS_GROUP,), False),
]


def demo_accounts_refresh() -> list[tuple[User, str, str]]:
    """Create or refresh the demo accounts; returns (user, password, api key or "") per account."""
    created = []
    for email, first, last, groups, staff in DEMO_ACCOUNTS:
        user = User.objects.filter(email=email).first() or User(email=email)
        user.first_name, user.last_name, user.is_staff, user.is_active = first, last, staff, True
        # Letters and digits only: easy to copy from a terminal.
        password = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(16))
        user.set_password(password)
        user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        user.groups.set(Group.objects.filter(name__in=groups))
        raw_key = ""
        if PARTNERS_GROUP in groups:
            ApiKey.objects.active().filter(partner=user, name=DEMO_API_KEY_NAME).update(
                revoked_at=timezone.now()
            )
            _key, raw_key = ApiKey.generate(name=DEMO_API_KEY_NAME, partner=user)
        created.append((user, password, raw_key))
    return created


class Command(BaseCommand):
    help = "Create demo accounts for each role (debug only) and print their passwords."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Demo accounts are for local development only: refused with DJANGO_DEBUG=false."
            )
        with transaction.atomic():
            accounts = demo_accounts_refresh()
        self.stdout.write("Demo accounts (new passwords on every start; debug only):")
        for user, password, raw_key in accounts:
            roles = ", ".join(user.groups.values_list("name", flat=True))
            line = f"  {roles:<9} {user.email}  password: {password}"
            if raw_key:
                line += f"  API key: {raw_key}"
            self.stdout.write(line)
