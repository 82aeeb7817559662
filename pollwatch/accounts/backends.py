"""Authentication backends: the password lockout check (django-axes) in front of Django's own.

``LockoutBackend`` refuses a user name and address pair that has had ``SIGN_IN_PASSWORD_ATTEMPTS``
wrong passwords in the last ``SIGN_IN_LOCKOUT_MINUTES``; the next backend checks the password.
Every sign-in page (``accounts:login``, the admin's) calls ``authenticate`` with the request.
A call without one has no address to count against: it is not checked here, and only code can
make it (Django's test ``Client.login``, a shell), never a visitor.
"""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    def authenticate(self, request: Any, username: str | None = None, password: str | None = None,
                     **kwargs: Any) -> None:
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
