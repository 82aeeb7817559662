"""Findings and statements: staff pages under /m/<mission>/, public pages under /statements/."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from pollwatch.accounts.access import (
    STAFF,
    access_published_document_by_user,
    is_group_coordinator,
    may_decide_statement,
    mission_view,
)
from pollwatch.files import serve_file
from pollwatch.formats.numbers import language_of
from pollwatch.missions.models import Meeting, Mission
from pollwatch.submissions import aggregates
from pollwatch.submissions.models import Incident, Submission

from . import figures as fig
from . import services
from .forms import (
    EvidenceForm,
    FindingForm,
    ReviewForm,
    StatementCreateForm,
    StatementTextForm,
    TranslationForm,
)
from .models import Finding, FindingEvidence, FindingPhase, Publication, Statement
from .rendering import draft_content, live_figures, render_content
from .template import SECTIONS, figure_example
from .translations import State, finding_versions, language_name

# --- findings -----------------------------------------------------------------------------


@mission_view(*STAFF)
def finding_list(request, mission):
    form = FindingForm(request.POST or None, mission=mission)
    if request.method == "POST" and form.is_valid():
        finding = services.create_finding(mission, request.user, **form.cleaned_data)
        messages.success(request, _("Finding saved as a draft."))
        return redirect("statements:finding", mission=mission.code, finding=finding.pk)
    findings = (mission.findings.select_related("group", "created_by")
                .annotate(evidence_count=Count("evidence")))
    status, phase = request.GET.get("status", ""), request.GET.get("phase", "")
    if status:
        findings = findings.filter(status=status)
    if phase:
        findings = findings.filter(phase=phase)
    return render(request, "statements/findings.html", {
        "mission": mission, "findings": findings, "form": form, "status": status, "phase": phase,
        "statuses": Finding.Status.choices, "phases": FindingPhase.choices})


def _finding(mission, pk) -> Finding:
    return get_object_or_404(Finding.objects.select_related("group", "created_by", "reviewed_by",
                                                            "approved_by"), pk=pk, mission=mission)


@mission_view(*STAFF)
def finding_detail(request, mission, finding):
    finding = _finding(mission, finding)
    edit = FindingForm(initial=FindingForm.initial_for(finding), mission=mission)
    versions = [(version, language_name(version.language),
                 TranslationForm(initial={} if version.state == State.MISSING else
                                 {"title": version.title, "text": version.text}, prefix=version.language))
                for version in finding_versions(finding, list(mission.languages or []))]
    return render(request, "statements/finding.html", {
        "mission": mission, "finding": finding, "edit": edit, "evidence_form": EvidenceForm(),
        "versions": versions,
        "review_form": ReviewForm(), "evidence": finding.evidence.select_related(
            "submission", "submission__station", "incident", "meeting"),
        "used_in": finding.uses.select_related("statement")})


def _evidence_target(mission, kind: str, target: str) -> dict:
    if kind == "analysis":
        return {"reference": target}
    model = {"submission": Submission, "incident": Incident, "meeting": Meeting}[kind]
    label = FindingEvidence.Kind(kind).label.lower()
    if not target.strip().isdigit():
        raise ValueError(_("Give the number of the %(kind)s.") % {"kind": label})
    found = model.objects.filter(pk=int(target), mission=mission).first()
    if found is None:
        raise ValueError(_("No %(kind)s %(n)s in this mission.") % {"kind": label, "n": target})
    return {kind: found}


def _section_choices() -> list[dict[str, str]]:
    """The statement's sections, headed in the page's language."""
    language = (get_language() or "en").split("-")[0]
    return [{"key": s.key, "heading": s.heading(language)} for s in SECTIONS]


@mission_view(*STAFF)
@require_POST
def finding_action(request, mission, finding, action):
    finding = _finding(mission, finding)
    try:
        if action == "edit":
            form = FindingForm(request.POST, mission=mission)
            if not form.is_valid():
                raise ValueError("; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
            services.update_finding(finding, request.user, **form.cleaned_data)
        elif action == "evidence":
            form = EvidenceForm(request.POST)
            if not form.is_valid():
                raise ValueError("; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
            target = _evidence_target(mission, form.cleaned_data["kind"], form.cleaned_data["target"])
            services.add_evidence(finding, request.user, note=form.cleaned_data["note"], **target)
        elif action == "translate":
            language = request.POST.get("language", "")
            form = TranslationForm(request.POST, prefix=language)
            if not form.is_valid():
                raise ValueError("; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
            services.translate_finding(finding, request.user, language, **form.cleaned_data)
        elif action == "submit":
            services.submit_finding(finding, request.user)
        elif action in ("accept", "return"):
            services.review_finding(finding, request.user, accept=action == "accept",
                                    note=request.POST.get("note", ""))
        elif action == "approve":
            services.approve_finding(finding, request.user)
        else:
            raise Http404("No such action")
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Done."))
    return redirect("statements:finding", mission=mission.code, finding=finding.pk)


# --- statements (staff) -------------------------------------------------------------------

@mission_view(*STAFF)
def statement_list(request, mission):
    form = StatementCreateForm(request.POST or None, mission=mission)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            statement = services.create_statement(
                mission, request.user, kind=data["kind"], group=data["group"], groups=data["groups"],
                languages=data["languages"], title=data["title"])
        except ValueError as exc:
            messages.error(request, str(exc))
        else:
            return redirect("statements:edit", mission=mission.code, slug=statement.slug)
    statements = (mission.statements.select_related("group").prefetch_related("groups", "publications")
                  .order_by("-updated_at"))
    return render(request, "statements/list.html",
                  {"mission": mission, "statements": statements, "form": form})


def _statement(mission, slug) -> Statement:
    return get_object_or_404(Statement.objects.select_related("group", "mission"), mission=mission, slug=slug)


def _language(request, statement) -> str:
    lang = request.GET.get("lang") or request.POST.get("lang") or ""
    return lang if lang in statement.languages else statement.languages[0]


@mission_view(*STAFF)
def statement_detail(request, mission, slug):
    statement = _statement(mission, slug)
    language = _language(request, statement)
    content = draft_content(statement)
    figures = live_figures(statement, content)
    title, sections = render_content(content, language, figures,
                                     services.figure_link(statement, public=False))
    approved = mission.findings.filter(status=Finding.Status.APPROVED).select_related("group")
    joinable = (mission.statements.filter(kind=Statement.Kind.GROUP, group__in=statement.groups.all(),
                                          status__in=[Statement.Status.APPROVED, Statement.Status.PUBLISHED])
                if statement.is_common else [])
    return render(request, "statements/detail.html", {
        "mission": mission, "statement": statement, "language": language, "title": title,
        "sections": sections, "mission_name": mission.name_in(language),
        "problems": services.publication_problems(statement) if statement.is_editable else [],
        "may_decide": may_decide_statement(request.user, statement),
        "items": statement.items.select_related("finding", "source", "source__group"),
        "approved_findings": approved, "joinable": joinable, "section_choices": _section_choices(),
        "signoffs": statement.signoffs.select_related("group", "signed_by"),
        "missing": services.missing_signoffs(statement),
        "my_groups": [g for g in statement.groups.all() if is_group_coordinator(request.user, g)],
        "publications": statement.publications.prefetch_related("documents")})


@mission_view(*STAFF)
def statement_edit(request, mission, slug):
    statement = _statement(mission, slug)
    language = _language(request, statement)
    texts = (statement.texts or {}).get(language) or {}
    initial = {"title": texts.get("title", ""),
               **{f"section:{k}": v for k, v in (texts.get("sections") or {}).items()}}
    form = StatementTextForm(request.POST or None, initial=initial, language=language)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_statement_text(statement, request.user, language,
                                         title=form.cleaned_data["title"], sections=form.sections())
        except ValueError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Saved."))
            target = "statements:edit" if "stay" in request.POST else "statements:detail"
            return redirect(reverse(target, args=[mission.code, statement.slug]) + f"?lang={language}")
    return render(request, "statements/edit.html", {
        "mission": mission, "statement": statement, "language": language, "form": form,
        "errors": fig.reference_errors(mission, (texts.get("sections") or {}).values()),
        "example": figure_example(mission)})


@mission_view(*STAFF)
@require_POST
def statement_action(request, mission, slug, action):
    statement = _statement(mission, slug)
    post = request.POST
    try:
        if action == "place":
            finding = get_object_or_404(Finding, pk=post.get("finding"), mission=mission)
            services.place_finding(statement, finding, request.user, post.get("section", ""))
        elif action == "join":
            source = get_object_or_404(Statement, pk=post.get("source"), mission=mission)
            services.join_statement(statement, source, request.user)
        elif action == "remove":
            services.remove_item(get_object_or_404(statement.items, pk=post.get("item")), request.user)
        elif action == "approve":
            services.approve_statement(statement, request.user)
        elif action == "sign":
            group = get_object_or_404(statement.groups, pk=post.get("group"))
            services.sign_off(statement, group, request.user)
        elif action == "publish":
            publication = services.publish_statement(statement, request.user, dated=_date(post.get("dated")))
            messages.success(request, _("Published as version %(n)s.") % {"n": publication.number})
            return redirect("statements:public", mission=mission.code, slug=statement.slug)
        elif action == "reopen":
            services.reopen_statement(statement, request.user)
        else:
            raise Http404("No such action")
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Done."))
    # A PermissionDenied (not the statement's group coordinator) goes up: 403.
    return redirect("statements:detail", mission=mission.code, slug=statement.slug)


def _date(text: str | None) -> dt.date | None:
    """A date from a date field (YYYY-MM-DD); empty is none, anything else an error saying so."""
    if not (text or "").strip():
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(_("%(value)s is not a date (YYYY-MM-DD)") % {"value": repr(text)}) from None


def _answer_labels(mission, form_code: str, question: str) -> dict[str, str]:
    """The question's answers by their labels in the page's language (none if it is gone)."""
    try:
        found = aggregates.question_of(aggregates.form_of(mission, form_code), question)
    except aggregates.UnknownQuestion:
        return {}
    return dict(aggregates.value_labels(found, language_of()))


def _figure_rows(ids: list[int], counted: set[int], query: dict, mission) -> list[dict]:
    rows = []
    question = query.get("question")
    labels = _answer_labels(mission, query.get("form", ""), question) if question else {}
    for submission in (Submission.objects.filter(pk__in=ids, mission=mission)
                       .select_related("station", "station__region", "observer").order_by("id")):
        answer = (submission.answers or {}).get(question) if question else ""
        rows.append({"submission": submission, "answer": aggregates.answer_words(answer, labels),
                     "counted": submission.pk in counted,
                     "local": submission.station.to_local(submission.received_at) if submission.station_id
                     else submission.received_at})
    rows.sort(key=lambda row: not row["counted"])   # the counted ones first, each group by number
    return rows


@mission_view(*STAFF)
def statement_figure(request, mission, slug, key):
    """The query and rows behind one figure: live for a draft, frozen for a publication (?v=)."""
    statement = _statement(mission, slug)
    version = request.GET.get("v")
    if version:
        publication = get_object_or_404(statement.publications, number=version)
        value = services.frozen_figures(publication).get(key)
    else:
        publication = None
        value = live_figures(statement).get(key)
    if value is None:
        raise Http404("No such figure in this statement")
    ids = value.answered_ids or value.submission_ids
    rows = _figure_rows(ids, set(value.submission_ids), value.query, mission)
    return render(request, "statements/figure.html", {
        "mission": mission, "statement": statement, "value": value, "publication": publication,
        "rows": rows, "public": False, "words": fig.figure_words(value, "full", language_of()),
        "base_template": "results/base.html"})


# --- public pages -------------------------------------------------------------------------

def _public_mission(code: str) -> Mission:
    return get_object_or_404(Mission, code=code)


def _published(mission, slug) -> Statement:
    statement = Statement.objects.filter(mission=mission, slug=slug, publications__isnull=False).first()
    if statement is None:
        raise Http404("No published statement here")
    return statement


def _publication(statement, request) -> Publication:
    version = request.GET.get("v")
    query = statement.publications.all()
    found = query.filter(number=version).first() if version and version.isdigit() else query.first()
    if found is None:
        raise Http404("No such version")
    return found


def published_statements(mission: Mission | None = None):
    """Statements with at least one publication, newest first (what the public sees)."""
    query = Statement.objects.filter(publications__isnull=False).distinct().select_related("mission", "group")
    if mission is not None:
        query = query.filter(mission=mission)
    return query.order_by("-updated_at")


def public_index(request):
    return render(request, "statements/public_index.html", {"statements": published_statements()})


def public_mission(request, mission):
    mission = _public_mission(mission)
    return render(request, "statements/public_index.html", {"statements": published_statements(mission),
                                                            "mission": mission})


def public_statement(request, mission, slug):
    statement = _published(_public_mission(mission), slug)
    publication = _publication(statement, request)
    documents = {d.language: d for d in publication.documents.all()}
    language = request.GET.get("lang") or request.LANGUAGE_CODE
    if language not in documents:
        language = publication.content["languages"][0]
    return render(request, "statements/public.html", {
        "statement": statement, "publication": publication, "document": documents[language],
        "documents": documents.values(), "language": language,
        "versions": statement.publications.all()})


@require_safe
def public_pdf(request, mission, slug, number, language):
    document = access_published_document_by_user(request.user, _public_mission(mission), slug,
                                                 number, language)
    return serve_file(request, document.pdf, filename=f"{slug}-v{number}-{language}.pdf",
                      content_type="application/pdf")


@require_safe
def public_open_data(request, mission, slug):
    statement = _published(_public_mission(mission), slug)
    publication = _publication(statement, request)
    response = HttpResponse(publication.open_data, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (f'attachment; filename="{statement.slug}-v{publication.number}'
                                       '-findings.csv"')
    return response


def public_figure(request, mission, slug, key):
    """A published figure: its query and its counts. The submissions behind it (which stations
    were observed) are shown to the mission's staff only, on the staff figure page."""
    mission = _public_mission(mission)
    statement = _published(mission, slug)
    publication = _publication(statement, request)
    value = services.frozen_figures(publication).get(key)
    if value is None:
        raise Http404("No such figure in this statement")
    return render(request, "statements/figure.html", {
        "mission": mission, "statement": statement, "value": value, "publication": publication,
        "rows": [], "public": True, "words": fig.figure_words(value, "full", language_of())})
