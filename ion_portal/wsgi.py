"""WSGI entry point (gunicorn ion_portal.wsgi)."""

import gc
import os
import threading

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ion_portal.settings")
application = get_wsgi_application()

# What start-up loaded (modules, URL patterns, templates, vocabularies: ~350,000 objects) lives as long
# as the process: moved out of the collector's reach, a full collection no longer walks it on a request
# (the pre-screen's slow requests were full collections of 100-200 ms, docs/prescreen.md).
gc.freeze()

# The trial list's facet copy is read in the background as each web process starts (about 2-3 s at
# 560,000 trials): no user's first request waits for it, SQL answers until it is there.
from trials.facet_index import warm_up  # noqa: E402 (needs the settings and apps loaded above)

if os.environ.get("FACET_COPY_WARM_UP", "true").lower() != "false":
    threading.Thread(target=warm_up, name="facet-copy-warm-up", daemon=True).start()
