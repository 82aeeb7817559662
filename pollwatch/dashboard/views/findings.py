"""Findings: shares of observations with their base, and the submissions behind each figure."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from pollwatch.accounts.access import STAFF, mission_view
from pollwatch.checklists.models import Form
from pollwatch.missions.models import Phase
from pollwatch.submissions.aggregates import UnknownQuestion, parse_values

from ..services import findings as service
from ._common import export_format, export_response


@mission_view(*STAFF)
def findings_page(request, mission):
    forms = service.finding_forms(mission)
    fmt = export_format(request)
    if fmt:
        return export_response(service.findings_export(
            mission, [service.form_findings(mission, form) for form in forms]), fmt)
    wanted = request.GET.get("form", "")
    form = next((f for f in forms if f.code == wanted), forms[0] if forms else None)
    table = service.form_findings(mission, form) if form else None
    return render(request, "dashboard/findings.html", {
        "mission": mission, "forms": forms, "form": form, "table": table,
        "questions": service.question_views(table) if table else [],
        "assessments": service.assessments_by_phase(mission),
        "assessment_values": service.ASSESSMENT_VALUES})


@mission_view(*STAFF)
def findings_regions(request, mission, form_code: str, question: str):
    """One question's figures by region (loaded when the page's "By region" is opened)."""
    form = Form.objects.filter(mission=mission, code=form_code, kind__in=service.FINDING_KINDS).first()
    if form is None:
        raise Http404("No such form")
    views = service.question_views(service.form_findings(mission, form))
    view = next((q for q in views if q.name == question), None)
    if view is None:
        raise Http404("No such question")
    context = {"mission": mission, "form": form, "q": view,
               "drill": reverse("dashboard:findings_drill", args=[mission.code, form.code])}
    if request.headers.get("HX-Request"):
        return render(request, "dashboard/_findings_regions.html", context)
    return render(request, "dashboard/findings_regions.html", context)


@mission_view(*STAFF)
def findings_drill(request, mission, form_code: str):
    form = Form.objects.filter(mission=mission, code=form_code).first()
    if form is None:
        raise Http404("No such form")
    question = request.GET.get("question", "")
    answer = request.GET.get("answer", "")
    region = request.GET.get("region", "")[:64]
    phase = request.GET.get("phase", "")
    if phase and phase not in Phase.values:
        raise Http404("No such phase")
    try:
        values = list(parse_values(answer)) if answer else None
        result, submissions = service.drill_down(mission, form, question, values, region=region, phase=phase)
    except (UnknownQuestion, ValueError) as exc:
        raise Http404(str(exc))
    page = Paginator(submissions, 100).get_page(request.GET.get("page"))
    question_label, answer_labels = service.drill_labels(form, question)
    return render(request, "dashboard/findings_drill.html", {
        "question_label": question_label, "answer_labels": answer_labels,
        "phase_label": dict(Phase.choices).get(phase, phase),
        "mission": mission, "form": form, "question": question, "answer": answer, "region": region,
        "phase": phase, "result": result, "page": page})
