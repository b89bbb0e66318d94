"""URLs of the education section (mounted at the site root by ion_portal/urls.py)."""

from django.urls import path

from . import feeds, views, views_registration

app_name = "education"

urlpatterns = [
    path("news/", views.NewsListView.as_view(), name="news_list"),
    path("news/feed/", feeds.NewsAtomFeed(), name="news_feed"),
    path("news/<slug:slug>/", views.NewsDetailView.as_view(), name="news_detail"),
    path("events/", views.EventListView.as_view(), name="event_list"),
    path("events/past/", views.EventListView.as_view(archive=True), name="event_archive"),
    path("events/feed.ics", views.events_feed_ics, name="event_feed_ics"),
    path("events/feed/", feeds.EventsAtomFeed(), name="event_feed"),
    path(
        "events/registrations/<str:token>/",
        views_registration.registration_manage,
        name="registration_manage",
    ),
    path(
        "events/registrations/<str:token>/certificate.pdf",
        views_registration.registration_certificate,
        name="registration_certificate",
    ),
    path(
        "events/certificates/",
        views_registration.certificate_lookup,
        name="certificate_lookup",
    ),
    path(
        "events/certificates/<str:code>/",
        views_registration.certificate_verify,
        name="certificate_verify",
    ),
    path("events/<slug:slug>/", views.EventDetailView.as_view(), name="event_detail"),
    path(
        "events/<slug:slug>/register/",
        views_registration.event_register,
        name="event_register",
    ),
    path(
        "events/<slug:slug>/material/<int:pk>/",
        views_registration.material_download,
        name="material_download",
    ),
    path("events/<slug:slug>/calendar.ics", views.event_ics, name="event_ics"),
    path("resources/", views.ResourceListView.as_view(), name="resource_list"),
    path("resources/<slug:slug>/", views.ResourceDetailView.as_view(), name="resource_detail"),
    path(
        "resources/<slug:slug>/<str:language>/file/",
        views.resource_download,
        name="resource_download",
    ),
    path(
        "patients/immuno-oncology/",
        views.PatientImmunoOncologyView.as_view(),
        name="patients_immuno_oncology",
    ),
    path(
        "patients/side-effects/",
        views.PatientSideEffectsView.as_view(),
        name="patients_side_effects",
    ),
]
