"""The one permission layer: who may see or change what.

Every view, API endpoint and command that touches mission data calls one of the
``access_<thing>_by_user`` functions below instead of checking roles itself.

- An administrator (superuser) may do everything.
- A coordinator or analyst sees their own missions only; coordinators also manage them.
- An observer sees and submits only for their own team's assignments.
- Anyone else (the public) sees published statements and open data only.

A user asking for a mission they have no role in gets ``PermissionDenied`` (403). An object
that exists in another mission is reported as not found (404), so ids do not leak.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from .models import Membership, Role

if TYPE_CHECKING:
    from pollwatch.elections.models import PollingStation
    from pollwatch.missions.models import Assignment, Mission, Observer, Team

STAFF = (Role.COORDINATOR, Role.ANALYST)
MANAGERS = (Role.COORDINATOR,)
EVERYONE = (Role.COORDINATOR, Role.ANALYST, Role.OBSERVER)


def is_administrator(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_superuser)


def _roles_by_mission(user: Any) -> dict[int, str]:
    """The user's role per mission id, read once per user object (i.e. once per request)."""
    if not (user and user.is_authenticated and user.is_active):
        return {}
    cached = getattr(user, "_pollwatch_roles", None)
    if cached is None:
        cached = dict(Membership.objects.filter(user=user).values_list("mission_id", "role"))
        user._pollwatch_roles = cached
    return cached


def role_in_mission(user: Any, mission: Mission | int) -> Role:
    """The user's role in ``mission``: administrator, coordinator, analyst, observer or public."""
    if is_administrator(user):
        return Role.ADMINISTRATOR
    mission_id = mission if isinstance(mission, int) else mission.pk
    role = _roles_by_mission(user).get(mission_id)
    return Role(role) if role else Role.PUBLIC


def has_role(user: Any, mission: Mission | int, allowed: Iterable[Role]) -> bool:
    role = role_in_mission(user, mission)
    return role == Role.ADMINISTRATOR or role in set(allowed)


def missions_for_user(user: Any, allowed: Iterable[Role] = EVERYONE) -> QuerySet[Mission]:
    from pollwatch.missions.models import Mission

    if is_administrator(user):
        return Mission.objects.all()
    allowed_values = {Role(role).value for role in allowed}
    ids = [mid for mid, role in _roles_by_mission(user).items() if role in allowed_values]
    return Mission.objects.filter(pk__in=ids)


def access_mission_by_user(user: Any, mission_code: str | int,
                           allowed: Iterable[Role] = STAFF) -> Mission:
    """The mission, if ``user`` holds one of the ``allowed`` roles in it."""
    from pollwatch.missions.models import Mission

    lookup = {"pk": mission_code} if isinstance(mission_code, int) else {"code": mission_code}
    mission = Mission.objects.select_related("election").filter(**lookup).first()
    if mission is None:
        raise Http404("No such mission")
    if not has_role(user, mission, allowed):
        raise PermissionDenied(_("You have no role in this mission that allows this"))
    return mission


def observer_for_user(user: Any, mission: Mission | None = None) -> Observer | None:
    """The observer record of a signed-in observer (in ``mission`` when given)."""
    from pollwatch.missions.models import Observer

    if not (user and user.is_authenticated):
        return None
    query = Observer.objects.filter(user=user, is_active=True)
    if mission is not None:
        query = query.filter(mission=mission)
    return query.select_related("mission", "group").first()


def assignments_for_observer(observer: Observer) -> QuerySet[Assignment]:
    from pollwatch.missions.models import Assignment

    return Assignment.objects.filter(team__members=observer).select_related(
        "station", "team", "station__area"
    )


def is_station_assigned_to_observer(observer: Observer, station: PollingStation,
                                    phase: str | None = None) -> bool:
    query = assignments_for_observer(observer).filter(station=station)
    if phase:
        query = query.filter(phase=phase)
    return query.exists()


def access_observer_by_user(user: Any, observer_id: int,
                            allowed: Iterable[Role] = STAFF) -> Observer:
    """An observer record: staff of its mission, or the observer themself."""
    from pollwatch.missions.models import Observer

    observer = Observer.objects.select_related("mission", "group").filter(pk=observer_id).first()
    if observer is None:
        raise Http404("No such observer")
    if observer.user_id and user.is_authenticated and observer.user_id == user.pk:
        return observer
    if not has_role(user, observer.mission_id, allowed):
        raise Http404("No such observer")
    return observer


def access_team_by_user(user: Any, team_id: int, allowed: Iterable[Role] = STAFF) -> Team:
    from pollwatch.missions.models import Team

    team = Team.objects.select_related("mission", "group").filter(pk=team_id).first()
    if team is None:
        raise Http404("No such team")
    if has_role(user, team.mission_id, allowed):
        return team
    observer = observer_for_user(user, team.mission)
    if observer and team.members.filter(pk=observer.pk).exists():
        return team
    raise Http404("No such team")


