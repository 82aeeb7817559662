"""Request-wide account middleware: the staff second factor, and the audit log's request."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from . import access, audit, two_factor


class StaffTwoFactorMiddleware:
    """A signed-in staff user whose session has no verified second factor is sent to verify it
    (or, with none and ``STAFF_TWO_FACTOR = "required"``, to set one up) before any page.

    The API sees such a session as anonymous (401). Observers are never stopped here.
    Comes after django-otp's ``OTPMiddleware``, which tells whether the session is verified.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self._open: tuple[str, ...] | None = None

    def open_paths(self) -> tuple[str, ...]:
        """Pages that must stay reachable on the way to a verified session."""
        if self._open is None:
            self._open = (
                reverse("accounts:two_factor_verify").rsplit("/", 2)[0] + "/",
                reverse("accounts:logout"),
                reverse("accounts:login"),
                settings.STATIC_URL,
                "/i18n/",
                "/favicon.ico",
            )
        return self._open

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated and not user.is_verified()
                and not request.path.startswith(self.open_paths())
                and access.holds_staff_role(user)):
            enrolled = two_factor.enrolled_in_session(request)
            if enrolled or two_factor.required():
                if request.path.startswith("/api/"):
                    request.user = AnonymousUser()
                else:
                    step = "accounts:two_factor_verify" if enrolled else "accounts:two_factor_setup"
                    wanted = urlencode({"next": request.get_full_path()})
                    return redirect(f"{reverse(step)}?{wanted}")
        return self.get_response(request)


class AuditRequestMiddleware:
    """Audit entries written while a request is served carry its address and user agent; an
    export (CSV, XLSX, NIST, PDF) a signed-in user downloads is recorded."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with audit.acting_request(request):
            response = self.get_response(request)
            audit.record_download(request, response)
        return response
