from django import forms
from django.contrib import admin, messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pollwatch.accounts.admin import AuditedAdmin

from . import services
from .models import Area, Choice, Contest, Election, ElectoralDistrict, PollingStation
from .tabular import ImportRejected


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("What"),
                             choices=[("stations", gettext_lazy("Polling stations")),
                                      ("areas", gettext_lazy("Areas"))])
    file = forms.FileField(label=gettext_lazy("File"), help_text=gettext_lazy(
        "CSV (comma, semicolon or tab) or XLSX, with a header row; for areas also GeoJSON "
        "(.geojson), whose features set the boundaries of areas named by their \"code\" property"))


class ContestInline(admin.TabularInline):
    model = Contest
    extra = 0
    fields = ["code", "name", "kind", "method", "seats", "threshold_percent", "threshold_base",
              "has_against_all"]
    show_change_link = True


@admin.register(Election)
class ElectionAdmin(AuditedAdmin):
    list_display = ["name", "code", "country", "date"]
    search_fields = ["name", "code"]
    inlines = [ContestInline]

    def get_urls(self):
        return [path("<int:pk>/import/", self.admin_site.admin_view(self.import_view),
                     name="elections_election_import"), *super().get_urls()]

    def import_view(self, request, pk):
        election = get_object_or_404(Election, pk=pk)
        form = ImportForm(request.POST or None, request.FILES or None)
        errors = []
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            importer = (services.import_stations if form.cleaned_data["kind"] == "stations"
                        else services.import_areas)
            try:
                report = importer(election, upload.file, request.user, name=upload.name)
            except ImportRejected as rejected:
                errors = rejected.report.error_lines()
                messages.error(request, rejected.report.summary())
            else:
                messages.success(request, report.summary())
                return redirect(reverse("admin:elections_election_change", args=[pk]))
        context = {**self.admin_site.each_context(request), "form": form, "errors": errors,
                   "title": _("Import into %(target)s") % {"target": election}, "opts": self.model._meta,
                   "original": election}
        return render(request, "admin/pollwatch/import.html", context)


class ChoiceInline(admin.TabularInline):
    model = Choice
    extra = 0
    fields = ["code", "name", "kind", "party", "district", "ballot_number", "translations"]
    raw_id_fields = ["district"]


class DistrictInline(admin.TabularInline):
    model = ElectoralDistrict
    extra = 0
    fields = ["code", "name", "seats", "area", "translations"]
    raw_id_fields = ["area"]
    show_change_link = True


@admin.register(Contest)
class ContestAdmin(AuditedAdmin):
    list_display = ["code", "name", "election", "kind", "method", "seats", "threshold_percent"]
    list_filter = ["election", "kind"]
    search_fields = ["code", "name"]
    raw_id_fields = ["area"]
    inlines = [DistrictInline, ChoiceInline]


@admin.register(Choice)
class ChoiceAdmin(AuditedAdmin):
    list_display = ["code", "name", "contest", "district", "kind", "ballot_number"]
    list_filter = ["contest__election", "contest", "kind"]
    search_fields = ["code", "name", "party"]
    raw_id_fields = ["district"]


@admin.register(ElectoralDistrict)
class ElectoralDistrictAdmin(AuditedAdmin):
    list_display = ["code", "name", "contest", "seats"]
    list_filter = ["contest"]
    search_fields = ["code", "name"]
    raw_id_fields = ["area"]


@admin.register(Area)
class AreaAdmin(AuditedAdmin):
    list_display = ["code", "name", "level", "path", "timezone"]
    list_filter = ["election", "level"]
    search_fields = ["code", "name", "path"]
    raw_id_fields = ["parent"]


@admin.register(PollingStation)
class PollingStationAdmin(AuditedAdmin):
    list_display = ["code", "name", "area", "registered_voters", "kind", "timezone", "opens_at",
                    "closes_at"]
    list_filter = ["election", "kind", "timezone"]
    search_fields = ["code", "name", "address"]
    raw_id_fields = ["area"]
    list_select_related = ["area"]
    show_full_result_count = False

    def save_model(self, request, obj, form, change):
        services.save_station(obj, request.user)
