"""Export pages: streamed CSV, XLSX and GeoJSON of a mission's submissions, incidents and
observed protocols."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from pollwatch.accounts.access import STAFF, access_evidence_by_user, mission_view
from pollwatch.checklists.models import Form
from pollwatch.files import serve_file

from . import exports


@mission_view(*STAFF)
def export_index(request, mission):
    forms = Form.objects.filter(mission=mission).order_by("kind", "code")
    return render(request, "submissions/exports.html",
                  {"mission": mission, "forms": forms, "formats": exports.FORMATS})


def _table(request, mission, what: str) -> exports.Table:
    if what == "incidents":
        return exports.incidents_table(mission)
    if what == "protocols":
        return exports.protocols_table(mission)
    if what == "submissions":
        form = Form.objects.filter(mission=mission, code=request.GET.get("form", "")).first()
        if form is None:
            raise Http404("Say which form (?form=<code>)")
        return exports.submissions_table(mission, form,
                                         include_superseded=request.GET.get("all") == "1")
    raise Http404("No such export")


@require_safe
@mission_view(*STAFF)
def export(request, mission, what: str, fmt: str):
    if fmt not in exports.FORMATS:
        raise Http404("No such format")
    table = _table(request, mission, what)
    response = StreamingHttpResponse(exports.stream(table, fmt), content_type=exports.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{table.name}.{fmt}"'
    response["X-Accel-Buffering"] = "no"
    return response


@require_safe
def evidence_file(request, evidence: int) -> HttpResponse:
    """A submission's photo or file: the observer who sent it and the staff of its mission."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    found = access_evidence_by_user(request.user, evidence)
    return serve_file(request, found.file, content_type=found.content_type or None)
