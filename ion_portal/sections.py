"""The site's main sections, shown in the header navigation.

Each domain app adds its section by listing it in SECTIONS, in the order of the menu. A section appears
only when its URL name resolves, so an app that has not yet shipped its pages adds no dead link.
"""

from functools import cache

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# (URL name, label). Keep in menu order.
SECTIONS = [
    ("trials:list", _("Clinical trials")),
    ("toxicity:index", _("Side-effect guidelines")),
    ("collaborations:index", _("Collaborations")),
    ("education:news_list", _("News")),
    ("education:event_list", _("Agenda")),
    ("education:resource_list", _("Resources")),
    # The patient pages (what immuno-oncology is, side effects, leaflets in the patient's language).
    ("education:patients_immuno_oncology", _("Patients")),
    ("about", _("About")),
]


@cache
def _resolvable() -> tuple[tuple[str, object], ...]:
    found = []
    for url_name, label in SECTIONS:
        try:
            reverse(url_name)
        except NoReverseMatch:
            continue
        found.append((url_name, label))
    return tuple(found)


# Sections whose pages share a parent path other than the page linked: every page under it is "current".
SECTION_PREFIXES = {"education:patients_immuno_oncology": "patients/"}


def navigation(path: str = "") -> list[dict]:
    """The header's sections: url, label (translated at render time) and whether `path` is inside it."""
    items = []
    for name, label in _resolvable():
        url = reverse(name)
        prefix = url
        if name in SECTION_PREFIXES:
            prefix = url[: url.index(SECTION_PREFIXES[name]) + len(SECTION_PREFIXES[name])]
        items.append(
            {
                "url": url,
                "label": label,
                "current": path == url or (url != "/" and path.startswith(prefix)),
            }
        )
    return items
