"""Signals the core sends for the domain apps to act on (the core never imports them for this)."""

from django.dispatch import Signal

# Sent once by ion_portal/wsgi.py when a web process (a gunicorn worker) has loaded the application:
# start-up work that only serving processes need (trials reads its facet copy in a thread).
web_process_started = Signal()
