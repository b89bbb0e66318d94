"""The site's main sections, shown in the header navigation.

Each domain app adds its section by listing it in SECTIONS, in the order of the menu.
"""

from django.urls import reverse
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


# Sections whose pages share a parent path other than the page linked: every page under it is "current".
SECTION_PREFIXES = {"education:patients_immuno_oncology": "patients/"}


def navigation(path: str = "") -> list[dict]:
    """The header's sections: url, label (translated at render time) and whether `path` is inside it."""
    items = []
    for name, label in SECTIONS:
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
