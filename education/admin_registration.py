"""Admin of registrations: per-event counts, attendance (a list and a CSV import), CSV export,
an e-mail to all registrants, approval and cancellation (which promote from the waiting list)."""

from __future__ import annotations

import csv
import io

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import registration as service
from .models import Event, EventMaterial, Registration, Session

Status = Registration.Status

CSV_COLUMNS = [
    "name",
    "email",
    "profession",
    "institution",
    "riziv_number",
    "needs",
    "status",
    "attended",
    "registered_at",
    "certificate_code",
]


def with_counts(queryset):
    """Events annotated with their registrations by state (one query for the changelist)."""
    return queryset.annotate(
        n_registered=Count(
            "registrations", filter=Q(registrations__status__in=Registration.PLACE_HOLDING)
        ),
        n_waiting=Count("registrations", filter=Q(registrations__status=Status.WAITING)),
        n_cancelled=Count("registrations", filter=Q(registrations__status=Status.CANCELLED)),
        n_attended=Count(
            "registrations",
            filter=Q(registrations__attended=True, registrations__status=Status.CONFIRMED),
        ),
    )


def _csv_safe(value) -> str:
    # Cells starting with = + - @ are formulas to spreadsheets: neutralise them (CSV injection).
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def registrations_csv(event: Event) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for r in event.registrations.order_by("created_at", "pk"):
        writer.writerow(
            [
                _csv_safe(v)
                for v in (
                    r.name,
                    r.email,
                    r.profession,
                    r.institution,
                    r.riziv_number,
                    r.needs,
                    r.status,
                    "yes" if r.attended else "no",
                    r.created_at.isoformat(timespec="seconds"),
                    r.certificate_code,
                )
            ]
        )
    return out.getvalue()


TRUE_WORDS = {"1", "yes", "y", "true", "x", "ja", "oui", "present", "aanwezig"}
FALSE_WORDS = {"0", "no", "n", "false", "", "nee", "non", "absent", "afwezig"}


