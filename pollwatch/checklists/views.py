"""Forms pages of a mission: the list of forms and versions, upload, publish, retire, preview.

Staff (coordinators and analysts) see the forms; coordinators change them.
"""

from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from pollwatch.accounts.access import (
    MANAGERS,
    STAFF,
    access_form_file_by_user,
    has_role,
    mission_view,
)
from pollwatch.files import serve_file

from . import services
from .forms import UploadForm
from .models import Form, FormVersion
from .xlsform import FormDefinitionError


def _version(mission, version_id: int) -> FormVersion:
    version = (FormVersion.objects.select_related("form", "form__mission", "form__contest")
               .filter(pk=version_id, form__mission=mission).first())
    if version is None:
        raise Http404("No such form version")
    return version


def _forms(mission):
    versions = FormVersion.objects.select_related("created_by").order_by("-number")
    return (Form.objects.filter(mission=mission).select_related("contest")
            .prefetch_related(Prefetch("versions", queryset=versions)).order_by("kind", "code"))


def _render_list(request, mission, upload=None, errors=None, status=200):
    context = {
        "mission": mission, "forms": _forms(mission), "errors": errors or [],
        "upload": upload or UploadForm(), "can_manage": has_role(request.user, mission, MANAGERS),
    }
    return render(request, "checklists/forms.html", context, status=status)


@mission_view(*STAFF)
def form_list(request, mission):
    return _render_list(request, mission)


@require_POST
@mission_view(*MANAGERS)
def upload_form(request, mission):
    upload = UploadForm(request.POST, request.FILES)
    if not upload.is_valid():
        return _render_list(request, mission, upload=upload, status=400)
    workbook = upload.cleaned_data["workbook"]
    try:
        version = services.import_xlsform(mission, workbook, request.user, filename=workbook.name,
                                          publish=upload.cleaned_data["publish"])
    except FormDefinitionError as exc:
        return _render_list(request, mission, upload=upload, errors=exc.errors, status=400)
    messages.success(request, _("%(form)s: version %(number)s imported (%(state)s).") % {
        "form": version.form.code, "number": version.number,
        "state": version.get_status_display().lower()})
    return redirect("checklists:version", mission=mission.code, version=version.pk)


@require_POST
@mission_view(*MANAGERS)
def publish(request, mission, version):
    try:
        found = services.publish_version(_version(mission, version), request.user)
    except FormDefinitionError as exc:
        messages.error(request, "; ".join(str(error) for error in exc.errors))
        return redirect("checklists:version", mission=mission.code, version=version)
    messages.success(request, _("%(form)s version %(number)s is published.") % {
        "form": found.form.code, "number": found.number})
    return redirect("checklists:forms", mission=mission.code)


@require_POST
@mission_view(*MANAGERS)
def retire(request, mission, version):
    found = services.retire_version(_version(mission, version), request.user)
    messages.success(request, _("%(form)s version %(number)s is retired.") % {
        "form": found.form.code, "number": found.number})
    return redirect("checklists:forms", mission=mission.code)


@mission_view(*STAFF)
def version_detail(request, mission, version):
    found = _version(mission, version)
    language = (get_language() or "en").split("-")[0]
    questions = []
    for question in found.questions.all():
        depth = 0 if not (question.group or question.repeat) else 1 + (
            1 if question.group and question.repeat else 0)
        questions.append({
            "q": question, "label": question.label_in(language), "depth": depth,
            "choices": [(c.get("sms", ""), (c.get("label") or {}).get(language)
                         or (c.get("label") or {}).get("en") or c["name"]) for c in question.choices],
        })
    return render(request, "checklists/version.html", {
        "mission": mission, "version": found, "questions": questions,
        "can_manage": has_role(request.user, mission, MANAGERS),
    })


@mission_view(*STAFF)
def version_xform(request, mission, version):
    found = _version(mission, version)
    response = HttpResponse(found.xform, content_type="text/xml; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{found.xform_id}-v{found.number}.xml"'
    return response


@require_safe
@mission_view(*STAFF)
def version_workbook(request, mission, version):
    found = access_form_file_by_user(request.user, mission, version)
    if not found.xlsform:
        raise Http404("No workbook")
    return serve_file(request, found.xlsform, filename=f"{found.xform_id}-v{found.number}.xlsx",
                      content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                      attachment=True)
