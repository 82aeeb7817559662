"""The second-factor pages under /accounts/two-factor/: set up an app, verify, recovery codes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login

from . import onetime, two_factor
from .signin_views import _next_url

_CODES_KEY = "pollwatch_recovery_codes"


@never_cache
@login_required
@sensitive_post_parameters("code")
def setup(request):
    """Scan the QR code (or type the key) into an authenticator app, then type its code."""
    user = request.user
    if two_factor.is_enrolled(user):
        if not user.is_verified():
            return redirect("accounts:two_factor_verify")
        messages.info(request, _("Your authenticator app is already set up."))
        return redirect("accounts:two_factor_recovery_codes")
    device = two_factor.start_enrolment(user)
    error = ""
    if request.method == "POST":
        codes = two_factor.confirm_enrolment(user, device, request.POST.get("code", ""))
        if codes is not None:
            otp_login(request, device)
            request.session[two_factor.SESSION_KEY] = True
            request.session[_CODES_KEY] = codes
            request.session["pollwatch_after_codes"] = _next_url(request, "")
            return redirect("accounts:two_factor_recovery_codes")
        error = _("That code does not match. Check the time on your phone, and type the 6 digits "
                  "the app shows now.")
    return render(request, "accounts/two_factor_setup.html", {
        "qr": onetime.qr_svg(device.config_url), "secret": two_factor.secret_for_typing(device),
        "error": error, "next": _next_url(request, ""), "required": two_factor.required(),
    }, status=400 if error else 200)


@never_cache
@login_required
@sensitive_post_parameters("code")
def verify(request):
    """After the password: the app's 6-digit code, or one recovery code."""
    user = request.user
    if not two_factor.is_enrolled(user):
        request.session[two_factor.SESSION_KEY] = False  # reset by an administrator meanwhile
        wanted = _next_url(request, "")
        return redirect(reverse("accounts:two_factor_setup")
                        + (f"?{urlencode({'next': wanted})}" if wanted else ""))
    if user.is_verified():
        return redirect(_next_url(request))
    error = ""
    if request.method == "POST":
        device = two_factor.verify(user, request.POST.get("code", ""))
        if device is not None:
            otp_login(request, device)
            return redirect(_next_url(request))
        error = _("That code is not right, or was used already. Type the 6 digits your app shows "
                  "now, or one of your recovery codes.")
    return render(request, "accounts/two_factor_verify.html", {
        "error": error, "next": _next_url(request, "")}, status=400 if error else 200)


@never_cache
@login_required
def recovery_codes(request):
    """New recovery codes are shown here once; a POST replaces them with new ones."""
    user = request.user
    if not two_factor.is_enrolled(user):
        return redirect("accounts:two_factor_setup")
    if not user.is_verified():
        return redirect("accounts:two_factor_verify")
    if request.method == "POST":
        request.session[_CODES_KEY] = two_factor.new_recovery_codes(user)
        return redirect("accounts:two_factor_recovery_codes")
    codes = request.session.pop(_CODES_KEY, None)
    after = request.session.pop("pollwatch_after_codes", "") if codes else ""
    return render(request, "accounts/two_factor_recovery_codes.html", {
        "codes": codes, "left": two_factor.recovery_codes_left(user), "after": after})
