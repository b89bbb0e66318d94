"""URLs of the trials section (mounted by ion_portal/urls.py)."""

from django.urls import path

from . import views
from .feeds import TrialChangeFeed, TrialFeed
from .prescreen import views as prescreen_views

app_name = "trials"

urlpatterns = [
    path("", views.TrialListView.as_view(), name="list"),
    path("trials.csv", views.trial_csv, name="csv"),
    path("feed/", TrialFeed(), name="feed"),
    path("changes/feed/", TrialChangeFeed(), name="changes_feed"),
    path("alerts/subscribe/", views.alert_subscribe, name="alert_subscribe"),
    path("alerts/confirm/<str:token>/", views.alert_confirm, name="alert_confirm"),
    path("alerts/unsubscribe/<str:token>/", views.alert_unsubscribe, name="alert_unsubscribe"),
    path("pre-screen/", prescreen_views.prescreen, name="prescreen"),
    path("pre-screen/refer/", prescreen_views.prescreen_refer, name="prescreen_refer"),
    path("find-a-trial/", prescreen_views.patients, name="find_a_trial"),
    path("<str:nct_id>/", views.TrialDetailView.as_view(), name="detail"),
    path("<str:nct_id>/refer/", views.trial_refer, name="refer"),
]
