"""The SMS gateways' webhooks: check the gateway's credential, receive, reply in its format."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from pollwatch import ratelimits

from . import gateways
from .service import receive_sms, sender_number

log = logging.getLogger(__name__)


def _refused(exc: gateways.GatewayRefused) -> HttpResponse:
    log.warning("sms: refused a %s webhook request: %s", exc.gateway, exc.reason)
    return HttpResponse(f"Refused: {exc.reason}\n", status=exc.status, content_type="text/plain")


def _throttled(request: HttpRequest, sms: gateways.InboundSms) -> HttpResponse | None:
    """429 if the sender's phone is over ``RATE_LIMIT_SMS_SENDER`` (nothing is stored)."""
    phone = sender_number(sms.sender) or sms.sender
    masked = f"...{phone[-4:]}" if len(phone) > 4 else phone
    retry_after = ratelimits.check(request, "RATE_LIMIT_SMS_SENDER", "sms-sender", f"sms:{phone}",
                                   label=f"{sms.gateway} {masked}")
    if retry_after is None:
        return None
    response = HttpResponse(f"Too many messages from this sender; retry in {retry_after} s\n",
                            status=429, content_type="text/plain")
    response["Retry-After"] = str(retry_after)
    return response


@csrf_exempt
@require_POST
def twilio(request: HttpRequest) -> HttpResponse:
    try:
        sms = gateways.read_twilio(request)
    except gateways.GatewayRefused as exc:
        return _refused(exc)
    if (throttled := _throttled(request, sms)) is not None:
        return throttled
    return gateways.reply_twilio(receive_sms(sms).reply)


@csrf_exempt
@require_POST
def telerivet(request: HttpRequest) -> HttpResponse:
    try:
        sms = gateways.read_telerivet(request)
    except gateways.GatewayRefused as exc:
        return _refused(exc)
    if sms is None:
        return gateways.reply_telerivet("")
    if (throttled := _throttled(request, sms)) is not None:
        return throttled
    return gateways.reply_telerivet(receive_sms(sms).reply)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def rapidpro_channel(request: HttpRequest) -> HttpResponse:
    try:
        sms = gateways.read_rapidpro_channel(request)
    except gateways.GatewayRefused as exc:
        return _refused(exc)
    if (throttled := _throttled(request, sms)) is not None:
        return throttled
    result = receive_sms(sms)
    return gateways.reply_rapidpro(result.reply, result.received.accepted)


@csrf_exempt
@require_POST
def rapidpro_flow(request: HttpRequest) -> HttpResponse:
    try:
        sms = gateways.read_rapidpro_flow(request)
    except gateways.GatewayRefused as exc:
        return _refused(exc)
    if (throttled := _throttled(request, sms)) is not None:
        return throttled
    result = receive_sms(sms)
    return gateways.reply_rapidpro(result.reply, result.received.accepted)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def generic(request: HttpRequest) -> HttpResponse:
    try:
        sms = gateways.read_generic(request)
    except gateways.GatewayRefused as exc:
        return _refused(exc)
    if (throttled := _throttled(request, sms)) is not None:
        return throttled
    return gateways.reply_generic(request, receive_sms(sms).reply)
