"""Validation of a request's protocol upload, the way education validates its resources: the bytes
decide, not the name. A protocol is a PDF: its first bytes must be `%PDF-`, its extension `.pdf`, its
size within COLLABORATIONS_PROTOCOL_MAX_BYTES (default 10 MB). (The education app's validator accepts
images too and lives in another domain app, which collaborations may use only through models.)"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
PDF_MAGIC = b"%PDF-"


def max_protocol_bytes() -> int:
    return getattr(settings, "COLLABORATIONS_PROTOCOL_MAX_BYTES", DEFAULT_MAX_BYTES)


def validate_protocol(file) -> None:
    """Refuse a protocol that is too big, not named .pdf, or whose bytes are not a PDF's."""
    limit = max_protocol_bytes()
    if file.size is not None and file.size > limit:
        raise ValidationError(
            _("This file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(file.size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    if PurePosixPath(file.name or "").suffix.lower() != ".pdf":
        raise ValidationError(_("Only PDF files are accepted as protocols."), code="wrong_type")
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(len(PDF_MAGIC))
    file.seek(position)
    if head != PDF_MAGIC:
        raise ValidationError(
            _("The content of this file is not a PDF, whatever its name. Upload a genuine PDF."),
            code="content_mismatch",
        )


@deconstructible
class ProtocolStorage(FileSystemStorage):
    """Protocols are private: stored outside the public media folder (COLLABORATIONS_PROTOCOL_ROOT,
    default `private_media/` beside MEDIA_ROOT), never given a URL, served only by the request's
    permission-checked download view."""

    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        root = getattr(settings, "COLLABORATIONS_PROTOCOL_ROOT", None)
        return str(root or Path(settings.MEDIA_ROOT).parent / "private_media")

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Protocols have no public URL.")
