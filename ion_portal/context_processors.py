"""Values every template needs: the site's sections, alternate-language URLs, the demo banner."""

from django.conf import settings
from django.urls import translate_url

from ion_portal.models import is_curator, is_member
from ion_portal.sections import navigation


def portal(request):
    user = getattr(request, "user", None)
    path = request.get_full_path()
    return {
        "nav_sections": navigation(request.path),
        "language_alternates": [
            {"code": code, "url": request.build_absolute_uri(translate_url(path, code))}
            for code, _name in settings.LANGUAGES
        ],
        "demo_content": settings.DEMO_CONTENT,
        "hospital_phone": settings.HOSPITAL_24_7_PHONE,
        "contact_email": settings.CONTACT_EMAIL,
        "user_is_member": is_member(user),
        "user_is_curator": is_curator(user),
    }
