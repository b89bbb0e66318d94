"""Upload validation for resource files: the bytes decide, not the file name.

A file is accepted only when its first bytes are those of a PDF or of a PNG, JPEG, GIF or WebP image,
when its extension agrees with what the bytes say, and when it is within EDUCATION_UPLOAD_MAX_BYTES.
So a renamed executable (`leaflet.pdf` starting with `MZ`) is refused, whatever its name.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# content type -> extensions that may carry it
ALLOWED_TYPES: dict[str, tuple[str, ...]] = {
    "application/pdf": (".pdf",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/gif": (".gif",),
    "image/webp": (".webp",),
}

DEFAULT_MAX_BYTES = 10 * 1024 * 1024


def max_upload_bytes() -> int:
    """The size limit for one uploaded file (setting EDUCATION_UPLOAD_MAX_BYTES, default 10 MB)."""
    return getattr(settings, "EDUCATION_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES)


def sniff_content_type(head: bytes) -> str | None:
    """The content type the first bytes of a file announce, among the accepted ones, or None."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def validate_upload(file) -> None:
    """Refuse files that are too big, of a type we do not accept, or whose bytes contradict their name."""
    limit = max_upload_bytes()
    if file.size is not None and file.size > limit:
        raise ValidationError(
            _("This file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(file.size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    extension = PurePosixPath(file.name or "").suffix.lower()
    accepted_extensions = {ext for exts in ALLOWED_TYPES.values() for ext in exts}
    if extension not in accepted_extensions:
        raise ValidationError(
            _("Only PDF files and images (PNG, JPEG, GIF, WebP) are accepted."),
            code="wrong_type",
        )
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(32)
    file.seek(position)
    detected = sniff_content_type(head)
    if detected is None or extension not in ALLOWED_TYPES[detected]:
        raise ValidationError(
            _(
                "The content of this file does not match its name: it is not a real %(kind)s. "
                "Only genuine PDF files and images are accepted."
            )
            % {"kind": extension.lstrip(".").upper()},
            code="content_mismatch",
        )


def normalise_riziv(value: str) -> str:
    """The digits of a RIZIV/INAMI number typed with or without separators (1-23456-78-901)."""
    return "".join(ch for ch in value or "" if ch not in " .-/")


def riziv_check_ok(digits: str) -> bool:
    """Whether an 11-digit RIZIV/INAMI (NIHII) number's check digits are right.

    The number is 11 digits: 6 identifying the care provider, 2 check digits computed from those 6,
    and a 3-digit qualification code (Wikipedia NL "RIZIV": beroepsnummer-volgnummer-controlenummer-
    kwalificatienummer, X-XXXXX-XX-XXX; the RIZIV's own page "Een RIZIV-nummer krijgen": 11 digits,
    the first 8 unchanged through a career). The check is 97 minus the first six modulo 97; since
    RIZIV note I 2012/26 (31 October 2012) numbers are also issued with a check modulo 89, for nurses
    and midwives from 2013 and for doctors from 1 April 2019 (Infohos, "klaar voor nieuwe
    RIZIV-nummers artsen"). Checked on a published example: the eHealth FHIR examples' NIHDI
    professional 10829059 (108290 mod 97 = 38, 97 - 38 = 59). The mod-89 form is as described by
    Infohos; to verify against the RIZIV note itself.
    """
    if len(digits) != 11 or not digits.isdigit():
        return False
    base, check = int(digits[:6]), int(digits[6:8])
    return check in (97 - base % 97, 89 - base % 89)


def validate_riziv(value: str) -> None:
    digits = normalise_riziv(value)
    if not digits.isdigit() or len(digits) != 11:
        raise ValidationError(
            _("A RIZIV/INAMI number has 11 digits, for example 1-08290-59-001."),
            code="riziv_format",
        )
    if not riziv_check_ok(digits):
        raise ValidationError(
            _("This RIZIV/INAMI number is not valid: its check digits do not match. Check it."),
            code="riziv_check",
        )
