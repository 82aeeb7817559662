"""OpenRosa 1.0 for ODK Collect and Enketo: form list, form XML, manifest and media,
submission. Point ODK Collect at ``https://<host>/openrosa`` with the observer's username and a
device token as the password.

==================================  ========================================================
``GET /openrosa/formList``          the mission's published forms (OpenRosa xforms list)
``GET /openrosa/forms/<id>/form.xml``  the form version's XForm
``GET /openrosa/forms/<id>/manifest``  ``stations.csv`` and ``assignments.csv`` (this observer's)
``GET /openrosa/forms/<id>/media/<file>``  one of those files
``HEAD /openrosa/submission``       204, ``X-OpenRosa-Accept-Content-Length``
``POST /openrosa/submission``       multipart: ``xml_submission_file`` and attachments
==================================  ========================================================

Every response carries ``X-OpenRosa-Version: 1.0``. A new submission answers 201, a retry of
one already received (same ``instanceID``, same XML) 202, a report kept in quarantine 202 with
the reason in the message, an ``instanceID`` reused for other content 409.
"""

from __future__ import annotations

import codecs
import csv
import functools
import hashlib
import io
import re
from collections.abc import Callable
from typing import Any
from xml.etree import ElementTree
from xml.sax.saxutils import escape

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml import ElementTree as DefusedET
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from pollwatch.checklists.models import Form, FormVersion
from pollwatch.missions.models import Assignment
from pollwatch.submissions import catalog
from pollwatch.submissions.models import Channel, Evidence

from . import httpauth
from .credentials import Principal
from .models import InboundReport
from .services import Received, content_hash, key_scope, receive

OPENROSA_VERSION = "1.0"
XFORMS_LIST = "http://openrosa.org/xforms/xformsList"
MANIFEST = "http://openrosa.org/xforms/xformsManifest"
RESPONSE = "http://openrosa.org/http/response"
MEDIA_FILES = ("stations.csv", "assignments.csv")


def _openrosa(response: HttpResponse) -> HttpResponse:
    response["X-OpenRosa-Version"] = OPENROSA_VERSION
    response["Date"] = timezone.now().strftime("%a, %d %b %Y %H:%M:%S GMT")
    return response


def _xml(body: str, status: int = 200) -> HttpResponse:
    return _openrosa(HttpResponse('<?xml version="1.0" encoding="UTF-8"?>\n' + body, status=status,
                                  content_type="text/xml; charset=utf-8"))


def _message(text: str, status: int, nature: str = "") -> HttpResponse:
    attribute = f' nature="{nature}"' if nature else ""
    return _xml(f'<OpenRosaResponse xmlns="{RESPONSE}"><message{attribute}>{escape(text)}</message>'
                "</OpenRosaResponse>", status)


def _unauthorised(stale: bool = False) -> HttpResponse:
    response = _message(_("Sign in with your username and device token."), 401)
    response["WWW-Authenticate"] = httpauth.challenge(stale)
    return response


def observer_required(view: Callable) -> Callable:
    """Authenticate (Digest, Basic, Bearer); only observers' tokens reach the view."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            principal = httpauth.authenticate(request)
        except httpauth.StaleNonce:
            return _unauthorised(stale=True)
        if principal is None:
            return _unauthorised()
        if principal.observer is None:
            return _message(_("Only observers' device tokens can use ODK Collect."), 403)
        with translation.override(principal.observer.language or "en"):
            try:
                return view(request, principal, *args, **kwargs)
            except Http404 as exc:
                return _message(str(exc) or _("Not found."), 404)

    return csrf_exempt(wrapper)


def _published_versions(principal: Principal) -> list[FormVersion]:
    versions = []
    for key, form in catalog.forms_of_mission(principal.mission.pk).items():
        if key.startswith("code:"):
            version = catalog.current_version(form)
            if version is not None and version.xform:
                versions.append(version)
    return sorted(versions, key=lambda v: (v.form.kind, v.form.code))


def _xform_id(version: FormVersion) -> str:
    """``<mission>-<form code>``, the id the forms engineer's XForms carry. (``FormVersion``'s
    ``form_id`` property is shadowed by the foreign key's column of the same name.)"""
    return f"{version.form.mission.code}-{version.form.code}"


