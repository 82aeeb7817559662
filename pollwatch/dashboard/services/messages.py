"""Notices to observers: who receives one, sending it by SMS, and each delivery's state.

``send_notice`` stores the notice and one delivery per recipient, then sends the SMS through
the configured gateway (:mod:`pollwatch.dashboard.sms`); an observer without a phone, or a
notice not sent by SMS, is delivered on the observer's page only. Failed sends keep their
reason and can be retried (``retry_failed``). Every notice is in the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from pollwatch.accounts import audit
from pollwatch.accounts.models import AuditEntry, User
from pollwatch.elections.models import Area
from pollwatch.missions.models import Group, Mission, Observer

from .. import sms
from ..models import Delivery, Notice

MAX_LENGTH = 480  # three SMS segments


def recipients(mission: Mission, audience: str, *, group: Group | None = None,
               region: Area | None = None) -> QuerySet[Observer]:
    """Active observers a notice reaches: all, a group's, or the members of the teams working
    in a region (assigned to a station there, or based there)."""
    query = Observer.objects.filter(mission=mission, is_active=True)
    if audience == Notice.Audience.GROUP:
        if group is None or group.mission_id != mission.pk:
            raise ValueError(_("choose the group the notice is for"))
        return query.filter(group=group)
    if audience == Notice.Audience.REGION:
        if region is None or region.election_id != mission.election_id:
            raise ValueError(_("choose the region the notice is for"))
        in_region = (Q(teams__assignments__station__region=region) | Q(teams__base_area=region)
                     | Q(teams__base_area__path__startswith=f"{region.path}/"))
        return query.filter(in_region).distinct()
    if audience != Notice.Audience.ALL:
        raise ValueError(_("%(value)s is not an audience (all, group, region)") % {"value": repr(audience)})
    return query


def send_notice(mission: Mission, actor: audit.Actor, text: str, audience: str = Notice.Audience.ALL, *,
                group: Group | None = None, region: Area | None = None, by_sms: bool = True) -> Notice:
    text = (text or "").strip()
    if not text:
        raise ValueError(_("write the notice"))
    if len(text) > MAX_LENGTH:
        raise ValueError(_("the notice has %(n)s characters; keep it within %(max)s (three SMS)")
                         % {"n": len(text), "max": MAX_LENGTH})
    people = list(recipients(mission, audience, group=group, region=region).order_by("full_name"))
    if not people:
        raise ValueError(_("nobody is in this audience"))
    with transaction.atomic():
        notice = Notice.objects.create(
            mission=mission, audience=audience, group=group if audience == Notice.Audience.GROUP else None,
            region=region if audience == Notice.Audience.REGION else None, text=text, by_sms=by_sms,
            created_by=actor if isinstance(actor, User) else None)
        Delivery.objects.bulk_create([
            Delivery(notice=notice, observer=o, phone=o.phone,
                     state=Delivery.State.QUEUED if by_sms and o.phone else Delivery.State.PAGE)
            for o in people])
        audit.record(actor, AuditEntry.Action.CREATE, notice, mission=mission,
                     object_repr=f"notice to {notice.audience_label} ({len(people)} observers)",
                     changes={"text": [None, text], "by_sms": [None, by_sms]})
    dispatch(notice)
    return notice


def dispatch(notice: Notice, states: tuple[str, ...] = (Delivery.State.QUEUED,)) -> int:
    """Send the SMS of the notice's deliveries in ``states``; returns how many were sent."""
    gateway = sms.gateway()
    sent = 0
    for delivery in notice.deliveries.filter(state__in=states).exclude(phone=""):
        result = gateway.send(delivery.phone, notice.text)
        delivery.attempts += 1
        delivery.gateway = gateway.name
        if result.ok:
            delivery.state, delivery.gateway_id, delivery.error = Delivery.State.SENT, result.message_id, ""
            delivery.sent_at = timezone.now()
            sent += 1
        else:
            delivery.state, delivery.error = Delivery.State.FAILED, result.error
        delivery.save(update_fields=["attempts", "gateway", "state", "gateway_id", "error", "sent_at",
                                     "updated_at"])
    return sent


def retry_failed(notice: Notice, actor: audit.Actor) -> int:
    sent = dispatch(notice, (Delivery.State.FAILED,))
    audit.record(actor, AuditEntry.Action.ACTION, notice, mission=notice.mission,
                 object_repr=f"notice {notice.pk}: retried failed SMS ({sent} sent)")
    return sent


def record_delivery_status(gateway: str, message_id: str, delivered: bool, error: str = "") -> int:
    """A gateway's delivery report: the SMS reached the phone (or finally failed)."""
    if not message_id:
        return 0
    state = Delivery.State.DELIVERED if delivered else Delivery.State.FAILED
    return Delivery.objects.filter(gateway=gateway, gateway_id=message_id).exclude(
        state=Delivery.State.DELIVERED).update(state=state, error=error[:500], updated_at=timezone.now())


@dataclass
class NoticeRow:
    notice: Notice
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def notices_of(mission: Mission) -> list[NoticeRow]:
    """The mission's notices, newest first, with their deliveries counted by state."""
    notices = list(Notice.objects.filter(mission=mission).select_related("group", "region", "created_by")
                   .annotate(seen=Count("deliveries", filter=Q(deliveries__seen_at__isnull=False))))
    counts: dict[int, dict[str, int]] = {n.pk: {} for n in notices}
    for notice_id, state, n in (Delivery.objects.filter(notice__mission=mission)
                                .values_list("notice_id", "state").annotate(n=Count("id")).order_by()):
        counts[notice_id][state] = n
    return [NoticeRow(n, counts[n.pk]) for n in notices]


def notices_for_observer(observer: Observer, limit: int = 20) -> list[Delivery]:
    return list(Delivery.objects.filter(observer=observer).select_related("notice")
                .order_by("-notice__created_at", "-id")[:limit])


def mark_seen(deliveries: list[Delivery]) -> None:
    unseen = [d.pk for d in deliveries if d.seen_at is None]
    if unseen:
        Delivery.objects.filter(pk__in=unseen).update(seen_at=timezone.now())


DELIVERY_HEADER = ["notice_id", "sent_at_utc", "audience", "text", "observer", "group", "phone", "state",
                   "gateway", "gateway_id", "error", "attempts", "seen_at_utc"]


def deliveries_table(mission: Mission, notice: Notice | None = None):
    """Every delivery of the mission's notices (or of one), for CSV and XLSX."""
    from pollwatch.submissions.exports import Table

    query = (Delivery.objects.filter(notice__mission=mission)
             .select_related("notice", "notice__group", "notice__region", "observer", "observer__group")
             .order_by("notice__created_at", "notice_id", "observer__full_name"))
    if notice is not None:
        query = query.filter(notice=notice)

    def rows():
        for d in query.iterator(chunk_size=2000):
            n = d.notice
            yield [n.pk, n.created_at.isoformat(), n.audience_label, n.text, d.observer.full_name,
                   d.observer.group.code, d.phone, d.state, d.gateway, d.gateway_id, d.error, d.attempts,
                   d.seen_at.isoformat() if d.seen_at else ""], None

    name = f"{mission.code}-notices" + (f"-{notice.pk}" if notice is not None else "")
    return Table(name, DELIVERY_HEADER, rows())
