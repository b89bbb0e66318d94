"""The site's URL map: pages under language prefixes (English unprefixed), machine endpoints not."""

from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from ion_portal import views
from ion_portal.sitemaps import sitemaps

# Staff sign in through allauth's login, so their second factor protects the admin too.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.index = views.admin_index_with_dashboard(admin.site.index)
admin.site.site_header = "ION Portal"
admin.site.site_title = "ION Portal admin"

handler404 = "ion_portal.views.page_not_found"
handler500 = "ion_portal.views.server_error"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path(
        "sitemap.xml", sitemap, {"sitemaps": sitemaps}, name="django.contrib.sitemaps.views.sitemap"
    ),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("api/v1/", include("ion_portal.api")),
    path("fhir/", include("trials.fhir_urls")),
]

urlpatterns += i18n_patterns(
    path("", views.HomeView.as_view(), name="home"),
    path("about/", views.AboutView.as_view(), name="about"),
    path("contact/", views.contact, name="contact"),
    path("search/", views.site_search, name="site_search"),
    path("", include("ion_portal.site_pages")),
    path("partners/", include("ion_portal.partners")),
    path("account/", views.account_overview, name="account_overview"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("trials/", include("trials.urls")),
    path("toxicity/", include("toxicity.urls")),
    path("collaborations/", include("collaborations.urls")),
    path("", include("education.urls")),
    prefix_default_language=False,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