def _xform_hash(version: FormVersion) -> str:
    if version.xform_hash:
        return version.xform_hash if ":" in version.xform_hash else f"md5:{version.xform_hash}"
    return "md5:" + hashlib.md5(version.xform.encode(), usedforsecurity=False).hexdigest()


@observer_required
def form_list(request: HttpRequest, principal: Principal) -> HttpResponse:
    wanted = request.GET.get("formID", "")
    items = []
    for version in _published_versions(principal):
        form_id = _xform_id(version)
        if wanted and wanted != form_id:
            continue
        download = request.build_absolute_uri(reverse("intake:openrosa_form", args=[version.pk]))
        manifest = request.build_absolute_uri(reverse("intake:openrosa_manifest", args=[version.pk]))
        items.append(
            f"<xform><formID>{escape(form_id)}</formID>"
            f"<name>{escape(version.form.name_in())}</name>"
            f"<version>{version.number}</version><hash>{_xform_hash(version)}</hash>"
            f"<downloadUrl>{escape(download)}</downloadUrl>"
            f"<manifestUrl>{escape(manifest)}</manifestUrl></xform>")
    return _xml(f'<xforms xmlns="{XFORMS_LIST}">' + "".join(items) + "</xforms>")


def _version_for(principal: Principal, version_id: int) -> FormVersion:
    version = (FormVersion.objects.select_related("form", "form__mission")
               .filter(pk=version_id, form__mission=principal.mission).first())
    if version is None or version.status == FormVersion.Status.DRAFT:
        raise Http404("No such form")
    return version


@observer_required
def form_xml(request: HttpRequest, principal: Principal, version_id: int) -> HttpResponse:
    version = _version_for(principal, version_id)
    response = _openrosa(HttpResponse(version.xform, content_type="text/xml; charset=utf-8"))
    response["Content-Disposition"] = f'attachment; filename="{_xform_id(version)}.xml"'
    return response


def stations_csv(principal: Principal) -> bytes:
    """The observer's assigned stations: ``name`` (code) and ``label`` as ODK's
    ``select_one_from_file`` needs, then place and local opening hours."""
    stations = {}
    for assignment in _assignments(principal):
        stations[assignment.station.code] = assignment.station
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["name", "label", "region", "address", "opens_at", "closes_at", "timezone"])
    for code in sorted(stations):
        station = stations[code]
        region = station.region.name_in() if station.region_id else ""
        writer.writerow([code, f"{code} {station.name}".strip(), region, station.address,
                         station.opens_at.strftime("%H:%M"), station.closes_at.strftime("%H:%M"),
                         station.timezone])
    return out.getvalue().encode()


def assignments_csv(principal: Principal) -> bytes:
    """The observer's team's assignments, with the report due time in the station's time."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["name", "label", "station", "phase", "team", "report_due"])
    for assignment in _assignments(principal):
        due = assignment.station.to_local(assignment.report_due_at).strftime("%Y-%m-%d %H:%M")
        writer.writerow([assignment.pk, f"{assignment.station.code} {assignment.phase}",
                         assignment.station.code, assignment.phase, assignment.team.code, due])
    return out.getvalue().encode()


def _assignments(principal: Principal) -> list[Assignment]:
    return list(Assignment.objects.filter(team__members=principal.observer)
                .select_related("station", "station__region", "team")
                .order_by("station__code", "report_due_at"))


def _media(principal: Principal, name: str) -> bytes:
    if name == "stations.csv":
        return stations_csv(principal)
    if name == "assignments.csv":
        return assignments_csv(principal)
    raise Http404("No such file")


@observer_required
def manifest(request: HttpRequest, principal: Principal, version_id: int) -> HttpResponse:
    version = _version_for(principal, version_id)
    files = []
    for name in MEDIA_FILES:
        digest = hashlib.md5(_media(principal, name), usedforsecurity=False).hexdigest()
        url = request.build_absolute_uri(reverse("intake:openrosa_media", args=[version.pk, name]))
        files.append(f"<mediaFile><filename>{name}</filename><hash>md5:{digest}</hash>"
                     f"<downloadUrl>{escape(url)}</downloadUrl></mediaFile>")
    return _xml(f'<manifest xmlns="{MANIFEST}">' + "".join(files) + "</manifest>")


@observer_required
def media(request: HttpRequest, principal: Principal, version_id: int, name: str) -> HttpResponse:
    _version_for(principal, version_id)
    response = HttpResponse(_media(principal, name), content_type="text/csv; charset=utf-8")
    return _openrosa(response)


# --- submission -----------------------------------------------------------------------------

def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))
_DECLARED = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


def instance_encoding(data: bytes) -> str:
    """The instance's encoding, as XML 1.0 (appendix F) finds it: a byte order mark, the
    first characters' bytes (UTF-16 without a mark), the declaration, else UTF-8."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    if data.startswith(b"<\x00?\x00"):
        return "utf-16-le"
    if data.startswith(b"\x00<\x00?"):
        return "utf-16-be"
    declared = _DECLARED.match(data[:200])
    return declared.group(1).decode("ascii").lower() if declared else "utf-8"


