"""URLs of the collaborations section (mounted by ion_portal/urls.py)."""

from django.urls import path

from collaborations import request_views, views

app_name = "collaborations"

urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("platforms/", views.PlatformListView.as_view(), name="platform_list"),
    path("platforms/<slug:slug>/", views.PlatformDetailView.as_view(), name="platform_detail"),
    path("collections/", views.CollectionListView.as_view(), name="collection_list"),
    path(
        "collections/<slug:slug>/", views.CollectionDetailView.as_view(), name="collection_detail"
    ),
    path("basket/", request_views.basket_view, name="basket"),
    path("export/miabis.json", views.miabis_download, name="miabis_download"),
    path("export/miabis-schema.json", views.miabis_schema, name="miabis_schema"),
    path("requests/", request_views.request_list, name="request_list"),
    path("requests/new/", request_views.request_new, name="request_new"),
    path("requests/<int:pk>/", request_views.request_detail, name="request_detail"),
    path("requests/<int:pk>/edit/", request_views.request_edit, name="request_edit"),
    path("requests/<int:pk>/protocol/", request_views.request_protocol, name="request_protocol"),
    path("requests/<int:pk>/<str:action>/", request_views.request_action, name="request_action"),
    path(
        "requests/<int:pk>/items/<int:item_pk>/answer/",
        request_views.item_answer,
        name="item_answer",
    ),
    path("suggested-pairs/", views.suggested_pairs, name="suggested_pairs"),
    path("alerts/", views.alert_list, name="alert_list"),
    path("alerts/new/<str:kind>/", views.alert_create, name="alert_create"),
    path("alerts/<int:pk>/stop/", views.alert_delete, name="alert_delete"),
    path("alerts/unsubscribe/<str:token>/", views.alert_unsubscribe, name="alert_unsubscribe"),
]
