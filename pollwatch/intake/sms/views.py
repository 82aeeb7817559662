"""The SMS gateways' webhooks: check the gateway's credential, receive, reply in its format."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from . import gateways
from .service import receive_sms

log = logging.getLogger(__name__)


def _refused(exc: gateways.GatewayRefused) -> HttpResponse:
    log.warning("sms: refused a %s webhook request: %s", exc.gateway, exc.reason)
    return HttpResponse(f"Refused: {exc.reason}\n", status=exc.status, content_type="text/plain")


@csrf_exempt
@require_POST
def twilio(request: HttpRequest) -> HttpResponse:
    try:
        sms = gateways.read_twilio(request)
    except gateways.GatewayRefused as exc:
        return _refused(exc)
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
    return gateways.reply_telerivet(receive_sms(sms).reply)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def rapidpro_channel(request: HttpRequest) -> HttpResponse:
    try:
        sms = gateways.read_rapidpro_channel(request)
    except gateways.GatewayRefused as exc:
        return _refused(exc)
    result = receive_sms(sms)
    return gateways.reply_rapidpro(result.reply, result.received.accepted)


@csrf_exempt
@require_POST
def rapidpro_flow(request: HttpRequest) -> HttpResponse:
    try:
        sms = gateways.read_rapidpro_flow(request)
    except gateways.GatewayRefused as exc:
        return _refused(exc)
    result = receive_sms(sms)
    return gateways.reply_rapidpro(result.reply, result.received.accepted)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def generic(request: HttpRequest) -> HttpResponse:
    try:
        sms = gateways.read_generic(request)
    except gateways.GatewayRefused as exc:
        return _refused(exc)
    return gateways.reply_generic(request, receive_sms(sms).reply)
