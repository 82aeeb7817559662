from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import audit
from .models import AuditEntry, Membership, User


class AuditedAdmin(admin.ModelAdmin):
    """Admin whose saves and deletions are written to the audit log like any other change."""

    def save_model(self, request, obj, form, change):
        audit.save_audited(obj, request.user, mission=self.mission_of(obj))

    def delete_model(self, request, obj):
        audit.delete_audited(obj, request.user, mission=self.mission_of(obj))

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)

    def save_formset(self, request, form, formset, change):
        """Inline rows are audited like any other change."""
        instances = formset.save(commit=False)
        for instance in instances:
            audit.save_audited(instance, request.user, mission=self.mission_of(form.instance))
        for instance in formset.deleted_objects:
            audit.delete_audited(instance, request.user, mission=self.mission_of(form.instance))
        formset.save_m2m()

    def mission_of(self, obj):
        return getattr(obj, "mission", None)


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["mission"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "email", "is_superuser", "language"]
    fieldsets = [*BaseUserAdmin.fieldsets, ("pollwatch", {"fields": ["language", "phone"]})]
    inlines = [MembershipInline]
    actions = ["reset_second_factor"]

    @admin.action(description=_("Reset the second factor (lost phone): the user enrols again"))
    def reset_second_factor(self, request, queryset):
        from . import two_factor

        for user in queryset:
            two_factor.reset(user, request.user)
        self.message_user(request, ngettext(
            "The second factor of %(count)d user was reset.",
            "The second factors of %(count)d users were reset.",
            queryset.count()) % {"count": queryset.count()})


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    list_display = ["user", "mission", "role", "group"]
    list_filter = ["role", "mission"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "actor", "action", "model", "object_repr"]
    list_filter = ["action", "model", "mission"]
    search_fields = ["object_repr", "object_id", "user__username", "actor"]
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def unregister_device_admins() -> None:
    """Second factors change only through accounts/two_factor.py (audited): the admin resets
    them with the action above, and does not edit devices or recovery codes by hand."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    for model in (TOTPDevice, StaticDevice):
        if admin.site.is_registered(model):
            admin.site.unregister(model)
