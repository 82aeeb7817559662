"""Results pages for the mission's staff: imports, batches, and two of the four checks
(station by station, seats); the quick count and forensics pages are the dashboard's.

Each page has a CSV export (``?format=csv``). Official results belong to the election; any
mission on it sees them, and its coordinators may import them.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from pollwatch.accounts.access import MANAGERS, STAFF, has_role, mission_view
from pollwatch.elections.models import Contest
from pollwatch.elections.tabular import ImportRejected

from . import nist, services, verification
from .forms import AnnounceForm, ImportForm, MappingForm
from .models import FIGURES, ResultBatch
from .reasons import change_kinds, line_labels


def csv_response(filename: str, header: list[str], rows: Iterable[Iterable[Any]]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows(rows)
    return response


def _contest(mission, code: str) -> Contest:
    return get_object_or_404(Contest, election=mission.election, code=code)


def _wants_csv(request) -> bool:
    return request.GET.get("format") == "csv"


def _context(request, mission, **extra: Any) -> dict[str, Any]:
    return {"mission": mission, "can_manage": has_role(request.user, mission, MANAGERS),
            "contests": mission.election.contests.all(), **extra}


@mission_view(*STAFF)
def results_home(request, mission):
    batches = (ResultBatch.objects.filter(election=mission.election)
               .select_related("contest", "imported_by").order_by("contest__ballot_order", "-number"))
    form = ImportForm(election=mission.election)
    return render(request, "results/home.html", _context(
        request, mission, batches=batches, form=form,
        mappings=mission.election.result_mappings.all()))


@mission_view(*MANAGERS)
@require_POST
def results_import(request, mission):
    form = ImportForm(request.POST, request.FILES, election=mission.election)
    if not form.is_valid():
        messages.error(request, _("The import form has errors: %(errors)s") % {
            "errors": "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items())})
        return redirect("results:home", mission=mission.code)
    data = form.cleaned_data
    upload = data["file"]
    try:
        if data["format"] == ResultBatch.Format.NIST:
            report = nist.import_results_nist(mission.election, data["contest"], upload, stage=data["stage"],
                                              actor=request.user, name=upload.name, note=data["note"])
        else:
            report = services.import_results(mission.election, data["contest"], upload,
                                             stage=data["stage"], actor=request.user, name=upload.name,
                                             mapping=data["mapping"] or None, note=data["note"])
    except ImportRejected as rejected:
        for line in rejected.report.error_lines(limit=50):
            messages.error(request, line)
        messages.error(request, rejected.report.summary())
        return redirect("results:home", mission=mission.code)
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect("results:home", mission=mission.code)
    if report.details.get("duplicate"):
        messages.warning(request, report.details["message"])
    else:
        messages.success(request, report.summary())
    return redirect("results:batch", mission=mission.code, batch=report.details["batch"])


@mission_view(*STAFF)
def batch_detail(request, mission, batch):
    batch = get_object_or_404(ResultBatch.objects.select_related("contest", "imported_by"), pk=batch,
                              election=mission.election)
    previous = batch.contest.result_batches.filter(number__lt=batch.number).order_by("-number").first()
    comparison = services.compare_batches(previous, batch) if previous else None
    if request.GET.get("format") == "rows":
        return _batch_rows_csv(batch)
    if _wants_csv(request):
        if comparison is None:
            raise Http404("No earlier batch to compare with")
        return csv_response(f"{batch.contest.code}-batch-{batch.number}-changes.csv",
                            ["station", "kind", "line", "before", "after", "difference", "votes_moved"],
                            ([c.station_code, c.kind, line.line, line.before, line.after, line.difference,
                              c.votes_moved] for c in comparison.changes for line in (c.lines or [None])
                             if line is not None))
    order = services.line_order(batch.contest)
    totals = sorted([*batch.totals.get("figures", {}).items(),
                     *[(f"votes:{k}", v) for k, v in batch.totals.get("votes", {}).items()]],
                    key=lambda item: order.get(item[0], len(order)))
    return render(request, "results/batch.html", _context(
        request, mission, batch=batch, previous=previous, comparison=comparison, totals=totals,
        changes=comparison.changes[:500] if comparison else [], labels=line_labels(batch.contest),
        kinds=change_kinds()))


def _batch_rows_csv(batch: ResultBatch) -> HttpResponse:
    choices = list(batch.contest.choices.order_by("ballot_number", "code").values_list("code", flat=True))
    rows = batch.results.select_related("station").order_by("station__code")
    return csv_response(f"{batch.contest.code}-batch-{batch.number}.csv",
                        ["station", *FIGURES, *choices, "reconciles"],
                        ([r.station.code, *[r.figures.get(f, "") for f in FIGURES],
                          *[r.votes.get(c, "") for c in choices], r.reconciles] for r in rows))


@mission_view(*MANAGERS)
def mappings(request, mission):
    election = mission.election
    fields = services.mapping_fields(election)
    existing = election.result_mappings.filter(name=request.GET.get("name", "")).first()
    form = MappingForm(request.POST or None, fields=fields,
                       initial_columns=existing.columns if existing else None,
                       initial={"name": existing.name, "note": existing.note} if existing else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_column_mapping(election, form.cleaned_data["name"], form.columns(), request.user,
                                         note=form.cleaned_data["note"])
        except ValueError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Column mapping saved."))
            return redirect("results:home", mission=mission.code)
    return render(request, "results/mappings.html", _context(
        request, mission, form=form, saved=election.result_mappings.all()))


@mission_view(*STAFF)
def discrepancies(request, mission, contest):
    contest = _contest(mission, contest)
    report = verification.station_discrepancies(mission, contest)
    if _wants_csv(request):
        return csv_response(f"{contest.code}-discrepancies.csv",
                            ["station", "region", "votes_at_stake", "line", "official", "observed",
                             "difference", "observers", "observed_reconciles"],
                            _discrepancy_rows(report))
    labels = line_labels(contest)
    return render(request, "results/discrepancies.html", _context(
        request, mission, contest=contest, report=report, rows=report.discrepancies[:500], labels=labels))


def _discrepancy_rows(report) -> Iterable[list[Any]]:
    for item in report.discrepancies:
        region = item.station.region.code if item.station.region_id else ""
        common = [item.station.code, region, item.votes_at_stake]
        tail = ["; ".join(item.observers), item.reconciles]
        if item.official is None:
            yield [*common, "(no official result)", "", "", "", *tail]
        for line in item.differences:
            yield [*common, line.line, line.official, line.observed, line.difference, *tail]


@mission_view(read=STAFF, write=MANAGERS)
def seats(request, mission, contest):
    contest = _contest(mission, contest)
    choices = list(contest.choices.order_by("ballot_number", "code"))
    form = AnnounceForm(request.POST or None, choices=choices)
    if request.method == "POST" and form.is_valid():
        try:
            services.announce_seats(contest, form.seats(), source=form.cleaned_data["source"],
                                    announced_on=form.cleaned_data["announced_on"], actor=request.user)
        except ValueError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Announced seats recorded."))
            return redirect("results:seats", mission=mission.code, contest=contest.code)
    check = verification.seat_check(contest)
    if _wants_csv(request):
        header = ["choice", "name", "votes", "share", "qualified", "seats", "announced", "difference"]
        return csv_response(f"{contest.code}-seats.csv", header,
                            ([row[k] for k in header] for row in check.rows()))
    return render(request, "results/seats.html", _context(
        request, mission, contest=contest, check=check, rows=check.rows(), form=form))


@require_safe
@mission_view(*STAFF)
def nist_export(request, mission, contest):
    contest = _contest(mission, contest)
    source = request.GET.get("source", "official")
    if source not in ("official", "observed"):
        raise Http404("source is official or observed")
    document = nist.export_nist(mission.election, source=source, mission=mission, contests=[contest])
    response = HttpResponse(json.dumps(document, ensure_ascii=False, indent=1),
                            content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{contest.code}-{source}-nist.json"'
    return response
