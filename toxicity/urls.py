"""URLs of the toxicity section (mounted by ion_portal/urls.py)."""

from django.urls import path

from toxicity import views

app_name = "toxicity"

urlpatterns = [
    path("", views.index, name="index"),
    path("task-force/", views.task_force, name="task_force"),
    path("patient-card/", views.patient_card, name="patient_card"),
    # Served inside /toxicity/ so the worker's default scope covers every guideline page.
    path("sw.js", views.service_worker, name="service_worker"),
    path("<slug:slug>/", views.ToxicityDetailView.as_view(), name="detail"),
]
