"""Writing findings and statements: every step of their workflow, audited.

Findings: :func:`create_finding` (analyst or coordinator), :func:`submit_finding`,
:func:`review_finding` (someone other than the author), :func:`approve_finding` (a
coordinator). Statements: :func:`create_statement` (from the template), :func:`save_statement_text`,
:func:`place_finding`, :func:`join_statement`, :func:`approve_statement`, :func:`sign_off`
(each group's coordinator, for a common statement), :func:`publish_statement` (freezes it),
:func:`reopen_statement` (a corrected version; earlier publications stay).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import zoneinfo
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _

from pollwatch.accounts import audit
from pollwatch.accounts.access import (
    MANAGERS,
    STAFF,
    is_group_coordinator,
    may_decide_statement,
    require_actor_role,
)
from pollwatch.accounts.models import AuditEntry, Role, User
from pollwatch.accounts.onetime import qr_svg
from pollwatch.missions.models import Group, Meeting, Mission
from pollwatch.submissions.models import Incident, Submission

from . import figures as fig
from . import open_data
from .models import (
    Finding,
    FindingEvidence,
    FindingPhase,
    Publication,
    PublishedDocument,
    SignOff,
    Statement,
    StatementItem,
)
from .rendering import all_texts, content_hash, draft_content, print_article, render_content
from .template import SECTION_KEYS, SECTION_OF_PHASE, starter_texts
from .translations import language_name, missing_texts, original_hash

STATION_FORMS = ("opening", "voting", "closing")


class WorkflowError(ValueError):
    """A step that the finding's or statement's state does not allow."""


# --- who may ------------------------------------------------------------------------------

def _require(actor: Any, mission: Mission, roles: Iterable[Role], what: str) -> None:
    require_actor_role(actor, mission, roles, what)


# --- findings -----------------------------------------------------------------------------

def _check_standards(mission: Mission, standards: Iterable[str]) -> list[str]:
    known = {s.get("code") for s in mission.standards or []}
    codes = list(dict.fromkeys(standards))
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise ValueError(_("not standards of this mission: %(codes)s") % {"codes": ", ".join(unknown)})
    return codes


def _check_language(mission: Mission, language: str) -> str:
    if language not in (mission.languages or ["en"]):
        raise ValueError(_("%(language)s is not a language of this mission (%(languages)s)")
                         % {"language": repr(language), "languages": ", ".join(mission.languages or ["en"])})
    return language


def create_finding(mission: Mission, actor: audit.Actor, *, title: str, text: str, phase: str,
                   standards: Iterable[str] = (), group: Group | None = None,
                   language: str = "") -> Finding:
    """A draft finding, written in ``language`` (by default the mission's first)."""
    _require(actor, mission, STAFF, _("write findings"))
    language = _check_language(mission, language or (mission.languages or ["en"])[0])
    if phase not in FindingPhase.values:
        raise ValueError(_("phase must be one of %(phases)s") % {"phases": ", ".join(FindingPhase.values)})
    if group is not None and group.mission_id != mission.pk:
        raise ValueError(_("the group is not part of this mission"))
    if not title.strip() or not text.strip():
        raise ValueError(_("a finding needs a title and a text"))
    finding = Finding(mission=mission, group=group, title=title.strip(), text=text.strip(), phase=phase,
                      language=language, standards=_check_standards(mission, standards),
                      created_by=actor if isinstance(actor, User) else None)
    audit.save_audited(finding, actor, mission=mission)
    return finding


def update_finding(finding: Finding, actor: audit.Actor, **fields: Any) -> Finding:
    _require(actor, finding.mission, STAFF, _("edit findings"))
    if not finding.is_editable:
        raise WorkflowError(_("only a draft finding can be edited; this one is %(status)s")
                            % {"status": finding.get_status_display().lower()})
    if "standards" in fields:
        fields["standards"] = _check_standards(finding.mission, fields["standards"])
    if "phase" in fields and fields["phase"] not in FindingPhase.values:
        raise ValueError(_("phase must be one of %(phases)s") % {"phases": ", ".join(FindingPhase.values)})
    if "language" in fields:
        _check_language(finding.mission, fields["language"])
    for name in ("title", "text", "phase", "standards", "group", "language"):
        if name in fields:
            setattr(finding, name, fields[name])
    audit.save_audited(finding, actor, mission=finding.mission)
    return finding


def translate_finding(finding: Finding, actor: audit.Actor, language: str, *, title: str,
                      text: str) -> Finding:
    """Write (or rewrite) the finding's version in another language of the mission. It is
    current until the original changes. Allowed in any state: a translation says again what
    was reviewed and approved; the audit log keeps every version."""
    _require(actor, finding.mission, STAFF, _("translate findings"))
    _check_language(finding.mission, language)
    if language == finding.language:
        raise ValueError(_("the finding is written in %(language)s: edit it instead")
                         % {"language": language_name(language)})
    if not title.strip() or not text.strip():
        raise ValueError(_("a finding needs a title and a text"))
    problems = fig.reference_errors(finding.mission, [text])
    if problems:
        raise ValueError("; ".join(problems))
    finding.translations = {**(finding.translations or {}), language: {
        "title": title.strip(), "text": text.strip(), "of": original_hash(finding)}}
    audit.save_audited(finding, actor, mission=finding.mission)
    return finding


def add_evidence(finding: Finding, actor: audit.Actor, *, submission: Submission | None = None,
                 incident: Incident | None = None, meeting: Meeting | None = None,
                 reference: str = "", note: str = "") -> FindingEvidence:
    """Link a submission, incident or meeting of the finding's mission, or an analysis page."""
    _require(actor, finding.mission, STAFF, _("add evidence"))
    given = [x for x in (submission, incident, meeting, reference.strip() or None) if x is not None]
    if len(given) != 1:
        raise ValueError(_("evidence is one submission, incident, meeting or analysis page"))
    target = submission or incident or meeting
    if target is not None and target.mission_id != finding.mission_id:
        raise ValueError(_("the evidence belongs to another mission"))
    kind = (FindingEvidence.Kind.SUBMISSION if submission else FindingEvidence.Kind.INCIDENT if incident
            else FindingEvidence.Kind.MEETING if meeting else FindingEvidence.Kind.ANALYSIS)
    if kind == FindingEvidence.Kind.ANALYSIS and not reference.strip().startswith("/"):
        raise ValueError(_("an analysis is referenced by the path of its page, "
                           "e.g. /m/<mission>/results/..."))
    evidence = FindingEvidence(finding=finding, kind=kind, submission=submission, incident=incident,
                               meeting=meeting, reference=reference.strip(), note=note.strip(),
                               added_by=actor if isinstance(actor, User) else None)
    audit.save_audited(evidence, actor, mission=finding.mission)
    return evidence


def _move(finding: Finding, actor: audit.Actor, frm: Iterable[str], to: str, **fields: Any) -> Finding:
    if finding.status not in set(frm):
        raise WorkflowError(_("the finding is %(status)s; it cannot be %(target)s now")
                            % {"status": finding.get_status_display().lower(),
                               "target": Finding.Status(to).label.lower()})
    finding.status = to
    for name, value in fields.items():
        setattr(finding, name, value)
    audit.save_audited(finding, actor, mission=finding.mission)
    return finding


def submit_finding(finding: Finding, actor: audit.Actor) -> Finding:
    """Send a draft for review."""
    _require(actor, finding.mission, STAFF, _("submit findings"))
    return _move(finding, actor, [Finding.Status.DRAFT], Finding.Status.IN_REVIEW,
                 submitted_at=timezone.now())


def review_finding(finding: Finding, actor: audit.Actor, *, accept: bool, note: str = "") -> Finding:
    """A second pair of eyes: accept (reviewed) or send back to draft with a note."""
    _require(actor, finding.mission, STAFF, _("review findings"))
    if isinstance(actor, User) and finding.created_by_id == actor.pk:
        raise WorkflowError(_("a finding is reviewed by someone other than its author"))
    if not accept and not note.strip():
        raise ValueError(_("say why the finding goes back (note)"))
    return _move(finding, actor, [Finding.Status.IN_REVIEW],
                 Finding.Status.REVIEWED if accept else Finding.Status.DRAFT,
                 reviewed_by=actor if isinstance(actor, User) else None, reviewed_at=timezone.now(),
                 review_note=note.strip())


def approve_finding(finding: Finding, actor: audit.Actor) -> Finding:
    _require(actor, finding.mission, MANAGERS, _("approve findings"))
    return _move(finding, actor, [Finding.Status.REVIEWED], Finding.Status.APPROVED,
                 approved_by=actor if isinstance(actor, User) else None, approved_at=timezone.now())


# --- statements ---------------------------------------------------------------------------

#: Slugs a statement may not take: they are pages under /m/<mission>/statements/.
RESERVED_SLUGS = {"findings"}


def _unique_slug(mission: Mission, text: str) -> str:
    base = slugify(text)[:80] or "statement"
    slug, n = base, 1
    while slug in RESERVED_SLUGS or Statement.objects.filter(mission=mission, slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def create_statement(mission: Mission, actor: audit.Actor, *, kind: str = Statement.Kind.GROUP,
                     group: Group | None = None, groups: Iterable[Group] = (),
                     languages: Iterable[str] | None = None, slug: str = "",
                     title: str = "", dated: dt.date | None = None) -> Statement:
    """A new draft from the template, in the mission's languages (or those given), bearing
    the date ``dated`` when given (else the day it is published)."""
    _require(actor, mission, STAFF, _("draft statements"))
    languages = list(dict.fromkeys(languages or mission.languages or ["en"]))
    groups = list(groups)
    if kind == Statement.Kind.COMMON:
        if len(groups) < 2:
            raise ValueError(_("a common statement joins at least two groups"))
        group = None
    elif groups:
        raise ValueError(_("only a common statement has several groups"))
    for g in [*groups, *([group] if group else [])]:
        if g.mission_id != mission.pk:
            raise ValueError(_("%(group)s is not a group of this mission") % {"group": g})
    texts = starter_texts(mission, languages)
    if title:
        texts[languages[0]]["title"] = title
    if slug and (slug in RESERVED_SLUGS or Statement.objects.filter(mission=mission, slug=slug).exists()):
        raise ValueError(_("the address %(slug)s is taken; choose another") % {"slug": repr(slug)})
    statement = Statement(mission=mission, kind=kind, group=group, languages=languages, texts=texts,
                          dated=dated,
                          slug=slug or _unique_slug(mission, title or texts[languages[0]]["title"]),
                          created_by=actor if isinstance(actor, User) else None)
    with transaction.atomic():
        audit.save_audited(statement, actor, mission=mission)
        statement.groups.set(groups)
    return statement


def _editable(statement: Statement) -> None:
    if not statement.is_editable:
        raise WorkflowError(_("the statement is %(status)s; reopen it to make a corrected version")
                            % {"status": statement.get_status_display().lower()})


def save_statement_text(statement: Statement, actor: audit.Actor, language: str, *, title: str,
                        sections: Mapping[str, str]) -> Statement:
    """Replace the title and section texts of one language (sections not given are kept)."""
    _require(actor, statement.mission, STAFF, _("edit statements"))
    _editable(statement)
    if language not in statement.languages:
        raise ValueError(_("the statement is not written in %(language)s (%(languages)s)")
                         % {"language": repr(language), "languages": ", ".join(statement.languages)})
    unknown = sorted(set(sections) - set(SECTION_KEYS))
    if unknown:
        raise ValueError(_("unknown sections: %(sections)s") % {"sections": ", ".join(unknown)})
    texts = dict(statement.texts)
    current = dict(texts.get(language) or {"title": "", "sections": {}})
    current["title"] = title.strip()
    current["sections"] = {**current.get("sections", {}), **{k: v.strip() for k, v in sections.items()}}
    texts[language] = current
    statement.texts = texts
    audit.save_audited(statement, actor, mission=statement.mission)
    return statement


def _next_position(statement: Statement) -> int:
    last = statement.items.order_by("-position").values_list("position", flat=True).first()
    return (last or 0) + 1


def place_finding(statement: Statement, finding: Finding, actor: audit.Actor,
                  section: str = "") -> StatementItem:
    """Put an approved finding in a section (by default the one of its phase)."""
    _require(actor, statement.mission, STAFF, _("edit statements"))
    _editable(statement)
    if finding.mission_id != statement.mission_id:
        raise ValueError(_("the finding belongs to another mission"))
    if not finding.is_approved:
        raise WorkflowError(_("only approved findings go into a statement"))
    allowed = ({g.pk for g in statement.groups.all()} if statement.is_common
               else {statement.group_id} if statement.group_id else None)
    if allowed is not None and finding.group_id is not None and finding.group_id not in allowed:
        raise ValueError(_("the finding is another group's"))
    section = section or SECTION_OF_PHASE.get(finding.phase, "summary")
    if section not in SECTION_KEYS:
        raise ValueError(_("unknown section %(section)s") % {"section": repr(section)})
    item = StatementItem(statement=statement, finding=finding, section=section,
                         position=_next_position(statement))
    audit.save_audited(item, actor, mission=statement.mission)
    return item


def join_statement(common: Statement, source: Statement, actor: audit.Actor) -> StatementItem:
    """Join an approved (or published) group statement into a common statement."""
    _require(actor, common.mission, STAFF, _("edit statements"))
    _editable(common)
    if not common.is_common:
        raise ValueError(_("statements are joined into a common statement"))
    if source.mission_id != common.mission_id or source.is_common:
        raise ValueError(_("only group statements of the same mission can be joined"))
    if source.status not in (Statement.Status.APPROVED, Statement.Status.PUBLISHED):
        raise WorkflowError(_("only approved or published statements can be joined"))
    if source.group_id not in {g.pk for g in common.groups.all()}:
        raise ValueError(_("the statement is of a group that does not sign this common statement"))
    item = StatementItem(statement=common, source=source, position=_next_position(common))
    audit.save_audited(item, actor, mission=common.mission)
    return item


def remove_item(item: StatementItem, actor: audit.Actor) -> None:
    _require(actor, item.statement.mission, STAFF, _("edit statements"))
    _editable(item.statement)
    audit.delete_audited(item, actor, mission=item.statement.mission)


def _may_decide(actor: Any, statement: Statement) -> bool:
    return may_decide_statement(actor, statement)


def approve_statement(statement: Statement, actor: audit.Actor) -> Statement:
    """A group's coordinator approves its statement, so a common statement can join it."""
    if not _may_decide(actor, statement):
        raise PermissionDenied(_("Only the group's coordinator approves its statement"))
    if statement.status != Statement.Status.DRAFT:
        raise WorkflowError(_("only a draft is approved"))
    statement.status = Statement.Status.APPROVED
    statement.approved_by = actor if isinstance(actor, User) else None
    statement.approved_at = timezone.now()
    audit.save_audited(statement, actor, mission=statement.mission)
    return statement


def signoff_hash(statement: Statement) -> str:
    """What a sign-off agrees to: the texts and items as they stand (figures are frozen at
    publication)."""
    return content_hash(draft_content(statement))


def sign_off(statement: Statement, group: Group, actor: User) -> SignOff:
    """The group's coordinator agrees to the common statement as it stands now."""
    if not statement.is_common or group not in statement.groups.all():
        raise ValueError(_("sign-offs are for the groups of a common statement"))
    if not is_group_coordinator(actor, group):
        raise PermissionDenied(_("Only the coordinator of %(group)s signs for it") % {"group": group})
    _editable(statement)
    signoff, _created = SignOff.objects.update_or_create(
        statement=statement, group=group,
        defaults={"signed_by": actor, "content_hash": signoff_hash(statement)})
    audit.record(actor, AuditEntry.Action.ACTION, statement, mission=statement.mission,
                 changes={"signed_off": [None, group.code], "content_hash": [None, signoff.content_hash]})
    return signoff


def missing_signoffs(statement: Statement) -> list[Group]:
    """Groups of a common statement without a sign-off of the current content."""
    if not statement.is_common:
        return []
    current = signoff_hash(statement)
    signed = {s.group_id for s in statement.signoffs.all() if s.content_hash == current}
    return [g for g in statement.groups.all() if g.pk not in signed]


# --- publishing ---------------------------------------------------------------------------

def publication_problems(statement: Statement) -> list[str]:
    """Why the statement cannot be published now (empty when it can)."""
    problems = []
    content = draft_content(statement)
    problems += [_("figure %(problem)s") % {"problem": e} for e in fig.errors_in(all_texts(content))]
    problems += missing_texts(content)
    values = fig.compute_figures(statement.mission, fig.refs_in(all_texts(content))).values()
    problems += fig.value_errors(values)
    for value in values:
        if not value.error and value.kind == "share" and not value.base:
            problems.append(_("%(figure)s: no observation answered the question yet")
                            % {"figure": value.describe()})
    for lang in statement.languages:
        if not (statement.texts.get(lang) or {}).get("title"):
            problems.append(_("no title in %(language)s") % {"language": lang})
    problems += [_("%(group)s has not signed off this version") % {"group": g}
                 for g in missing_signoffs(statement)]
    return problems


def open_data_csv(mission: Mission, figures: dict[str, fig.FigureValue]) -> str:
    """The public open data behind the statement (:mod:`.open_data`: aggregates only, small
    cells suppressed), for the station forms and every form a figure uses."""
    forms = [*STATION_FORMS, *[value.query.get("form", "") for value in figures.values()]]
    return open_data.open_data_csv(mission, forms)


def figure_link(statement: Statement, *, public: bool) -> Any:
    def link(key: str) -> str:
        if public:
            return reverse("statements:public_figure", args=[statement.mission.code, statement.slug, key])
        return reverse("statements:figure", args=[statement.mission.code, statement.slug, key])
    return link


def render_pdf(html: str) -> bytes:
    import logging

    logging.getLogger("weasyprint").setLevel(logging.WARNING)   # not every layout step
    from weasyprint import HTML

    return HTML(string=html, base_url=settings.SITE_URL).write_pdf()


def _documents(statement: Statement, publication: Publication, content: dict[str, Any],
               figures: dict[str, fig.FigureValue]) -> None:
    link = figure_link(statement, public=True)
    for language in statement.languages:
        title, sections = render_content(content, language, figures, link)
        context = {"statement": statement, "publication": publication, "title": title,
                   "sections": sections, "language": language, "mission": statement.mission,
                   "mission_name": statement.mission.name_in(language)}
        article = render_to_string("statements/_article.html", context)
        public_url = settings.SITE_URL.rstrip("/") + reverse(
            "statements:public", args=[statement.mission.code, statement.slug]) + f"?v={publication.number}"
        pdf = render_pdf(render_to_string("statements/print.html", {
            **context, "article": print_article(article, settings.SITE_URL), "public_url": public_url,
            "public_qr": mark_safe(qr_svg(public_url)),  # noqa: S308 - drawn by qrcode from our URL
            "letterhead": statement.mission.letterhead_in(language)}))
        document = PublishedDocument(publication=publication, language=language, html=article,
                                     pdf_sha256=hashlib.sha256(pdf).hexdigest())
        document.pdf.save(f"{statement.mission.code}-{statement.slug}-v{publication.number}-{language}.pdf",
                          ContentFile(pdf), save=False)
        document.save()


def publish_statement(statement: Statement, actor: audit.Actor, dated: dt.date | None = None) -> Publication:
    """Freeze the statement with its figures as they are now, render its HTML and PDF in each
    language, and show it on the public page. It bears the date ``dated`` (kept as the
    statement's), else the statement's chosen date, else today's."""
    if not _may_decide(actor, statement):
        raise PermissionDenied(_("Only the coordinator of the statement's group publishes it"))
    if statement.status == Statement.Status.PUBLISHED:
        raise WorkflowError(_("the statement is already published; reopen it to publish a corrected version"))
    problems = publication_problems(statement)
    if problems:
        raise WorkflowError(_("cannot publish: %(problems)s") % {"problems": "; ".join(problems)})
    content = draft_content(statement)
    figures = fig.compute_figures(statement.mission, fig.refs_in(all_texts(content)))
    frozen = {**content, "figures": {key: value.to_dict() for key, value in figures.items()}}
    with transaction.atomic():
        last = statement.publications.order_by("-number").values_list("number", flat=True).first()
        number = (last or 0) + 1
        publication = Publication.objects.create(
            statement=statement, number=number, published_at=timezone.now(),
            dated=dated or statement.dated or timezone.localdate(
                timezone=zoneinfo.ZoneInfo(statement.mission.election.default_timezone)),
            published_by=actor if isinstance(actor, User) else None, content_hash=content_hash(frozen),
            content=frozen, open_data=open_data_csv(statement.mission, figures))
        _documents(statement, publication, frozen, figures)
        statement.status = Statement.Status.PUBLISHED
        statement.dated = publication.dated
        audit.save_audited(statement, actor, mission=statement.mission)
        audit.record(actor, AuditEntry.Action.ACTION, publication, mission=statement.mission,
                     changes={"published": [None, number], "content_hash": [None, publication.content_hash]})
    return publication


def reopen_statement(statement: Statement, actor: audit.Actor) -> Statement:
    """Start a corrected version of a published statement: it becomes a draft again; its
    publications stay public until the next one replaces them."""
    if not _may_decide(actor, statement):
        raise PermissionDenied(_("Only the coordinator of the statement's group reopens it"))
    if statement.status == Statement.Status.DRAFT:
        raise WorkflowError(_("the statement is already a draft"))
    statement.status = Statement.Status.DRAFT
    audit.save_audited(statement, actor, mission=statement.mission)
    return statement


def frozen_figures(publication: Publication) -> dict[str, fig.FigureValue]:
    return {key: fig.FigureValue.from_dict(value) for key, value in publication.content["figures"].items()}
