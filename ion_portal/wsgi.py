"""WSGI entry point (gunicorn ion_portal.wsgi)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

from ion_portal.signals import web_process_started

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ion_portal.settings")
application = get_wsgi_application()

# What start-up loaded (modules, URL patterns, templates, vocabularies: ~350,000 objects) lives as long
# as the process: moved out of the collector's reach, a full collection no longer walks it on a request
# (the pre-screen's slow requests were full collections of 100-200 ms, docs/prescreen.md).
gc.freeze()

# Start-up work of the apps that only a serving process needs (trials/signals.py: the facet copy is
# read in a thread, so no user's first list request waits for it).
web_process_started.send(sender=application.__class__)