def access_assignment_by_user(user: Any, assignment_id: int,
                              allowed: Iterable[Role] = STAFF) -> Assignment:
    """An assignment: staff of its mission, or an observer on its team."""
    from pollwatch.missions.models import Assignment

    assignment = (
        Assignment.objects.select_related("team", "team__mission", "station")
        .filter(pk=assignment_id)
        .first()
    )
    if assignment is None:
        raise Http404("No such assignment")
    mission = assignment.team.mission
    if has_role(user, mission, allowed):
        return assignment
    observer = observer_for_user(user, mission)
    if observer and assignment.team.members.filter(pk=observer.pk).exists():
        return assignment
    raise Http404("No such assignment")


def access_station_by_user(user: Any, mission: Mission, station_id: int,
                           allowed: Iterable[Role] = STAFF) -> PollingStation:
    """A polling station of the mission's election: staff see all, observers their own."""
    from pollwatch.elections.models import PollingStation

    station = (
        PollingStation.objects.select_related("area", "region")
        .filter(pk=station_id, election_id=mission.election_id)
        .first()
    )
    if station is None:
        raise Http404("No such polling station")
    if has_role(user, mission, allowed):
        return station
    observer = observer_for_user(user, mission)
    if observer and is_station_assigned_to_observer(observer, station):
        return station
    raise Http404("No such polling station")


UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def mission_view(*allowed: Role, read: Iterable[Role] | None = None,
                 write: Iterable[Role] | None = None) -> Callable:
    """Decorate a view taking ``mission`` (its code): resolve it and check the role.

    ``read`` (or the positional roles; staff by default) may open the page with GET or HEAD;
    ``write`` (the read roles when not given) may POST, PUT, PATCH or DELETE to it. So a view
    declares its rule once, e.g. ``@mission_view(read=STAFF, write=MANAGERS)``, and never checks
    ``request.method`` against a role itself.

    Sets ``request.mission``, ``request.mission_role`` and ``request.may_write``. Anonymous users
    go to sign in.
    """
    read_roles = tuple(read if read is not None else (allowed or STAFF))
    write_roles = tuple(write) if write is not None else read_roles

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, mission: str, *args: Any, **kwargs: Any) -> Any:
            if not request.user.is_authenticated:
                from django.contrib.auth.views import redirect_to_login

                return redirect_to_login(request.get_full_path())
            found = access_mission_by_user(request.user, mission, read_roles)
            may_write = has_role(request.user, found, write_roles)
            if request.method in UNSAFE_METHODS and not may_write:
                raise PermissionDenied(_("Your role in this mission does not allow this change"))
            request.mission = found  # type: ignore[attr-defined]
            request.mission_role = role_in_mission(request.user, found)  # type: ignore[attr-defined]
            request.may_write = may_write  # type: ignore[attr-defined]
            return view(request, found, *args, **kwargs)

        wrapper.mission_rule = {"read": read_roles, "write": write_roles}  # type: ignore[attr-defined]
        return wrapper

    return decorator


def holds_staff_role(user: Any) -> bool:
    """Administrators, and coordinators or analysts of any mission: the accounts that must
    sign in with a second factor (``STAFF_TWO_FACTOR``). Observers only are not staff."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if is_administrator(user):
        return True
    staff_roles = {Role(role).value for role in STAFF}
    return any(role in staff_roles for role in _roles_by_mission(user).values())


# --- private files ------------------------------------------------------------------------
# Uploads are served only through views that call these (pollwatch/files.py); there is no
# public /media/ route. A file of another mission is reported as not found.

if TYPE_CHECKING:
    from pollwatch.checklists.models import FormVersion
    from pollwatch.statements.models import PublishedDocument
    from pollwatch.submissions.models import Evidence


def access_evidence_by_user(user: Any, evidence_id: int,
                            allowed: Iterable[Role] = STAFF) -> Evidence:
    """A submission's attachment: staff of its mission, or the observer who sent it."""
    from pollwatch.submissions.models import Evidence

    evidence = (Evidence.objects.select_related("submission", "submission__observer")
                .filter(pk=evidence_id).first())
    if evidence is None:
        raise Http404("No such evidence")
    submission = evidence.submission
    if has_role(user, submission.mission_id, allowed):
        return evidence
    observer = submission.observer
    if (observer is not None and observer.user_id and user.is_authenticated
            and observer.user_id == user.pk and observer.is_active):
        return evidence
    raise Http404("No such evidence")


def access_form_file_by_user(user: Any, mission: Mission, version_id: int,
                             allowed: Iterable[Role] = STAFF) -> FormVersion:
    """A form version with its uploaded workbook: staff of the form's mission only."""
    from pollwatch.checklists.models import FormVersion

    version = (FormVersion.objects.select_related("form")
               .filter(pk=version_id, form__mission=mission).first())
    if version is None or not has_role(user, mission, allowed):
        raise Http404("No such form version")
    return version


