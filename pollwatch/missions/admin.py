from django import forms
from django.contrib import admin, messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pollwatch.accounts.admin import AuditedAdmin

from . import services
from .models import Assignment, Group, Meeting, Mission, Observer, Team


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("What"),
                             choices=[("observers", gettext_lazy("Observers")),
                                      ("assignments", gettext_lazy("Assignments"))])
    file = forms.FileField(label=gettext_lazy("File"),
                           help_text=gettext_lazy("CSV or XLSX with a header row"))


class GroupInline(admin.TabularInline):
    model = Group
    extra = 0
    fields = ["code", "name", "coordinator"]
    raw_id_fields = ["coordinator"]


@admin.register(Mission)
class MissionAdmin(AuditedAdmin):
    list_display = ["name", "code", "election", "starts_on", "ends_on"]
    search_fields = ["name", "code"]
    inlines = [GroupInline]

    def mission_of(self, obj):
        return obj if obj.pk else None

    def get_urls(self):
        return [path("<int:pk>/import/", self.admin_site.admin_view(self.import_view),
                     name="missions_mission_import"), *super().get_urls()]

    def import_view(self, request, pk):
        mission = get_object_or_404(Mission, pk=pk)
        form = ImportForm(request.POST or None, request.FILES or None)
        errors = []
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            importer = (services.import_observers if form.cleaned_data["kind"] == "observers"
                        else services.import_assignments)
            try:
                report = importer(mission, upload.file, request.user, name=upload.name)
            except services.ImportRejected as rejected:
                errors = rejected.report.error_lines()
                messages.error(request, rejected.report.summary())
            else:
                messages.success(request, report.summary())
                return redirect(reverse("admin:missions_mission_change", args=[pk]))
        context = {**self.admin_site.each_context(request), "form": form, "errors": errors,
                   "title": _("Import into %(target)s") % {"target": mission}, "opts": self.model._meta,
                   "original": mission}
        return render(request, "admin/pollwatch/import.html", context)


@admin.register(Group)
class GroupAdmin(AuditedAdmin):
    list_display = ["name", "code", "mission", "coordinator"]
    list_filter = ["mission"]
    search_fields = ["name", "code"]


@admin.register(Observer)
class ObserverAdmin(AuditedAdmin):
    list_display = ["full_name", "phone", "email", "accreditation_number", "group", "language"]
    list_filter = ["mission", "group", "language", "is_active"]
    search_fields = ["full_name", "phone", "email", "accreditation_number"]
    raw_id_fields = ["user", "base_area"]


@admin.register(Team)
class TeamAdmin(AuditedAdmin):
    list_display = ["code", "name", "mission", "group", "leader"]
    list_filter = ["mission", "group"]
    search_fields = ["code", "name"]
    filter_horizontal = ["members"]
    raw_id_fields = ["leader", "base_area"]


@admin.register(Assignment)
class AssignmentAdmin(AuditedAdmin):
    list_display = ["team", "station", "phase", "report_due_at"]
    list_filter = ["team__mission", "phase"]
    search_fields = ["team__code", "station__code"]
    raw_id_fields = ["team", "station"]

    def mission_of(self, obj):
        return obj.team.mission


@admin.register(Meeting)
class MeetingAdmin(AuditedAdmin):
    list_display = ["date", "stakeholder_kind", "stakeholders", "mission", "group"]
    list_filter = ["mission", "stakeholder_kind"]
    search_fields = ["stakeholders", "summary", "findings"]
    filter_horizontal = ["participants"]
