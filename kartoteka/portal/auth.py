"""Portal logins: the password check and its throttle.

django-axes guards the staff login through Django's `authenticate()` and the staff user model;
portal users are checked here, with the same limits counted in the cache
(`accounts.throttle`): failures for one e-mail address from one client address
(AXES_FAILURE_LIMIT), and failures from one address across all e-mail addresses
(KARTOTEKA_LOGIN_ADDRESS_FAILURE_LIMIT), for AXES_COOLOFF_TIME hours.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest

from kartoteka.accounts.throttle import client_ip, over_limit, throttle_count, throttle_reset
from kartoteka.portal.models import PortalUser
from kartoteka.portal.sessions import may_log_in


@dataclass(frozen=True)
class LoginResult:
    user: PortalUser | None  # set when the person may log in now
    refused: bool = False  # the password was right, but the account may not log in (blocked, archived)
    locked: bool = False  # too many failures: not even checked


def _window() -> int:
    return max(1, int(float(settings.AXES_COOLOFF_TIME) * 3600))


def _keys(request: HttpRequest, email: str) -> tuple[str, str]:
    address = client_ip(request)
    return f"{email.strip().lower()}|{address}", address


def is_locked(request: HttpRequest, email: str) -> bool:
    pair, address = _keys(request, email)
    return throttle_count("portal-login", pair) >= int(settings.AXES_FAILURE_LIMIT) or throttle_count(
        "portal-login-ip", address
    ) >= int(settings.KARTOTEKA_LOGIN_ADDRESS_FAILURE_LIMIT)


def portal_authenticate(request: HttpRequest, *, email: str, password: str) -> LoginResult:
    if is_locked(request, email):
        return LoginResult(None, locked=True)
    user = PortalUser.objects.select_related("client").filter(email=email.strip().lower()).first()
    if user is None:
        PortalUser().set_password(password)  # as slow as a real check: the timing tells nothing
        return _failed(request, email)
    if not user.check_password(password):
        return _failed(request, email)
    pair, _address = _keys(request, email)
    throttle_reset("portal-login", pair)
    if not may_log_in(user):
        return LoginResult(None, refused=True)
    return LoginResult(user)


def _failed(request: HttpRequest, email: str) -> LoginResult:
    pair, address = _keys(request, email)
    over_limit("portal-login", pair, limit=int(settings.AXES_FAILURE_LIMIT), window_seconds=_window())
    over_limit(
        "portal-login-ip", address, limit=int(settings.KARTOTEKA_LOGIN_ADDRESS_FAILURE_LIMIT), window_seconds=_window()
    )
    return LoginResult(None, locked=is_locked(request, email))