def import_attendance(event: Event, text: str) -> tuple[int, list[str]]:
    """Mark attendance from CSV text with an `email` column and an optional `attended` column
    (yes/no; missing means yes). Returns (rows updated, problems); nothing changes if any row is bad."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    fields = {(name or "").strip().lower(): name for name in reader.fieldnames or []}
    if "email" not in fields:
        return 0, [str(_("The file needs an 'email' column."))]
    by_email = {r.email.lower(): r for r in event.registrations.exclude(status=Status.CANCELLED)}
    problems, changes = [], []
    for line, row in enumerate(reader, start=2):
        email = (row.get(fields["email"]) or "").strip().lower()
        if not email:
            continue
        raw = (row.get(fields["attended"]) or "yes") if "attended" in fields else "yes"
        word = raw.strip().lower()
        if word not in TRUE_WORDS | FALSE_WORDS:
            problems.append(
                str(
                    _("Line %(line)d: '%(value)s' is not yes or no.") % {"line": line, "value": raw}
                )
            )
            continue
        registration = by_email.get(email)
        if registration is None:
            problems.append(
                str(
                    _("Line %(line)d: %(email)s is not registered for this event.")
                    % {"line": line, "email": email}
                )
            )
            continue
        if registration.status != Status.CONFIRMED and word in TRUE_WORDS:
            problems.append(
                str(
                    _("Line %(line)d: %(email)s is not a confirmed registration.")
                    % {"line": line, "email": email}
                )
            )
            continue
        changes.append((registration, word in TRUE_WORDS))
    if problems:
        return 0, problems
    for registration, attended in changes:
        if registration.attended != attended:
            registration.attended = attended
            registration.save(update_fields=["attended"])
    return len(changes), []


class AttendanceImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "A column 'email' and, optionally, a column 'attended' (yes or no; missing means yes)."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 2 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        raw = upload.read()
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError:
                continue
        raise forms.ValidationError(_("The file is not text (CSV)."))


class EmailRegistrantsForm(forms.Form):
    statuses = forms.MultipleChoiceField(
        label=_("Send to"),
        choices=[
            (Status.CONFIRMED, _("Registered")),
            (Status.PENDING, _("Awaiting approval")),
            (Status.WAITING, _("On the waiting list")),
        ],
        initial=[Status.CONFIRMED, Status.PENDING],
        widget=forms.CheckboxSelectMultiple,
    )
    subject = forms.CharField(label=_("Subject"), max_length=150)
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 10}))


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0
    fields = ("title", "start", "end", "room", "speakers")
    autocomplete_fields = ("speakers",)


class EventMaterialInline(admin.TabularInline):
    model = EventMaterial
    extra = 0
    fields = ("title", "file", "url", "audience", "position", "content_type", "size")
    readonly_fields = ("content_type", "size")


class EventRegistrationAdminMixin:
    """Mixed into EventAdmin: counts, the registration tools and their admin views."""

    def get_queryset(self, request):
        return with_counts(super().get_queryset(request))

    @admin.display(description=_("registrations"))
    def registration_counts(self, obj):
        if not obj.registration_enabled:
            return "—"
        return format_html(
            '<a href="{}?event__id__exact={}">{}</a>',
            reverse("admin:education_registration_changelist"),
            obj.pk,
            _(
                "%(registered)d registered, %(waiting)d waiting, %(cancelled)d cancelled, "
                "%(attended)d attended"
            )
            % {
                "registered": obj.n_registered,
                "waiting": obj.n_waiting,
                "cancelled": obj.n_cancelled,
                "attended": obj.n_attended,
            },
        )

    @admin.display(description=_("registration tools"))
    def registration_tools(self, obj):
        if not obj.pk or not obj.registration_enabled:
            return _("Enable registration on this site and save to get the tools.")
        links = [
            (
                reverse("admin:education_registration_changelist") + f"?event__id__exact={obj.pk}",
                _("Registrations and attendance"),
            ),
            (reverse("admin:education_event_registrations_csv", args=[obj.pk]), _("Export CSV")),
            (
                reverse("admin:education_event_attendance_import", args=[obj.pk]),
                _("Import attendance (CSV)"),
            ),
            (
                reverse("admin:education_event_email_registrants", args=[obj.pk]),
                _("E-mail all registrants"),
            ),
        ]
        counts = self.registration_counts(obj)
        items = format_html("{}", counts)
        for url, label in links:
            items = format_html('{} · <a href="{}">{}</a>', items, url, label)
        return items

    def get_urls(self):
        urls = [
            path(
                "<int:pk>/registrations.csv",
                self.admin_site.admin_view(self.registrations_csv_view),
                name="education_event_registrations_csv",
            ),
            path(
                "<int:pk>/attendance-import/",
                self.admin_site.admin_view(self.attendance_import_view),
                name="education_event_attendance_import",
            ),
            path(
                "<int:pk>/email-registrants/",
                self.admin_site.admin_view(self.email_registrants_view),
                name="education_event_email_registrants",
            ),
        ]
        return urls + super().get_urls()

    def _event_for(self, request, pk, *, change=True):
        event = get_object_or_404(Event, pk=pk)
        allowed = self.has_change_permission(request, event) if change else True
        if not allowed or not self.has_view_permission(request, event):
            raise PermissionDenied
        return event

    def registrations_csv_view(self, request, pk):
        event = self._event_for(request, pk, change=False)
        response = HttpResponse(registrations_csv(event), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="registrations-{event.slug}.csv"'
        return response

    def _tool_page(self, request, event, form, title, template, submit_label):
        context = {
            "submit_label": submit_label,
            **self.admin_site.each_context(request),
            "title": title,
            "event": event,
            "form": form,
            "opts": self.model._meta,
            "change_url": reverse("admin:education_event_change", args=[event.pk]),
        }
        return TemplateResponse(request, template, context)

    def attendance_import_view(self, request, pk):
        event = self._event_for(request, pk)
        form = AttendanceImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            updated, problems = import_attendance(event, form.cleaned_data["file"])
            if problems:
                for problem in problems[:20]:
                    form.add_error("file", problem)
            else:
                messages.success(
                    request,
                    ngettext(
                        "Attendance recorded for %(count)d registration.",
                        "Attendance recorded for %(count)d registrations.",
                        updated,
                    )
                    % {"count": updated},
                )
                return redirect(reverse("admin:education_event_change", args=[event.pk]))
        return self._tool_page(
            request,
            event,
            form,
            _("Import attendance: %(title)s") % {"title": event.title},
            "admin/education/event/tool_form.html",
            _("Import"),
        )

    def email_registrants_view(self, request, pk):
        event = self._event_for(request, pk)
        form = EmailRegistrantsForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            sent = service.email_registrants(
                event,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                statuses=form.cleaned_data["statuses"],
            )
            messages.success(
                request,
                ngettext(
                    "The e-mail was queued for %(count)d registrant.",
                    "The e-mail was queued for %(count)d registrants.",
                    sent,
                )
                % {"count": sent},
            )
            return redirect(reverse("admin:education_event_change", args=[event.pk]))
        return self._tool_page(
            request,
            event,
            form,
            _("E-mail the registrants of %(title)s") % {"title": event.title},
            "admin/education/event/tool_form.html",
            _("Send"),
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and obj.registration_enabled and "capacity" in form.changed_data:
            promoted = service.fill_places(obj)
            if promoted:
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d person moved from the waiting list to a place.",
                        "%(count)d people moved from the waiting list to a place.",
                        len(promoted),
                    )
                    % {"count": len(promoted)},
                )


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ("name", "email", "event", "status", "attended", "created_at")
    list_editable = ("attended",)
    list_filter = ("status", "attended", ("event", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name", "email", "institution", "event__title")
    list_select_related = ("event",)
    readonly_fields = (
        "event",
        "status",
        "created_at",
        "cancelled_at",
        "reminder_sent_at",
        "certificate_code",
        "language",
        "user",
    )
    fields = (
        "event",
        "status",
        "name",
        "email",
        "profession",
        "institution",
        "riziv_number",
        "needs",
        "attended",
        "user",
        "language",
        "created_at",
        "cancelled_at",
        "reminder_sent_at",
        "certificate_code",
    )
    actions = ("mark_attended", "mark_absent", "approve_selected", "cancel_selected")

    def has_add_permission(self, request):
        return False  # registrations come through the form (capacity, waiting list, e-mails)

    @admin.action(description=_("Mark as attended"))
    def mark_attended(self, request, queryset):
        count = queryset.filter(status=Status.CONFIRMED).update(attended=True)
        self.message_user(request, _("%(count)d marked as attended.") % {"count": count})

    @admin.action(description=_("Mark as not attended"))
    def mark_absent(self, request, queryset):
        count = queryset.update(attended=False)
        self.message_user(request, _("%(count)d marked as not attended.") % {"count": count})

    @admin.action(description=_("Approve (registrations awaiting approval)"))
    def approve_selected(self, request, queryset):
        count = sum(service.approve(r) for r in queryset.filter(status=Status.PENDING))
        self.message_user(request, _("%(count)d approved.") % {"count": count})

    @admin.action(description=_("Cancel (the freed places go to the waiting list)"))
    def cancel_selected(self, request, queryset):
        count = 0
        for registration in queryset.exclude(status=Status.CANCELLED):
            service.cancel(registration)
            count += 1
        self.message_user(request, _("%(count)d cancelled.") % {"count": count})
