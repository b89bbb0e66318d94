"""Uploaded files of education (a resource's language versions, an event's material): a file or a
link, never both; the content type sniffed from the bytes and the size stored on save; served inline
with `nosniff`, and a file missing from the store is a 404 that says so (and a log line)."""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ion_portal.errors import NotFound

from .validators import sniff_content_type

logger = logging.getLogger(__name__)


class FileOrLink:
    """For a model with `file`, `url`, `content_type` and `size` fields."""

    def save(self, *args, **kwargs):
        # Derived fields: the content type found by sniffing the bytes, and the size.
        if self.file:
            self.file.open("rb")
            self.file.seek(0)
            head = self.file.read(32)
            self.file.seek(0)
            self.content_type = sniff_content_type(head) or ""
            self.size = self.file.size
        else:
            self.content_type, self.size = "", None
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if bool(self.file) == bool(self.url):
            raise ValidationError(
                gettext_lazy("Upload a file or give a link, not both and not neither.")
            )


def serve_upload(item, *, filename: str, not_a_file: str) -> FileResponse:
    """The stored file of `item` (a FileOrLink) inline under `filename` plus its extension;
    `not_a_file` is the 404's message when the item is a link."""
    if not item.file or not item.content_type:
        raise Http404(not_a_file)
    extension = item.file.name.rsplit(".", 1)[-1]
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        # The database names a file the upload store does not have (a host without the shared
        # store, a lost restore): a 404 that says so, and a line in the log for the administrators.
        logger.warning("Uploaded file missing from storage: %s", item.file.name)
        raise NotFound(
            _("This file is missing from our store. Please tell us through the contact page.")
        ) from None
    response = FileResponse(
        handle,
        content_type=item.content_type,
        as_attachment=False,
        filename=f"{filename}.{extension}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