def access_published_document_by_user(user: Any, mission: Mission, slug: str, number: int,
                                      language: str) -> PublishedDocument:
    """A statement's PDF in one language: public once that version is published; nothing of
    a draft is ever a file anyone can fetch."""
    from pollwatch.statements.models import PublishedDocument

    document = (PublishedDocument.objects.select_related("publication", "publication__statement")
                .filter(publication__statement__mission=mission,
                        publication__statement__slug=slug, publication__number=number,
                        language=language, publication__published_at__isnull=False).first())
    if document is None:
        raise Http404("No such published document")
    return document
# --- predicates the services call -----------------------------------------------------------
# A service never trusts its caller: it asks one of these with the actor it was given. An actor
# is a signed-in ``User`` or an explicit ``audit.SystemActor``; anything else is refused.

def may_read_mission(actor: Any, mission: Mission | int) -> bool:
    """Staff of the mission (analyst, coordinator), administrators and the system."""
    return _actor_has_role(actor, mission, STAFF)


def may_manage_mission(actor: Any, mission: Mission | int) -> bool:
    """Coordinators of the mission, administrators and the system."""
    return _actor_has_role(actor, mission, MANAGERS)


def _actor_has_role(actor: Any, mission: Mission | int, roles: Iterable[Role]) -> bool:
    from .audit import SystemActor
    from .models import User

    if isinstance(actor, SystemActor):
        return True
    if isinstance(actor, User):
        return has_role(actor, mission, roles)
    return False


def require_actor_role(actor: Any, mission: Mission | int, roles: Iterable[Role], what: str) -> None:
    """Raise ``PermissionDenied`` unless ``actor`` holds one of ``roles`` in ``mission``.

    ``what`` says what was refused, in the user's words ("approve findings"). The system
    (an ``audit.SystemActor``: commands, the demo, intake) may; an unknown actor (a string,
    ``None``, an anonymous user) may not.
    """
    if not _actor_has_role(actor, mission, roles):

        # Translators: %(what)s is one of the actions ("write findings", "edit statements"...).
        raise PermissionDenied(_("Your role in this mission does not allow you to %(what)s") % {"what": what})


def is_group_coordinator(actor: Any, group: Any) -> bool:
    """The group's coordinator: a coordinator of the group's mission who is named on the group
    or whose membership is in the group; administrators and the system too.

    Being named on the group is not enough without the coordinator role in its mission: a
    membership revoked (or never granted) takes the right away.
    """
    from .audit import SystemActor
    from .models import User

    if isinstance(actor, SystemActor) or is_administrator(actor):
        return True
    if not (isinstance(actor, User) and actor.is_authenticated and actor.is_active):
        return False
    if role_in_mission(actor, group.mission_id) != Role.COORDINATOR:
        return False
    if group.coordinator_id == actor.pk:
        return True
    return Membership.objects.filter(user=actor, mission_id=group.mission_id, group=group,
                                     role=Role.COORDINATOR).exists()


def may_decide_statement(actor: Any, statement: Any) -> bool:
    """Approve, publish or reopen a statement: the coordinator of its group (of one of its
    groups, for a common statement), a coordinator of the mission for a statement without a
    group, administrators and the system. Nobody else, and no unknown actor."""
    from .audit import SystemActor
    from .models import User

    if isinstance(actor, SystemActor):
        return True
    if not isinstance(actor, User):
        return False
    if statement.is_common:
        return any(is_group_coordinator(actor, g) for g in statement.groups.all())
    if statement.group_id:
        return is_group_coordinator(actor, statement.group)
    return has_role(actor, statement.mission, MANAGERS)


def inbound_reports_for_user(user: Any, mission: Mission) -> QuerySet:
    """The inbound reports (quarantine) ``user`` may see in ``mission``: the mission's own;
    administrators also see reports no mission could be found for (an unknown sender)."""
    from django.db.models import Q

    from pollwatch.intake.models import InboundReport

    if not has_role(user, mission, STAFF):
        return InboundReport.objects.none()
    if is_administrator(user):
        return InboundReport.objects.filter(Q(mission=mission) | Q(mission__isnull=True))
    return InboundReport.objects.filter(mission=mission)


def require_inbound_handler(actor: Any, report: Any, observer: Any = None) -> None:
    """Fixing (re-processing, re-attributing) or discarding a quarantined report: a coordinator
    of its mission, and of the observer's mission when it is attributed to one; a report of no
    mission only an administrator; the system (an observer replacing their own report) always."""

    from .audit import SystemActor

    if isinstance(actor, SystemActor):
        return
    missions = {m for m in (report.mission_id, getattr(observer, "mission_id", None)) if m}
    allowed = (is_administrator(actor) if not missions
               else all(may_manage_mission(actor, m) for m in missions))
    if not allowed:
        raise PermissionDenied(_("Only a coordinator of the report's mission fixes or discards it"))