def decode_instance(data: bytes) -> str:
    """The instance as text; ValueError saying where when its bytes are not its encoding."""
    encoding = instance_encoding(data)
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise ValueError(f"the submission declares an unknown encoding {encoding!r}")
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ValueError(f"the submission is not valid {encoding.upper()}: byte {exc.start + 1} "
                         f"({data[exc.start:exc.start + 1]!r})")


def parse_instance(text: str) -> ElementTree.Element:
    """The instance's root element, parsed by defusedxml from the decoded text: a DTD,
    entity declaration or external reference anywhere is refused (ValueError)."""
    try:
        return DefusedET.fromstring(text, forbid_dtd=True, forbid_entities=True,
                                    forbid_external=True)
    except DTDForbidden:
        raise ValueError("the submission must not contain a DTD (<!DOCTYPE ...>)")
    except EntitiesForbidden:
        raise ValueError("the submission must not declare entities (<!ENTITY ...>)")
    except ExternalReferenceForbidden:
        raise ValueError("the submission must not refer to external resources")


def read_instance(data: bytes) -> ElementTree.Element:
    """The submitted instance's root element, from its bytes (see :func:`parse_instance`)."""
    return parse_instance(decode_instance(data))


def instance_meta(root: ElementTree.Element) -> dict[str, str]:
    meta: dict[str, str] = {"form_id": root.get("id", ""), "version": root.get("version", "")}
    for child in root:
        if _local(child.tag) == "meta":
            for item in child:
                meta[_local(item.tag)] = (item.text or "").strip()
    return meta


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name)[:100] or "file"


def _store_attachments(request: HttpRequest, instance_id: str,
                       skip: frozenset[str] = frozenset()) -> list[dict[str, Any]]:
    """Write the request's attachments (but those named in ``skip``) to the storage."""
    stored = []
    folder = f"openrosa/{timezone.now():%Y/%m/%d}/{_safe_name(instance_id.removeprefix('uuid:'))}"
    for field, upload in request.FILES.items():
        if field == "xml_submission_file" or upload.name in skip:
            continue
        data = upload.read()
        path = default_storage.save(f"{folder}/{_safe_name(upload.name)}", ContentFile(data))
        stored.append({"name": upload.name, "path": path, "size": len(data),
                       "content_type": upload.content_type or "",
                       "sha256": hashlib.sha256(data).hexdigest()})
    return stored


