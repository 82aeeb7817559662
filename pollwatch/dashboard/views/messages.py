"""Notices to observers: send, follow each delivery; the observer's own notices."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from pollwatch.accounts.access import MANAGERS, STAFF, mission_view, observer_for_user

from ..forms import NoticeForm
from ..models import Notice
from ..services import messages as service
from ._common import export_format, export_response


@mission_view(read=STAFF, write=MANAGERS)
def messages_page(request, mission):
    fmt = export_format(request)
    if fmt:
        return export_response(service.deliveries_table(mission), fmt)
    can_send = request.may_write
    form = NoticeForm(request.POST or None, mission=mission)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            notice = service.send_notice(mission, request.user, data["text"], data["audience"],
                                         group=data["group"], region=data["region"],
                                         by_sms=data["by_sms"])
        except ValueError as exc:
            form.add_error(None, str(exc))
        else:
            count = notice.deliveries.count()
            messages.success(request, _("Notice sent to %(n)d observers.") % {"n": count})
            return redirect("dashboard:notice", mission=mission.code, notice_id=notice.pk)
    return render(request, "dashboard/messages.html", {
        "mission": mission, "form": form, "can_send": can_send, "rows": service.notices_of(mission)})


@mission_view(read=STAFF, write=MANAGERS)
def notice_page(request, mission, notice_id: int):
    notice = Notice.objects.filter(mission=mission, pk=notice_id).select_related("group", "region").first()
    if notice is None:
        raise Http404("No such notice")
    fmt = export_format(request)
    if fmt:
        return export_response(service.deliveries_table(mission, notice), fmt)
    if request.method == "POST":
        sent = service.retry_failed(notice, request.user)
        messages.success(request, _("%(n)d SMS sent again.") % {"n": sent})
        return redirect("dashboard:notice", mission=mission.code, notice_id=notice.pk)
    deliveries = (notice.deliveries.select_related("observer", "observer__group")
                  .order_by("state", "observer__full_name"))
    return render(request, "dashboard/notice.html", {
        "mission": mission, "notice": notice, "deliveries": deliveries,
        "can_send": request.may_write})


@login_required
def observer_notices(request):
    """The signed-in observer's notices (HTML for the phone, JSON with ``?format=json``)."""
    observer = observer_for_user(request.user)
    if observer is None:
        raise Http404("You are not an observer")
    deliveries = service.notices_for_observer(observer)
    unseen = {d.pk for d in deliveries if d.seen_at is None}
    service.mark_seen(deliveries)
    if request.GET.get("format") == "json":
        return JsonResponse({"notices": [{"id": d.notice_id, "text": d.notice.text,
                                          "sent_at": d.notice.created_at.isoformat(), "new": d.pk in unseen}
                                         for d in deliveries]})
    return render(request, "dashboard/observer_notices.html", {
        "observer": observer, "deliveries": deliveries, "unseen": unseen})


@csrf_exempt
@require_POST
def twilio_status(request):
    """Twilio's StatusCallback: the delivery report of a notice's SMS (signature checked)."""
    from pollwatch.intake.sms import gateways

    try:
        gateways.read_twilio(request)
    except gateways.GatewayRefused as exc:
        return HttpResponse(exc.reason, status=exc.status)
    status = request.POST.get("MessageStatus", "")
    if status in ("delivered", "undelivered", "failed"):
        service.record_delivery_status("twilio", request.POST.get("MessageSid", ""), status == "delivered",
                                       request.POST.get("ErrorCode", ""))
    return HttpResponse(status=204)
