"""Admin for the core models, including member approval and API keys."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from ion_portal.accounts import member_approve
from ion_portal.models import (
    MEMBERS_GROUP,
    ApiKey,
    CancerType,
    ContactMessage,
    Person,
    SitePage,
    Unit,
    User,
)


class MembershipFilter(admin.SimpleListFilter):
    title = _("membership")
    parameter_name = "membership"

    def lookups(self, request, model_admin):
        return [("awaiting", _("Awaiting approval")), ("member", _("Member"))]

    def queryset(self, request, queryset):
        if self.value() == "awaiting":
            return queryset & User.objects.awaiting_approval()
        if self.value() == "member":
            return queryset.filter(groups__name=MEMBERS_GROUP)
        return queryset


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = [
        "email",
        "first_name",
        "last_name",
        "affiliation",
        "is_staff",
        "is_active",
        "date_joined",
    ]
    list_filter = [MembershipFilter, "is_staff", "is_superuser", "is_active", "groups"]
    search_fields = ["email", "first_name", "last_name", "affiliation"]
    actions = ["approve_members"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal info"), {"fields": ["first_name", "last_name", "affiliation"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]

    @admin.action(description=_("Approve selected accounts as members"))
    def approve_members(self, request, queryset):
        # One by one: each approved user is e-mailed (through the task queue).
        count = sum(
            member_approve(user=user) for user in queryset.exclude(groups__name=MEMBERS_GROUP)
        )
        self.message_user(
            request,
            ngettext("%(count)d account approved.", "%(count)d accounts approved.", count)
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "institution", "parent"]
    list_filter = ["kind", "institution"]
    list_select_related = ["parent"]
    search_fields = ["name", "short_name", "institution", "aliases"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "role", "specialty", "unit", "on_steering_committee", "is_demo"]
    list_filter = ["on_steering_committee", "is_demo", "specialty"]
    list_select_related = ["unit"]
    search_fields = ["first_name", "last_name", "email", "orcid"]
    autocomplete_fields = ["unit", "user"]

    @admin.display(description=_("name"), ordering="last_name")
    def name(self, obj):
        return obj.display_name


@admin.register(CancerType)
class CancerTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "icd10"]
    search_fields = ["name", "synonyms", "icd10"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["parent"]


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "partner", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "prefix"]
    readonly_fields = ["prefix", "created_at", "last_used_at"]
    fields = ["name", "partner", "prefix", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def save_model(self, request, obj, form, change):
        if not change:
            raw = obj.assign_new_secret()
            self.message_user(
                request,
                _(
                    "The new key is %(key)s. Copy it now: it is stored hashed and cannot be shown again."
                )
                % {"key": raw},
                messages.WARNING,
            )
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Revoke selected keys"))
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(
            request,
            ngettext("%(count)d key revoked.", "%(count)d keys revoked.", count) % {"count": count},
        )


@admin.register(ContactMessage)
class ContactMessageAdmin(admin.ModelAdmin):
    list_display = ["subject", "name", "email", "created_at"]
    date_hierarchy = "created_at"
    search_fields = ["subject", "name", "email", "message"]
    readonly_fields = ["name", "email", "subject", "message", "created_at"]


@admin.register(SitePage)
class SitePageAdmin(SimpleHistoryAdmin):
    """The privacy notice, cookies, accessibility statement and legal notice; history kept."""

    list_display = ["__str__", "title_en", "title_nl", "title_fr", "is_demo", "updated_at"]
    list_filter = ["is_demo"]
    search_fields = ["title_en", "title_nl", "title_fr", "body_en", "body_nl", "body_fr"]
    fieldsets = [
        (None, {"fields": ["kind", "is_demo"]}),
        (_("English"), {"fields": ["title_en", "body_en"]}),
        (_("Dutch"), {"fields": ["title_nl", "body_nl"]}),
        (_("French"), {"fields": ["title_fr", "body_fr"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        # The kind is the page's address: fixed once the page exists.
        return ["kind"] if obj else []
