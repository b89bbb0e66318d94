#!/usr/bin/env python
"""Django's command-line utility for ION Portal."""

import os
import secrets
import sys

# Commands that only read the code (no server, nothing signed) run without production secrets, so
# `manage.py makemigrations --check` works in a bare shell; every other command needs the real settings.
CODE_ONLY_COMMANDS = {"makemigrations", "makemessages", "compilemessages", "help", "version"}


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ion_portal.settings")
    if len(sys.argv) > 1 and sys.argv[1] in CODE_ONLY_COMMANDS:
        os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    from django.core.exceptions import ImproperlyConfigured

    try:
        from django.conf import settings

        settings.INSTALLED_APPS  # noqa: B018 - load settings now to report a bad environment in one line
    except ImproperlyConfigured as exc:
        sys.exit(f"Configuration error: {exc}")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
