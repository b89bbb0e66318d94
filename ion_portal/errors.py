"""Errors with a message for the visitor."""

from django.http import Http404


class NotFound(Http404):
    """A 404 whose message is written for the visitor and shown on the 404 page (a plain Http404's
    message, e.g. get_object_or_404's "No Trial matches the given query.", is shown to no one)."""
