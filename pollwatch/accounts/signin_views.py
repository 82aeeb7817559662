"""Signing in on a phone with a one-time code, or with the link a QR code carries."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from . import audit, onetime

BACKEND = "django.contrib.auth.backends.ModelBackend"


def _client(request) -> str:
    return audit.client_address(request) or ""


def _next_url(request, default: str = "accounts:home") -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return wanted
    return default


def _signed_in(request, user):
    login(request, user, backend=BACKEND)
    request.session.set_expiry(None)
    return redirect(_next_url(request))


@never_cache
@sensitive_post_parameters("code")
def code_sign_in(request):
    """Phone number (or user name) and the 8-digit code from the coordinator."""
    error = ""
    identifier = request.POST.get("identifier", "").strip()
    if request.method == "POST":
        try:
            user = onetime.redeem_code(identifier, request.POST.get("code", ""), _client(request))
        except onetime.CodeRefused as exc:
            error = str(exc)
        else:
            return _signed_in(request, user)
    response = render(request, "accounts/code_sign_in.html", {
        "error": error, "identifier": identifier, "next": _next_url(request, "")},
        status=400 if error else 200)
    return response


@never_cache
def link_sign_in(request, token: str):
    """The QR code's link: a page with one button, so that a link preview cannot use it up."""
    record = onetime.code_for_token(token)
    if request.method == "POST" and record is not None:
        try:
            user = onetime.redeem_link(token)
        except onetime.CodeRefused:
            record = None
        else:
            return _signed_in(request, user)
    status = 200 if record is not None else 410
    return render(request, "accounts/link_sign_in.html", {"record": record}, status=status)


def locked_out(request, original_response=None, credentials=None):
    """The page a locked-out password sign-in gets (django-axes' ``AXES_LOCKOUT_CALLABLE``)."""
    minutes = int(getattr(settings, "SIGN_IN_LOCKOUT_MINUTES", 15))
    return render(request, "accounts/locked_out.html", {"lockout_minutes": minutes}, status=429)