@observer_required
def submission(request: HttpRequest, principal: Principal) -> HttpResponse:
    if request.method in ("HEAD", "GET"):
        response = _openrosa(HttpResponse(status=204))
        response["X-OpenRosa-Accept-Content-Length"] = str(settings.INTAKE_MAX_BYTES)
        return response
    if request.method != "POST":
        return _message("Use POST.", 405)
    upload = request.FILES.get("xml_submission_file")
    if upload is None:
        return _message("The request has no xml_submission_file.", 400)
    data = upload.read()
    try:
        text = decode_instance(data)
    except ValueError as exc:
        text, meta = data.decode("utf-8", errors="replace"), {"unreadable": str(exc)[:200]}
    else:
        try:
            meta = instance_meta(parse_instance(text))
        except (ValueError, ElementTree.ParseError) as exc:
            meta = {"unreadable": str(exc)[:200]}
    # Without an instanceID, the instance's digest is its key, so a resent copy is stored once.
    instance_id = meta.get("instanceID", "")
    key = instance_id[:128] or "sha256:" + hashlib.sha256(data).hexdigest()[:40]
    report = InboundReport(
        channel=Channel.OPENROSA, mission=principal.mission, observer=principal.observer,
        sender=principal.label, key=key,
        content_hash=content_hash("openrosa", f"observer:{principal.observer.pk}", data),
        content_type="text/xml", payload=text,
        meta={**meta, "user_agent": request.headers.get("User-Agent", "")[:200]},
    )
    # The key is checked before any attachment is written: a refused retry writes nothing,
    # a retry writes only the attachments the stored report does not have yet.
    existing = (InboundReport.objects.filter(key_scope=key_scope(report), key=report.key)
                .exclude(status=InboundReport.Status.REFUSED).only("content_hash", "meta").first())
    if existing is not None and existing.content_hash != report.content_hash:
        attachments = []
    else:
        known = _attachment_names(existing) if existing is not None else frozenset()
        attachments = _store_attachments(request, instance_id or "no-id", skip=known)
    report.meta["attachments"] = attachments
    received = receive(report, raw=data)
    kept = attachments
    if received.replayed:
        kept = _add_late_attachments(received, attachments)
    elif received.status == "refused":
        kept = []
    _delete_unused(attachments, kept)
    return _submission_response(received)


def _attachment_names(report: InboundReport) -> frozenset[str]:
    return frozenset(item["name"] for item in (report.meta or {}).get("attachments", []))


def _delete_unused(stored: list[dict[str, Any]], kept: list[dict[str, Any]]) -> None:
    """Remove the files this request wrote that no report refers to (a concurrent copy of
    the same submission won the race and kept its own)."""
    paths = {item["path"] for item in kept}
    for item in stored:
        if item["path"] not in paths:
            default_storage.delete(item["path"])


def _add_late_attachments(received: Received,
                          attachments: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """ODK Collect splits a large submission into several POSTs with the same XML: the later
    ones bring the remaining attachments, which join the stored report and submission.
    Returns those added."""
    stored = received.report
    known = _attachment_names(stored)
    new = [item for item in attachments if item["name"] not in known]
    if not new:
        return []
    stored.meta = {**stored.meta, "attachments": [*stored.meta.get("attachments", []), *new]}
    InboundReport.objects.filter(pk=stored.pk).update(meta=stored.meta)
    if received.submission is not None:
        answers = received.submission.answers or {}
        by_file = {str(v): k for k, v in answers.items() if isinstance(v, str)}
        Evidence.objects.bulk_create([
            Evidence(submission=received.submission, question=by_file.get(item["name"], ""),
                     file=item["path"], content_type=item["content_type"], sha256=item["sha256"])
            for item in new])
    return new


def _submission_response(received: Received) -> HttpResponse:
    if received.status == "refused":
        return _message(received.reason, 409, "submit_error")
    if received.accepted:
        submission = received.submission
        form = submission.form.name_in() if submission else ""
        if submission and submission.station_id:
            text = _("Thank you: %(form)s for %(station)s received.") % {
                "form": form, "station": submission.station.code}
        else:
            text = _("Thank you: %(form)s received.") % {"form": form}
        if received.replayed:
            return _message(_("Already received. %(text)s") % {"text": text}, 202, "submit_success")
        return _message(text, 201, "submit_success")
    return _message(_("Received and held for review: %(reason)s") % {"reason": received.reason}, 202,
                    "submit_success")


def form_for_xform_id(mission_id: int, mission_code: str, form_id: str) -> Form | None:
    code = form_id[len(mission_code) + 1:] if form_id.startswith(f"{mission_code}-") else form_id
    return catalog.form_by_code(mission_id, code)
